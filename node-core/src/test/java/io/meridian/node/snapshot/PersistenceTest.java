package io.meridian.node.snapshot;

import io.meridian.node.testing.RealRedis;
import io.meridian.node.testing.TestNode;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** SAVE, BGSAVE, start-up loading and save points, as a user sees them through Jedis and real Redis. */
class PersistenceTest {

    @Test
    void bgsaveUnderWritesGivesAFileRealRedisLoads() throws Exception {
        try (TestNode node = TestNode.start("--repl-log-enabled", "no");
             Jedis j = new Jedis(node.host(), node.port(), 30_000)) {
            fill(j, 50_000);
            AtomicBoolean stop = new AtomicBoolean();
            AtomicLong writes = new AtomicLong();
            Thread writer = new Thread(() -> {
                try (Jedis w = new Jedis(node.host(), node.port(), 30_000)) {
                    while (!stop.get()) {
                        long i = writes.incrementAndGet();
                        w.set("k" + (i % 60_000), "changed" + i);
                        if (i % 7 == 0) w.del("k" + (i % 50_000));
                    }
                }
            });
            writer.start();
            long deadline = System.currentTimeMillis() + 30_000;
            while (writes.get() < 100 && System.currentTimeMillis() < deadline) Thread.sleep(1); // the writer is writing
            assertEquals("Background saving started", j.bgsave());
            assertThrows(JedisDataException.class, j::bgsave, "a second BGSAVE while one runs");
            waitBgsave(j);
            stop.set(true);
            writer.join();
            assertTrue(j.info("persistence").contains("rdb_last_bgsave_status:ok"));
            assertTrue(writes.get() > 0);
            Path rdb = node.dir().resolve("dump.rdb");
            checkRdb(rdb);

            // quiet now: a second BGSAVE must load in real Redis with the very same digest
            j.bgsave();
            waitBgsave(j);
            String digest = new String((byte[]) j.sendCommand(() -> "DEBUG".getBytes(), "DIGEST"));
            assertEquals(digest, digestInRealRedis(rdb), "real Redis loaded a different dataset");
        }
    }

    @Test
    void restartLoadsTheDumpAndKeepsTheReplicationId() throws Exception {
        Path dir;
        String digest;
        String replid;
        long keys;
        try (TestNode node = TestNode.start("--repl-log-enabled", "no");
             Jedis j = new Jedis(node.host(), node.port(), 30_000)) {
            dir = node.dir();
            fill(j, 5000);
            keys = j.dbSize() + 1;
            j.select(7);
            j.set("in-db-7", "x");
            j.pexpire("in-db-7", 100_000_000);
            assertEquals("OK", j.save());
            digest = new String((byte[]) j.sendCommand(() -> "DEBUG".getBytes(), "DIGEST"));
            replid = field(j.info("replication"), "master_replid");
            assertTrue(j.lastsave() > 0);
        }
        try (TestNode node = TestNode.start("--repl-log-enabled", "no", "--dir", dir.toString());
             Jedis j = new Jedis(node.host(), node.port(), 30_000)) {
            assertEquals(digest, new String((byte[]) j.sendCommand(() -> "DEBUG".getBytes(), "DIGEST")));
            assertEquals(replid, field(j.info("replication"), "master_replid"));
            assertEquals(Long.toString(keys), field(j.info("persistence"), "rdb_last_load_keys_loaded"));
            j.select(7);
            assertTrue(j.pttl("in-db-7") > 0);
        }
    }

    @Test
    void aCorruptDumpStopsStartUpWithAClearError() throws Exception {
        Path dir;
        try (TestNode node = TestNode.start("--repl-log-enabled", "no");
             Jedis j = new Jedis(node.host(), node.port(), 30_000)) {
            dir = node.dir();
            fill(j, 2000);
            j.save();
        }
        Path rdb = dir.resolve("dump.rdb");
        byte[] b = Files.readAllBytes(rdb);
        b[b.length / 2] ^= 0x5a;
        Files.write(rdb, b);
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> TestNode.start("--repl-log-enabled", "no", "--dir", dir.toString()));
        assertTrue(e.getMessage().contains("dump.rdb"), e.getMessage());

        Files.write(rdb, java.util.Arrays.copyOf(b, b.length / 3)); // truncated
        assertThrows(IllegalStateException.class, () -> TestNode.start("--repl-log-enabled", "no", "--dir", dir.toString()));
    }

    @Test
    void savePointsAndMisconf() throws Exception {
        try (TestNode node = TestNode.start("--repl-log-enabled", "no", "--save", "1 1");
             Jedis j = new Jedis(node.host(), node.port(), 30_000)) {
            long before = j.lastsave();
            j.set("a", "1");
            long deadline = System.currentTimeMillis() + 15_000;
            while (j.lastsave() == before && System.currentTimeMillis() < deadline) Thread.sleep(100);
            assertTrue(j.lastsave() > before, "the save point did not trigger a background save");
            assertTrue(Files.exists(node.dir().resolve("dump.rdb")));

            // a dump that cannot be written: the target is a non-empty directory, so the rename fails
            Files.delete(node.dir().resolve("dump.rdb"));
            Files.createDirectories(node.dir().resolve("dump.rdb").resolve("blocker"));
            j.bgsave();
            deadline = System.currentTimeMillis() + 15_000;
            while (!j.info("persistence").contains("rdb_last_bgsave_status:err") && System.currentTimeMillis() < deadline) Thread.sleep(50);
            JedisDataException e = assertThrows(JedisDataException.class, () -> j.set("b", "2"));
            assertTrue(e.getMessage().startsWith("MISCONF"), e.getMessage());
            assertEquals("1", j.get("a"), "reads still work");
            Files.delete(node.dir().resolve("dump.rdb").resolve("blocker"));
            Files.delete(node.dir().resolve("dump.rdb"));
            j.bgsave();
            waitBgsave(j);
            assertEquals("OK", j.set("b", "2"), "writes resume after a successful save");
        }
    }

    // ---- helpers -------------------------------------------------------------------------

    static void fill(Jedis j, int n) {
        var p = j.pipelined();
        for (int i = 0; i < n; i++) {
            String k = "k" + i;
            switch (i % 5) {
                case 0 -> p.set(k, "v" + i);
                case 1 -> p.rpush(k, "a", "b", "c" + i);
                case 2 -> p.sadd(k, "1", "2", "m" + i);
                case 3 -> p.hset(k, "f", "v" + i);
                default -> p.zadd(k, i, "m" + i);
            }
        }
        p.sync();
    }

    static void waitBgsave(Jedis j) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 60_000;
        while (j.info("persistence").contains("rdb_bgsave_in_progress:1")) {
            assertTrue(System.currentTimeMillis() < deadline, "BGSAVE did not finish in 60 s");
            Thread.sleep(20);
        }
    }

    static String field(String info, String name) {
        for (String line : info.split("\r\n")) if (line.startsWith(name + ":")) return line.substring(name.length() + 1);
        return null;
    }

    static void checkRdb(Path rdb) throws Exception {
        Process p = new ProcessBuilder(RealRedis.binary("redis-check-rdb"), rdb.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("RDB looks OK"), out);
    }

    static String digestInRealRedis(Path rdb) throws Exception {
        Path dir = Files.createTempDirectory("meridian-redis-load");
        Files.copy(rdb, dir.resolve("dump.rdb"), StandardCopyOption.REPLACE_EXISTING);
        try (RealRedis r = RealRedis.start("--dir", dir.toString(), "--dbfilename", "dump.rdb");
             Jedis j = new Jedis(r.host(), r.port(), 30_000)) {
            long deadline = System.currentTimeMillis() + 30_000;
            while (j.info("persistence").contains("loading:1")) {
                assertTrue(System.currentTimeMillis() < deadline, "real Redis still loading after 30 s");
                Thread.sleep(20);
            }
            return new String((byte[]) j.sendCommand(() -> "DEBUG".getBytes(), "DIGEST"));
        }
    }
}
