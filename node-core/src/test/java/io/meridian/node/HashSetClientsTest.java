package io.meridian.node;

import io.lettuce.core.KeyValue;
import io.lettuce.core.MapScanCursor;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.ValueScanCursor;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.meridian.node.testing.TestNode;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Hashes and sets through real drivers: Jedis (RESP2) and Lettuce (RESP3 via HELLO 3). */
class HashSetClientsTest {
    @Test
    void jedis() {
        try (TestNode n = TestNode.start(); Jedis j = new Jedis(n.host(), n.port())) {
            assertEquals(2, j.hset("h", Map.of("a", "1", "b", "2")));
            assertEquals(0, j.hset("h", "a", "10"));
            assertEquals("10", j.hget("h", "a"));
            assertEquals(List.of("10", "2"), j.hmget("h", "a", "b"));
            assertEquals(Map.of("a", "10", "b", "2"), j.hgetAll("h"));
            assertEquals(1, j.hsetnx("h", "c", "3"));
            assertEquals(0, j.hsetnx("h", "c", "4"));
            assertEquals(3, j.hlen("h"));
            assertEquals(2, j.hstrlen("h", "a"));
            assertTrue(j.hexists("h", "c"));
            assertEquals(Set.of("a", "b", "c"), j.hkeys("h"));
            assertEquals(Set.of("10", "2", "3"), new HashSet<>(j.hvals("h")));
            assertEquals(15, j.hincrBy("h", "a", 5));
            assertEquals(2.5, j.hincrByFloat("h", "b", 0.5));
            assertEquals(1, j.hdel("h", "c", "nofield"));
            assertTrue(Set.of("a", "b").contains(j.hrandfield("h")));
            assertEquals(2, j.hrandfieldWithValues("h", 5).size());
            ScanResult<Map.Entry<String, String>> hs = j.hscan("h", ScanParams.SCAN_POINTER_START);
            assertEquals("0", hs.getCursor());
            assertEquals(2, hs.getResult().size());
            j.set("str", "x");
            assertThrows(JedisDataException.class, () -> j.hget("str", "a"));

            assertEquals(3, j.sadd("s", "1", "2", "3"));
            assertEquals(Set.of("1", "2", "3"), j.smembers("s"));
            assertTrue(j.sismember("s", "2"));
            assertEquals(List.of(true, false), j.smismember("s", "1", "9"));
            assertEquals(3, j.scard("s"));
            assertEquals(1, j.srem("s", "3"));
            assertEquals(1, j.smove("s", "t", "2"));
            j.sadd("t", "1", "x");
            assertEquals(Set.of("1"), j.sinter("s", "t"));
            assertEquals(1, j.sintercard("s", "t"));
            assertEquals(Set.of("1", "2", "x"), j.sunion("s", "t"));
            assertEquals(Set.of("2", "x"), j.sdiff("t", "s"));
            assertEquals(2, j.sdiffstore("d", "t", "s"));
            assertEquals(3, j.sunionstore("u", "s", "t"));
            assertEquals(1, j.sinterstore("i", "s", "t"));
            assertEquals(2, j.srandmember("u", 2).size());
            assertEquals(5, j.srandmember("u", -5).size());
            String popped = j.spop("u");
            assertFalse(j.sismember("u", popped));
            assertEquals(2, j.spop("u", 5).size());
            assertFalse(j.exists("u"));
            ScanResult<String> ss = j.sscan("t", ScanParams.SCAN_POINTER_START);
            assertEquals(Set.of("1", "2", "x"), new HashSet<>(ss.getResult()));
            assertNull(j.spop("nokey"));
            assertThrows(JedisDataException.class, () -> j.sadd("str", "a"));
        }
    }

    @Test
    void lettuce() {
        try (TestNode n = TestNode.start()) {
            RedisClient client = RedisClient.create("redis://" + n.host() + ":" + n.port());
            try (StatefulRedisConnection<String, String> conn = client.connect()) {
                RedisCommands<String, String> r = conn.sync();
                assertEquals(2L, r.hset("h", Map.of("a", "1", "b", "2")));
                assertEquals(Map.of("a", "1", "b", "2"), r.hgetall("h"));
                assertEquals(List.of(KeyValue.just("a", "1"), KeyValue.empty("z")), r.hmget("h", "a", "z"));
                assertEquals(3.25, r.hincrbyfloat("h", "a", 2.25));
                assertEquals(12L, r.hincrby("h", "b", 10));
                assertNull(r.hget("h", "nofield"));
                List<KeyValue<String, String>> pairs = r.hrandfieldWithvalues("h", -4);
                assertEquals(4, pairs.size());
                for (KeyValue<String, String> kv : pairs) assertEquals(r.hget("h", kv.getKey()), kv.getValue());
                Map<String, String> all = new HashMap<>();
                for (int i = 0; i < 600; i++) all.put("f" + i, "v" + i);
                r.hset("big", all);
                Map<String, String> scanned = new HashMap<>();
                ScanCursor cursor = ScanCursor.INITIAL;
                do {
                    MapScanCursor<String, String> c = r.hscan("big", cursor, ScanArgs.Builder.limit(50));
                    scanned.putAll(c.getMap());
                    cursor = c;
                } while (!cursor.isFinished());
                assertEquals(all, scanned);
                assertEquals("hashtable", r.objectEncoding("big"));

                assertEquals(4L, r.sadd("s", "1", "2", "3", "a"));
                assertEquals(Set.of("1", "2", "3", "a"), r.smembers("s"));
                assertEquals(List.of(true, false), r.smismember("s", "1", "z"));
                assertEquals(Set.of("1", "2", "3", "a"), r.sunion("s", "nokey"));
                assertEquals(Set.of(), r.sinter("s", "nokey"));
                assertEquals(2L, r.sintercard(2, "s", "s"));
                Set<String> popped = r.spop("s", 2);
                assertEquals(2, popped.size());
                assertEquals(2L, r.scard("s"));
                assertTrue(r.srandmember("s", 5).size() == 2);
                Set<String> members = new HashSet<>();
                for (int i = 0; i < 1000; i++) r.sadd("bigset", "m" + i);
                ScanCursor sc = ScanCursor.INITIAL;
                do {
                    ValueScanCursor<String> c = r.sscan("bigset", sc, ScanArgs.Builder.matches("m1*").limit(100));
                    members.addAll(c.getValues());
                    sc = c;
                } while (!sc.isFinished());
                assertEquals(111, members.size());
                r.set("str", "x");
                assertThrows(RedisCommandExecutionException.class, () -> r.smembers("str"));
                assertThrows(RedisCommandExecutionException.class, () -> r.hincrbyfloat("h", "a", Double.POSITIVE_INFINITY));
            } finally {
                client.shutdown();
            }
        }
    }
}
