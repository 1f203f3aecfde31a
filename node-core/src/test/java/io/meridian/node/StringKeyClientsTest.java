package io.meridian.node;

import io.lettuce.core.CopyArgs;
import io.lettuce.core.ExpireArgs;
import io.lettuce.core.GetExArgs;
import io.lettuce.core.KeyScanArgs;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.LcsArgs;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.SetArgs;
import io.lettuce.core.StringMatchResult;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.meridian.node.testing.TestNode;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.args.ExpiryOption;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.params.GetExParams;
import redis.clients.jedis.params.LCSParams;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.params.SetParams;
import redis.clients.jedis.resps.LCSMatchResult;
import redis.clients.jedis.resps.ScanResult;

import java.time.Duration;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Strings, keys and expiry through real drivers: Jedis (RESP2) and Lettuce (RESP3 via HELLO 3). */
class StringKeyClientsTest {
    @Test
    void jedis() {
        try (TestNode n = TestNode.start(); Jedis j = new Jedis(n.host(), n.port())) {
            assertEquals("OK", j.set("k", "v", SetParams.setParams().ex(100)));
            assertEquals(100, j.ttl("k"));
            assertEquals("v", j.setGet("k", "w"));
            assertEquals(-1, j.ttl("k"));
            assertEquals("w", j.getEx("k", GetExParams.getExParams().px(50_000)));
            assertTrue(j.pttl("k") > 49_000);
            assertEquals("w", j.getEx("k", GetExParams.getExParams().persist()));
            assertEquals(-1, j.ttl("k"));
            assertEquals("w", j.getDel("k"));
            assertFalse(j.exists("k"));
            assertNull(j.getSet("k", "x"));
            assertEquals("OK", j.mset("a", "1", "b", "2"));
            assertEquals(0, j.msetnx("a", "1", "c", "3"));
            assertEquals(Arrays.asList("1", "2", null), j.mget("a", "b", "c"));
            assertEquals(2, j.incr("a"));
            assertEquals(12, j.incrBy("a", 10));
            assertEquals(11, j.decr("a"));
            assertEquals(1, j.decrBy("a", 10));
            assertEquals(2.5, j.incrByFloat("a", 1.5));
            assertEquals("2.5", j.get("a"));
            assertThrows(JedisDataException.class, () -> j.incr("a"));
            assertEquals(5, j.append("s", "hello"));
            assertEquals(11, j.append("s", " world"));
            assertEquals(11, j.strlen("s"));
            assertEquals("world", j.getrange("s", -5, -1));
            assertEquals(11, j.setrange("s", 0, "H"));
            assertEquals("Hello world", j.get("s"));
            assertEquals(1, j.setnx("n", "1"));
            assertEquals(0, j.setnx("n", "2"));
            assertEquals("OK", j.setex("e", 10, "v"));
            assertEquals("OK", j.psetex("p", 10_000, "v"));
            j.mset("key1", "ohmytext", "key2", "mynewtext");
            LCSMatchResult lcs = j.lcs("key1", "key2", LCSParams.LCSParams());
            assertEquals("mytext", lcs.getMatchString());
            LCSMatchResult idx = j.lcs("key1", "key2", LCSParams.LCSParams().idx().withMatchLen());
            assertEquals(6, idx.getLen());
            assertEquals(2, idx.getMatches().size());
            assertEquals(4, idx.getMatches().get(0).getMatchLen());

            byte[] bin = {0, 1, (byte) 0xff};
            j.set(bin, bin);
            assertArrayEquals(bin, j.get(bin));
            assertEquals("string", j.type(bin));
            assertEquals(1, j.del(bin));

            assertEquals(3, j.exists("a", "a", "s"));
            assertEquals("string", j.type("a"));
            assertEquals("none", j.type("nokey"));
            assertEquals("OK", j.rename("a", "a2"));
            assertEquals(0, j.renamenx("a2", "s"));
            assertTrue(j.copy("s", "s2", false));
            assertTrue(j.copy("s", "s3", 2, false));
            assertEquals(1, j.move("n", 3));
            assertEquals(0, j.move("s3", 3));
            assertEquals(Set.of("a2", "b", "e", "key1", "key2", "k", "p", "s", "s2"), j.keys("*"));
            Set<String> scanned = new HashSet<>();
            String cursor = ScanParams.SCAN_POINTER_START;
            do {
                ScanResult<String> r = j.scan(cursor, new ScanParams().count(3).match("*"));
                scanned.addAll(r.getResult());
                cursor = r.getCursor();
            } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
            assertEquals(j.keys("*"), scanned);
            assertTrue(scanned.contains(j.randomKey()));
            assertEquals(2, j.touch("s", "s2", "nokey"));
            assertEquals("raw", j.objectEncoding("s")); // APPEND/SETRANGE leave a raw string, as in Redis
            assertEquals(1L, j.objectRefcount("s"));
            assertEquals(0L, j.objectIdletime("s"));
            assertEquals(1, j.expire("s", 100, ExpiryOption.NX));
            assertEquals(0, j.expire("s", 50, ExpiryOption.GT));
            assertEquals(1, j.pexpire("s", 50_000, ExpiryOption.LT));
            assertEquals(1, j.expireAt("s", 4102444800L));
            assertEquals(4102444800L, j.expireTime("s"));
            assertEquals(1, j.pexpireAt("s", 4102444800123L));
            assertEquals(4102444800123L, j.pexpireTime("s"));
            assertEquals(1, j.persist("s"));
            assertEquals(-1, j.ttl("s"));
            assertEquals(1, j.unlink("s", "nokey"));
            assertEquals(2, j.del("s2", "b", "nokey"));
        }
    }

    @Test
    void lettuceResp3() {
        try (TestNode n = TestNode.start()) {
            RedisClient client = RedisClient.create("redis://" + n.host() + ":" + n.port());
            try (StatefulRedisConnection<String, String> conn = client.connect()) {
                RedisCommands<String, String> r = conn.sync();
                assertEquals("OK", r.set("k", "v", SetArgs.Builder.px(100_000).nx()));
                assertNull(r.set("k", "v", SetArgs.Builder.nx()));
                assertEquals("v", r.setGet("k", "w"));
                assertEquals("w", r.getex("k", GetExArgs.Builder.ex(Duration.ofSeconds(30))));
                assertEquals(30L, r.ttl("k"));
                assertEquals("w", r.getdel("k"));
                assertNull(r.get("k"));
                assertEquals(1.5, r.incrbyfloat("f", 1.5));
                assertEquals(3L, r.incrby("i", 3));
                r.mset(java.util.Map.of("x", "1", "y", "2"));
                assertEquals(List.of("1", "2"), r.mget("x", "y").stream().map(kv -> kv.getValue()).toList());
                assertFalse(r.msetnx(java.util.Map.of("x", "9", "z", "9")));
                assertEquals(3L, r.append("y", "ab"));
                assertEquals("2a", r.getrange("y", 0, 1));
                r.mset(java.util.Map.of("key1", "ohmytext", "key2", "mynewtext"));
                StringMatchResult lcs = r.lcs(LcsArgs.Builder.keys("key1", "key2"));
                assertEquals("mytext", lcs.getMatchString());
                StringMatchResult idx = r.lcs(LcsArgs.Builder.keys("key1", "key2").withIdx().withMatchLen().minMatchLen(4));
                assertEquals(6, idx.getLen());
                assertEquals(1, idx.getMatches().size());
                assertEquals(4, idx.getMatches().get(0).getMatchLen());
                assertEquals(4, idx.getMatches().get(0).getA().getStart());
                RedisCommandExecutionException e = assertThrows(RedisCommandExecutionException.class, () -> r.rename("nokey", "x"));
                assertEquals("ERR no such key", e.getMessage());

                assertEquals(2L, r.exists("x", "x"));
                assertEquals("string", r.type("x"));
                assertTrue(r.copy("x", "x2", CopyArgs.Builder.destinationDb(1).replace(true)));
                assertTrue(r.copy("x", "x3"));
                assertTrue(r.move("x3", 2));
                assertFalse(r.move("x2", 2));
                assertTrue(r.expire("x", 100, ExpireArgs.Builder.nx()));
                assertFalse(r.expire("x", 100, ExpireArgs.Builder.nx()));
                assertEquals(100L, r.ttl("x"));
                assertTrue(r.pexpireat("x", 4102444800123L));
                assertEquals(4102444800123L, r.pexpiretime("x"));
                assertTrue(r.persist("x"));
                assertEquals("int", r.objectEncoding("x"));
                Set<String> scanned = new HashSet<>();
                KeyScanCursor<String> cursor = r.scan(KeyScanArgs.Builder.limit(2).match("*"));
                scanned.addAll(cursor.getKeys());
                while (!cursor.isFinished()) {
                    cursor = r.scan(ScanCursor.of(cursor.getCursor()), KeyScanArgs.Builder.limit(2).match("*"));
                    scanned.addAll(cursor.getKeys());
                }
                assertEquals(new HashSet<>(r.keys("*")), scanned);
                assertEquals(Set.of("f", "i", "x", "y", "key1", "key2"), scanned);
                assertEquals(6L, r.del("f", "i", "x", "y", "key1", "key2"));
                assertNull(r.randomkey());
            } finally {
                client.shutdown();
            }
        }
    }
}
