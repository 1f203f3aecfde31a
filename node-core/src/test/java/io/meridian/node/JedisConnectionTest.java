package io.meridian.node;

import io.meridian.node.testing.TestNode;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPubSub;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.Transaction;
import redis.clients.jedis.exceptions.JedisDataException;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Connection commands, transactions, pipelines and pub/sub through Jedis, in RESP2 and RESP3. */
class JedisConnectionTest {
    private static Jedis jedis(TestNode n, boolean resp3, String password) {
        DefaultJedisClientConfig.Builder b = DefaultJedisClientConfig.builder().timeoutMillis(20_000);
        if (resp3) b.resp3();
        if (password != null) b.password(password);
        return new Jedis(new HostAndPort(n.host(), n.port()), b.build());
    }

    @Test
    void connectionCommandsResp2AndResp3() {
        try (TestNode n = TestNode.start()) {
            for (boolean resp3 : new boolean[]{false, true}) {
                try (Jedis j = jedis(n, resp3, null)) {
                    assertEquals("PONG", j.ping());
                    assertEquals("hi", j.echo("hi"));
                    assertEquals("OK", j.select(2));
                    assertEquals("OK", j.set("k", "in2"));
                    assertEquals("OK", j.clientSetname("jedis-" + resp3));
                    assertEquals("jedis-" + resp3, j.clientGetname());
                    assertTrue(j.clientId() > 0);
                    String info = j.clientInfo();
                    assertTrue(info.contains(" name=jedis-" + resp3 + " "), info);
                    assertTrue(info.contains(" db=2 "), info);
                    assertTrue(info.contains(" resp=" + (resp3 ? 3 : 2)), info);
                    assertTrue(j.clientList().contains("name=jedis-" + resp3));
                    assertThrows(JedisDataException.class, () -> j.clientSetname("has space"));
                    assertEquals("RESET", j.reset());
                    assertNull(j.get("k"), "RESET selected db 0");
                    assertNull(j.clientGetname());
                }
            }
        }
    }

    @Test
    void authenticationWithRequirepass() {
        try (TestNode n = TestNode.start("--requirepass", "jpw")) {
            try (Jedis j = new Jedis(n.host(), n.port())) {
                JedisDataException e = assertThrows(JedisDataException.class, j::ping);
                assertEquals("NOAUTH Authentication required.", e.getMessage());
                e = assertThrows(JedisDataException.class, () -> j.auth("bad"));
                assertEquals("WRONGPASS invalid username-password pair or user is disabled.", e.getMessage());
                assertEquals("OK", j.auth("jpw"));
                assertEquals("PONG", j.ping());
            }
            for (boolean resp3 : new boolean[]{false, true}) {
                try (Jedis j = jedis(n, resp3, "jpw")) {
                    assertEquals("PONG", j.ping());
                    assertEquals("OK", j.set("a", "1"));
                }
            }
        }
    }

    @Test
    void transactionsAndWatch() {
        try (TestNode n = TestNode.start()) {
            transactionsAndWatch(n, false);
            transactionsAndWatch(n, true);
        }
    }

    private static void transactionsAndWatch(TestNode n, boolean resp3) {
        try (Jedis j = jedis(n, resp3, null); Jedis other = jedis(n, resp3, null)) {
            j.del("s", "n", "w", "d");
            Transaction t = j.multi();
            Response<String> set = t.set("s", "text");
            Response<Long> bad = t.incr("s");
            Response<Long> incr = t.incr("n");
            Response<String> get = t.get("s");
            List<Object> results = t.exec();
            assertEquals(4, results.size());
            assertEquals("OK", set.get());
            assertThrows(JedisDataException.class, bad::get);
            assertInstanceOf(JedisDataException.class, results.get(1));
            assertEquals(1L, incr.get());
            assertEquals("text", get.get());

            assertEquals("OK", j.watch("w"));
            other.set("w", "changed");
            Transaction t2 = j.multi();
            t2.set("w", "mine");
            assertNull(t2.exec(), "aborted by the watched key");
            assertEquals("changed", j.get("w"));

            Transaction t3 = j.multi();
            t3.set("d", "1");
            assertEquals("OK", t3.discard());
            assertNull(j.get("d"));
        }
    }

    @Test
    void pipelineOfTenThousand() {
        try (TestNode n = TestNode.start(); Jedis j = new Jedis(n.host(), n.port())) {
            Pipeline p = j.pipelined();
            List<Response<Long>> incrs = new ArrayList<>();
            List<Response<String>> gets = new ArrayList<>();
            for (int i = 0; i < 10_000; i++) {
                p.set("p" + i, "v" + i);
                incrs.add(p.incr("ctr"));
                gets.add(p.get("p" + i));
            }
            p.sync();
            for (int i = 0; i < 10_000; i++) {
                assertEquals(i + 1L, incrs.get(i).get());
                assertEquals("v" + i, gets.get(i).get());
            }
        }
    }

    @Test
    void publishSubscribe() throws Exception {
        try (TestNode n = TestNode.start()) {
            publishSubscribe(n, false);
            publishSubscribe(n, true);
        }
    }

    private static void publishSubscribe(TestNode n, boolean resp3) throws Exception {
        try (Jedis sub = jedis(n, resp3, null); Jedis pub = jedis(n, resp3, null)) {
            List<String> got = new CopyOnWriteArrayList<>();
            CountDownLatch subscribed = new CountDownLatch(2);
            CountDownLatch messages = new CountDownLatch(3);
            JedisPubSub listener = new JedisPubSub() {
                @Override
                public void onSubscribe(String channel, int count) {
                    subscribed.countDown();
                }

                @Override
                public void onPSubscribe(String pattern, int count) {
                    subscribed.countDown();
                }

                @Override
                public void onMessage(String channel, String message) {
                    got.add(channel + ":" + message);
                    messages.countDown();
                }

                @Override
                public void onPMessage(String pattern, String channel, String message) {
                    got.add(pattern + ">" + channel + ":" + message);
                    messages.countDown();
                }
            };
            CompletableFuture<Void> loop = CompletableFuture.runAsync(() -> sub.subscribe(listener, "news"));
            assertTrue(awaitLatchWithPsubscribe(subscribed, listener));
            assertEquals(2L, pub.publish("news", "a"));
            assertEquals(1L, pub.publish("newsroom", "b"));
            assertTrue(messages.await(10, TimeUnit.SECONDS));
            assertEquals(List.of("news:a", "news*>news:a", "news*>newsroom:b"), got);
            assertEquals(List.of("news"), pub.pubsubChannels());
            assertEquals(Map.of("news", 1L), pub.pubsubNumSub("news"));
            assertEquals(1L, pub.pubsubNumPat());
            listener.unsubscribe();
            listener.punsubscribe();
            loop.get(10, TimeUnit.SECONDS);
            assertEquals(0L, pub.publish("news", "c"));
        }
    }

    /** Waits for the SUBSCRIBE, adds a PSUBSCRIBE on the same connection, waits for that too. */
    private static boolean awaitLatchWithPsubscribe(CountDownLatch latch, JedisPubSub listener) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 10_000;
        while (!listener.isSubscribed() && System.currentTimeMillis() < deadline) Thread.sleep(10);
        while (latch.getCount() == 2 && System.currentTimeMillis() < deadline) Thread.sleep(10);
        listener.psubscribe("news*");
        return latch.await(10, TimeUnit.SECONDS);
    }
}
