package io.meridian.node.repl.master;

import io.meridian.node.testing.TestNode;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

import static io.meridian.node.repl.master.ReplTesting.field;
import static io.meridian.node.repl.master.ReplTesting.longField;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What bounds a replica and keeps its link alive, seen from a replica spoken by hand:
 * client-output-buffer-limit replica drops a live replica that stops reading (as Redis does)
 * and, its offset still in the log, it comes back with +CONTINUE; the master PINGs its
 * replicas every repl-ping-replica-period.
 */
class ReplicaLimitsTest {
    private static final String PING = "*1\r\n$4\r\nPING\r\n";

    @Test
    void aLiveReplicaPastItsOutputBufferLimitIsDroppedAndContinuesFromTheLog() throws Exception {
        try (ReplTesting.LogCapture log = new ReplTesting.LogCapture();
             TestNode node = TestNode.start("--client-output-buffer-limit", "replica 1mb 0 0", "--repl-diskless-sync", "no");
             Jedis m = new Jedis(node.host(), node.port(), 60_000)) {
            m.set("before", "1");
            String replid;
            long offset;
            try (ReplTesting.FakeReplica r = new ReplTesting.FakeReplica(node.host(), node.port())) {
                String full = r.psync(7101, false, "?", -1);
                assertTrue(full.startsWith("+FULLRESYNC "), full);
                replid = full.split(" ")[1];
                offset = Long.parseLong(full.split(" ")[2]);
                r.rdb();
                awaitOnline(m);
                // the replica stops reading; the writes pile up in its socket, then in the master's memory
                byte[] value = new byte[100_000];
                var p = m.pipelined();
                for (int i = 0; i < 300; i++) p.set(("big" + i).getBytes(), value);
                p.sync();
                log.await("scheduled to be closed ASAP for overcoming of output buffer limits");
                assertTrue(r.closedByServer(10_000), "the master closed the link");
            }
            assertEquals("0", field(m.info("replication"), "connected_slaves"));
            // everything it missed is in the log: it continues where it was
            try (ReplTesting.FakeReplica again = new ReplTesting.FakeReplica(node.host(), node.port())) {
                assertEquals("+CONTINUE " + replid, again.psync(7101, false, replid, offset + 1));
                String first = ReplTesting.cmd("SELECT", "0");
                assertEquals(first, again.stream(first.length()), "the stream from the offset it had, from the log");
            }
            assertEquals(1, longField(m, "stats", "sync_full"));
            assertEquals(1, longField(m, "stats", "sync_partial_ok"));
        }
    }

    @Test
    void replicasArePingedEveryReplPingReplicaPeriod() throws Exception {
        try (TestNode node = TestNode.start("--repl-ping-replica-period", "1", "--repl-diskless-sync", "no");
             Jedis m = new Jedis(node.host(), node.port());
             ReplTesting.FakeReplica r = new ReplTesting.FakeReplica(node.host(), node.port())) {
            m.set("k", "v");
            assertTrue(r.psync(7102, false, "?", -1).startsWith("+FULLRESYNC"));
            r.rdb();
            awaitOnline(m);
            String first = r.stream(PING.length());
            long t0 = System.nanoTime();
            String second = r.stream(PING.length());
            long gapMs = (System.nanoTime() - t0) / 1_000_000;
            assertEquals(PING, first);
            assertEquals(PING, second);
            assertTrue(gapMs >= 500 && gapMs <= 3000, "a PING about every second: " + gapMs + " ms apart");
            // the PINGs count in the offset, as Redis's do
            long offset = Long.parseLong(field(m.info("replication"), "master_repl_offset"));
            assertTrue(offset >= 2L * PING.length(), "offset " + offset);
        }
    }

    @Test
    void aReplicaThatStopsAcknowledgingIsDisconnectedAfterReplTimeout() throws Exception {
        try (ReplTesting.LogCapture log = new ReplTesting.LogCapture();
             TestNode node = TestNode.start("--repl-timeout", "1", "--repl-diskless-sync", "no");
             Jedis m = new Jedis(node.host(), node.port());
             ReplTesting.FakeReplica acking = new ReplTesting.FakeReplica(node.host(), node.port());
             ReplTesting.FakeReplica silent = new ReplTesting.FakeReplica(node.host(), node.port())) {
            m.set("k", "v");
            String full = acking.psync(7103, false, "?", -1);
            acking.rdb();
            silent.psync(7104, false, "?", -1);
            silent.rdb();
            long offset = Long.parseLong(full.split(" ")[2]);
            long deadline = System.currentTimeMillis() + 3500;
            while (System.currentTimeMillis() < deadline) {
                acking.send("REPLCONF", "ACK", Long.toString(offset));
                Thread.sleep(200);
            }
            log.await("Disconnecting timedout replica (streaming sync): 127.0.0.1:7104");
            assertTrue(silent.closedByServer(5000), "the silent replica's link was closed");
            assertEquals(0, log.count("Disconnecting timedout replica (streaming sync): 127.0.0.1:7103"), "the acknowledging one stays");
            String info = m.info("replication");
            assertEquals("1", field(info, "connected_slaves"), info);
            assertTrue(field(info, "slave0").startsWith("ip=127.0.0.1,port=7103,state=online"), info);
        }
    }

    private static void awaitOnline(Jedis m) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 30_000;
        while (System.currentTimeMillis() < deadline) {
            String s = field(m.info("replication"), "slave0");
            if (s != null && s.contains("state=online")) return;
            Thread.sleep(20);
        }
        throw new AssertionError("the replica never went online: " + m.info("replication"));
    }
}
