package io.meridian.node.boot;

import io.meridian.node.persist.CrashNodeMain;
import io.meridian.node.testing.RealRedis;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SIGTERM (what Kubernetes and `docker stop` send) does what it does to redis-server: with save
 * points set, the final RDB is saved before the process exits, and the log says so.
 */
class SigtermTest {
    @Test
    void sigtermSavesTheFinalSnapshotWhenSavePointsAreSet() throws Exception {
        Path dir = Files.createTempDirectory("meridian-sigterm");
        int port = RealRedis.freePort();
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Path out = dir.resolve("node.log");
        Process p = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp", cp, CrashNodeMain.class.getName(),
                "--port", Integer.toString(port), "--bind", "127.0.0.1", "--dir", dir.toString(),
                "--save", "3600 1", "--repl-log-enabled", "no"))
                .redirectErrorStream(true).redirectOutput(out.toFile()).start();
        try {
            long deadline = System.currentTimeMillis() + 60_000;
            while (!Files.readString(out).contains("Ready to accept connections")) {
                assertTrue(p.isAlive(), () -> "node exited: " + read(out));
                assertTrue(System.currentTimeMillis() < deadline, "node did not start");
                Thread.sleep(50);
            }
            try (Jedis j = new Jedis("127.0.0.1", port, 30_000)) {
                j.set("kept", "across SIGTERM");
            }
            assertTrue(Files.notExists(dir.resolve("dump.rdb")), "no save before the signal (save point is an hour away)");
            p.destroy(); // SIGTERM
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "node did not exit on SIGTERM");
            String log = read(out);
            assertTrue(log.contains("Received SIGTERM scheduling shutdown..."), log);
            assertTrue(log.contains("Saving the final RDB snapshot before exiting."), log);
            assertTrue(log.contains("DB saved on disk"), log);
            assertTrue(Files.exists(dir.resolve("dump.rdb")), "no dump.rdb after SIGTERM:\n" + log);
            byte[] rdb = Files.readAllBytes(dir.resolve("dump.rdb"));
            assertEquals("REDIS0010", new String(rdb, 0, 9, StandardCharsets.US_ASCII));
            assertTrue(new String(rdb, StandardCharsets.ISO_8859_1).contains("across SIGTERM"));
        } finally {
            p.destroyForcibly();
        }
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (java.io.IOException e) {
            return "(unreadable: " + e + ")";
        }
    }
}
