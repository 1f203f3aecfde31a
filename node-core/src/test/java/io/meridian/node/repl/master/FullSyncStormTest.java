package io.meridian.node.repl.master;

import io.meridian.node.testing.RealRedis;
import io.meridian.node.testing.TestNode;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static io.meridian.node.repl.master.ReplTesting.assertSameData;
import static io.meridian.node.repl.master.ReplTesting.field;
import static io.meridian.node.repl.master.ReplTesting.longField;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The full-sync storm (redis#4697): a million keys to sync while a writer keeps the master
 * busy, with client-output-buffer-limit replica so low that a real Redis master drops the
 * syncing replica and starts over, again and again. Meridian reads the writes made during
 * the sync back from its log instead of buffering them, so it syncs once.
 */
class FullSyncStormTest {
    private static final int KEYS = 1_000_000;
    private static final String[] LIMIT = {"--client-output-buffer-limit", "replica 256kb 128kb 1"};

    @Test
    void aMillionKeysSyncOnceUnderWritesWithATinyReplicaBuffer() throws Exception {
        try (TestNode node = TestNode.start(LIMIT[0], LIMIT[1], "--repl-diskless-sync", "no");
             Jedis m = new Jedis(node.host(), node.port(), 60_000)) {
            ReplTesting.fill(m, KEYS);
            try (PipelinedWriter w = new PipelinedWriter(node.host(), node.port());
                 RealRedis replica = RealRedis.start("--replicaof", node.host(), Integer.toString(node.port()));
                 Jedis r = new Jedis(replica.host(), replica.port(), 60_000)) {
                w.start();
                ReplTesting.awaitLoaded(r, 180_000);
                long writesAtLoad = w.ops.get();
                Thread.sleep(2000); // the replica follows the live stream for a while under the same load
                w.close();
                assertTrue(w.ops.get() > writesAtLoad, "the writer kept writing after the load");
                assertSameData(m, r);
                assertEquals(1, longField(m, "stats", "sync_full"), "one full sync, never restarted: " + m.info("replication"));
                assertTrue(r.dbSize() >= KEYS, "the replica has the million keys: " + r.dbSize());
            }
        }
    }

    @Test
    void aRealRedisMasterLoopsOnTheSameRun() throws Exception {
        // the reference: the same keys, writer and limit against redis-server as the master
        try (RealRedis master = RealRedis.start(LIMIT[0], LIMIT[1], "--repl-diskless-sync", "no");
             Jedis m = new Jedis(master.host(), master.port(), 60_000)) {
            ReplTesting.fill(m, KEYS);
            try (PipelinedWriter w = new PipelinedWriter(master.host(), master.port());
                 RealRedis replica = RealRedis.start("--replicaof", master.host(), Integer.toString(master.port()))) {
                w.start();
                long deadline = System.currentTimeMillis() + 60_000;
                while (longField(m, "stats", "sync_full") < 2 && System.currentTimeMillis() < deadline) Thread.sleep(100);
                assertTrue(longField(m, "stats", "sync_full") >= 2, "redis-server restarted the full sync: " + m.info("stats"));
            }
        }
    }

    /** SETs in pipelined batches of 100: a few MB per second of stream. */
    static final class PipelinedWriter extends Thread implements AutoCloseable {
        private final String host;
        private final int port;
        final AtomicBoolean stop = new AtomicBoolean();
        final AtomicLong ops = new AtomicLong();
        volatile Throwable error;

        PipelinedWriter(String host, int port) {
            super("storm-writer");
            this.host = host;
            this.port = port;
            setDaemon(true);
        }

        @Override
        public void run() {
            try (Jedis j = new Jedis(host, port, 60_000)) {
                long i = 0;
                while (!stop.get()) {
                    var p = j.pipelined();
                    for (int k = 0; k < 100; k++, i++) p.set("w:" + (i % 5000), "value-" + i);
                    p.sync();
                    ops.addAndGet(100);
                }
            } catch (Throwable t) {
                if (!stop.get()) error = t;
            }
        }

        @Override
        public void close() throws InterruptedException {
            stop.set(true);
            join(30_000);
            if (error != null) throw new AssertionError("writer failed", error);
        }
    }
}
