package io.meridian.node;

import io.lettuce.core.Range;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScoredValue;
import io.lettuce.core.ScoredValueScanCursor;
import io.lettuce.core.ZAddArgs;
import io.lettuce.core.ZPopArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.meridian.node.testing.TestNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.args.SortedSetOption;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.params.ZAddParams;
import redis.clients.jedis.params.ZParams;
import redis.clients.jedis.resps.ScanResult;
import redis.clients.jedis.resps.Tuple;
import redis.clients.jedis.util.KeyValue;

import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Sorted sets through the drivers applications use: Jedis (RESP2) and Lettuce (RESP3). */
class SortedSetDriversTest {
    static TestNode meridian;
    static ExecutorService pool;

    @BeforeAll
    static void start() {
        meridian = TestNode.start();
        pool = Executors.newCachedThreadPool();
    }

    @AfterAll
    static void stop() {
        pool.shutdownNow();
        meridian.close();
    }

    private static Jedis jedis() {
        return new Jedis(meridian.host(), meridian.port(), 30_000);
    }

    private static void awaitBlocked(int n) throws Exception {
        Node node = meridian.node();
        long deadline = System.currentTimeMillis() + 20_000;
        while (node.loop().submit(() -> node.blocking().blockedClients()).get() != n) {
            if (System.currentTimeMillis() > deadline) throw new AssertionError("never saw " + n + " blocked clients");
            Thread.sleep(5);
        }
    }

    @Test
    void jedisRunsTheSortedSetCommands() {
        try (Jedis j = jedis()) {
            Map<String, Double> m = new LinkedHashMap<>();
            m.put("a", 1.0);
            m.put("b", 2.5);
            m.put("c", 2.5);
            assertEquals(3, j.zadd("j:z", m));
            assertEquals(0, j.zadd("j:z", 10, "a", ZAddParams.zAddParams().nx()));
            assertEquals(1, j.zadd("j:z", 10, "a", ZAddParams.zAddParams().gt().ch()));
            assertEquals(11.5, j.zincrby("j:z", 1.5, "a"));
            assertEquals(List.of(new Tuple("b", 2.5), new Tuple("c", 2.5), new Tuple("a", 11.5)), j.zrangeWithScores("j:z", 0, -1));
            assertEquals(List.of("c"), j.zrangeByScore("j:z", "(1", "+inf", 1, 1));
            assertEquals(List.of("a", "c"), j.zrevrangeByScore("j:z", "+inf", "2", 0, 2));
            assertEquals(2L, j.zrank("j:z", "a"));
            assertEquals(0L, j.zrevrank("j:z", "a"));
            assertEquals(2, j.zcount("j:z", "2", "3"));
            assertEquals(java.util.Arrays.asList(2.5, null), j.zmscore("j:z", "b", "nope"));
            j.zadd("j:w", 1, "b");
            assertEquals(3, j.zunionstore("j:u", new ZParams().weights(2, 3).aggregate(ZParams.Aggregate.MAX), "j:z", "j:w"));
            assertEquals(List.of("b", "c", "a"), j.zrange("j:u", 0, -1));
            assertEquals(List.of("b"), j.zinter(new ZParams(), "j:z", "j:w"));
            assertEquals(1, j.zintercard("j:z", "j:w"));
            assertEquals(List.of("a", "c"), j.zdiff("j:z", "j:w").stream().sorted().toList());
            assertEquals(new Tuple("b", 2.5), j.zpopmin("j:z"));
            KeyValue<String, List<Tuple>> popped = j.zmpop(SortedSetOption.MAX, 5, "j:none", "j:z");
            assertEquals("j:z", popped.getKey());
            assertEquals(List.of(new Tuple("a", 11.5), new Tuple("c", 2.5)), popped.getValue());
            assertEquals(0, j.zcard("j:z"));
            j.set("j:string", "x");
            assertThrows(redis.clients.jedis.exceptions.JedisDataException.class, () -> j.zadd("j:string", 1, "a"));
        }
    }

    @Test
    void jedisScansAndRandomMembers() {
        try (Jedis j = jedis()) {
            for (int i = 0; i < 300; i++) j.zadd("j:big", i, "m" + i);
            Set<String> seen = new HashSet<>();
            String cursor = ScanParams.SCAN_POINTER_START;
            do {
                ScanResult<Tuple> r = j.zscan("j:big", cursor, new ScanParams().count(20));
                for (Tuple t : r.getResult()) {
                    assertEquals(Integer.parseInt(t.getElement().substring(1)), (int) t.getScore());
                    seen.add(t.getElement());
                }
                cursor = r.getCursor();
            } while (!cursor.equals("0"));
            assertEquals(300, seen.size());
            List<String> distinct = j.zrandmember("j:big", 50);
            assertEquals(50, new HashSet<>(distinct).size());
            assertEquals(500, j.zrandmember("j:big", -500).size());
            assertTrue(seen.containsAll(j.zrandmember("j:big", -500)));
            assertEquals(300, j.zrandmember("j:big", 1000).size());
            // a reply too large for any buffer is refused up front (redis-server dies building it)
            assertThrows(redis.clients.jedis.exceptions.JedisDataException.class, () -> j.zrandmember("j:big", -9_000_000_000_000_000_000L));
            assertThrows(redis.clients.jedis.exceptions.JedisDataException.class, () -> j.zrandmember("j:big", -1_000_000_000L));
            assertEquals(300, j.zcard("j:big"));
        }
    }

    @Test
    void jedisBlockedPopIsServedByAnotherClientOrTimesOut() throws Exception {
        try (Jedis blocked = jedis(); Jedis writer = jedis()) {
            Future<KeyValue<String, Tuple>> f = pool.submit(() -> blocked.bzpopmin(0, "j:q1", "j:q2"));
            awaitBlocked(1);
            assertEquals(2, writer.zadd("j:q2", Map.of("x", 5.0, "y", 1.0)));
            KeyValue<String, Tuple> kv = f.get(10, TimeUnit.SECONDS);
            assertEquals("j:q2", kv.getKey());
            assertEquals(new Tuple("y", 1.0), kv.getValue());

            Future<KeyValue<String, List<Tuple>>> m = pool.submit(() -> blocked.bzmpop(0, SortedSetOption.MAX, 10, "j:q3"));
            awaitBlocked(1);
            writer.zadd("j:q3", Map.of("p", 1.0, "q", 2.0));
            assertEquals(List.of(new Tuple("q", 2.0), new Tuple("p", 1.0)), m.get(10, TimeUnit.SECONDS).getValue());

            long start = System.nanoTime();
            assertNull(blocked.bzpopmin(0.2, "j:nothing"));
            assertNull(blocked.bzpopmax(0.1, "j:nothing", "j:nothing2"));
            assertNull(blocked.bzmpop(0.1, SortedSetOption.MIN, "j:nothing"));
            long ms = (System.nanoTime() - start) / 1_000_000;
            assertTrue(ms >= 350 && ms < 10_000, "took " + ms + " ms");
            assertEquals("PONG", blocked.ping());
        }
    }

    @Test
    void lettuceOverResp3() throws Exception {
        RedisClient client = RedisClient.create(RedisURI.builder().withHost(meridian.host()).withPort(meridian.port())
                .withTimeout(Duration.ofSeconds(30)).build());
        try (StatefulRedisConnection<String, String> blockedConn = client.connect();
             StatefulRedisConnection<String, String> writerConn = client.connect()) {
            RedisCommands<String, String> w = writerConn.sync();
            assertEquals(3, w.zadd("l:z", 1.5, "a", 2.0, "b", Double.POSITIVE_INFINITY, "c"));
            assertEquals(0, w.zadd("l:z", ZAddArgs.Builder.xx(), 9.0, "nope"));
            assertEquals(List.of(ScoredValue.just(1.5, "a"), ScoredValue.just(2.0, "b"), ScoredValue.just(Double.POSITIVE_INFINITY, "c")),
                    w.zrangeWithScores("l:z", 0, -1));
            assertEquals(List.of("b", "c"), w.zrangebyscore("l:z", Range.create(2.0, Double.POSITIVE_INFINITY)));
            assertEquals(3.5, w.zincrby("l:z", 2.0, "a"));
            assertEquals(Double.POSITIVE_INFINITY, w.zscore("l:z", "c"));
            ScoredValueScanCursor<String> scan = w.zscan("l:z", ScanArgs.Builder.matches("[ab]"));
            assertEquals(Set.of(ScoredValue.just(3.5, "a"), ScoredValue.just(2.0, "b")), new HashSet<>(scan.getValues()));
            assertEquals(ScoredValue.just(Double.POSITIVE_INFINITY, "c"), w.zpopmax("l:z"));
            assertEquals(List.of(ScoredValue.just(2.0, "b"), ScoredValue.just(3.5, "a")), w.zpopmin("l:z", 5));

            RedisFuture<io.lettuce.core.KeyValue<String, ScoredValue<String>>> popped = blockedConn.async().bzpopmin(0L, "l:q");
            awaitBlocked(1);
            w.zadd("l:q", 4.25, "job");
            io.lettuce.core.KeyValue<String, ScoredValue<String>> kv = popped.get(10, TimeUnit.SECONDS);
            assertEquals("l:q", kv.getKey());
            assertEquals(ScoredValue.just(4.25, "job"), kv.getValue());

            RedisFuture<io.lettuce.core.KeyValue<String, List<ScoredValue<String>>>> mpop =
                    blockedConn.async().bzmpop(0.0, 2, ZPopArgs.Builder.max(), "l:m");
            awaitBlocked(1);
            w.zadd("l:m", 1.0, "x", 2.0, "y", 3.0, "z");
            assertEquals(List.of(ScoredValue.just(3.0, "z"), ScoredValue.just(2.0, "y")), mpop.get(10, TimeUnit.SECONDS).getValue());

            long start = System.nanoTime();
            var none = blockedConn.sync().bzpopmin(0.2, "l:nothing");
            assertTrue(none == null || !none.hasValue(), String.valueOf(none));
            var noneM = blockedConn.sync().bzmpop(0.1, ZPopArgs.Builder.min(), "l:nothing");
            assertTrue(noneM == null || !noneM.hasValue(), String.valueOf(noneM));
            long ms = (System.nanoTime() - start) / 1_000_000;
            assertTrue(ms >= 250 && ms < 10_000, "took " + ms + " ms");
            assertEquals("PONG", blockedConn.sync().ping());
        } finally {
            client.shutdown();
        }
    }
}
