package io.meridian.node.lists;

import io.meridian.node.testing.Differential;
import io.meridian.node.testing.RealRedis;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The real redis-cli binary running list commands, blocking ones included, against Meridian and redis-server alike. */
class ListRedisCliTest {

    private static Process start(int port, String... args) {
        List<String> cmd = new ArrayList<>(List.of(RealRedis.binary("redis-cli"), "-h", "127.0.0.1", "-p", Integer.toString(port)));
        cmd.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            p.getOutputStream().close();
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String output(Process p) {
        try {
            byte[] out = p.getInputStream().readAllBytes();
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "redis-cli finished");
            return new String(out, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static void same(Differential d, String... args) {
        String expected = output(start(d.redis().port(), args));
        String actual = output(start(d.meridian().port(), args));
        assertEquals(expected, actual, "redis-cli " + String.join(" ", args));
    }

    @Test
    void listCommandsThroughRedisCli() {
        try (Differential d = new Differential()) {
            same(d, "--no-raw", "RPUSH", "k", "a", "b", "c", "b");
            same(d, "--no-raw", "LRANGE", "k", "0", "-1");
            same(d, "LRANGE", "k", "0", "-1");
            same(d, "--no-raw", "LPOS", "k", "b", "COUNT", "0");
            same(d, "--no-raw", "LPOP", "k", "2");
            same(d, "--no-raw", "LPOP", "missing", "2");
            same(d, "--no-raw", "LMPOP", "2", "missing", "k", "RIGHT", "COUNT", "5");
            same(d, "--no-raw", "BLPOP", "k", "0.1");
            same(d, "-3", "--no-raw", "BLMOVE", "k", "d", "LEFT", "LEFT", "0.1");
            same(d, "--no-raw", "BLPOP", "k", "-1");
            same(d, "--no-raw", "LPUSH", "k");
        }
    }

    @Test
    void aBlockedRedisCliIsServedByAPush() {
        try (Differential d = new Differential()) {
            List<String> outputs = new ArrayList<>();
            for (int port : new int[]{d.redis().port(), d.meridian().port()}) {
                Process blocked = start(port, "--no-raw", "BRPOP", "queue", "30");
                io.meridian.node.testing.RespClient pusher = new io.meridian.node.testing.RespClient("127.0.0.1", port);
                ListBlockingDifferentialTest.await("redis-cli blocked on port " + port,
                        () -> String.valueOf(pusher.call("INFO", "clients")).contains("blocked_clients:1"));
                pusher.call("LPUSH", "queue", "job-1", "job-2");
                outputs.add(output(blocked));
                outputs.add(String.valueOf(pusher.call("LRANGE", "queue", "0", "-1")));
                pusher.close();
            }
            assertEquals(outputs.get(0), outputs.get(2));
            assertEquals(outputs.get(1), outputs.get(3));
        }
    }
}
