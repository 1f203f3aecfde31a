package io.meridian.node.audit;

import io.meridian.node.boot.Launcher;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The launcher, run in a child JVM as `bin/meridian master` runs it, refuses bad flags and bad
 * config files exactly as redis-server does: the same FATAL CONFIG FILE ERROR report and exit
 * code 1 (redis-server from Debian is run the same way for the expected text).
 */
class ConfigErrorChildTest {

    /** Main class for the child: Launcher.run("master", args), as master-node's main does. */
    public static final class Main {
        public static void main(String[] args) {
            Launcher.run("master", args);
        }
    }

    private record Outcome(int code, String text) {}

    private static Outcome run(List<String> cmd) throws Exception {
        // run in a scratch directory: a node that did start would write nothing into the tree
        Process p = new ProcessBuilder(cmd).directory(Files.createTempDirectory("meridian-child").toFile())
                .redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "exited");
        return new Outcome(p.exitValue(), new String(out).strip());
    }

    private static Outcome meridian(String... args) throws Exception {
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx128m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp", cp, Main.class.getName()));
        cmd.addAll(List.of(args));
        return run(cmd);
    }

    private static Outcome redis(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("redis-server"));
        cmd.addAll(List.of(args));
        return run(cmd);
    }

    /** The report block (from the FATAL line on): log lines before it differ by design. */
    private static String report(String text) {
        int i = text.indexOf("*** FATAL CONFIG FILE ERROR");
        return i < 0 ? text : text.substring(i);
    }

    private static void same(String... args) throws Exception {
        Outcome want = redis(args), got = meridian(args);
        assertEquals(1, want.code(), want.text());
        assertEquals(want.code(), got.code(), got.text());
        assertEquals(report(want.text()), report(got.text()), String.join(" ", args));
    }

    @Test
    void badFlagsAndFilesFailLikeRedisServer() throws Exception {
        Path dir = Files.createTempDirectory("meridian-conf");
        Path unknown = dir.resolve("unknown.conf");
        Files.writeString(unknown, "port 0\n# comment\nno-such-directive yes\n");
        Path badEnum = dir.resolve("enum.conf");
        Files.writeString(badEnum, "port 0\nmaxmemory-policy nope\n");
        Path badNumber = dir.resolve("number.conf");
        Files.writeString(badNumber, "port 0\nmaxclients lots\n");
        same("--port", "0", "--bogus", "1");
        same(unknown.toString());
        same(badEnum.toString());
        same(badNumber.toString(), "--port", "0");
        same("--port", "0", "--appendfsync", "sometimes");
    }
}
