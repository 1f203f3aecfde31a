package io.meridian.node.repl.master;

import io.meridian.node.testing.CuttingProxy;
import io.meridian.node.testing.RealRedis;
import io.meridian.node.testing.TestNode;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static io.meridian.node.repl.master.ReplTesting.assertSameData;
import static io.meridian.node.repl.master.ReplTesting.longField;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue item "an interrupted transfer of a large snapshot is not restarted from zero when the
 * snapshot is still valid": a link cut in the middle of a disk-backed full sync, through a
 * proxy, while a writer keeps the master busy. A Meridian replica keeps the bytes it received
 * and offers them (REPLCONF rdb-resume); the master, which keeps the snapshot file while its
 * backlog covers it, sends only the rest; the replica ends with the master's data. A replica
 * whose bytes differ from the file, and a Redis master that knows nothing of resuming, get
 * the whole snapshot again, and lose nothing either.
 */
class ResumedTransferTest {
    /** Bytes let through before the cut: well inside a snapshot of ~25 MB. */
    private static final long CUT_AFTER = 8L << 20;

    /** ~25 MB of RDB: many small keys of every type and 2,000 values of 8 KB. */
    private static void load(Jedis m) {
        ReplTesting.fill(m, 50_000);
        var p = m.pipelined();
        byte[] big = new byte[8192];
        new java.util.Random(3).nextBytes(big);
        for (int i = 0; i < 2000; i++) {
            big[0] = (byte) i;
            big[1] = (byte) (i >> 8);
            p.set(("big:" + i).getBytes(), big.clone());
        }
        p.sync();
    }

    @Test
    void aCutTransferResumesFromTheByteItStoppedAt() throws Exception {
        try (ReplTesting.LogCapture log = new ReplTesting.LogCapture();
             TestNode master = TestNode.start("--repl-diskless-sync", "no");
             Jedis m = new Jedis(master.host(), master.port(), 60_000)) {
            load(m);
            JedisDataException bad = assertThrows(JedisDataException.class,
                    () -> m.sendCommand(() -> "REPLCONF".getBytes(), "rdb-resume", "nonsense"));
            assertEquals("ERR Invalid rdb-resume token: nonsense", bad.getMessage());
            try (ReplTesting.Writer writer = new ReplTesting.Writer(master.host(), master.port(), false)) {
                writer.start();
                try (CutReplica cut = CutReplica.of(master.host(), master.port())) {
                    CuttingProxy proxy = cut.proxy();
                    Jedis r = cut.client();
                    assertTrue(Files.size(cut.partial()) > CUT_AFTER / 2, "the replica kept what it received: " + Files.size(cut.partial()));
                    proxy.release();
                    awaitResumed(m, 120_000);
                    Thread.sleep(500); // the writer goes on over the resumed link
                    writer.close();
                    assertSameData(m, r);
                    assertEquals(2, longField(m, "stats", "sync_full"), "two full syncs, the second one resumed: " + m.info("stats"));
                    assertEquals(1, longField(m, "stats", "sync_full_resumed"));
                    String resumed = log.lines().stream().filter(l -> l.startsWith("Resuming the transfer of the snapshot")).findFirst()
                            .orElseThrow(() -> new AssertionError("no resume in the master's log: " + log.lines()));
                    long from = Long.parseLong(resumed.replaceAll(".* from byte (\\d+) of (\\d+) .*", "$1"));
                    long size = Long.parseLong(resumed.replaceAll(".* from byte (\\d+) of (\\d+) .*", "$2"));
                    assertTrue(from > CUT_AFTER - 4096 && from <= CUT_AFTER, "resumed at the byte the cut left off: " + resumed);
                    assertTrue(size > 2 * CUT_AFTER, "a snapshot well larger than what went before the cut: " + resumed);
                    // what went over the second link: the rest of the snapshot and the stream, not the whole snapshot again
                    List<Long> down = proxy.downstreamBytes();
                    long second = down.get(1);
                    assertTrue(second < size - from + (8L << 20), "second link carried " + second + " bytes for " + (size - from)
                            + " bytes of the snapshot left");
                    assertTrue(log.count("resuming the cut transfer: receiving bytes " + from + " to " + size) == 1, "the replica says so");
                    try (Stream<Path> files = Files.list(cut.replica().dir())) {
                        assertEquals(0, files.filter(f -> f.getFileName().toString().startsWith("temp-")).count(), "no temp file left");
                    }
                }
            }
        }
    }

    /** The replica's process stops after the cut (a pod rescheduled): started again on its directory, it resumes too. */
    @Test
    void aReplicaRestartedAfterTheCutResumesToo() throws Exception {
        try (ReplTesting.LogCapture log = new ReplTesting.LogCapture();
             TestNode master = TestNode.start("--repl-diskless-sync", "no");
             Jedis m = new Jedis(master.host(), master.port(), 60_000);
             CuttingProxy proxy = new CuttingProxy(master.host(), master.port(), CUT_AFTER)) {
            load(m);
            proxy.holdNewConnections();
            Path dir = java.nio.file.Files.createTempDirectory("meridian-resume");
            try (TestNode first = TestNode.start("--dir", dir.toString(), "--replicaof", "127.0.0.1", Integer.toString(proxy.port()))) {
                assertTrue(proxy.awaitCut(120_000));
                awaitPartialFile(dir);
            }
            assertTrue(Files.exists(dir.resolve("temp-sync-partial.properties")), "the transfer is recorded beside its file");
            try (TestNode again = TestNode.start("--dir", dir.toString(), "--replicaof", "127.0.0.1", Integer.toString(proxy.port()));
                 Jedis r = new Jedis(again.host(), again.port(), 60_000)) {
                assertEquals(1, log.count("cut by a restart; the first attempt offers to resume it"), log.lines().toString());
                proxy.release();
                awaitResumed(m, 120_000);
                assertSameData(m, r);
                try (Stream<Path> files = Files.list(dir)) {
                    assertEquals(0, files.filter(f -> f.getFileName().toString().startsWith("temp-")).count(), "no temp file left");
                }
            }
        }
    }

    @Test
    void bytesThatDifferFromTheKeptFileGetTheWholeSnapshot() throws Exception {
        try (ReplTesting.LogCapture log = new ReplTesting.LogCapture();
             TestNode master = TestNode.start("--repl-diskless-sync", "no");
             Jedis m = new Jedis(master.host(), master.port(), 60_000)) {
            load(m);
            try (CutReplica cut = CutReplica.of(master.host(), master.port())) {
                try (RandomAccessFile f = new RandomAccessFile(cut.partial().toFile(), "rw")) {
                    long at = f.length() - 100; // inside the last window the master checks
                    f.seek(at);
                    int b = f.read();
                    f.seek(at);
                    f.write(b ^ 0xff);
                }
                cut.proxy().release();
                assertSameData(m, cut.client());
                assertEquals(0, longField(m, "stats", "sync_full_resumed"));
                assertEquals(1, log.count("the first bytes the replica holds differ from the kept snapshot's"), log.lines().toString());
            }
        }
    }

    @Test
    void aRedisMasterSendsTheWholeSnapshotAgain() throws Exception {
        try (ReplTesting.LogCapture log = new ReplTesting.LogCapture();
             RealRedis master = RealRedis.start("--repl-diskless-sync", "no");
             Jedis m = new Jedis(master.host(), master.port(), 60_000)) {
            load(m);
            try (CutReplica cut = CutReplica.of(master.host(), master.port())) {
                cut.proxy().release();
                assertSameData(m, cut.client());
                assertEquals(1, log.count("(Non critical) Master cannot resume a cut transfer"), log.lines().toString());
                assertTrue(cut.proxy().downstreamBytes().get(1) > 2 * CUT_AFTER, "the whole snapshot again: " + cut.proxy().downstreamBytes());
            }
        }
    }

    /**
     * A Meridian replica of a master through a proxy that cut its first transfer after
     * {@link #CUT_AFTER} bytes: it holds the partial file, and the proxy holds its next
     * connection until {@code proxy().release()}.
     */
    private record CutReplica(CuttingProxy proxy, TestNode replica, Jedis client, Path partial) implements AutoCloseable {
        static CutReplica of(String host, int port) throws Exception {
            CuttingProxy proxy = new CuttingProxy(host, port, CUT_AFTER);
            proxy.holdNewConnections();
            TestNode replica = TestNode.start("--replicaof", "127.0.0.1", Integer.toString(proxy.port()));
            assertTrue(proxy.awaitCut(120_000), "the first transfer was cut");
            return new CutReplica(proxy, replica, new Jedis(replica.host(), replica.port(), 60_000), awaitPartialFile(replica.dir()));
        }

        @Override
        public void close() {
            client.close();
            replica.close();
            proxy.close();
        }
    }

    /** The replica's kept temp file once the cut was noticed. */
    private static Path awaitPartialFile(Path dir) throws Exception {
        long deadline = System.currentTimeMillis() + 30_000;
        while (System.currentTimeMillis() < deadline) {
            try (Stream<Path> files = Files.list(dir)) {
                var found = files.filter(f -> f.getFileName().toString().startsWith("temp-") && f.toString().endsWith(".rdb")).findFirst();
                if (found.isPresent() && Files.size(found.get()) > 0) {
                    Thread.sleep(200); // closed after the last write
                    return found.get();
                }
            }
            Thread.sleep(20);
        }
        throw new AssertionError("the replica kept no partial transfer in " + dir);
    }

    private static void awaitResumed(Jedis m, long timeoutMs) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (System.currentTimeMillis() < deadline) {
            if (longField(m, "stats", "sync_full_resumed") == 1) return;
            Thread.sleep(50);
        }
        throw new AssertionError("no resumed transfer: " + m.info("stats"));
    }
}
