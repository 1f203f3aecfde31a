package io.meridian.drbridge;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code bin/meridian demo --drill}: the two regions on this machine, one drill under load, its report and status. */
class DemoTest {
    @Test
    void theDemosDrillPasses() throws Exception {
        Path dir = Files.createTempDirectory("meridian-demo");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = Demo.run(List.of("--drill", "--dir", dir.toString(), "--json", "--max-rto", "60"),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        String o = out.toString(StandardCharsets.UTF_8);
        String e = err.toString(StandardCharsets.UTF_8);
        assertEquals(0, status, o + e);
        assertTrue(o.contains("Meridian demo: two regions on this machine"), o);
        assertTrue(o.contains("redis-cli -p "), o);
        assertTrue(o.contains("\"result\":\"pass\""), o);
        assertTrue(o.contains("\"equal\":true"), o);
        assertTrue(e.contains("drill: [7/7] check"), e);
        assertTrue(Files.size(dir.resolve("demo.log")) > 0);
    }

    @Test
    void badOptionsAreRefused() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertEquals(2, Demo.run(List.of("--bogus"), System.out, new PrintStream(err, true, StandardCharsets.UTF_8)));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("unknown option --bogus"));
    }
}
