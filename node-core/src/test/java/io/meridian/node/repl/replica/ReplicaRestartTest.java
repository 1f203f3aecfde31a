package io.meridian.node.repl.replica;

import io.meridian.node.Node;
import io.meridian.node.testing.RealRedis;
import io.meridian.node.testing.RespClient;
import io.meridian.node.testing.TestNode;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static io.meridian.node.repl.replica.ReplTesting.awaitCaughtUp;
import static io.meridian.node.repl.replica.ReplTesting.info;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A replica restarted on its data directory: the RDB of its full sync (kept as its RDB file,
 * with the master's replid and offset) plus its replication log bring it back to where it
 * stopped, and it continues from the real master with a partial resync.
 */
class ReplicaRestartTest {
    @Test
    void restartedReplicaContinuesWithAPartialResync() throws Exception {
        Path dir = Files.createTempDirectory("meridian-replica");
        try (RealRedis redis = RealRedis.start("--repl-diskless-sync", "no");
             RespClient m = new RespClient(redis.host(), redis.port());
             ReplTesting.LogCapture log = new ReplTesting.LogCapture()) {
            String[] args = {"--replicaof", redis.host(), Integer.toString(redis.port()), "--dir", dir.toString(),
                    "--repl-diskless-load", "disabled"};
            new Workload(m, 31).base("r", 600);
            try (TestNode replica = TestNode.start(args)) {
                awaitCaughtUp(m, replica.node());
                new Workload(m, 32).churn("r", 400); // after the RDB: only in the replica's log
                awaitCaughtUp(m, replica.node());
            }
            assertTrue(Files.exists(dir.resolve("dump.rdb")), "the full sync's RDB is kept");
            new Workload(m, 33).churn("r", 200); // while the replica is down
            try (TestNode replica = TestNode.start(args);
                 RespClient r = new RespClient(replica.host(), replica.port())) {
                Node node = replica.node();
                awaitCaughtUp(m, node);
                assertEquals("1", info(m, "stats").get("sync_full"), "no second full sync");
                assertEquals("1", info(m, "stats").get("sync_partial_ok"));
                assertEquals(m.call("DEBUG", "DIGEST"), r.call("DEBUG", "DIGEST"));
                assertTrue(log.has("Trying a partial resynchronization (request " + info(m, "replication").get("master_replid")));
            }
        }
    }
}
