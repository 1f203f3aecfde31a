package io.meridian.node.repl.master;

import io.meridian.node.repl.ReplicationStream;
import io.meridian.node.testing.RealRedis;
import io.meridian.node.testing.TestNode;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

import java.util.List;

import static io.meridian.node.repl.master.ReplTesting.assertSameData;
import static io.meridian.node.repl.master.ReplTesting.field;
import static io.meridian.node.repl.master.ReplTesting.longField;
import static io.meridian.node.repl.master.ReplTesting.waitInSync;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Meridian keeps past replids beyond replid2 (Redis keeps one): a replica that was away
 * across two failovers asks with the replid of two promotions ago and still gets +CONTINUE.
 * The history survives a restart (it is in the replication log).
 */
class ReplidHistoryTest {

    @Test
    void aReplicaAwayAcrossTwoFailoversContinues() throws Exception {
        try (TestNode a = TestNode.start(); Jedis ja = new Jedis(a.host(), a.port(), 30_000)) {
            ReplTesting.fill(ja, 2000);
            try (TestNode b = TestNode.start("--replicaof", a.host(), Integer.toString(a.port()));
                 TestNode c = TestNode.start("--replicaof", a.host(), Integer.toString(a.port()));
                 RealRedis d = RealRedis.start("--replicaof", a.host(), Integer.toString(a.port()));
                 Jedis jb = new Jedis(b.host(), b.port(), 30_000); Jedis jc = new Jedis(c.host(), c.port(), 30_000);
                 Jedis jd = new Jedis(d.host(), d.port(), 30_000)) {
                waitInSync(ja, jb, 60_000);
                waitInSync(ja, jc, 60_000);
                waitInSync(ja, jd, 60_000);
                String replidA = field(ja.info("replication"), "master_replid");
                // d goes away (its master "moves" to a dead address): it keeps A's replid and offset as its cached master
                jd.replicaof("127.0.0.1", RealRedis.freePort());
                // failover 1: b takes over, c follows it (+CONTINUE, PSYNC2)
                assertEquals("OK", jb.replicaofNoOne());
                jc.replicaof(b.host(), b.port());
                for (int i = 0; i < 200; i++) jb.set("after-b:" + i, "v");
                waitInSync(jb, jc, 60_000);
                // failover 2: c takes over
                assertEquals("OK", jc.replicaofNoOne());
                for (int i = 0; i < 200; i++) jc.set("after-c:" + i, "v");
                String info = jc.info("replication");
                assertFalse(replidA.equals(field(info, "master_replid2")), "A's replid is two promotions old: " + info);
                assertTrue(field(info, "master_replid_history").startsWith(replidA + ":"), info);
                // d comes back, to c: PSYNC <A's replid> <its offset + 1>
                long partialBefore = longField(jc, "stats", "sync_partial_ok");
                jd.replicaof(c.host(), c.port());
                waitInSync(jc, jd, 60_000);
                assertEquals(partialBefore + 1, longField(jc, "stats", "sync_partial_ok"), jc.info("stats"));
                assertEquals(0, longField(jc, "stats", "sync_full"), jc.info("stats"));
                assertSameData(jc, jd);
            }
        }
    }

    @Test
    void theHistoryIsKeptInTheReplicationLogAcrossARestart() throws Exception {
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("replid-history");
        try (TestNode a = TestNode.start(); Jedis ja = new Jedis(a.host(), a.port(), 30_000)) {
            ja.set("k", "1");
            String replidA = field(ja.info("replication"), "master_replid");
            try (TestNode b = TestNode.start("--replicaof", a.host(), Integer.toString(a.port()));
                 Jedis jb = new Jedis(b.host(), b.port(), 30_000)) {
                waitInSync(ja, jb, 60_000);
                int port;
                try (TestNode c = TestNode.start("--dir", dir.toString(), "--replicaof", a.host(), Integer.toString(a.port()));
                     Jedis jc = new Jedis(c.host(), c.port(), 30_000)) {
                    waitInSync(ja, jc, 60_000);
                    // b takes over, c follows it (replid2 = A's), then c takes over: A's replid goes to the history
                    jb.replicaofNoOne();
                    jb.set("k", "2");
                    jc.replicaof(b.host(), b.port());
                    waitInSync(jb, jc, 60_000);
                    jc.replicaofNoOne();
                    jc.set("k", "3");
                    port = c.port();
                    assertTrue(field(jc.info("replication"), "master_replid_history").startsWith(replidA + ":"));
                    Thread.sleep(1500); // the log records the identity from its cron
                }
                try (TestNode c2 = TestNode.start("--dir", dir.toString(), "--port", Integer.toString(port));
                     Jedis jc = new Jedis(c2.host(), c2.port(), 30_000)) {
                    String info = jc.info("replication");
                    assertTrue(field(info, "master_replid_history").startsWith(replidA + ":"), info);
                    assertEquals("3", jc.get("k"));
                }
            }
        }
    }

    @Test
    void theHistoryIsBoundedAndSurvivesEncoding() {
        ReplicationStream s = new ReplicationStream();
        String first = s.replid();
        s.shiftReplid();
        for (int i = 0; i < ReplicationStream.HISTORY + 5; i++) s.shiftReplid();
        List<ReplicationStream.Past> h = s.history();
        assertEquals(ReplicationStream.HISTORY, h.size());
        assertEquals(-1, s.historyLimit(first), "the oldest fell out");
        assertEquals(h, ReplicationStream.decodeHistory(ReplicationStream.encodeHistory(h)));
        // a full sync (replid2 = zeros) starts a new dataset: no history applies to it
        s.setSecondary("0000000000000000000000000000000000000000", -1);
        assertTrue(s.history().isEmpty());
    }

    @Test
    void psyncDecisionUsesTheHistory() {
        PsyncDecision ok = PsyncDecision.decide("old", 500, "cur", "prev", 900, id -> id.equals("old") ? 600 : -1, true, 100, 1000, "r");
        assertTrue(ok.partial());
        assertEquals(499, ok.from());
        PsyncDecision past = PsyncDecision.decide("old", 700, "cur", "prev", 900, id -> id.equals("old") ? 600 : -1, true, 100, 1000, "r");
        assertFalse(past.partial());
        assertTrue(past.reason().contains("valid up to 600"), past.reason());
        PsyncDecision gone = PsyncDecision.decide("old", 50, "cur", "prev", 900, id -> id.equals("old") ? 600 : -1, true, 100, 1000, "r");
        assertFalse(gone.partial(), "in the history but no longer in the backlog");
    }
}
