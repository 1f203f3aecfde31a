package io.meridian.node.repl.master;

import io.meridian.node.testing.RealRedis;
import io.meridian.node.testing.TestNode;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

import java.util.ArrayList;
import java.util.List;

import static io.meridian.node.repl.master.ReplTesting.assertSameData;
import static io.meridian.node.repl.master.ReplTesting.field;
import static io.meridian.node.repl.master.ReplTesting.longField;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Many replicas at once (issue item "many replicas reconnecting at once share snapshots and
 * never exhaust the master's memory; a replica whose offset is in the log never gets a full
 * sync"): six real redis-server replicas asking together take one snapshot; all their links
 * killed at once under writes, they all come back with a partial resync from the log, no
 * snapshot is made, and every replica ends with the master's data.
 */
class ReconnectStormTest {
    private static final int REPLICAS = 6;

    @Test
    void sixReplicasShareOneSnapshotAndAllResumeFromTheLog() throws Exception {
        try (ReplTesting.LogCapture log = new ReplTesting.LogCapture();
             TestNode master = TestNode.start("--repl-diskless-sync-delay", "2");
             Jedis m = new Jedis(master.host(), master.port(), 60_000)) {
            ReplTesting.fill(m, 100_000);
            List<RealRedis> replicas = new ArrayList<>();
            List<Jedis> clients = new ArrayList<>();
            try (ReplTesting.Writer writer = new ReplTesting.Writer(master.host(), master.port(), false)) {
                writer.start();
                for (int i = 0; i < REPLICAS; i++) {
                    RealRedis r = RealRedis.start("--replicaof", master.host(), Integer.toString(master.port()));
                    replicas.add(r);
                    clients.add(new Jedis(r.host(), r.port(), 60_000));
                }
                for (Jedis r : clients) ReplTesting.awaitLoaded(r, 120_000);
                assertEquals(1, log.count("Starting BGSAVE for SYNC"), "one snapshot for the six: " + log.lines());
                assertEquals(REPLICAS, longField(m, "stats", "sync_full"));
                long heapBefore = usedMemory(m);

                // every link killed at once, the writer still writing
                Object killed = m.sendCommand(() -> "CLIENT".getBytes(), "KILL", "TYPE", "replica");
                assertEquals((long) REPLICAS, killed);
                for (Jedis r : clients) ReplTesting.awaitLoaded(r, 120_000);
                Thread.sleep(500);
                writer.close();
                for (Jedis r : clients) assertSameData(m, r);
                assertEquals(REPLICAS, longField(m, "stats", "sync_full"), "no full sync after the reconnect: " + m.info("stats"));
                assertEquals(REPLICAS, longField(m, "stats", "sync_partial_ok"), m.info("stats"));
                assertEquals(1, log.count("Starting BGSAVE for SYNC"));
                // what the master holds for its replicas does not grow with their number: the log feeds them
                long heapAfter = usedMemory(m);
                assertTrue(heapAfter < heapBefore + (256L << 20), "used_memory " + heapBefore + " -> " + heapAfter);
                String info = m.info("replication");
                assertEquals(Integer.toString(REPLICAS), field(info, "connected_slaves"), info);
            } finally {
                for (Jedis c : clients) c.close();
                for (RealRedis r : replicas) r.close();
            }
        }
    }

    private static long usedMemory(Jedis m) {
        return Long.parseLong(field(m.info("memory"), "used_memory"));
    }
}
