package io.meridian.node.repl.replica;

import io.meridian.node.Node;
import io.meridian.node.testing.RealRedis;
import io.meridian.node.testing.RespClient;
import io.meridian.node.testing.TestNode;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static io.meridian.node.repl.replica.ReplTesting.await;
import static io.meridian.node.repl.replica.ReplTesting.info;
import static io.meridian.node.repl.replica.ReplTesting.onLoop;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * FAILOVER as Redis 6.2+: arguments and refusals as redis-server answers them, writes paused
 * while waiting, the timeout, FORCE, ABORT, a target that refuses the PSYNC FAILOVER (the
 * node is a master again) and one that accepts it (the node is its replica, writes resume).
 * The replicas and their ACKs are handed to {@link Failover} the way the master side does.
 */
class FailoverTest {

    @Test
    void argumentsAndRefusalsAsRedis() {
        try (RealRedis redis = RealRedis.start();
             RespClient r = new RespClient(redis.host(), redis.port());
             TestNode node = TestNode.start();
             RespClient m = new RespClient(node.host(), node.port())) {
            for (String[] c : new String[][]{{"FAILOVER"}, {"FAILOVER", "ABORT"}, {"FAILOVER", "abort", "x"}, {"FAILOVER", "TO"},
                    {"FAILOVER", "TO", "h", "1"}, {"FAILOVER", "TIMEOUT", "0"}, {"FAILOVER", "TIMEOUT", "-5"}, {"FAILOVER", "TIMEOUT", "x"},
                    {"FAILOVER", "FORCE"}, {"FAILOVER", "TO", "h", "x"}, {"FAILOVER", "TIMEOUT", "5", "TIMEOUT", "5"},
                    {"FAILOVER", "FORCE", "FORCE"}, {"FAILOVER", "TO", "h", "1", "TO", "h", "2"}, {"FAILOVER", "bogus"}}) {
                assertEquals(r.call(c), m.call(c), String.join(" ", c));
            }
            // on a replica
            r.call("REPLICAOF", "127.0.0.1", "1");
            m.call("REPLICAOF", "127.0.0.1", "1");
            assertEquals(r.call("FAILOVER"), m.call("FAILOVER"));
            assertEquals(r.call("FAILOVER", "ABORT"), m.call("FAILOVER", "ABORT"));
            r.call("REPLICAOF", "NO", "ONE");
            m.call("REPLICAOF", "NO", "ONE");
            assertEquals("no-failover", info(m, "replication").get("master_failover_state"));
        }
    }

    /** A node whose master side reports one replica at host:port, acknowledged at ack. */
    private static Failover withReplica(Node node, String host, int port, AtomicLong ack) {
        Failover f = Failover.of(node);
        f.setReplicas(() -> List.of(new Failover.Replica(host, port, ack.get(), true)));
        return f;
    }

    @Test
    void waitsWithWritesPausedThenTimesOutOrIsAborted() throws Exception {
        try (TestNode node = TestNode.start();
             RespClient m = new RespClient(node.host(), node.port());
             RespClient writer = new RespClient(node.host(), node.port());
             ReplTesting.LogCapture log = new ReplTesting.LogCapture()) {
            Node n = node.node();
            m.call("SET", "a", "1");
            AtomicLong ack = new AtomicLong(0); // behind: never caught up
            withReplica(n, "10.1.1.1", 7000, ack);
            assertEquals(new RespClient.Err("ERR FAILOVER target HOST and PORT is not a replica."), m.call("FAILOVER", "TO", "10.1.1.1", "7001"));
            assertEquals(new RespClient.Err("ERR FAILOVER with force option requires both a timeout and target HOST and IP."),
                    m.call("FAILOVER", "TO", "10.1.1.1", "7000", "FORCE"));
            assertEquals(new RespClient.Simple("OK"), m.call("FAILOVER"));
            assertEquals("waiting-for-sync", info(m, "replication").get("master_failover_state"));
            assertEquals(new RespClient.Err("ERR FAILOVER already in progress."), m.call("FAILOVER"));
            assertEquals(new RespClient.Err("ERR REPLICAOF not allowed while failing over."), m.call("REPLICAOF", "NO", "ONE"));
            writer.send("SET", "b", "2");
            ReplTesting.sleep(300);
            assertNull(m.call("GET", "b"), "writes wait while failing over");
            assertEquals(new RespClient.Simple("OK"), m.call("FAILOVER", "ABORT"));
            assertEquals(new RespClient.Simple("OK"), writer.read());
            assertEquals("2", m.call("GET", "b"));
            assertTrue(log.has("FAILOVER to any replica aborted: Failover manually aborted"));
            assertEquals("no-failover", info(m, "replication").get("master_failover_state"));

            assertEquals(new RespClient.Simple("OK"), m.call("FAILOVER", "TIMEOUT", "200"));
            log.awaitLine("FAILOVER to any replica aborted: Replica never caught up before timeout");
            assertEquals("no-failover", info(m, "replication").get("master_failover_state"));
            assertEquals(new RespClient.Simple("OK"), m.call("SET", "c", "3"));
            assertEquals(Node.Role.MASTER, n.role());
        }
    }

    @Test
    void aTargetThatRefusesThePsyncLeavesTheNodeAMaster() {
        try (RealRedis target = RealRedis.start();
             TestNode node = TestNode.start();
             RespClient m = new RespClient(node.host(), node.port());
             ReplTesting.LogCapture log = new ReplTesting.LogCapture()) {
            Node n = node.node();
            m.call("SET", "a", "1");
            AtomicLong ack = new AtomicLong();
            withReplica(n, target.host(), target.port(), ack);
            ack.set(n.stream().offset());
            // FORCE: not caught up is fine once the timeout is over; the real redis is a master and says no
            ack.set(-1);
            assertEquals(new RespClient.Simple("OK"), m.call("FAILOVER", "TO", target.host(), Integer.toString(target.port()), "TIMEOUT", "100", "FORCE"));
            log.awaitLine("FAILOVER to " + target.host() + ":" + target.port() + " time out exceeded, failing over.");
            log.awaitLine("FAILOVER to " + target.host() + ":" + target.port() + " aborted: Failover target rejected psync request");
            await("a master again", 30_000, () -> onLoop(n, () -> n.role() == Node.Role.MASTER && !n.isPaused()), null);
            assertEquals("no-failover", info(m, "replication").get("master_failover_state"));
            assertEquals(new RespClient.Simple("OK"), m.call("SET", "b", "2"));
        }
    }

    @Test
    void aSyncedTargetThatAcceptsBecomesTheMaster() throws Exception {
        try (TestNode node = TestNode.start();
             RespClient m = new RespClient(node.host(), node.port())) {
            Node n = node.node();
            m.call("SET", "a", "1");
            String replid = n.stream().replid();
            long offset = n.stream().offset();
            try (FakeMaster target = new FakeMaster((psync, i, out) -> {
                FakeMaster.write(out, "+CONTINUE\r\n");
                return true;
            })) {
                AtomicLong ack = new AtomicLong(offset);
                withReplica(n, "127.0.0.1", target.port(), ack);
                assertEquals(new RespClient.Simple("OK"), m.call("FAILOVER"));
                await("the node to follow its old replica", 30_000,
                        () -> onLoop(n, () -> n.isReplica() && ReplicaOf.link(n) != null && ReplicaOf.link(n).linkUp()), null);
                assertEquals(List.of("PSYNC", replid, Long.toString(offset + 1), "FAILOVER"), target.commands("PSYNC").get(0));
                assertEquals("no-failover", info(m, "replication").get("master_failover_state"));
                assertEquals(new RespClient.Err("READONLY You can't write against a read only replica."), m.call("SET", "b", "2"));
                assertTrue(!onLoop(n, n::isPaused), "the pause ended with the failover");
                m.call("REPLICAOF", "NO", "ONE");
            }
        }
    }
}
