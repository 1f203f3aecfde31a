package io.meridian.node.repl.replica;

import io.meridian.node.Node;
import io.meridian.node.testing.RealRedis;
import io.meridian.node.testing.RespClient;
import io.meridian.node.testing.TestNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import static io.meridian.node.repl.replica.ReplTesting.await;
import static io.meridian.node.repl.replica.ReplTesting.link;
import static io.meridian.node.repl.replica.ReplTesting.onLoop;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Masters that misbehave: a corrupt RDB, a transfer cut in the middle (to disk and to the
 * parser), PSYNC refused for a while, a wrong masterauth. Each time the log says what went
 * wrong, the link stays down, the dataset in service is the old one whole (never a part of
 * the new one), and the replica tries again with a growing backoff.
 */
class BadMasterTest {
    private static final String REPLID = "0123456789abcdef0123456789abcdef01234567";
    private static final String MARK = "fedcba9876543210fedcba9876543210fedcba98";
    /** An RDB written by redis-server: 200 keys in db 0 and 3. */
    private static byte[] rdb;

    @BeforeAll
    static void makeRdb() throws IOException {
        try (RealRedis r = RealRedis.start(); RespClient c = new RespClient(r.host(), r.port())) {
            for (int i = 0; i < 100; i++) c.call("SET", "new" + i, "value" + i);
            c.call("SELECT", "3");
            for (int i = 0; i < 100; i++) c.call("RPUSH", "list" + i, "a", "b", "c");
            c.call("SAVE");
            rdb = Files.readAllBytes(r.dir().resolve("dump.rdb"));
        }
    }

    private static byte[] corrupt() {
        byte[] b = rdb.clone();
        for (int i = b.length / 2; i < b.length / 2 + 16; i++) b[i] ^= 0x5a;
        return b;
    }

    /** A node serving ten keys of its own, then told to replicate from port. */
    private static TestNode replicaWithOldData(int port, String... args) {
        TestNode n = TestNode.start(args);
        try (RespClient c = new RespClient(n.host(), n.port())) {
            for (int i = 0; i < 10; i++) c.call("SET", "old" + i, "v" + i);
            assertEquals(new RespClient.Simple("OK"), c.call("REPLICAOF", "127.0.0.1", Integer.toString(port)));
        }
        return n;
    }

    private static void assertOldDataServed(TestNode n) {
        try (RespClient c = new RespClient(n.host(), n.port())) {
            assertEquals(10L, c.call("DBSIZE"));
            assertEquals("v3", c.call("GET", "old3"));
            assertNull(c.call("GET", "new1"));
            c.call("SELECT", "3");
            assertEquals(0L, c.call("DBSIZE"));
        }
    }

    private static void assertNoTempFiles(TestNode n) throws IOException {
        try (Stream<Path> s = Files.list(n.dir())) {
            List<Path> temps = s.filter(p -> p.getFileName().toString().startsWith("temp-")).toList();
            assertTrue(temps.isEmpty(), "temp files left: " + temps);
        }
    }

    private void failedSyncKeepsOldData(FakeMaster.Psync answer, String expectedLog, String... replicaArgs) throws Exception {
        try (FakeMaster fake = new FakeMaster(answer);
             ReplTesting.LogCapture log = new ReplTesting.LogCapture();
             TestNode n = replicaWithOldData(fake.port(), replicaArgs)) {
            Node node = n.node();
            log.awaitLine(expectedLog);
            assertOldDataServed(n);
            // it tries again, later and later
            await("a second attempt", 30_000, () -> fake.connections.get() >= 2, null);
            await("the backoff to grow", 30_000, () -> onLoop(node, () -> ReplicaOf.link(node).backoff().failures()) >= 2,
                    () -> "failures " + link(node).backoff().failures());
            assertFalse(onLoop(node, () -> ReplicaOf.link(node).linkUp()));
            assertTrue(onLoop(node, () -> ReplicaOf.link(node).lastError()).contains(expectedLog), link(node).lastError());
            assertOldDataServed(n);
            assertFalse(log.has("Finished with success"));
            // a master that had become a replica offers its own history first
            assertEquals(node.stream().replid(), fake.commands("PSYNC").get(0).get(1));
            onLoop(node, () -> ReplicaOf.unsetMaster(node));
            assertNoTempFiles(n);
        }
    }

    @Test
    void corruptRdbToDisk() throws Exception {
        failedSyncKeepsOldData((psync, n, out) -> {
            byte[] bad = corrupt();
            FakeMaster.write(out, "+FULLRESYNC " + REPLID + " 100\r\n$" + bad.length + "\r\n");
            out.write(bad);
            out.flush();
            return true; // stay until the replica hangs up
        }, "Failed trying to load the MASTER synchronization DB from disk", "--repl-diskless-load", "disabled");
    }

    @Test
    void corruptRdbFromTheSocket() throws Exception {
        failedSyncKeepsOldData((psync, n, out) -> {
            byte[] bad = corrupt();
            FakeMaster.write(out, "+FULLRESYNC " + REPLID + " 100\r\n\n\n$EOF:" + MARK + "\r\n");
            out.write(bad);
            FakeMaster.write(out, MARK);
            return true;
        }, "Failed trying to load the MASTER synchronization DB from socket", "--repl-diskless-load", "swapdb");
    }

    @Test
    void masterDiesInTheMiddleOfATransferToDisk() throws Exception {
        failedSyncKeepsOldData((psync, n, out) -> {
            FakeMaster.write(out, "+FULLRESYNC " + REPLID + " 100\r\n$" + rdb.length + "\r\n");
            out.write(Arrays.copyOf(rdb, rdb.length / 2));
            out.flush();
            return false;
        }, "I/O error trying to sync with MASTER: connection lost", "--repl-diskless-load", "disabled");
    }

    /**
     * A transfer to disk cut halfway is offered for resuming (REPLCONF rdb-resume with the bytes
     * held and CRCs of both ends); a master that "resumes" from another byte is refused and the
     * held bytes dropped (the next offer comes only after a new cut); a master that resumes from
     * the right byte sends the rest only, and the dataset loads whole.
     */
    @Test
    void aCutTransferIsResumedOnlyFromTheByteTheReplicaHolds() throws Exception {
        int half = rdb.length / 2;
        try (FakeMaster fake = new FakeMaster((psync, n, out) -> {
                 switch (n) {
                     case 1, 3 -> {
                         FakeMaster.write(out, "+FULLRESYNC " + REPLID + " 100\r\n$" + rdb.length + "\r\n");
                         out.write(Arrays.copyOf(rdb, half));
                         out.flush();
                         return false;
                     }
                     case 2 -> {
                         FakeMaster.write(out, "+FULLRESYNC " + REPLID + " 100\r\n$RESUME:" + (half + 1) + ":" + rdb.length + "\r\n");
                         return true;
                     }
                     default -> {
                         FakeMaster.write(out, "+FULLRESYNC " + REPLID + " 100\r\n$RESUME:" + half + ":" + rdb.length + "\r\n");
                         out.write(Arrays.copyOfRange(rdb, half, rdb.length));
                         out.flush();
                         return true;
                     }
                 }
             });
             ReplTesting.LogCapture log = new ReplTesting.LogCapture();
             TestNode n = replicaWithOldData(fake.port(), "--repl-diskless-load", "disabled")) {
            log.awaitLine("MASTER resumed a transfer this replica does not hold");
            assertOldDataServed(n);
            await("the resumed transfer to load", 60_000, () -> log.has("Finished with success"), null);
            // a cut after progress is retried at once; the refused resume (no progress) waits for the backoff
            assertEquals(2, log.count("MASTER <-> REPLICA sync: next attempt in 0 ms"), log.lines().toString());
            List<List<String>> offers = fake.commands("REPLCONF").stream().filter(a -> a.get(1).equals("rdb-resume")).toList();
            assertEquals(2, offers.size(), "offered after each cut, not after the refused resume: " + fake.received);
            String[] token = offers.get(0).get(2).split(":");
            java.util.zip.CRC32 head = new java.util.zip.CRC32();
            head.update(rdb, 0, Math.min(half, 65536));
            java.util.zip.CRC32 tail = new java.util.zip.CRC32();
            tail.update(rdb, Math.max(0, half - 65536), Math.min(half, 65536));
            assertEquals(List.of(REPLID, "100", Integer.toString(rdb.length), Integer.toString(half),
                    Long.toString(head.getValue()), Long.toString(tail.getValue())), List.of(token));
            try (RespClient c = new RespClient(n.host(), n.port())) {
                assertEquals(100L, c.call("DBSIZE"));
                assertEquals("value7", c.call("GET", "new7"));
                c.call("SELECT", "3");
                assertEquals(100L, c.call("DBSIZE"));
            }
            assertNoTempFiles(n);
        }
    }

    @Test
    void masterDiesInTheMiddleOfATransferToTheParser() throws Exception {
        failedSyncKeepsOldData((psync, n, out) -> {
            FakeMaster.write(out, "+FULLRESYNC " + REPLID + " 100\r\n$EOF:" + MARK + "\r\n");
            out.write(Arrays.copyOf(rdb, rdb.length / 2));
            out.flush();
            return false;
        }, "I/O error trying to sync with MASTER: connection lost", "--repl-diskless-load", "swapdb");
    }

    @Test
    void payloadLongerThanItsRdb() throws Exception {
        failedSyncKeepsOldData((psync, n, out) -> {
            FakeMaster.write(out, "+FULLRESYNC " + REPLID + " 100\r\n$EOF:" + MARK + "\r\n");
            out.write(rdb);
            FakeMaster.write(out, "garbage" + MARK);
            return true;
        }, "the payload goes on after the end of the RDB", "--repl-diskless-load", "swapdb");
    }

    @Test
    void masterSilentDuringTheHandshake() throws Exception {
        failedSyncKeepsOldData((psync, n, out) -> true, "Timeout connecting to the MASTER...", "--repl-timeout", "1");
    }

    @Test
    void masterSilentDuringTheTransfer() throws Exception {
        failedSyncKeepsOldData((psync, n, out) -> {
            FakeMaster.write(out, "+FULLRESYNC " + REPLID + " 100\r\n$" + rdb.length + "\r\n");
            out.write(rdb, 0, 20);
            return true;
        }, "Timeout receiving bulk data from MASTER... If the problem persists try to set the 'repl-timeout' parameter in redis.conf to a larger value.",
                "--repl-timeout", "1");
    }

    @Test
    void silentMasterAfterAPartialResyncIsDroppedAndReconnected() throws Exception {
        try (FakeMaster fake = new FakeMaster((psync, n, out) -> {
                FakeMaster.write(out, "+CONTINUE\r\n");
                return true;
            });
             ReplTesting.LogCapture log = new ReplTesting.LogCapture();
             TestNode n = replicaWithOldData(fake.port(), "--repl-timeout", "1")) {
            log.awaitLine("MASTER timeout: no data nor PING received...");
            await("a reconnection", 30_000, () -> fake.connections.get() >= 2, null);
            assertTrue(log.has("Reconnecting to MASTER 127.0.0.1:" + fake.port()));
            try (RespClient c = new RespClient(n.host(), n.port())) {
                assertEquals(10L, c.call("DBSIZE"), "a partial resync keeps the dataset");
            }
        }
    }

    @Test
    void onEmptyDbParsesFromTheSocketOnlyWhenTheNodeHasNoKeys() throws Exception {
        FakeMaster.Psync full = (psync, n, out) -> {
            FakeMaster.write(out, "+FULLRESYNC " + REPLID + " 5\r\n$" + rdb.length + "\r\n");
            out.write(rdb);
            return true;
        };
        try (FakeMaster fake = new FakeMaster(full);
             ReplTesting.LogCapture log = new ReplTesting.LogCapture();
             TestNode n = replicaWithOldData(fake.port(), "--repl-diskless-load", "on-empty-db")) {
            log.awaitLine("MASTER <-> REPLICA sync: receiving " + rdb.length + " bytes from master to disk");
            log.awaitLine("MASTER <-> REPLICA sync: Finished with success");
        }
        try (FakeMaster fake = new FakeMaster(full);
             ReplTesting.LogCapture log = new ReplTesting.LogCapture();
             TestNode n = TestNode.start("--repl-diskless-load", "on-empty-db", "--replicaof", "127.0.0.1", Integer.toString(fake.port()))) {
            log.awaitLine("MASTER <-> REPLICA sync: receiving " + rdb.length + " bytes from master to parser");
            log.awaitLine("MASTER <-> REPLICA sync: Finished with success");
            assertEquals(List.of("PSYNC", "?", "-1"), fake.commands("PSYNC").get(0), "a fresh replica has no history to offer");
            try (RespClient c = new RespClient(n.host(), n.port())) {
                assertEquals(100L, c.call("DBSIZE"));
            }
        }
    }

    @Test
    void infoShowsTheTransferInProgress() throws Exception {
        int half = rdb.length / 2;
        try (FakeMaster fake = new FakeMaster((psync, n, out) -> {
                FakeMaster.write(out, "+FULLRESYNC " + REPLID + " 100\r\n$" + rdb.length + "\r\n");
                out.write(rdb, 0, half);
                return true;
            });
             TestNode n = replicaWithOldData(fake.port(), "--repl-diskless-load", "disabled");
             RespClient c = new RespClient(n.host(), n.port())) {
            await("half of the RDB", 30_000, () -> Long.toString(half).equals(ReplTesting.info(c, "replication").get("master_sync_read_bytes")),
                    () -> ReplTesting.info(c, "replication").toString());
            var info = ReplTesting.info(c, "replication");
            assertEquals("down", info.get("master_link_status"));
            assertEquals("1", info.get("master_sync_in_progress"));
            assertEquals(Integer.toString(rdb.length), info.get("master_sync_total_bytes"));
            assertEquals(Integer.toString(rdb.length - half), info.get("master_sync_left_bytes"));
            assertEquals(String.format("%.2f", half * 100.0 / rdb.length), info.get("master_sync_perc"));
            assertTrue(Long.parseLong(info.get("master_sync_last_io_seconds_ago")) >= 0);
            assertEquals("sync", onLoop(n.node(), () -> ReplicaOf.link(n.node()).roleState()));
            assertOldDataServed(n);
            // the new dataset is built beside the old one, which is served meanwhile: Redis's async loading
            var persistence = ReplTesting.info(c, "persistence");
            assertEquals("1", persistence.get("async_loading"), persistence.toString());
            assertEquals("0", persistence.get("loading"));
            // REPLICAOF NO ONE drops the transfer and its temp file
            assertEquals(new RespClient.Simple("OK"), c.call("REPLICAOF", "NO", "ONE"));
            assertEquals("master", ReplTesting.info(c, "replication").get("role"));
            assertEquals("0", ReplTesting.info(c, "persistence").get("async_loading"));
            assertNoTempFiles(n);
            assertOldDataServed(n);
        }
    }

    @Test
    void refusedThenAcceptedThenStreamed() throws Exception {
        FakeMaster.Psync answer = (psync, n, out) -> {
            if (n == 1) {
                FakeMaster.write(out, "-LOADING Redis is loading the dataset in memory\r\n");
                return true;
            }
            if (n == 2) {
                FakeMaster.write(out, "-NOMASTERLINK Can't SYNC while not connected with my master\r\n");
                return true;
            }
            FakeMaster.write(out, "+FULLRESYNC " + REPLID + " 1000\r\n$" + rdb.length + "\r\n");
            out.write(rdb);
            // the stream follows at once (disk-backed sync): a SELECT and two writes
            FakeMaster.write(out, "*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n*3\r\n$3\r\nSET\r\n$3\r\nnew\r\n$3\r\nyes\r\n"
                    + "*3\r\n$8\r\nREPLCONF\r\n$6\r\nGETACK\r\n$1\r\n*\r\n");
            return true;
        };
        try (FakeMaster fake = new FakeMaster(answer);
             ReplTesting.LogCapture log = new ReplTesting.LogCapture();
             TestNode n = replicaWithOldData(fake.port());
             RespClient c = new RespClient(n.host(), n.port())) {
            Node node = n.node();
            log.awaitLine("Master is currently unable to PSYNC but should be in the future: -LOADING");
            log.awaitLine("Master is currently unable to PSYNC but should be in the future: -NOMASTERLINK");
            log.awaitLine("MASTER <-> REPLICA sync: Finished with success");
            await("the stream applied", 30_000, () -> "yes".equals(c.call("GET", "new")), null);
            assertNull(c.call("GET", "old1"), "the old dataset is gone after the sync");
            assertEquals("value7", c.call("GET", "new7"));
            c.call("SELECT", "3");
            assertEquals(100L, c.call("DBSIZE"));
            // 1000 + SELECT (23) + SET (31) + GETACK (37); the GETACK is answered with what came before it
            long end = 1000 + 23 + 31 + 37;
            await("offset " + end, 30_000, () -> onLoop(node, () -> ReplicaOf.link(node).replOffset()) == end, null);
            assertEquals(end, node.stream().offset());
            assertEquals(REPLID, node.stream().replid());
            await("an ACK of 1054", 30_000, () -> fake.commands("REPLCONF").stream()
                    .anyMatch(a -> a.size() >= 3 && a.get(1).equals("ACK") && a.get(2).equals("1054")), null);
            await("an ACK of the end", 30_000, () -> fake.commands("REPLCONF").stream()
                    .anyMatch(a -> a.size() >= 3 && a.get(1).equals("ACK") && a.get(2).equals(Long.toString(end))), null);
            // FACK: how far the replica's replication log is on disk (everysec: within a second or two)
            await("a FACK of the end", 30_000, () -> fake.commands("REPLCONF").stream()
                    .anyMatch(a -> a.size() == 5 && a.get(3).equals("FACK") && a.get(4).equals(Long.toString(end))), null);
            for (List<String> a : fake.commands("REPLCONF")) {
                if (a.size() == 5 && a.get(1).equals("ACK")) assertTrue(Long.parseLong(a.get(4)) <= Long.parseLong(a.get(2)), "FACK <= ACK: " + a);
            }
            // the handshake, as Redis sends it
            List<List<String>> replconf = fake.commands("REPLCONF");
            assertEquals(List.of("REPLCONF", "listening-port", Integer.toString(n.port())), replconf.get(0));
            assertEquals(List.of("REPLCONF", "capa", "eof", "capa", "psync2"), replconf.get(1));
            assertEquals(List.of("PING"), fake.received.get(0));
        }
    }

    @Test
    void wrongMasterauthThenFixed() {
        try (RealRedis redis = RealRedis.start("--requirepass", "secret");
             RespClient m = new RespClient(redis.host(), redis.port());
             ReplTesting.LogCapture log = new ReplTesting.LogCapture()) {
            m.call("AUTH", "secret");
            new Workload(m, 7).base("a", 300);
            try (TestNode n = TestNode.start("--replicaof", redis.host(), Integer.toString(redis.port()), "--masterauth", "wrong");
                 RespClient c = new RespClient(n.host(), n.port())) {
                Node node = n.node();
                log.awaitLine("Unable to AUTH to MASTER: -WRONGPASS invalid username-password pair or user is disabled.");
                await("the backoff to grow", 30_000, () -> onLoop(node, () -> ReplicaOf.link(node).backoff().failures()) >= 2, null);
                assertFalse(onLoop(node, () -> ReplicaOf.link(node).linkUp()));
                assertEquals(0L, c.call("DBSIZE"), "no data from a master that refused us");
                assertEquals("0", ReplTesting.info(m, "stats").get("sync_full"));
                assertEquals(new RespClient.Simple("OK"), c.call("CONFIG", "SET", "masterauth", "secret"));
                ReplTesting.awaitCaughtUp(m, node);
                assertEquals(m.call("DEBUG", "DIGEST"), c.call("DEBUG", "DIGEST"));
            }
        }
    }
}
