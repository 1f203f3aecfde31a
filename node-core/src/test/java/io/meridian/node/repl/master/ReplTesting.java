package io.meridian.node.repl.master;

import redis.clients.jedis.Jedis;
import redis.clients.jedis.Transaction;

import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/** Helpers of the replication tests: INFO fields, waiting for a replica to catch up, a writer of every type. */
final class ReplTesting {
    private ReplTesting() {}

    static String field(String info, String name) {
        for (String line : info.split("\r\n")) {
            if (line.startsWith(name + ":")) return line.substring(name.length() + 1);
        }
        return null;
    }

    static long longField(Jedis j, String section, String name) {
        String v = field(j.info(section), name);
        if (v == null) throw new AssertionError("INFO " + section + " has no " + name + ": " + j.info(section));
        return Long.parseLong(v);
    }

    static String digest(Jedis j) {
        Object r = j.sendCommand(() -> "DEBUG".getBytes(), "DIGEST");
        return new String((byte[]) r);
    }

    /** Waits until the replica's link is up and it applied exactly the master's offset. */
    static long waitInSync(Jedis master, Jedis replica, long timeoutMs) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMs;
        String last = "";
        while (System.currentTimeMillis() < deadline) {
            String mi = master.info("replication");
            String ri = replica.info("replication");
            long mo = Long.parseLong(field(mi, "master_repl_offset"));
            String link = field(ri, "master_link_status");
            String ro = field(ri, "slave_repl_offset");
            last = "master offset " + mo + ", replica link " + link + " offset " + ro;
            if ("up".equals(link) && ro != null && Long.parseLong(ro) == mo
                    && Long.parseLong(field(master.info("replication"), "master_repl_offset")) == mo) {
                return mo;
            }
            Thread.sleep(50);
        }
        fail("replica did not catch up: " + last + "\nmaster:\n" + master.info("replication") + "\nreplica:\n" + replica.info("replication"));
        return -1;
    }

    /** Waits in sync and compares DEBUG DIGEST (retrying while a ping moves the offset between the two reads). */
    static void assertSameData(Jedis master, Jedis replica) throws InterruptedException {
        for (int attempt = 0; ; attempt++) {
            long at = waitInSync(master, replica, 60_000);
            String dm = digest(master);
            String dr = digest(replica);
            long after = Long.parseLong(field(master.info("replication"), "master_repl_offset"));
            if (dm.equals(dr)) return;
            if (after == at || attempt > 5) {
                assertEquals(dm, dr, "DEBUG DIGEST of master and replica at offset " + at + " (master keys "
                        + master.dbSize() + ", replica keys " + replica.dbSize() + ")");
            }
        }
    }

    /** Expires what has a due TTL on the master (so the DELs reach the replica) by scanning every db. */
    static void expireDue(Jedis master) {
        for (int db = 0; db < 4; db++) {
            master.select(db);
            String cursor = "0";
            do {
                var r = master.scan(cursor, new redis.clients.jedis.params.ScanParams().count(1000));
                cursor = r.getCursor();
            } while (!cursor.equals("0"));
        }
        master.select(0);
    }

    /** A writer of every data type, expiries, MULTI/EXEC and (when allowed) FLUSHALL, until stopped. */
    static final class Writer extends Thread implements AutoCloseable {
        private final String host;
        private final int port;
        private final boolean flushAll;
        final AtomicBoolean stop = new AtomicBoolean();
        final AtomicLong ops = new AtomicLong();
        volatile Throwable error;

        Writer(String host, int port, boolean flushAll) {
            super("repl-test-writer");
            this.host = host;
            this.port = port;
            this.flushAll = flushAll;
            setDaemon(true);
        }

        @Override
        public void run() {
            Random r = new Random(42);
            try (Jedis j = new Jedis(host, port, 30_000)) {
                while (!stop.get()) {
                    long i = ops.incrementAndGet();
                    int k = r.nextInt(2000);
                    j.select((int) (i % 3));
                    switch ((int) (i % 16)) {
                        case 0 -> j.set("s" + k, "v" + i);
                        case 1 -> j.incr("n" + k);
                        case 2 -> j.rpush("l" + k, "a" + i, "b" + i);
                        case 3 -> j.lpop("l" + k);
                        case 4 -> j.hset("h" + k, "f" + (i % 7), "v" + i);
                        case 5 -> j.sadd("set" + k, "m" + (i % 50));
                        case 6 -> j.spop("set" + k);
                        case 7 -> j.zadd("z" + k, r.nextDouble() * 100, "m" + (i % 40));
                        case 8 -> j.expire("s" + k, 1000);
                        case 9 -> j.setex("t" + k, 1, "short"); // expires during the test
                        case 10 -> j.pexpire("h" + k, 300);
                        case 11 -> j.incrByFloat("f" + k, 1.5);
                        case 12 -> {
                            Transaction t = j.multi();
                            t.set("tx" + k, "x" + i);
                            t.incr("txn" + k);
                            t.lpush("txl" + k, "q");
                            t.exec();
                        }
                        case 13 -> j.del("s" + (k + 1));
                        case 14 -> j.zincrby("z" + k, 2, "m1");
                        default -> {
                            if (flushAll && i % 4000 == 15) j.flushAll();
                            else j.append("s" + k, "+");
                        }
                    }
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

    /** Loads n keys of every type with one pipeline per batch. */
    static void fill(Jedis j, int n) {
        var p = j.pipelined();
        for (int i = 0; i < n; i++) {
            switch (i % 5) {
                case 0 -> p.set("key:" + i, "value:" + i);
                case 1 -> p.rpush("list:" + i, "a", "b", "c");
                case 2 -> p.hset("hash:" + i, java.util.Map.of("f1", "v1", "f2", "v2"));
                case 3 -> p.sadd("set:" + i, "x", "y", "z");
                default -> p.zadd("zset:" + i, i, "m" + i);
            }
            if (i % 10_000 == 9_999) p.sync();
        }
        p.sync();
    }
}
