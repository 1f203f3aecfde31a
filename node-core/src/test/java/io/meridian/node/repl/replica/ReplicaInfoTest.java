package io.meridian.node.repl.replica;

import io.meridian.node.Node;
import io.meridian.node.testing.RealRedis;
import io.meridian.node.testing.RespClient;
import io.meridian.node.testing.TestNode;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.meridian.node.repl.replica.ReplTesting.await;
import static io.meridian.node.repl.replica.ReplTesting.awaitCaughtUp;
import static io.meridian.node.repl.replica.ReplTesting.info;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * INFO replication of a Meridian replica next to a real redis-server replica of the same
 * real master: the same fields in the same order, and the same values for what both know
 * (link, offsets, replids), with the link up and after the master is gone.
 */
class ReplicaInfoTest {
    /** Fields whose values both replicas must show alike. */
    private static final List<String> SAME = List.of("role", "master_host", "master_port", "master_link_status",
            "master_sync_in_progress", "slave_read_repl_offset", "slave_repl_offset", "slave_priority", "slave_read_only",
            "replica_announced", "connected_slaves", "master_failover_state", "master_replid", "master_replid2",
            "master_repl_offset", "second_repl_offset");

    private static void compare(RespClient real, RespClient ours, String when) {
        Map<String, String> a = info(real, "replication"), b = new java.util.LinkedHashMap<>(info(ours, "replication"));
        // Meridian's own fields follow Redis's (backlog kind and age, per-replica lag): not compared
        b.keySet().removeIf(k -> k.equals("master_replid_history") || k.equals("repl_backlog_kind") || k.equals("repl_backlog_oldest_age_seconds") || k.equals("full_sync_in_progress") || k.matches("slave\\d+_lag"));
        assertEquals(new ArrayList<>(a.keySet()), new ArrayList<>(b.keySet()), when + ": field names and order");
        for (String f : SAME) assertEquals(a.get(f), b.get(f), when + ": " + f);
    }

    @Test
    void replicationSectionAsARealReplicaShowsIt() {
        RealRedis r1 = RealRedis.start();
        try (RespClient m1 = new RespClient(r1.host(), r1.port());
             RealRedis r2 = RealRedis.start("--replicaof", r1.host(), Integer.toString(r1.port()));
             RespClient real = new RespClient(r2.host(), r2.port());
             TestNode meridian = TestNode.start("--replicaof", r1.host(), Integer.toString(r1.port()));
             RespClient ours = new RespClient(meridian.host(), meridian.port())) {
            Node node = meridian.node();
            new Workload(m1, 41).base("i", 200);
            awaitCaughtUp(m1, node);
            await("the real replica to catch up", 60_000, () -> info(real, "replication").get("slave_repl_offset")
                    .equals(info(m1, "replication").get("master_repl_offset")), null);
            compare(real, ours, "link up");
            assertEquals(real.call("ROLE"), ours.call("ROLE"), "ROLE: slave, master host and port, connected, offset");
            long io = Long.parseLong(info(ours, "replication").get("master_last_io_seconds_ago"));
            assertTrue(io >= 0 && io <= 10, "master_last_io_seconds_ago " + io);

            r1.close();
            await("both links down", 30_000, () -> "down".equals(info(real, "replication").get("master_link_status"))
                    && "down".equals(info(ours, "replication").get("master_link_status")), null);
            compare(real, ours, "master gone");
            assertEquals("-1", info(ours, "replication").get("master_last_io_seconds_ago"));
            long down = Long.parseLong(info(ours, "replication").get("master_link_down_since_seconds"));
            assertTrue(down >= 0 && down < 60, "master_link_down_since_seconds " + down);
        } finally {
            r1.close();
        }
    }

    @Test
    void theMasterListsTheReplicaAtItsAnnouncedAddress() {
        try (RealRedis r1 = RealRedis.start();
             RespClient m1 = new RespClient(r1.host(), r1.port());
             TestNode meridian = TestNode.start("--replicaof", r1.host(), Integer.toString(r1.port()),
                     "--replica-announce-ip", "10.9.8.7", "--replica-announce-port", "7777")) {
            m1.call("SET", "k", "v");
            awaitCaughtUp(m1, meridian.node());
            await("the master's view of its replica", 30_000, () -> String.valueOf(info(m1, "replication").get("slave0"))
                    .startsWith("ip=10.9.8.7,port=7777,state=online,"), () -> info(m1, "replication").toString());
            // ROLE on the master lists it the same way
            Object role = m1.call("ROLE");
            assertEquals("10.9.8.7", ((java.util.List<?>) ((java.util.List<?>) ((java.util.List<?>) role).get(2)).get(0)).get(0));
        }
    }
}
