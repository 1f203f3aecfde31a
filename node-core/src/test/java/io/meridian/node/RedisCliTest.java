package io.meridian.node;

import io.meridian.node.testing.Differential;
import io.meridian.node.testing.RealRedis;
import io.meridian.node.testing.RespClient;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The real redis-cli binary against Meridian, its output compared with the same run against redis-server. */
class RedisCliTest {
    /** Runs redis-cli with args and stdin; returns stdout (stderr is discarded: it carries warnings). */
    static String cli(int port, String stdin, String... args) {
        List<String> cmd = new ArrayList<>(List.of(RealRedis.binary("redis-cli"), "-h", "127.0.0.1", "-p", Integer.toString(port)));
        cmd.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            if (stdin != null) p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
            p.getOutputStream().close();
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

    private static void same(Differential d, String stdin, String... args) {
        String expected = cli(d.redis().port(), stdin, args);
        String actual = cli(d.meridian().port(), stdin, args);
        assertEquals(expected, actual, "redis-cli " + String.join(" ", args));
    }

    @Test
    void commandsAndTransactionsThroughRedisCli() {
        try (Differential d = new Differential()) {
            assertEquals("PONG\n", cli(d.meridian().port(), null, "PING"));
            same(d, null, "SET", "k", "hello world");
            same(d, null, "GET", "k");
            same(d, null, "--no-raw", "GET", "k");
            same(d, null, "--no-raw", "INCR", "k");
            same(d, null, "--no-raw", "HELLO", "2", "SETNAME", "bad name");
            same(d, "MULTI\nSET a 1\nINCR a\nINCR k\nGET a\nEXEC\nGET a\nDISCARD\nEXEC\n");
            same(d, "MULTI\nSET a\nSET b 2\nEXEC\nGET b\n", "--no-raw");
            same(d, "SELECT 4\nSET in4 x\nGET in4\nSELECT 0\nGET in4\n", "--no-raw");
            same(d, null, "-n", "4", "GET", "in4");
            same(d, null, "--no-raw", "CLIENT", "NOSUCH");
            same(d, null, "--no-raw", "PUBSUB", "NUMSUB", "a", "b");
            same(d, null, "-3", "--no-raw", "CLIENT", "TRACKINGINFO");
            same(d, null, "-3", "--no-raw", "PING");
        }
    }

    @Test
    void pipeModeMassInsertion() {
        try (Differential d = new Differential()) {
            StringBuilder proto = new StringBuilder();
            for (int i = 0; i < 10_000; i++) {
                String k = "key:" + i, v = "value-" + i;
                proto.append("*3\r\n$3\r\nSET\r\n$").append(k.length()).append("\r\n").append(k)
                        .append("\r\n$").append(v.length()).append("\r\n").append(v).append("\r\n");
            }
            String out = cli(d.meridian().port(), proto.toString(), "--pipe");
            assertTrue(out.contains("errors: 0, replies: 10000"), out);
            assertEquals("value-9999", d.meridianClient().call("GET", "key:9999"));
            // and an inline mass insertion with errors counts them as redis-server does
            String inline = "SET a 1\nINCR a\nLPUSH a x\nNOSUCH\nGET a\n";
            String expected = cli(d.redis().port(), inline, "--pipe");
            String actual = cli(d.meridian().port(), inline, "--pipe");
            assertEquals(expected.substring(expected.indexOf("errors")), actual.substring(actual.indexOf("errors")));
        }
    }

    @Test
    void requirepassThroughRedisCli() {
        try (Differential d = new Differential("--requirepass", "pw")) {
            same(d, null, "--no-raw", "PING");
            same(d, null, "-a", "wrong", "--no-raw", "PING");
            same(d, null, "-a", "pw", "--no-raw", "PING");
            same(d, null, "--user", "default", "--pass", "pw", "--no-raw", "SET", "x", "1");
            same(d, "AUTH pw\nGET x\n", "--no-raw");
        }
    }

    @Test
    void subscribeThroughRedisCli() throws Exception {
        try (Differential d = new Differential()) {
            Process p = new ProcessBuilder(RealRedis.binary("redis-cli"), "-p", Integer.toString(d.meridian().port()), "SUBSCRIBE", "news")
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            try {
                BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
                assertEquals("subscribe", out.readLine());
                assertEquals("news", out.readLine());
                assertEquals("1", out.readLine());
                RespClient pub = d.meridianClient();
                long deadline = System.currentTimeMillis() + 10_000;
                while (!pub.call("PUBSUB", "NUMSUB", "news").equals(List.of("news", 1L)) && System.currentTimeMillis() < deadline) {
                    Thread.sleep(20);
                }
                assertEquals(1L, pub.call("PUBLISH", "news", "hello cli"));
                assertEquals("message", out.readLine());
                assertEquals("news", out.readLine());
                assertEquals("hello cli", out.readLine());
            } finally {
                p.destroy();
                p.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }
}
