package io.meridian.node.repl.master;

import io.meridian.node.testing.RealRedis;
import io.meridian.node.testing.TestNode;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

import static io.meridian.node.repl.master.ReplTesting.assertSameData;
import static io.meridian.node.repl.master.ReplTesting.expireDue;
import static io.meridian.node.repl.master.ReplTesting.field;
import static io.meridian.node.repl.master.ReplTesting.fill;
import static io.meridian.node.repl.master.ReplTesting.longField;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A Meridian master feeding a real redis-server 7.0.15 replica: a full sync under a writer of
 * every type (expiries, MULTI/EXEC, FLUSHALL), disk-backed and diskless, ending with equal
 * DEBUG DIGEST at the same offset; then the link killed with CLIENT KILL TYPE replica and the
 * replica back with a partial resync.
 */
class RealReplicaTest {

    @Test
    void diskBackedFullSyncUnderLoadThenPartialResyncAfterKill() throws Exception {
        fullThenPartial("no");
    }

    @Test
    void disklessFullSyncUnderLoadThenPartialResyncAfterKill() throws Exception {
        fullThenPartial("yes");
    }

    @Test
    void theMemoryBacklogIsCreatedWithTheFirstReplicaAsRedisDoes() throws Exception {
        try (TestNode node = TestNode.start("--repl-log-enabled", "no");
             RealRedis redis = RealRedis.start();
             Jedis m = new Jedis(node.host(), node.port(), 30_000); Jedis rm = new Jedis(redis.host(), redis.port(), 30_000)) {
            for (int i = 0; i < 100; i++) {
                m.set("k" + i, "v");
                rm.set("k" + i, "v");
            }
            // no replica yet: no backlog (and the writes are not encoded for one); Meridian's offset still counts them
            assertEquals(field(rm.info("replication"), "repl_backlog_active"), field(m.info("replication"), "repl_backlog_active"));
            assertEquals("0", field(m.info("replication"), "repl_backlog_active"));
            try (RealRedis replica = RealRedis.start("--replicaof", node.host(), Integer.toString(node.port()));
                 Jedis r = new Jedis(replica.host(), replica.port(), 30_000)) {
                ReplTesting.waitInSync(m, r, 60_000);
                assertEquals("1", field(m.info("replication"), "repl_backlog_active"));
                m.set("after", "1");
                ReplTesting.waitInSync(m, r, 60_000);
                assertEquals("1", r.get("after"));
            }
        }
    }

    @Test
    void memoryBacklogFullSyncThenPartialResync() throws Exception {
        // repl-log-enabled no: the backlog is the in-memory ring, kept past its size while the replica reads it
        fullThenPartial("yes", "--repl-log-enabled", "no");
    }

    private void fullThenPartial(String diskless, String... more) throws Exception {
        java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("--repl-diskless-sync", diskless, "--repl-diskless-sync-delay", "1"));
        args.addAll(java.util.List.of(more));
        try (TestNode node = TestNode.start(args.toArray(new String[0]));
             Jedis m = new Jedis(node.host(), node.port(), 30_000)) {
            fill(m, 30_000);
            try (ReplTesting.Writer w = new ReplTesting.Writer(node.host(), node.port(), true)) {
                w.start();
                try (RealRedis replica = RealRedis.start("--replicaof", node.host(), Integer.toString(node.port()));
                     Jedis r = new Jedis(replica.host(), replica.port(), 30_000)) {
                    ReplTesting.waitInSync(m, r, 60_000); // the writer still runs: offsets equal at one instant
                    Thread.sleep(300);
                    w.close();
                    assertTrue(w.ops.get() > 100, "the writer wrote during the sync: " + w.ops.get());
                    Thread.sleep(1200);
                    expireDue(m);
                    assertSameData(m, r);
                    assertEquals(1, longField(m, "stats", "sync_full"));
                    assertEquals(0, longField(m, "stats", "sync_partial_ok"));
                    String info = m.info("replication");
                    assertEquals("1", field(info, "connected_slaves"));
                    assertTrue(field(info, "slave0").contains("state=online"), info);
                    assertTrue(field(info, "slave0").contains("port=" + replica.port()), info);

                    // the link dies; the replica comes back with PSYNC and continues from the backlog
                    m.clientKill(redis.clients.jedis.params.ClientKillParams.clientKillParams()
                            .type(redis.clients.jedis.args.ClientType.REPLICA));
                    fill(m, 1000);
                    long deadline = System.currentTimeMillis() + 30_000;
                    while (longField(m, "stats", "sync_partial_ok") < 1 && System.currentTimeMillis() < deadline) Thread.sleep(50);
                    assertEquals(1, longField(m, "stats", "sync_partial_ok"), m.info("replication"));
                    assertEquals(1, longField(m, "stats", "sync_full"), "no second full sync");
                    m.set("after", "kill");
                    assertSameData(m, r);
                    assertEquals("kill", r.get("after"));
                }
            }
        }
    }
}
