package io.meridian.node.repl.master;

import io.meridian.node.testing.RealRedis;
import io.meridian.node.testing.TestNode;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.meridian.node.repl.master.ReplTesting.field;
import static io.meridian.node.repl.master.ReplTesting.longField;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** WAIT, WAITAOF and min-replicas-to-write with a real redis-server replica attached to a Meridian master. */
class WaitAndMinReplicasTest {

    @Test
    void waitWaitaofAndMinReplicas() throws Exception {
        try (TestNode node = TestNode.start("--repl-diskless-sync", "no");
             Jedis m = new Jedis(node.host(), node.port(), 30_000);
             RealRedis replica = RealRedis.start("--replicaof", node.host(), Integer.toString(node.port()));
             Jedis r = new Jedis(replica.host(), replica.port(), 30_000)) {
            ReplTesting.waitInSync(m, r, 30_000);

            // WAIT: the replica acknowledges this client's write (GETACK asked at the end of the turn)
            m.set("a", "1");
            long t0 = System.nanoTime();
            assertEquals(1, m.waitReplicas(1, 10_000));
            assertTrue(System.nanoTime() - t0 < 5_000_000_000L, "answered on the ACK, not at the timeout");
            // more than there are: the timeout answers with the count
            t0 = System.nanoTime();
            assertEquals(1, m.waitReplicas(2, 300));
            assertTrue(System.nanoTime() - t0 >= 250_000_000L, "waited for the timeout");

            // a WAIT without a timeout is a blocked client, released by CLIENT UNBLOCK with the count
            try (Jedis w = new Jedis(node.host(), node.port(), 30_000)) {
                w.set("b", "2");
                long id = w.clientId();
                CompletableFuture<Long> f = CompletableFuture.supplyAsync(() -> w.waitReplicas(5, 0));
                long deadline = System.currentTimeMillis() + 10_000;
                while (longField(m, "clients", "blocked_clients") != 1 && System.currentTimeMillis() < deadline) Thread.sleep(10);
                assertEquals(1, longField(m, "clients", "blocked_clients"));
                assertEquals(1, m.clientUnblock(id));
                assertEquals(1L, f.get(10, TimeUnit.SECONDS));
                assertEquals("PONG", w.ping(), "the connection goes on");
            }

            // WAITAOF: the local replication log fsynced; a 7.0 replica sends no FACK so it never counts
            List<Object> local = waitaof(m, 1, 0, 0);
            assertEquals(List.of(1L, 0L), local);
            t0 = System.nanoTime();
            assertEquals(List.of(1L, 0L), waitaof(m, 0, 1, 200));
            assertTrue(System.nanoTime() - t0 >= 150_000_000L);

            // min-replicas-to-write: NOREPLICAS with too few good replicas
            m.configSet("min-replicas-to-write", "2");
            JedisDataException e = assertThrows(JedisDataException.class, () -> m.set("c", "3"));
            assertEquals("NOREPLICAS Not enough good replicas to write.", e.getMessage());
            assertEquals("1", field(m.info("replication"), "min_slaves_good_slaves"));
            assertEquals("PONG", m.ping(), "reads and pings still work");
            m.configSet("min-replicas-to-write", "1");
            assertEquals("OK", m.set("c", "3"));
            m.configSet("min-replicas-to-write", "0");
            assertEquals(null, field(m.info("replication"), "min_slaves_good_slaves"));
        }
    }

    @Test
    void minReplicasMaxLagAlsoInBytes() throws Exception {
        try (TestNode node = TestNode.start("--repl-diskless-sync", "no");
             Jedis m = new Jedis(node.host(), node.port(), 30_000);
             ReplTesting.FakeReplica r = new ReplTesting.FakeReplica(node.host(), node.port())) {
            m.set("a", "1");
            String full = r.psync(7777, false, "?", -1);
            assertTrue(full.startsWith("+FULLRESYNC"), full);
            r.rdb();
            long at = Long.parseLong(field(m.info("replication"), "master_repl_offset"));
            r.send("REPLCONF", "ACK", Long.toString(at));
            m.configSet("min-replicas-to-write", "1");
            m.configSet("min-replicas-max-lag", "60");
            m.configSet("min-replicas-max-lag-bytes", "1000");
            long deadline = System.currentTimeMillis() + 10_000;
            while (!"1".equals(field(m.info("replication"), "min_slaves_good_slaves")) && System.currentTimeMillis() < deadline) Thread.sleep(20);
            assertEquals("OK", m.set("b", "2"));
            // 5000 bytes the replica never acknowledges: recent in seconds, too far behind in bytes
            m.set("big", "x".repeat(5000));
            r.send("REPLCONF", "ACK", Long.toString(at)); // still at the old offset, and still alive
            deadline = System.currentTimeMillis() + 10_000;
            while (!"0".equals(field(m.info("replication"), "min_slaves_good_slaves")) && System.currentTimeMillis() < deadline) Thread.sleep(20);
            JedisDataException e = assertThrows(JedisDataException.class, () -> m.set("c", "3"));
            assertEquals("NOREPLICAS Not enough good replicas to write.", e.getMessage());
            // it catches up: good again
            long now = Long.parseLong(field(m.info("replication"), "master_repl_offset"));
            r.send("REPLCONF", "ACK", Long.toString(now));
            deadline = System.currentTimeMillis() + 10_000;
            while (!"1".equals(field(m.info("replication"), "min_slaves_good_slaves")) && System.currentTimeMillis() < deadline) Thread.sleep(20);
            assertEquals("OK", m.set("c", "3"));
            // the per-replica lag in bytes Meridian adds after Redis's fields
            assertTrue(field(m.info("replication"), "slave0_lag").startsWith("bytes="), m.info("replication"));
        }
    }

    @Test
    void waitOnAReplicaIsRefusedAsRedis() throws Exception {
        try (RealRedis master = RealRedis.start();
             RealRedis real = RealRedis.start("--replicaof", master.host(), Integer.toString(master.port()));
             TestNode ours = TestNode.start("--replicaof", master.host(), Integer.toString(master.port()));
             Jedis a = new Jedis(real.host(), real.port());
             Jedis b = new Jedis(ours.host(), ours.port())) {
            String want = assertThrows(JedisDataException.class, () -> a.waitReplicas(1, 10)).getMessage();
            String got = assertThrows(JedisDataException.class, () -> b.waitReplicas(1, 10)).getMessage();
            assertEquals(want, got);
            JedisDataException w = assertThrows(JedisDataException.class, () -> waitaof(b, 0, 1, 10));
            assertTrue(w.getMessage().startsWith("ERR WAITAOF cannot be used with replica instances."), w.getMessage());
        }
    }

    @Test
    void waitaofWithoutTheLogRefusesNumlocal() {
        try (TestNode node = TestNode.start("--repl-log-enabled", "no");
             Jedis m = new Jedis(node.host(), node.port())) {
            JedisDataException e = assertThrows(JedisDataException.class, () -> waitaof(m, 1, 0, 10));
            assertEquals("ERR WAITAOF cannot be used when numlocal is set but appendonly is disabled.", e.getMessage());
            assertEquals(List.of(0L, 0L), waitaof(m, 0, 0, 10));
        }
    }

    @SuppressWarnings("unchecked")
    private static List<Object> waitaof(Jedis j, int local, int replicas, long timeout) {
        return (List<Object>) j.sendCommand(() -> "WAITAOF".getBytes(), Integer.toString(local), Integer.toString(replicas), Long.toString(timeout));
    }
}
