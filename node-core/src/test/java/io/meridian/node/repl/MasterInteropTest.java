package io.meridian.node.repl;

import io.meridian.node.testing.RealRedis;
import io.meridian.node.testing.TestNode;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A Meridian master feeding Debian's real redis-server as its replica: full sync (diskless and
 * disk-backed) under concurrent writes, the stream after it, a killed link resumed with a
 * partial resync, WAIT, and equal DEBUG DIGEST at the same offset.
 */
class MasterInteropTest {

    @Test
    void disklessFullSyncUnderWritesThenPartialResync() throws Exception {
        run("yes");
    }

    @Test
    void diskBackedFullSync() throws Exception {
        run("no");
    }

    private void run(String diskless) throws Exception {
        try (TestNode master = TestNode.start("--repl-diskless-sync", diskless, "--repl-diskless-sync-delay", "0");
             Jedis m = new Jedis(master.host(), master.port(), 30_000)) {
            fill(m, 20_000);
            AtomicBoolean stop = new AtomicBoolean();
            AtomicLong writes = new AtomicLong();
            Thread writer = writer(master, stop, writes);
            writer.start();
            try (RealRedis replica = RealRedis.start("--replicaof", "127.0.0.1", Integer.toString(master.port()));
                 Jedis r = new Jedis(replica.host(), replica.port(), 30_000)) {
                waitLinkUp(r);
                Thread.sleep(300);
                stop.set(true);
                writer.join();
                m.set("after-sync", "1");
                m.expire("after-sync", 1000);
                var tx = m.multi();
                tx.incr("tx-a");
                tx.lpush("tx-l", "x");
                tx.exec();
                waitSameOffset(m, r);
                assertEquals(digest(m), digest(r), "datasets differ at the same offset");
                assertTrue(writes.get() > 0);
                assertEquals("1", field(m.info("stats"), "sync_full"));

                // WAIT sees the real replica's acknowledgement
                m.set("waited", "x");
                assertEquals(1L, m.waitReplicas(1, 10_000));

                // kill the link from the master: the real replica comes back with a partial resync
                long partialBefore = Long.parseLong(field(m.info("stats"), "sync_partial_ok"));
                m.sendCommand(() -> "CLIENT".getBytes(), "KILL", "TYPE", "replica");
                for (int i = 0; i < 200; i++) m.incr("counter");
                long deadline = System.currentTimeMillis() + 30_000;
                while (Long.parseLong(field(m.info("stats"), "sync_partial_ok")) == partialBefore) {
                    assertTrue(System.currentTimeMillis() < deadline, "no partial resync after the link was killed:\n" + m.info("replication"));
                    Thread.sleep(50);
                }
                assertEquals("1", field(m.info("stats"), "sync_full"), "a full sync instead of a partial one");
                waitLinkUp(r);
                waitSameOffset(m, r);
                assertEquals(digest(m), digest(r));
                assertEquals("200", r.get("counter"));
                String info = m.info("replication");
                assertTrue(info.contains("connected_slaves:1"), info);
                assertTrue(info.contains("state=online"), info);
            }
        }
    }

    /**
     * A Meridian master restarted on the same directory keeps its replication ID and offset
     * (RDB + replication log), so its real Redis replica resumes with a partial resync. A
     * restarted real Redis master could not offer that after a crash.
     */
    @Test
    void restartedMasterKeepsItsReplicasWithAPartialResync() throws Exception {
        TestNode master = TestNode.start();
        int port = master.port();
        java.nio.file.Path dir = master.dir();
        try (RealRedis replica = RealRedis.start("--replicaof", "127.0.0.1", Integer.toString(port));
             Jedis r = new Jedis(replica.host(), replica.port(), 30_000)) {
            String replid;
            try (Jedis m = new Jedis(master.host(), port, 30_000)) {
                fill(m, 5000);
                waitLinkUp(r);
                waitSameOffset(m, r);
                replid = field(m.info("replication"), "master_replid");
            } finally {
                master.close();
            }
            // the replica's writes (none) and the master's log survive; restart on the same port and dir
            master = TestNode.start("--dir", dir.toString(), "--port", Integer.toString(port));
            try (Jedis m = new Jedis(master.host(), port, 30_000)) {
                assertEquals(replid, field(m.info("replication"), "master_replid"), "the restarted master has a new replication ID");
                m.set("after-restart", "yes");
                long deadline = System.currentTimeMillis() + 30_000;
                while (!"1".equals(field(m.info("stats"), "sync_partial_ok"))) {
                    assertTrue(System.currentTimeMillis() < deadline, "no partial resync after the restart:\n" + m.info("stats")
                            + "\nreplica log:\n" + java.nio.file.Files.readString(replica.dir().resolve("redis.log")));
                    Thread.sleep(50);
                }
                assertEquals("0", field(m.info("stats"), "sync_full"));
                waitSameOffset(m, r);
                assertEquals(digest(m), digest(r));
                assertEquals("yes", r.get("after-restart"));
            }
        } finally {
            master.close();
        }
    }

    private static Thread writer(TestNode master, AtomicBoolean stop, AtomicLong writes) {
        return new Thread(() -> {
            try (Jedis w = new Jedis(master.host(), master.port(), 30_000)) {
                while (!stop.get()) {
                    long i = writes.incrementAndGet();
                    switch ((int) (i % 6)) {
                        case 0 -> w.set("w" + (i % 5000), "v" + i);
                        case 1 -> w.rpush("wl" + (i % 50), "e" + i);
                        case 2 -> w.sadd("ws" + (i % 50), "m" + (i % 700));
                        case 3 -> w.hset("wh" + (i % 50), "f" + (i % 300), "v" + i);
                        case 4 -> w.zadd("wz" + (i % 50), i % 97, "m" + (i % 200));
                        default -> w.del("w" + ((i * 7) % 5000));
                    }
                }
            }
        });
    }

    static void fill(Jedis j, int n) {
        var p = j.pipelined();
        for (int i = 0; i < n; i++) {
            String k = "k" + i;
            switch (i % 6) {
                case 0 -> p.set(k, "v" + i);
                case 1 -> p.rpush(k, "a", "b", "c" + i);
                case 2 -> p.sadd(k, "1", "2", "m" + i);
                case 3 -> p.hset(k, "f", "v" + i);
                case 4 -> p.zadd(k, i, "m" + i);
                default -> p.psetex(k, 100_000_000L, "expiring");
            }
        }
        p.select(3);
        p.set("in-db-3", "x");
        p.select(0);
        p.sync();
    }

    static void waitLinkUp(Jedis r) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 60_000;
        while (!r.info("replication").contains("master_link_status:up")) {
            assertTrue(System.currentTimeMillis() < deadline, "replica link never came up:\n" + r.info("replication"));
            Thread.sleep(50);
        }
    }

    static void waitSameOffset(Jedis m, Jedis r) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 60_000;
        while (true) {
            String mo = field(m.info("replication"), "master_repl_offset");
            String ro = field(r.info("replication"), "slave_repl_offset");
            if (mo != null && mo.equals(ro)) return;
            assertTrue(System.currentTimeMillis() < deadline, "offsets never met: master " + mo + " replica " + ro);
            Thread.sleep(50);
        }
    }

    static String digest(Jedis j) {
        return new String((byte[]) j.sendCommand(() -> "DEBUG".getBytes(), "DIGEST"));
    }

    static String field(String info, String name) {
        for (String line : info.split("\r\n")) if (line.startsWith(name + ":")) return line.substring(name.length() + 1);
        return null;
    }
}
