package io.meridian.node.repl.replica;

import io.meridian.node.Node;
import io.meridian.node.testing.RealRedis;
import io.meridian.node.testing.RespClient;
import io.meridian.node.testing.TestNode;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static io.meridian.node.repl.replica.ReplTesting.await;
import static io.meridian.node.repl.replica.ReplTesting.awaitCaughtUp;
import static io.meridian.node.repl.replica.ReplTesting.info;
import static io.meridian.node.repl.replica.ReplTesting.onLoop;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Role changes against real redis-servers: following a promoted replica with +CONTINUE and
 * its new replid (PSYNC2), promotion of a Meridian replica with REPLICAOF NO ONE, demotion
 * back, expiry driven by the master's DELs, and a replica whose master is gone.
 */
class ReplicaRolesTest {

    private static void awaitRealCaughtUp(RespClient master, RespClient replica) {
        await("the real replica to catch up", 60_000, () -> {
            Map<String, String> r = info(replica, "replication");
            return "up".equals(r.get("master_link_status"))
                    && r.get("slave_repl_offset").equals(info(master, "replication").get("master_repl_offset"));
        }, () -> info(replica, "replication").toString());
    }

    @Test
    void followsAPromotedReplicaWithAPartialResyncAndItsNewReplid() {
        try (RealRedis r1 = RealRedis.start();
             RespClient m1 = new RespClient(r1.host(), r1.port());
             RealRedis r2 = RealRedis.start("--replicaof", r1.host(), Integer.toString(r1.port()));
             RespClient m2 = new RespClient(r2.host(), r2.port());
             TestNode meridian = TestNode.start("--replicaof", r1.host(), Integer.toString(r1.port()));
             RespClient m = new RespClient(meridian.host(), meridian.port());
             ReplTesting.LogCapture log = new ReplTesting.LogCapture()) {
            Node node = meridian.node();
            new Workload(m1, 11).base("p", 900);
            awaitCaughtUp(m1, node);
            awaitRealCaughtUp(m1, m2);
            String oldReplid = info(m1, "replication").get("master_replid");
            long at = node.stream().offset();

            // R2 takes over; the Meridian replica follows it
            m2.call("REPLICAOF", "NO", "ONE");
            Map<String, String> promoted = info(m2, "replication");
            assertEquals(oldReplid, promoted.get("master_replid2"));
            assertEquals(new RespClient.Simple("OK"), m.call("REPLICAOF", r2.host(), Integer.toString(r2.port())));
            new Workload(m2, 12).churn("p", 300);
            awaitCaughtUp(m2, node);
            Map<String, String> stats = info(m2, "stats");
            assertEquals("1", stats.get("sync_partial_ok"), stats.toString());
            assertEquals("0", stats.get("sync_full"));
            log.awaitLine("Master replication ID changed to " + promoted.get("master_replid"));
            assertEquals(promoted.get("master_replid"), node.stream().replid());
            assertEquals(oldReplid, node.stream().replid2());
            assertEquals(at + 1, node.stream().secondReplOffset());
            assertEquals(promoted.get("second_repl_offset"), Long.toString(node.stream().secondReplOffset()));
            assertEquals(m2.call("DEBUG", "DIGEST"), m.call("DEBUG", "DIGEST"));
            assertEquals(new RespClient.Simple("OK Already connected to specified master"),
                    m.call("REPLICAOF", r2.host(), Integer.toString(r2.port())));
        }
    }

    @Test
    void promotionKeepsTheHistoryAsReplid2AndDemotionResyncs() {
        try (RealRedis r1 = RealRedis.start();
             RespClient m1 = new RespClient(r1.host(), r1.port());
             TestNode meridian = TestNode.start("--replicaof", r1.host(), Integer.toString(r1.port()));
             RespClient m = new RespClient(meridian.host(), meridian.port());
             ReplTesting.LogCapture log = new ReplTesting.LogCapture()) {
            Node node = meridian.node();
            new Workload(m1, 21).base("q", 500);
            awaitCaughtUp(m1, node);
            String masterReplid = info(m1, "replication").get("master_replid");
            long at = node.stream().offset();
            Object digest = m1.call("DEBUG", "DIGEST");
            assertEquals(new RespClient.Err("READONLY You can't write against a read only replica."), m.call("SET", "mine", "1"));

            assertEquals(new RespClient.Simple("OK"), m.call("REPLICAOF", "NO", "ONE"));
            assertEquals(Node.Role.MASTER, node.role());
            assertNull(node.upstream());
            assertEquals(masterReplid, node.stream().replid2());
            assertEquals(at + 1, node.stream().secondReplOffset());
            assertNotEquals(masterReplid, node.stream().replid());
            assertEquals(at, node.stream().offset());
            assertTrue(log.has("Setting secondary replication ID to " + masterReplid + ", valid up to offset: " + (at + 1)));
            assertTrue(log.has("MASTER MODE enabled (user request from 'id="));
            assertEquals(digest, m.call("DEBUG", "DIGEST"), "the dataset is kept");
            assertEquals(new RespClient.Simple("OK"), m.call("SET", "mine", "1"));
            assertTrue(node.stream().offset() > at, "its own writes start its own stream");
            assertEquals(new RespClient.Simple("OK"), m.call("REPLICAOF", "NO", "ONE"), "a master stays one");

            // back to the old master: it does not know the new history, so a full sync replaces it
            assertEquals(new RespClient.Simple("OK"), m.call("REPLICAOF", r1.host(), Integer.toString(r1.port())));
            assertEquals(Node.Role.REPLICA, node.role());
            log.awaitLine("Trying a partial resynchronization (request " + node.stream().replid());
            m1.call("SET", "after", "x");
            awaitCaughtUp(m1, node);
            assertNull(m.call("GET", "mine"));
            assertEquals("x", m.call("GET", "after"));
            assertEquals(m1.call("DEBUG", "DIGEST"), m.call("DEBUG", "DIGEST"));
            assertEquals(masterReplid, node.stream().replid());
            assertEquals("2", info(m1, "stats").get("sync_full"));
        }
    }

    @Test
    void expiryIsTheMastersToDoReadsHideExpiredKeys() {
        try (RealRedis r1 = RealRedis.start();
             RespClient m1 = new RespClient(r1.host(), r1.port());
             RealRedis r2 = RealRedis.start("--replicaof", r1.host(), Integer.toString(r1.port()));
             RespClient real = new RespClient(r2.host(), r2.port());
             TestNode meridian = TestNode.start("--replicaof", r1.host(), Integer.toString(r1.port()));
             RespClient m = new RespClient(meridian.host(), meridian.port())) {
            Node node = meridian.node();
            m1.call("DEBUG", "SET-ACTIVE-EXPIRE", "0");
            m1.call("SET", "gone", "v", "PX", "300");
            m1.call("HSET", "h", "f", "v");
            m1.call("PEXPIRE", "h", "300");
            m1.call("SET", "stays", "v");
            awaitCaughtUp(m1, node);
            awaitRealCaughtUp(m1, real);
            ReplTesting.sleep(600);
            // logically expired: hidden from reads on both replicas, still counted, not deleted
            for (String[] c : new String[][]{{"GET", "gone"}, {"EXISTS", "gone", "h"}, {"TTL", "gone"}, {"HGET", "h", "f"},
                    {"DBSIZE"}, {"TYPE", "gone"}, {"GET", "stays"}}) {
                assertEquals(real.call(c), m.call(c), String.join(" ", c));
            }
            assertEquals(3L, m.call("DBSIZE"));
            // the master expires them when touched, and its DELs reach the replicas
            m1.call("GET", "gone");
            m1.call("EXISTS", "h");
            awaitCaughtUp(m1, node);
            awaitRealCaughtUp(m1, real);
            assertEquals(1L, m.call("DBSIZE"));
            assertEquals(real.call("DBSIZE"), m.call("DBSIZE"));
            assertEquals(m1.call("DEBUG", "DIGEST"), m.call("DEBUG", "DIGEST"));
        }
    }

    @Test
    void clientPauseHoldsTheMastersWritesUntilUnpause() {
        try (RealRedis r1 = RealRedis.start();
             RespClient m1 = new RespClient(r1.host(), r1.port());
             TestNode meridian = TestNode.start("--replicaof", r1.host(), Integer.toString(r1.port()));
             RespClient m = new RespClient(meridian.host(), meridian.port())) {
            Node node = meridian.node();
            m1.call("SET", "before", "1");
            awaitCaughtUp(m1, node);
            long at = onLoop(node, () -> ReplicaOf.link(node).replOffset());
            assertEquals(new RespClient.Simple("OK"), m.call("CLIENT", "PAUSE", "60000", "WRITE"));
            m1.call("SET", "during", "1");
            m1.call("SET", "during2", "2");
            await("the master's write to reach the replica", 30_000,
                    () -> onLoop(node, () -> ReplicaOf.link(node).readReplOffset()) > at, null);
            ReplTesting.sleep(300);
            assertNull(m.call("GET", "during"), "postponed like any client's write");
            long applied = onLoop(node, () -> ReplicaOf.link(node).replOffset());
            long read = onLoop(node, () -> ReplicaOf.link(node).readReplOffset());
            assertTrue(applied < read, "the SETs are not applied, not counted: " + applied + " < " + read);
            assertEquals("1", m.call("GET", "before"), "reads go on");
            assertEquals(new RespClient.Simple("OK"), m.call("CLIENT", "UNPAUSE"));
            awaitCaughtUp(m1, node);
            assertEquals("2", m.call("GET", "during2"));
            assertEquals(m1.call("DEBUG", "DIGEST"), m.call("DEBUG", "DIGEST"));
        }
    }

    @Test
    void aMasterThatIsGoneLeavesTheLinkDownAndTheBackoffGrowing() {
        RealRedis r1 = RealRedis.start();
        try (RespClient m1 = new RespClient(r1.host(), r1.port());
             TestNode meridian = TestNode.start("--replicaof", r1.host(), Integer.toString(r1.port()),
                     "--replica-serve-stale-data", "no");
             RespClient m = new RespClient(meridian.host(), meridian.port())) {
            Node node = meridian.node();
            m1.call("SET", "k", "v");
            awaitCaughtUp(m1, node);
            assertEquals("v", m.call("GET", "k"));
            r1.close();
            await("the link to drop", 30_000, () -> !onLoop(node, () -> ReplicaOf.link(node).linkUp()), null);
            assertEquals(new RespClient.Err("MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'."),
                    m.call("GET", "k"));
            await("the backoff to grow", 30_000, () -> onLoop(node, () -> ReplicaOf.link(node).backoff().failures()) >= 3, null);
            assertTrue(onLoop(node, () -> ReplicaOf.link(node).linkDownSinceSeconds()) >= 0);
            assertTrue(onLoop(node, () -> ReplicaOf.link(node).lastError()).startsWith("Unable to connect to MASTER"),
                    onLoop(node, () -> ReplicaOf.link(node).lastError()));
            assertEquals(new RespClient.Simple("OK"), m.call("CONFIG", "SET", "replica-serve-stale-data", "yes"));
            assertEquals("v", m.call("GET", "k"));
        } finally {
            r1.close();
        }
    }
}
