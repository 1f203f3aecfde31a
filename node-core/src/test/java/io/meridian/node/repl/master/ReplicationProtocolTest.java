package io.meridian.node.repl.master;

import io.meridian.node.testing.RealRedis;
import io.meridian.node.testing.RespClient;
import io.meridian.node.testing.TestNode;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

import static io.meridian.node.repl.master.ReplTesting.cmd;
import static io.meridian.node.repl.master.ReplTesting.field;
import static io.meridian.node.repl.master.ReplTesting.keysIn;
import static io.meridian.node.repl.master.ReplTesting.longField;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The master side byte for byte, through a replica spoken by hand: +FULLRESYNC and both RDB
 * framings, the stream after them (after the first ACK for a diskless sync), +CONTINUE with
 * and without psync2, refusals and their counters, shared snapshots, and a replica that
 * answers back being dropped.
 */
class ReplicationProtocolTest {

    @Test
    void disklessFullSyncThenTheStreamAfterTheFirstAck() throws Exception {
        try (TestNode node = TestNode.start("--repl-diskless-sync", "yes", "--repl-diskless-sync-delay", "0");
             Jedis m = new Jedis(node.host(), node.port());
             ReplTesting.LogCapture log = new ReplTesting.LogCapture();
             ReplTesting.FakeReplica r = new ReplTesting.FakeReplica(node.host(), node.port())) {
            m.set("a", "1");
            m.set("b", "2");
            m.select(2);
            m.set("c", "3");
            String full = r.psync(7001, true, "?", -1);
            String[] w = full.split(" ");
            assertEquals("+FULLRESYNC", w[0]);
            assertEquals(m.info("replication").contains("master_replid:" + w[1]), true, full);
            Object[] rdb = r.rdb();
            assertNotNull(rdb[1], "diskless: $EOF:<mark> framing");
            assertEquals(3, keysIn((byte[]) rdb[0]));
            m.set("d", "4");
            // nothing follows the end mark until the replica acknowledges
            r.socket.setSoTimeout(300);
            assertThrows(SocketTimeoutException.class, () -> r.in.readByte());
            r.socket.setSoTimeout(30_000);
            r.send("REPLCONF", "ACK", w[2]);
            assertEquals(cmd("SELECT", "2") + cmd("SET", "d", "4"), r.stream(cmd("SELECT", "2").length() + cmd("SET", "d", "4").length()));
            assertEquals(1, longField(m, "stats", "sync_full"));
            assertEquals(0, longField(m, "stats", "sync_partial_err"), "PSYNC ? -1 is no failed partial resync");
            String slave0 = field(m.info("replication"), "slave0");
            assertTrue(slave0.startsWith("ip=127.0.0.1,port=7001,state=online,offset=" + w[2] + ",lag="), slave0);
            assertEquals(1, log.count("Replica 127.0.0.1:7001 asks for synchronization"));
            assertEquals(1, log.count("Full resync requested by replica 127.0.0.1:7001"));
            assertEquals(1, log.count("Starting BGSAVE for SYNC with target: replicas sockets"));
            assertEquals(1, log.count("Streamed RDB transfer with replica 127.0.0.1:7001 succeeded (socket)"));
            assertEquals(1, log.count("Synchronization with replica 127.0.0.1:7001 succeeded"));
        }
    }

    @Test
    void diskBackedFullSyncThenPartialResyncs() throws Exception {
        try (TestNode node = TestNode.start("--repl-diskless-sync", "no");
             Jedis m = new Jedis(node.host(), node.port());
             ReplTesting.LogCapture log = new ReplTesting.LogCapture()) {
            for (int i = 0; i < 100; i++) m.set("k" + i, "v" + i);
            String replid;
            long offset;
            try (ReplTesting.FakeReplica r = new ReplTesting.FakeReplica(node.host(), node.port())) {
                String[] w = r.psync(7002, true, "?", -1).split(" ");
                replid = w[1];
                offset = Long.parseLong(w[2]);
                Object[] rdb = r.rdb();
                assertNull(rdb[1], "disk-backed: $<len> framing");
                assertEquals(100, keysIn((byte[]) rdb[0]));
                m.set("x", "y");
                String expected = cmd("SELECT", "0") + cmd("SET", "x", "y");
                assertEquals(expected, r.stream(expected.length()), "the stream follows the file at once");
                offset += expected.length();
                assertEquals(1, log.count("Starting BGSAVE for SYNC with target: disk"));
            }
            m.set("while", "away");
            m.del("k1");
            String missed = cmd("SET", "while", "away") + cmd("DEL", "k1");
            try (ReplTesting.FakeReplica r = new ReplTesting.FakeReplica(node.host(), node.port())) {
                assertEquals("+CONTINUE " + replid, r.psync(7002, false, replid, offset + 1));
                assertEquals(missed, r.stream(missed.length()));
                assertEquals(1, longField(m, "stats", "sync_partial_ok"));
            }
            // without capa psync2: +CONTINUE alone
            try (ReplTesting.FakeReplica r = new ReplTesting.FakeReplica(node.host(), node.port())) {
                r.send("PSYNC", replid, Long.toString(offset + 1));
                assertEquals("+CONTINUE", r.reply());
                assertEquals(missed, r.stream(missed.length()));
            }
            // another history, or an offset the backlog does not hold: a full resync, counted as a failed partial one
            try (ReplTesting.FakeReplica r = new ReplTesting.FakeReplica(node.host(), node.port())) {
                assertTrue(r.psync(7003, false, "0123456789012345678901234567890123456789", 5).startsWith("+FULLRESYNC " + replid));
            }
            try (ReplTesting.FakeReplica r = new ReplTesting.FakeReplica(node.host(), node.port())) {
                assertTrue(r.psync(7004, false, replid, offset + 10_000).startsWith("+FULLRESYNC " + replid));
            }
            assertEquals(2, longField(m, "stats", "sync_partial_err"));
            assertEquals(2, longField(m, "stats", "sync_partial_ok"));
            assertEquals(1, log.count("Partial resynchronization not accepted: Replication ID mismatch (Replica asked for '0123456789012345678901234567890123456789'"));
            assertEquals(1, log.count("Unable to partial resync with replica 127.0.0.1:7004 for lack of backlog (Replica request was: " + (offset + 10_000) + ")."));
        }
    }

    @Test
    void replicasAskingTogetherShareOneSnapshot() throws Exception {
        try (TestNode node = TestNode.start("--repl-diskless-sync", "yes", "--repl-diskless-sync-delay", "1");
             Jedis m = new Jedis(node.host(), node.port());
             ReplTesting.LogCapture log = new ReplTesting.LogCapture();
             ReplTesting.FakeReplica a = new ReplTesting.FakeReplica(node.host(), node.port());
             ReplTesting.FakeReplica b = new ReplTesting.FakeReplica(node.host(), node.port())) {
            for (int i = 0; i < 50; i++) m.set("k" + i, "v");
            a.send("REPLCONF", "capa", "eof");
            b.send("REPLCONF", "capa", "eof");
            assertEquals("+OK", a.reply());
            assertEquals("+OK", b.reply());
            a.send("PSYNC", "?", "-1");
            b.send("PSYNC", "?", "-1");
            String fa = a.reply(), fb = b.reply();
            assertTrue(fa.startsWith("+FULLRESYNC"), fa);
            assertEquals(fa, fb, "one snapshot, one offset");
            assertEquals(50, keysIn((byte[]) a.rdb()[0]));
            assertEquals(50, keysIn((byte[]) b.rdb()[0]));
            assertEquals(1, log.count("Starting BGSAVE for SYNC"));
            assertEquals(2, longField(m, "stats", "sync_full"));
        }
        // disk-backed: a replica arriving after a snapshot file was made takes that file (its writes are in the log)
        try (TestNode node = TestNode.start("--repl-diskless-sync", "no");
             Jedis m = new Jedis(node.host(), node.port());
             ReplTesting.LogCapture log = new ReplTesting.LogCapture()) {
            for (int i = 0; i < 50; i++) m.set("k" + i, "v");
            String first;
            try (ReplTesting.FakeReplica a = new ReplTesting.FakeReplica(node.host(), node.port())) {
                first = a.psync(7005, false, "?", -1);
                a.rdb();
            }
            m.set("later", "1");
            try (ReplTesting.FakeReplica b = new ReplTesting.FakeReplica(node.host(), node.port())) {
                assertEquals(first, b.psync(7006, false, "?", -1), "the same snapshot at the same offset");
                assertEquals(50, keysIn((byte[]) b.rdb()[0]));
                String later = cmd("SELECT", "0") + cmd("SET", "later", "1");
                assertEquals(later, b.stream(later.length()), "then the writes made since, from the log");
            }
            assertEquals(1, log.count("Starting BGSAVE for SYNC"));
            assertEquals(1, log.count("Reusing the snapshot"));
        }
    }

    @Test
    void disklessSyncStartsEarlyAtMaxReplicas() throws Exception {
        // a delay far beyond the test, but repl-diskless-sync-max-replicas 2: the second replica starts it
        try (TestNode node = TestNode.start("--repl-diskless-sync", "yes", "--repl-diskless-sync-delay", "600",
                "--repl-diskless-sync-max-replicas", "2");
             Jedis m = new Jedis(node.host(), node.port());
             ReplTesting.FakeReplica a = new ReplTesting.FakeReplica(node.host(), node.port());
             ReplTesting.FakeReplica b = new ReplTesting.FakeReplica(node.host(), node.port())) {
            m.set("k", "v");
            a.send("REPLCONF", "capa", "eof");
            assertEquals("+OK", a.reply());
            a.send("PSYNC", "?", "-1");
            Thread.sleep(300);
            String info = m.info("replication");
            assertTrue(field(info, "slave0").contains("state=wait_bgsave"), info);
            b.send("REPLCONF", "capa", "eof");
            assertEquals("+OK", b.reply());
            b.send("PSYNC", "?", "-1");
            assertTrue(a.reply().startsWith("+FULLRESYNC"));
            assertTrue(b.reply().startsWith("+FULLRESYNC"));
            assertEquals(1, keysIn((byte[]) a.rdb()[0]));
            assertEquals(1, keysIn((byte[]) b.rdb()[0]));
        }
    }

    @Test
    void aReplicaThatAnswersBackIsDropped() throws Exception {
        try (TestNode node = TestNode.start("--repl-diskless-sync", "no");
             Jedis m = new Jedis(node.host(), node.port());
             ReplTesting.LogCapture log = new ReplTesting.LogCapture()) {
            try (ReplTesting.FakeReplica r = new ReplTesting.FakeReplica(node.host(), node.port())) {
                r.psync(7007, false, "?", -1);
                r.rdb();
                r.send("REPLCONF", "ACK", "0"); // no reply: fine
                r.send("PING");
                assertTrue(r.closedByServer(10_000), "dropped after a command that replies");
            }
            log.await("Replica generated a reply to command 'ping', disconnecting it: id=");
            try (ReplTesting.FakeReplica r = new ReplTesting.FakeReplica(node.host(), node.port())) {
                r.psync(7008, false, "?", -1);
                r.rdb();
                r.out.write("*abc\r\n".getBytes(StandardCharsets.ISO_8859_1)); // a protocol error: its error reply drops it
                r.out.flush();
                assertTrue(r.closedByServer(10_000), "dropped after garbage");
            }
            log.await("Replica generated a reply to command 'psync', disconnecting it"); // the last command it ran, as Redis names it
            assertEquals("0", field(m.info("replication"), "connected_slaves"));
            assertEquals("PONG", m.ping(), "the master is fine");
        }
    }

    @Test
    void syncRefusalsAsRedis() throws Exception {
        try (RealRedis redis = RealRedis.start(); TestNode node = TestNode.start()) {
            for (int port : new int[]{redis.port(), node.port()}) {
                try (ReplTesting.FakeReplica r = new ReplTesting.FakeReplica("127.0.0.1", port)) {
                    r.send("PSYNC", "?", "abc");
                    assertEquals("-ERR value is not an integer or out of range", r.reply());
                    // a reply still pending when SYNC arrives (pipelined behind PING)
                    r.out.write((cmd("PING") + cmd("PSYNC", "?", "-1")).getBytes(StandardCharsets.ISO_8859_1));
                    r.out.flush();
                    assertEquals("+PONG", r.reply());
                    assertEquals("-ERR SYNC and PSYNC are invalid with pending output", r.reply(), "port " + port);
                }
            }
        }
    }

    @Test
    void rdbOnlyReplicaGetsTheSnapshotAndIsClosed() throws Exception {
        try (TestNode node = TestNode.start("--repl-diskless-sync", "no");
             Jedis m = new Jedis(node.host(), node.port())) {
            for (int i = 0; i < 20; i++) m.hset("h" + i, "f", "v");
            java.nio.file.Path out = node.dir().resolve("cli.rdb");
            Process p = new ProcessBuilder(RealRedis.binary("redis-cli"), "-p", Integer.toString(node.port()), "--rdb", out.toString())
                    .redirectErrorStream(true).start();
            String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(0, p.waitFor(), text);
            Process check = new ProcessBuilder(RealRedis.binary("redis-check-rdb"), out.toString()).redirectErrorStream(true).start();
            String report = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(0, check.waitFor(), report);
            assertTrue(report.contains("RDB looks OK"), report);
            assertEquals(20, keysIn(java.nio.file.Files.readAllBytes(out)));
            long deadline = System.currentTimeMillis() + 10_000;
            while (!"0".equals(field(m.info("replication"), "connected_slaves")) && System.currentTimeMillis() < deadline) Thread.sleep(20);
            assertEquals("0", field(m.info("replication"), "connected_slaves"), "nothing streams to an rdb-only replica");
        }
    }

    @Test
    void replconfAndWaitRepliesAsRedis() {
        try (io.meridian.node.testing.Differential d = new io.meridian.node.testing.Differential()) {
            d.check("REPLCONF");
            d.check("REPLCONF", "a");
            d.check("REPLCONF", "foo", "1");
            d.check("REPLCONF", "listening-port", "x");
            d.check("REPLCONF", "listening-port", "6380", "capa", "eof", "capa", "psync2", "capa", "unknown");
            d.check("REPLCONF", "ip-address", "10.0.0.1");
            d.check("REPLCONF", "ip-address", "x".repeat(300));
            d.check("REPLCONF", "rdb-only", "2");
            d.check("REPLCONF", "rdb-only", "1");
            d.check("REPLCONF", "rdb-filter-only", "");
            d.check("REPLCONF", "rdb-filter-only", "functions");
            d.check("REPLCONF", "rdb-filter-only", "foo");
            d.check("WAIT");
            d.check("WAIT", "1");
            d.check("WAIT", "x", "0");
            d.check("WAIT", "1", "-1");
            d.check("WAIT", "1", "x");
            d.check("WAIT", "0", "0");
            d.check("WAIT", "-1", "10");
            d.check("WAIT", "1", "50");
            d.check("SET", "k", "v");
            d.check("WAIT", "1", "20");
            d.check("ROLE", "x");
            d.check("SYNC", "extra");
            d.check("PSYNC", "?");
            d.check("MULTI");
            d.check("WAIT", "5", "0");
            d.check("EXEC");
            d.check("MULTI");
            d.check("SYNC");
            d.check("DISCARD");
            // REPLCONF GETACK from a client is no replica's business: no reply (checked through the next command)
            RespClient mc = d.meridianClient();
            // ROLE: Meridian's stream always exists, so its offset counts what was written (Redis's stays 0 without replicas)
            Object role = mc.call("ROLE");
            assertTrue(role instanceof java.util.List<?> l && l.size() == 3 && l.get(0).equals("master") && l.get(1) instanceof Long
                    && l.get(2).equals(java.util.List.of()), RespClient.show(role));
            mc.send("REPLCONF", "GETACK", "*");
            assertEquals(new RespClient.Simple("PONG"), mc.call("PING"));
        }
    }

    @Test
    void roleAndInfoOfAMasterWithAReplica() throws Exception {
        try (TestNode node = TestNode.start("--repl-diskless-sync", "no");
             Jedis m = new Jedis(node.host(), node.port());
             RealRedis replica = RealRedis.start("--replicaof", node.host(), Integer.toString(node.port()));
             Jedis r = new Jedis(replica.host(), replica.port())) {
            m.set("a", "b");
            ReplTesting.waitInSync(m, r, 30_000);
            java.util.List<Object> role = m.role();
            assertEquals("master", role.get(0));
            long off = (Long) role.get(1);
            @SuppressWarnings("unchecked")
            java.util.List<java.util.List<Object>> reps = (java.util.List<java.util.List<Object>>) role.get(2);
            assertEquals(1, reps.size());
            assertEquals("127.0.0.1", reps.get(0).get(0));
            assertEquals(Integer.toString(replica.port()), reps.get(0).get(1));
            assertTrue(Long.parseLong((String) reps.get(0).get(2)) <= off);
            String info = m.info("replication");
            assertEquals("master", field(info, "role"));
            assertEquals("1", field(info, "repl_backlog_active"));
            assertEquals("log", field(info, "repl_backlog_kind"));
            assertNotEquals(null, field(info, "slave0_lag"));
            assertTrue(info.indexOf("repl_backlog_histlen:") < info.indexOf("repl_backlog_kind:"), "Meridian's fields after Redis's");
            // the replica's ROLE and INFO of its own replica side name this master
            java.util.List<Object> rr = r.role();
            assertEquals("slave", rr.get(0));
            assertEquals((long) node.port(), rr.get(2));
            assertEquals("connected", rr.get(3));
        }
    }
}
