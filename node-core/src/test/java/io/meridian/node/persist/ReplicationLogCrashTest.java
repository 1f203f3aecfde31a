package io.meridian.node.persist;

import io.meridian.node.resp.RespEncoder;
import io.meridian.node.testing.RealRedis;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Crash tests in separate processes: a master node in a child JVM ({@link CrashNodeMain},
 * i.e. the Launcher in master mode) is killed with SIGKILL while clients write under
 * {@code appendfsync always}, then restarted on the same directory (INFO's master_replid and
 * master_repl_offset as before); and a log damaged while the node was down stops start-up
 * naming the offset, or is truncated with the flag.
 */
class ReplicationLogCrashTest {
    private static final long START_TIMEOUT_MS = 120_000;
    @TempDir
    Path dir;

    /** A node in a child JVM. */
    private static final class Child implements AutoCloseable {
        final Process process;
        final int port;
        final Path output;

        private Child(Process process, int port, Path output) {
            this.process = process;
            this.port = port;
            this.output = output;
        }

        static Child launch(Path dir, String... flags) throws IOException {
            int port = RealRedis.freePort();
            String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
            List<String> cmd = new ArrayList<>(List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                    "-cp", cp, CrashNodeMain.class.getName(),
                    "--port", Integer.toString(port), "--bind", "127.0.0.1", "--dir", dir.toString(), "--save", ""));
            cmd.addAll(List.of(flags));
            Path out = Files.createTempFile(dir, "child", ".log");
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
            return new Child(p, port, out);
        }

        String output() {
            try {
                return Files.readString(output, StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "(no output: " + e + ")";
            }
        }

        /** Waits until the node serves; fails with its output if it exits first. */
        Child ready() throws InterruptedException {
            long deadline = System.currentTimeMillis() + START_TIMEOUT_MS;
            while (System.currentTimeMillis() < deadline) {
                if (output().contains("Ready to accept connections")) return this;
                if (!process.isAlive()) throw new AssertionError("node exited with " + process.exitValue() + ":\n" + output());
                Thread.sleep(50);
            }
            throw new AssertionError("node not ready after " + START_TIMEOUT_MS + " ms:\n" + output());
        }

        /** Waits for the node to exit by itself; returns its exit code. */
        int exitCode() throws InterruptedException {
            assertTrue(process.waitFor(START_TIMEOUT_MS, TimeUnit.MILLISECONDS), "node did not exit:\n" + output());
            return process.exitValue();
        }

        Jedis jedis() {
            return new Jedis("127.0.0.1", port, 30_000);
        }

        /** [master_replid, master_repl_offset] from INFO replication. */
        String[] replInfo() {
            try (Jedis j = jedis()) {
                String info = j.info("replication");
                return new String[]{field(info, "master_replid"), field(info, "master_repl_offset")};
            }
        }

        private static String field(String info, String name) {
            for (String line : info.split("\r\n")) {
                if (line.startsWith(name + ":")) return line.substring(name.length() + 1);
            }
            throw new AssertionError(name + " not in INFO: " + info);
        }

        /** kill -9. */
        void kill() throws InterruptedException {
            process.destroyForcibly();
            assertTrue(process.waitFor(60, TimeUnit.SECONDS));
        }

        @Override
        public void close() throws InterruptedException {
            if (process.isAlive()) kill();
        }
    }

    /** Damages the record at offset at in a log opened while the node is down. */
    private interface Damage {
        void apply(ReplicationLog log, long at);
    }

    private static long setLength(String k, String v) {
        return RespEncoder.command("SET", k, v).length;
    }

    @Test
    void killMinus9MidStreamKeepsEveryAcknowledgedWriteAndTheReplid() throws Exception {
        Map<String, String> acked = new ConcurrentHashMap<>();
        String replid;
        long offsetBefore;
        try (Child node = Child.launch(dir, "--appendfsync", "always").ready()) {
            try (Jedis j = node.jedis()) {
                for (int i = 0; i < 50; i++) {
                    j.set("pre:" + i, "p" + i);
                    acked.put("pre:" + i, "p" + i);
                }
            }
            String[] info = node.replInfo();
            replid = info[0];
            offsetBefore = Long.parseLong(info[1]);
            AtomicBoolean stop = new AtomicBoolean();
            List<Thread> writers = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int id = t;
                Thread th = new Thread(() -> {
                    try (Jedis j = node.jedis()) {
                        for (int i = 0; !stop.get() && i < 1_000_000; i++) {
                            String k = "w" + id + ":" + i;
                            j.set(k, "v" + i);
                            acked.put(k, "v" + i);
                        }
                    } catch (RuntimeException e) {
                        // the node was killed under us: the write in flight is not acknowledged
                    }
                });
                th.start();
                writers.add(th);
            }
            long deadline = System.currentTimeMillis() + 120_000;
            while (acked.size() < 50 + 800 && System.currentTimeMillis() < deadline) Thread.sleep(5);
            node.kill(); // mid-stream: the writers are still sending
            stop.set(true);
            for (Thread th : writers) th.join(60_000);
        }
        assertTrue(acked.size() >= 850, "only " + acked.size() + " writes acknowledged");
        try (Child node = Child.launch(dir).ready(); Jedis j = node.jedis()) {
            String[] info = node.replInfo();
            assertEquals(replid, info[0], "replid kept");
            long offset = Long.parseLong(info[1]);
            assertTrue(offset >= offsetBefore, offset + " < " + offsetBefore);
            for (Map.Entry<String, String> e : acked.entrySet()) {
                assertEquals(e.getValue(), j.get(e.getKey()), "acknowledged write of " + e.getKey() + " lost");
            }
            // the offset is exactly the stream that produced what is there: SELECT 0 then one SET per key
            Set<String> keys = j.keys("*");
            assertTrue(keys.size() <= acked.size() + 4, "at most one unacknowledged write per writer may have landed");
            long expected = RespEncoder.command("SELECT", "0").length;
            for (String k : keys) expected += setLength(k, j.get(k));
            assertEquals(expected, offset, "master_repl_offset after restart");
        }
    }

    /** Writes 30 keys one per record, kills the node, damages the log, checks both start-up behaviours. */
    private void damagedLog(String what, Damage damage, int firstLostKey) throws Exception {
        String replid;
        try (Child node = Child.launch(dir, "--appendfsync", "always").ready()) {
            try (Jedis j = node.jedis()) {
                for (int i = 0; i < 30; i++) j.set("d" + i, "v" + i);
            }
            replid = node.replInfo()[0];
            node.kill();
        }
        long bad;
        try (ReplicationLog log = ReplicationLog.open(dir.resolve(WriteAheadLog.DIRECTORY))) {
            List<Long> records = log.recordOffsets();
            assertEquals(30, records.size(), "one record per write");
            bad = records.get(firstLostKey);
            damage.apply(log, bad);
        }
        try (Child node = Child.launch(dir)) {
            assertEquals(1, node.exitCode(), what + ": start-up must fail:\n" + node.output());
            String out = node.output();
            assertTrue(out.contains("corrupt at offset " + bad), what + ": the error names the offset:\n" + out);
            assertTrue(out.contains("log-truncate-on-corruption"), out);
            assertFalse(out.contains("Ready to accept connections"), out);
        }
        try (Child node = Child.launch(dir, "--log-truncate-on-corruption", "yes").ready(); Jedis j = node.jedis()) {
            String[] info = node.replInfo();
            assertEquals(replid, info[0]);
            assertEquals(bad, Long.parseLong(info[1]));
            for (int i = 0; i < firstLostKey; i++) assertEquals("v" + i, j.get("d" + i));
            for (int i = firstLostKey; i < 30; i++) assertNull(j.get("d" + i));
            assertTrue(node.output().contains("truncated the log at offset " + bad), node.output());
        }
    }

    @Test
    void aTornLastRecordStopsStartUpOrIsTruncatedWithTheFlag() throws Exception {
        damagedLog("torn", (log, at) -> {
            byte[] v = log.rawRecord(at);
            log.overwriteRaw(at, Arrays.copyOf(v, v.length - 5)); // a partial write of the last record
        }, 29);
    }

    @Test
    void aFlippedByteStopsStartUpOrIsTruncatedWithTheFlag() throws Exception {
        damagedLog("flipped byte", (log, at) -> {
            byte[] v = log.rawRecord(at);
            v[LogRecord.HEADER + 20] ^= 0x04;
            log.overwriteRaw(at, v);
        }, 17);
    }
}
