package io.meridian.node.persist;

import io.meridian.node.Node;
import io.meridian.node.resp.RespEncoder;
import io.meridian.node.testing.TestNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The log inside a node: restart recovery, group commit, reply holding, damage at start-up. */
class WriteAheadLogTest {
    @TempDir
    Path dir;

    private TestNode start(String... flags) {
        List<String> all = new ArrayList<>(List.of("--dir", dir.toString()));
        all.addAll(List.of(flags));
        return TestNode.start(all.toArray(new String[0]));
    }

    private static <T> T onLoop(Node n, java.util.concurrent.Callable<T> task) throws Exception {
        return n.loop().submit(task).get(30, TimeUnit.SECONDS);
    }

    @Test
    void restartRestoresDataReplidAndOffset() throws Exception {
        String replid;
        long offset;
        try (TestNode n = start(); Jedis j = new Jedis(n.host(), n.port(), 30_000)) {
            for (int i = 0; i < 200; i++) j.set("k" + i, "v" + i);
            j.select(3);
            j.set("in3".getBytes(), new byte[]{0, 1, 2, (byte) 0xff, '\r', '\n'});
            j.set("ttl", "x", redis.clients.jedis.params.SetParams.setParams().ex(1000));
            j.select(0);
            j.set("k0", "again");
            replid = n.node().stream().replid();
            offset = n.node().stream().offset();
            assertTrue(offset > 0);
        }
        try (TestNode n = start(); Jedis j = new Jedis(n.host(), n.port(), 30_000)) {
            assertEquals(replid, n.node().stream().replid());
            assertEquals(offset, n.node().stream().offset());
            String info = j.info("replication");
            assertTrue(info.contains("master_replid:" + replid + "\r\n"), info);
            assertTrue(info.contains("master_repl_offset:" + offset + "\r\n"), info);
            assertEquals("again", j.get("k0"));
            assertEquals("v199", j.get("k199"));
            j.select(3);
            assertArrayEquals(new byte[]{0, 1, 2, (byte) 0xff, '\r', '\n'}, j.get("in3".getBytes()));
            long ttl = j.ttl("ttl");
            assertTrue(ttl > 990 && ttl <= 1000, "ttl " + ttl);
            assertNotNull(n.node().wal().recovery());
            // the stream goes on where it was, in the database it was in (db 0: no SELECT needed)
            j.select(0);
            j.set("after", "1");
            long expected = offset + RespEncoder.command("SET", "after", "1").length;
            assertEquals(expected, n.node().stream().offset());
        }
        try (TestNode n = start(); Jedis j = new Jedis(n.host(), n.port(), 30_000)) {
            assertEquals("1", j.get("after"));
            assertEquals(replid, n.node().stream().replid());
        }
    }

    @Test
    void aTransactionThePropagationWrapsIsReplayedWhole() throws Exception {
        try (TestNode n = start(); Jedis j = new Jedis(n.host(), n.port(), 30_000)) {
            j.set("gone", "1", redis.clients.jedis.params.SetParams.setParams().px(1));
            Thread.sleep(20);
            j.set("gone", "2"); // the expired key's DEL and this SET go out as MULTI/DEL/SET/EXEC
            j.set("other", "x");
        }
        try (TestNode n = start(); Jedis j = new Jedis(n.host(), n.port(), 30_000)) {
            assertEquals("2", j.get("gone"));
            assertEquals(-1, j.ttl("gone"));
            assertEquals("x", j.get("other"));
        }
    }

    @Test
    void theLogHoldsTheStreamByteForByteAndReadsFromAnyOffset() throws Exception {
        try (TestNode n = start(); Jedis j = new Jedis(n.host(), n.port(), 30_000)) {
            j.set("a", "1");
            j.select(2);
            j.set("b", "2");
            ByteArrayOutputStream want = new ByteArrayOutputStream();
            want.writeBytes(RespEncoder.command("SELECT", "0"));
            want.writeBytes(RespEncoder.command("SET", "a", "1"));
            want.writeBytes(RespEncoder.command("SELECT", "2"));
            want.writeBytes(RespEncoder.command("SET", "b", "2"));
            byte[] w = want.toByteArray();
            Node node = n.node();
            assertEquals(w.length, node.stream().offset());
            for (int from : new int[]{0, 5, w.length - 1, w.length}) {
                byte[] got = onLoop(node, () -> {
                    try (LogReader r = node.wal().read(from)) {
                        return r.readAllBytes();
                    }
                });
                assertArrayEquals(java.util.Arrays.copyOfRange(w, from, w.length), got, "from " + from);
            }
        }
    }

    @Test
    void underAlwaysAReplyComesOnlyAfterItsWriteIsSynced() throws Exception {
        try (TestNode n = start("--appendfsync", "always"); Jedis j = new Jedis(n.host(), n.port(), 30_000)) {
            WriteAheadLog wal = n.node().wal();
            for (int i = 0; i < 50; i++) {
                j.set("k" + i, "v");
                long end = n.node().stream().offset();
                assertTrue(wal.durableOffset() >= end, "acknowledged at " + end + " but durable only to " + wal.durableOffset());
            }
            assertTrue(wal.syncs() >= 1);
            // a read sees only durable data too
            assertEquals("v", j.get("k49"));
        }
    }

    @Test
    void underEverysecAReplyComesOnlyAfterItsWriteIsInTheLog() throws Exception {
        try (TestNode n = start("--appendfsync", "everysec"); Jedis j = new Jedis(n.host(), n.port(), 30_000)) {
            WriteAheadLog wal = n.node().wal();
            for (int i = 0; i < 50; i++) {
                j.set("k" + i, "v");
                assertTrue(wal.log().lastOffset() >= n.node().stream().offset());
            }
        }
    }

    @Test
    void groupCommitCoversManyWritesWithOneSync() throws Exception {
        int threads = 8;
        int perThread = 150;
        ConcurrentLinkedQueue<String> acked = new ConcurrentLinkedQueue<>();
        long syncs;
        long batches;
        try (TestNode n = start("--appendfsync", "always")) {
            List<Thread> ts = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int id = t;
                Thread th = new Thread(() -> {
                    try (Jedis j = new Jedis(n.host(), n.port(), 30_000)) {
                        for (int i = 0; i < perThread; i++) {
                            String k = "t" + id + ":" + i;
                            j.set(k, k);
                            acked.add(k);
                        }
                    }
                });
                th.start();
                ts.add(th);
            }
            for (Thread th : ts) th.join(120_000);
            syncs = n.node().wal().syncs();
            batches = n.node().wal().batches();
        }
        assertEquals(threads * perThread, acked.size());
        // fewer RocksDB writes and fsyncs than writes: turns and syncs are shared
        assertTrue(batches <= threads * perThread, "batches " + batches);
        assertTrue(syncs < threads * perThread, "syncs " + syncs + " for " + threads * perThread + " writes");
        try (TestNode n = start(); Jedis j = new Jedis(n.host(), n.port(), 30_000)) {
            for (String k : acked) assertEquals(k, j.get(k));
        }
    }

    @Test
    void pipelinedWritesShareOneLogWrite() throws Exception {
        try (TestNode n = start(); Jedis j = new Jedis(n.host(), n.port(), 30_000)) {
            long before = n.node().wal().batches();
            var p = j.pipelined();
            for (int i = 0; i < 500; i++) p.set("p" + i, "v");
            p.sync();
            long writes = n.node().wal().batches() - before;
            assertTrue(writes < 100, writes + " log writes for 500 pipelined SETs");
        }
    }

    @Test
    void configSetAppendfsyncTakesEffect() throws Exception {
        try (TestNode n = start("--appendfsync", "no"); Jedis j = new Jedis(n.host(), n.port(), 30_000)) {
            assertEquals(FsyncPolicy.NO, n.node().wal().policy());
            n.node().config().setFromString("appendfsync", "always");
            assertEquals(FsyncPolicy.ALWAYS, n.node().wal().policy());
            j.set("x", "1");
            assertTrue(n.node().wal().durableOffset() >= n.node().stream().offset());
        }
    }

    /** Writes keys one per turn (one record each) and returns the log's record offsets. */
    private List<Long> writeRecords(int keys) {
        try (TestNode n = start(); Jedis j = new Jedis(n.host(), n.port(), 30_000)) {
            for (int i = 0; i < keys; i++) j.set("r" + i, "v" + i);
            return n.node().wal().log().recordOffsets();
        }
    }

    @Test
    void aFlippedByteStopsStartUpNamingTheOffsetOrTruncatesWithTheFlag() throws Exception {
        List<Long> records = writeRecords(10);
        assertEquals(10, records.size());
        long bad = records.get(6);
        String replid;
        try (ReplicationLog log = ReplicationLog.open(dir.resolve(WriteAheadLog.DIRECTORY))) {
            replid = log.meta().replid();
            byte[] v = log.rawRecord(bad);
            v[LogRecord.HEADER + 3] ^= 0x01;
            log.overwriteRaw(bad, v);
        }
        LogCorruptionException e = assertThrows(LogCorruptionException.class, this::start);
        assertEquals(bad, e.offset());
        assertTrue(e.getMessage().contains("offset " + bad), e.getMessage());
        assertTrue(e.getMessage().contains("checksum"), e.getMessage());
        assertTrue(e.getMessage().contains("log-truncate-on-corruption"), e.getMessage());
        // still refused: nothing was changed by the failed start
        assertThrows(LogCorruptionException.class, this::start);
        try (TestNode n = start("--log-truncate-on-corruption", "yes"); Jedis j = new Jedis(n.host(), n.port(), 30_000)) {
            assertEquals(replid, n.node().stream().replid());
            assertEquals(bad, n.node().stream().offset());
            assertEquals("v5", j.get("r5"));
            assertNull(j.get("r6"));
            assertNull(j.get("r9"));
            j.set("new", "1");
        }
        try (TestNode n = start(); Jedis j = new Jedis(n.host(), n.port(), 30_000)) {
            assertEquals("1", j.get("new"));
            assertNull(j.get("r6"));
        }
    }

    @Test
    void aTornLastRecordIsHandledTheSameWay() throws Exception {
        List<Long> records = writeRecords(5);
        long last = records.get(records.size() - 1);
        try (ReplicationLog log = ReplicationLog.open(dir.resolve(WriteAheadLog.DIRECTORY))) {
            byte[] v = log.rawRecord(last);
            log.overwriteRaw(last, java.util.Arrays.copyOf(v, v.length - 7));
        }
        LogCorruptionException e = assertThrows(LogCorruptionException.class, this::start);
        assertEquals(LogCorruptionException.Kind.TORN, e.kind());
        assertTrue(e.getMessage().contains("offset " + last), e.getMessage());
        try (TestNode n = start("--log-truncate-on-corruption", "yes"); Jedis j = new Jedis(n.host(), n.port(), 30_000)) {
            assertEquals(last, n.node().stream().offset());
            assertEquals("v3", j.get("r3"));
            assertNull(j.get("r4"));
        }
    }

    @Test
    void aStreamThatRestartsElsewhereResetsTheLog() throws Exception {
        String fresh;
        try (TestNode n = start(); Jedis j = new Jedis(n.host(), n.port(), 30_000)) {
            j.set("a", "1");
            Node node = n.node();
            // what a replica's full resync does to the stream
            onLoop(node, () -> {
                node.stream().reset("c".repeat(40), 5000, -1);
                return null;
            });
            j.set("b", "2");
            assertEquals(5000, node.wal().firstOffset());
            assertEquals("c".repeat(40), node.wal().log().meta().replid());
            assertEquals(-1, node.wal().log().meta().recoveryPoint());
            fresh = node.stream().replid();
        }
        // no snapshot to rebuild from: the node starts empty under a new replid rather than claim an offset it lacks data for
        try (TestNode n = start(); Jedis j = new Jedis(n.host(), n.port(), 30_000)) {
            assertNotEquals("c".repeat(40), n.node().stream().replid());
            assertNotEquals(fresh, n.node().stream().replid());
            assertNull(j.get("a"));
        }
    }

    @Test
    void restartLoadsTheRdbThenReplaysTheLogFromItsOffsetAndTrimsBehindIt() throws Exception {
        String replid;
        long offset;
        long rdbOffset;
        String big = "w".repeat(400);
        try (TestNode n = start("--repl-backlog-size", "16kb"); Jedis j = new Jedis(n.host(), n.port(), 30_000)) {
            for (int i = 0; i < 100; i++) j.set("before" + i, "v" + i);
            rdbOffset = n.node().stream().offset();
            assertEquals("OK", j.save());
            // more than repl-backlog-size after the RDB: trimming may drop all that came before it
            for (int i = 0; i < 100; i++) j.set("after" + i, big + i);
            replid = n.node().stream().replid();
            offset = n.node().stream().offset();
            // trimming (once a second, in the background) drops what the RDB covers, never what follows it
            WriteAheadLog wal = n.node().wal();
            long deadline = System.currentTimeMillis() + 30_000;
            while (wal.firstOffset() == 0 && System.currentTimeMillis() < deadline) Thread.sleep(20);
            assertTrue(wal.firstOffset() > 0, "trimmed");
            assertTrue(wal.firstOffset() <= rdbOffset, wal.firstOffset() + " > " + rdbOffset);
        }
        try (TestNode n = start(); Jedis j = new Jedis(n.host(), n.port(), 30_000)) {
            assertEquals(replid, n.node().stream().replid());
            assertEquals(offset, n.node().stream().offset());
            assertEquals(rdbOffset, n.node().wal().recovery().from());
            assertEquals(100, n.node().wal().recovery().commands());
            assertEquals("v99", j.get("before99"));
            assertEquals(big + 99, j.get("after99"));
        }
    }

    @Test
    void aLogFromAnotherHistoryIsNotReplayedOntoTheRdb(@TempDir Path other) throws Exception {
        String replid;
        try (TestNode n = start(); Jedis j = new Jedis(n.host(), n.port(), 30_000)) {
            j.set("mine", "1");
            j.save();
            replid = n.node().stream().replid();
        }
        try (TestNode n = TestNode.start("--dir", other.toString()); Jedis j = new Jedis(n.host(), n.port(), 30_000)) {
            for (int i = 0; i < 10; i++) j.set("theirs" + i, "x");
        }
        Path log = dir.resolve(WriteAheadLog.DIRECTORY);
        try (var files = java.nio.file.Files.walk(log)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
        java.nio.file.Files.move(other.resolve(WriteAheadLog.DIRECTORY), log);
        try (TestNode n = start(); Jedis j = new Jedis(n.host(), n.port(), 30_000)) {
            assertEquals(replid, n.node().stream().replid());
            assertEquals("1", j.get("mine"));
            assertNull(j.get("theirs0"));
            assertEquals(replid, n.node().wal().log().meta().replid());
            j.set("next", "2");
        }
        try (TestNode n = start(); Jedis j = new Jedis(n.host(), n.port(), 30_000)) {
            assertEquals("2", j.get("next"));
            assertEquals("1", j.get("mine"));
        }
    }

    @Test
    void theLogCanBeTurnedOff() {
        try (TestNode n = start("--repl-log-enabled", "no"); Jedis j = new Jedis(n.host(), n.port(), 30_000)) {
            assertNull(n.node().wal());
            j.set("a", "1");
            assertEquals("1", j.get("a"));
        }
        assertTrue(!dir.resolve(WriteAheadLog.DIRECTORY).toFile().exists());
    }
}
