package io.meridian.node.repl.replica;

import io.meridian.node.Node;
import io.meridian.node.testing.RealRedis;
import io.meridian.node.testing.RespClient;
import io.meridian.node.testing.TestNode;
import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicReference;

import static io.meridian.node.repl.replica.ReplTesting.await;
import static io.meridian.node.repl.replica.ReplTesting.awaitCaughtUp;
import static io.meridian.node.repl.replica.ReplTesting.info;
import static io.meridian.node.repl.replica.ReplTesting.link;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A Meridian replica of Debian's real redis-server: full sync (disk-backed and diskless on
 * the master, to disk and to the parser on the replica) of a dataset of every type written
 * before, during (with a FLUSHALL among the writes) and after the sync, then a partial resync after the link is killed from
 * either side; every phase ends with equal DEBUG DIGEST at equal offsets.
 */
class RealMasterReplicaTest {

    @Test
    void diskBackedFullSyncThenPartialResyncAfterTheMasterKillsTheLink() {
        run(new String[]{"--repl-diskless-sync", "no"}, new String[]{"--repl-diskless-load", "disabled"}, true);
    }

    @Test
    void disklessFullSyncParsedFromTheSocketThenPartialResyncAfterTheReplicaKillsTheLink() {
        run(new String[]{"--repl-diskless-sync", "yes", "--repl-diskless-sync-delay", "0"},
                new String[]{"--repl-diskless-load", "swapdb"}, false);
    }

    @Test
    void disklessMasterToADiskLoadingReplica() {
        run(new String[]{"--repl-diskless-sync", "yes", "--repl-diskless-sync-delay", "0"},
                new String[]{"--repl-diskless-load", "disabled"}, true);
    }

    private void run(String[] masterArgs, String[] replicaArgs, boolean killFromMaster) {
        try (RealRedis redis = RealRedis.start(masterArgs);
             RespClient m = new RespClient(redis.host(), redis.port());
             ReplTesting.LogCapture log = new ReplTesting.LogCapture()) {
            new Workload(m, 1).base("k", 4000);
            // writes keep coming while the replica connects, receives and loads the RDB
            AtomicReference<Throwable> writerError = new AtomicReference<>();
            Thread writer = new Thread(() -> {
                try (RespClient w = new RespClient(redis.host(), redis.port())) {
                    Workload load = new Workload(w, 2);
                    load.churn("k", 1500);
                    w.call("FLUSHALL");
                    load.base("w", 1500);
                    load.churn("w", 1500);
                } catch (Throwable t) {
                    writerError.set(t);
                }
            });
            String[] args = concat(new String[]{"--replicaof", redis.host(), Integer.toString(redis.port())}, replicaArgs);
            writer.start();
            try (TestNode replica = TestNode.start(args);
                 RespClient r = new RespClient(replica.host(), replica.port())) {
                Node node = replica.node();
                log.awaitLine("MASTER <-> REPLICA sync: Finished with success");
                join(writer);
                assertNull(writerError.get());
                new Workload(m, 3).churn("k", 300);
                awaitCaughtUp(m, node);
                assertEquals(m.call("DEBUG", "DIGEST"), r.call("DEBUG", "DIGEST"), "digest after the full sync");
                // a FLUSHALL during a diskless transfer makes redis-server kill it (killRDBChild): the replica syncs again
                String fullSyncs = info(m, "stats").get("sync_full");
                assertTrue(Long.parseLong(fullSyncs) >= 1);
                assertTrue(log.has("Full resync from master: "), log.lines().toString());

                // the link dies; the replica comes back where it was
                long partial = Long.parseLong(info(m, "stats").get("sync_partial_ok"));
                if (killFromMaster) {
                    assertEquals(1L, m.call("CLIENT", "KILL", "TYPE", "replica"));
                } else {
                    assertEquals(1L, r.call("CLIENT", "KILL", "TYPE", "master"));
                }
                new Workload(m, 4).churn("k", 300);
                await("a partial resync on the master", 60_000,
                        () -> Long.parseLong(info(m, "stats").get("sync_partial_ok")) == partial + 1,
                        () -> info(m, "stats").toString() + " / " + link(node).state() + " " + link(node).lastError());
                awaitCaughtUp(m, node);
                assertEquals(m.call("DEBUG", "DIGEST"), r.call("DEBUG", "DIGEST"), "digest after the partial resync");
                assertEquals(fullSyncs, info(m, "stats").get("sync_full"), "no full sync after the link was killed");
                assertTrue(log.has("Successful partial resynchronization with master."));
                // writes from clients are refused, reads served
                assertEquals(new RespClient.Err("READONLY You can't write against a read only replica."), r.call("SET", "x", "1"));
            }
        }
    }

    private static void join(Thread t) {
        try {
            t.join(120_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static String[] concat(String[] a, String[] b) {
        String[] out = new String[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
