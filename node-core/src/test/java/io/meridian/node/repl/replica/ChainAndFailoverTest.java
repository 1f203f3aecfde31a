package io.meridian.node.repl.replica;

import io.meridian.node.testing.RealRedis;
import io.meridian.node.testing.RespClient;
import io.meridian.node.testing.TestNode;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static io.meridian.node.repl.replica.ReplTesting.await;
import static io.meridian.node.repl.replica.ReplTesting.info;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Chains and failovers across Meridian and real redis-servers, each step ending with equal
 * DEBUG DIGEST at equal offsets: real -> Meridian -> real (the middle relays the top master's
 * stream verbatim, same replid and offsets), Meridian -> real -> Meridian, promotion of the
 * Meridian middle with REPLICAOF NO ONE (its sub-replica and the old master's other replica
 * continue with +CONTINUE), and FAILOVER in both directions.
 */
class ChainAndFailoverTest {

    /** Waits until replica (any kind) has applied all that master (any kind) has. */
    static void awaitSynced(RespClient master, RespClient replica) {
        await("the replica to reach its master's offset", 60_000, () -> {
            Map<String, String> r = info(replica, "replication");
            return "up".equals(r.get("master_link_status"))
                    && r.get("slave_repl_offset").equals(info(master, "replication").get("master_repl_offset"));
        }, () -> "master " + info(master, "replication") + "\nreplica " + info(replica, "replication"));
    }

    static String stat(RespClient c, String field) {
        return info(c, "stats").get(field);
    }

    static String repl(RespClient c, String field) {
        return info(c, "replication").get(field);
    }

    @Test
    void realToMeridianToRealThenPromotionOfTheMiddle() {
        try (RealRedis top = RealRedis.start("--repl-diskless-sync", "no");
             RespClient t = new RespClient(top.host(), top.port());
             TestNode mid = TestNode.start("--replicaof", top.host(), Integer.toString(top.port()));
             RespClient m = new RespClient(mid.host(), mid.port());
             RealRedis sibling = RealRedis.start("--replicaof", top.host(), Integer.toString(top.port()));
             RespClient b = new RespClient(sibling.host(), sibling.port())) {
            new Workload(t, 61).base("c", 1500);
            new Workload(t, 62).churn("c", 500);
            // the top's stream is in db 15 when the bottom syncs from the middle: the middle's RDB
            // must say so (repl-stream-db), as the relayed stream names no database until it changes
            t.call("SELECT", "15");
            t.call("SET", "last", "x");
            awaitSynced(t, m);
            RealRedis sub = RealRedis.start("--replicaof", mid.host(), Integer.toString(mid.port()));
            try (sub; RespClient s = new RespClient(sub.host(), sub.port())) {
            awaitSynced(m, s);
            t.call("SET", "after-the-sync", "in db 15");
            t.call("SELECT", "0");
            awaitSynced(t, m);
            awaitSynced(m, s);
            awaitSynced(t, b);
            Object digest = t.call("DEBUG", "DIGEST");
            assertEquals(digest, m.call("DEBUG", "DIGEST"));
            assertEquals(digest, s.call("DEBUG", "DIGEST"));
            String topId = repl(t, "master_replid");
            assertEquals(topId, repl(m, "master_replid"), "the middle carries the top's history");
            assertEquals(topId, repl(s, "master_replid"), "and so does the bottom");
            assertEquals(repl(t, "master_repl_offset"), repl(s, "master_repl_offset"));

            // the top kills the middle's link: the middle continues, the bottom does not notice
            String subFull = stat(m, "sync_full");
            t.call("CLIENT", "KILL", "TYPE", "replica");
            new Workload(t, 63).churn("c", 300);
            awaitSynced(t, m);
            awaitSynced(m, s);
            awaitSynced(t, b);
            assertTrue(Long.parseLong(stat(t, "sync_partial_ok")) >= 1, "partial resyncs on the top: " + stat(t, "sync_partial_ok"));
            assertEquals(subFull, stat(m, "sync_full"), "no full sync of the bottom");
            assertEquals(t.call("DEBUG", "DIGEST"), s.call("DEBUG", "DIGEST"));

            // promotion of the middle: the bottom and the top's other replica continue from it
            long partialBefore = Long.parseLong(stat(m, "sync_partial_ok"));
            long fullBefore = Long.parseLong(stat(m, "sync_full"));
            assertEquals(new RespClient.Simple("OK"), m.call("REPLICAOF", "NO", "ONE"));
            assertEquals(topId, repl(m, "master_replid2"));
            assertNotEquals(topId, repl(m, "master_replid"));
            assertEquals(new RespClient.Simple("OK"), b.call("REPLICAOF", mid.host(), Integer.toString(mid.port())));
            new Workload(m, 64).churn("c", 300);
            awaitSynced(m, s);
            awaitSynced(m, b);
            assertEquals(partialBefore + 2, Long.parseLong(stat(m, "sync_partial_ok")), "both continued with +CONTINUE");
            assertEquals(fullBefore, Long.parseLong(stat(m, "sync_full")), "no full sync");
            assertEquals(repl(m, "master_replid"), repl(s, "master_replid"));
            assertEquals(repl(m, "master_replid"), repl(b, "master_replid"));
            Object after = m.call("DEBUG", "DIGEST");
            assertEquals(after, s.call("DEBUG", "DIGEST"));
            assertEquals(after, b.call("DEBUG", "DIGEST"));
            }
        }
    }

    @Test
    void meridianToRealToMeridian() {
        try (TestNode top = TestNode.start();
             RespClient t = new RespClient(top.host(), top.port());
             RealRedis mid = RealRedis.start("--replicaof", top.host(), Integer.toString(top.port()));
             RespClient m = new RespClient(mid.host(), mid.port());
             TestNode bottom = TestNode.start("--replicaof", mid.host(), Integer.toString(mid.port()));
             RespClient b = new RespClient(bottom.host(), bottom.port())) {
            new Workload(t, 71).base("d", 1200);
            new Workload(t, 72).churn("d", 400);
            awaitSynced(t, m);
            awaitSynced(m, b);
            Object digest = t.call("DEBUG", "DIGEST");
            assertEquals(digest, m.call("DEBUG", "DIGEST"));
            assertEquals(digest, b.call("DEBUG", "DIGEST"));
            assertEquals(repl(t, "master_replid"), repl(b, "master_replid"));
            assertEquals(repl(t, "master_repl_offset"), repl(b, "master_repl_offset"));
        }
    }

    @Test
    void failoverFromARealMasterToAMeridianReplica() {
        try (RealRedis real = RealRedis.start();
             RespClient r = new RespClient(real.host(), real.port());
             TestNode meridian = TestNode.start("--replicaof", real.host(), Integer.toString(real.port()));
             RespClient m = new RespClient(meridian.host(), meridian.port())) {
            new Workload(r, 81).base("f", 600);
            awaitSynced(r, m);
            assertEquals(new RespClient.Simple("OK"), r.call("FAILOVER"));
            await("the roles to swap", 60_000, () -> "master".equals(repl(m, "role")) && "slave".equals(repl(r, "role"))
                    && "up".equals(repl(r, "master_link_status")), () -> info(r, "replication") + "\n" + info(m, "replication"));
            assertEquals("0", stat(m, "sync_full"), "the old master continued from the new one");
            assertEquals("1", stat(m, "sync_partial_ok"));
            new Workload(m, 82).churn("f", 300);
            awaitSynced(m, r);
            assertEquals(m.call("DEBUG", "DIGEST"), r.call("DEBUG", "DIGEST"));
        }
    }

    @Test
    void failoverFromAMeridianMasterToARealReplica() {
        try (TestNode meridian = TestNode.start();
             RespClient m = new RespClient(meridian.host(), meridian.port());
             RealRedis real = RealRedis.start("--replicaof", meridian.host(), Integer.toString(meridian.port()));
             RespClient r = new RespClient(real.host(), real.port());
             ReplTesting.LogCapture log = new ReplTesting.LogCapture()) {
            new Workload(m, 91).base("g", 600);
            awaitSynced(m, r);
            assertEquals(new RespClient.Simple("OK"), m.call("FAILOVER", "TO", real.host(), Integer.toString(real.port()), "TIMEOUT", "60000"));
            await("the roles to swap", 60_000, () -> "master".equals(repl(r, "role")) && "slave".equals(repl(m, "role"))
                    && "up".equals(repl(m, "master_link_status")), () -> info(r, "replication") + "\n" + info(m, "replication"));
            assertTrue(log.has("Failover target " + real.host() + ":" + real.port() + " is synced, failing over."));
            assertEquals("no-failover", repl(m, "master_failover_state"));
            assertEquals("0", stat(r, "sync_full"));
            assertEquals("1", stat(r, "sync_partial_ok"));
            new Workload(r, 92).churn("g", 300);
            awaitSynced(r, m);
            assertEquals(r.call("DEBUG", "DIGEST"), m.call("DEBUG", "DIGEST"));
        }
    }

    @Test
    void failoverBetweenTwoMeridians() {
        try (TestNode a = TestNode.start();
             RespClient ca = new RespClient(a.host(), a.port());
             TestNode b = TestNode.start("--replicaof", a.host(), Integer.toString(a.port()));
             RespClient cb = new RespClient(b.host(), b.port())) {
            new Workload(ca, 101).base("h", 600);
            awaitSynced(ca, cb);
            assertEquals(new RespClient.Simple("OK"), ca.call("FAILOVER"));
            await("the roles to swap", 60_000, () -> "master".equals(repl(cb, "role")) && "slave".equals(repl(ca, "role"))
                    && "up".equals(repl(ca, "master_link_status")), () -> info(ca, "replication") + "\n" + info(cb, "replication"));
            assertEquals("0", stat(cb, "sync_full"));
            new Workload(cb, 102).churn("h", 300);
            awaitSynced(cb, ca);
            assertEquals(cb.call("DEBUG", "DIGEST"), ca.call("DEBUG", "DIGEST"));
        }
    }
}
