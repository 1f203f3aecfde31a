package io.meridian.node.lists;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.KeyValue;
import io.lettuce.core.LMPopArgs;
import io.lettuce.core.LMoveArgs;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.protocol.ProtocolVersion;
import io.meridian.node.Node;
import io.meridian.node.testing.TestNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.args.ListDirection;
import redis.clients.jedis.args.ListPosition;
import redis.clients.jedis.params.LPosParams;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Lists and blocking pops through the drivers applications use: Jedis and Lettuce. */
class ListDriversTest {
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

    private static void awaitBlocked(int n) {
        Node node = meridian.node();
        ListBlockingDifferentialTest.await(n + " blocked clients",
                () -> node.loop().submit(() -> node.blocking().blockedClients()).get() == n);
    }

    @Test
    void jedisRunsTheListCommands() {
        try (Jedis j = jedis()) {
            assertEquals(3, j.rpush("j:list", "a", "b", "c"));
            assertEquals(4, j.lpush("j:list", "z"));
            assertEquals(List.of("z", "a", "b", "c"), j.lrange("j:list", 0, -1));
            assertEquals(5, j.linsert("j:list", ListPosition.AFTER, "a", "a2"));
            assertEquals("OK", j.lset("j:list", -1, "C"));
            assertEquals(2L, j.lpos("j:list", "a2"));
            assertEquals(List.of(2L), j.lpos("j:list", "a2", LPosParams.lPosParams().rank(-1), 0));
            assertEquals(1, j.lrem("j:list", 0, "z"));
            assertEquals("OK", j.ltrim("j:list", 0, 2));
            assertEquals("b", j.lmove("j:list", "j:other", ListDirection.RIGHT, ListDirection.LEFT));
            assertEquals("b", j.rpoplpush("j:other", "j:list"));
            var popped = j.lmpop(ListDirection.LEFT, 5, "j:none", "j:list");
            assertEquals("j:list", popped.getKey());
            assertEquals(List.of("b", "a", "a2"), popped.getValue());
            assertNull(j.lpop("j:list"));
            assertEquals(0, j.llen("j:list"));
            j.set("j:string", "x");
            assertThrows(redis.clients.jedis.exceptions.JedisDataException.class, () -> j.lpush("j:string", "a"));
        }
    }

    @Test
    void jedisBlockedClientIsServedByAnotherClientsPush() throws Exception {
        try (Jedis blocked = jedis(); Jedis pusher = jedis()) {
            Future<List<String>> f = pool.submit(() -> blocked.blpop(0, "j:q"));
            awaitBlocked(1);
            assertEquals(1, pusher.rpush("j:q", "job"));
            assertEquals(List.of("j:q", "job"), f.get(10, TimeUnit.SECONDS));
            assertEquals(0, pusher.llen("j:q"));
        }
    }

    @Test
    void jedisTimeoutsReturnNil() {
        try (Jedis j = jedis()) {
            long start = System.nanoTime();
            assertNull(j.blpop(0.2, "j:nothing"));
            assertNull(j.brpop(0.1, "j:nothing", "j:nothing2"));
            assertNull(j.blmove("j:nothing", "j:dst", ListDirection.LEFT, ListDirection.RIGHT, 0.1));
            assertNull(j.blmpop(0.1, ListDirection.LEFT, "j:nothing"));
            long ms = (System.nanoTime() - start) / 1_000_000;
            assertTrue(ms >= 400 && ms < 10_000, "took " + ms + " ms");
            assertEquals("PONG", j.ping());
        }
    }

    @Test
    void jedisClientsAreServedInTheOrderTheyBlocked() throws Exception {
        List<Jedis> clients = new ArrayList<>();
        List<Future<List<String>>> results = new ArrayList<>();
        try (Jedis pusher = jedis()) {
            for (int i = 0; i < 4; i++) {
                Jedis c = jedis();
                clients.add(c);
                results.add(pool.submit(() -> c.brpop(0, "j:fifo")));
                awaitBlocked(i + 1);
            }
            assertEquals(4, pusher.lpush("j:fifo", "1", "2", "3", "4"));
            for (int i = 0; i < 4; i++) {
                assertEquals(List.of("j:fifo", Integer.toString(i + 1)), results.get(i).get(10, TimeUnit.SECONDS));
            }
        } finally {
            clients.forEach(Jedis::close);
        }
    }

    @Test
    void jedisBlockingMovesAndMultiPops() throws Exception {
        try (Jedis a = jedis(); Jedis b = jedis(); Jedis pusher = jedis()) {
            Future<String> moved = pool.submit(() -> a.blmove("j:src", "j:dst", ListDirection.LEFT, ListDirection.RIGHT, 0));
            awaitBlocked(1);
            Future<redis.clients.jedis.util.KeyValue<String, List<String>>> mpop =
                    pool.submit(() -> b.blmpop(0, ListDirection.RIGHT, 2, "j:dst"));
            awaitBlocked(2);
            pusher.rpush("j:src", "x", "y");
            assertEquals("x", moved.get(10, TimeUnit.SECONDS));
            var kv = mpop.get(10, TimeUnit.SECONDS);
            assertEquals("j:dst", kv.getKey());
            assertEquals(List.of("x"), kv.getValue());
            assertEquals(List.of("y"), pusher.lrange("j:src", 0, -1));
            assertEquals("y", pusher.brpoplpush("j:src", "j:dst", 0));
        }
    }

    @Test
    void jedisBlockedClientThatGoesAwayIsForgotten() throws Exception {
        try (Jedis pusher = jedis()) {
            Jedis blocked = jedis();
            Future<List<String>> f = pool.submit(() -> blocked.blpop(0, "j:gone"));
            awaitBlocked(1);
            blocked.getConnection().disconnect();
            awaitBlocked(0);
            assertThrows(Exception.class, () -> f.get(10, TimeUnit.SECONDS));
            assertEquals(1, pusher.rpush("j:gone", "kept"));
            assertEquals(List.of("kept"), pusher.lrange("j:gone", 0, -1));
            blocked.close();
        }
    }

    @ParameterizedTest
    @EnumSource(ProtocolVersion.class)
    void lettuceServesBlockedPopsAndTimesOut(ProtocolVersion protocol) throws Exception {
        RedisClient client = RedisClient.create(RedisURI.builder().withHost(meridian.host()).withPort(meridian.port())
                .withTimeout(Duration.ofSeconds(30)).build());
        client.setOptions(ClientOptions.builder().protocolVersion(protocol).build());
        try (StatefulRedisConnection<String, String> blockedConn = client.connect();
             StatefulRedisConnection<String, String> pusherConn = client.connect()) {
            RedisCommands<String, String> pusher = pusherConn.sync();
            RedisFuture<KeyValue<String, String>> popped = blockedConn.async().blpop(0L, "l:q1", "l:q2");
            awaitBlocked(1);
            assertEquals(2, pusher.rpush("l:q2", "a", "b"));
            KeyValue<String, String> kv = popped.get(10, TimeUnit.SECONDS);
            assertEquals("l:q2", kv.getKey());
            assertEquals("a", kv.getValue());

            RedisFuture<KeyValue<String, List<String>>> mpop =
                    blockedConn.async().blmpop(0L, LMPopArgs.Builder.right().count(5), "l:m");
            awaitBlocked(1);
            pusher.lpush("l:m", "1", "2", "3");
            KeyValue<String, List<String>> m = mpop.get(10, TimeUnit.SECONDS);
            assertEquals("l:m", m.getKey());
            assertEquals(List.of("1", "2", "3"), m.getValue());

            RedisFuture<String> moved = blockedConn.async().blmove("l:s", "l:d", LMoveArgs.Builder.leftRight(), 0L);
            awaitBlocked(1);
            pusher.rpush("l:s", "v");
            assertEquals("v", moved.get(10, TimeUnit.SECONDS));
            assertEquals(List.of("b", "v"), List.of(pusher.lpop("l:q2"), pusher.rpop("l:d")));

            long start = System.nanoTime();
            assertNull(blockedConn.sync().blpop(0.2, "l:nothing"));
            assertNull(blockedConn.sync().blmove("l:nothing", "l:d", LMoveArgs.Builder.rightLeft(), 0.1));
            long ms = (System.nanoTime() - start) / 1_000_000;
            assertTrue(ms >= 300 && ms < 10_000, "took " + ms + " ms");
            assertEquals("PONG", blockedConn.sync().ping());
        } finally {
            client.shutdown();
        }
    }
}
