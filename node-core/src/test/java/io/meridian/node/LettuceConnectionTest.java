package io.meridian.node;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.LettuceFutures;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisURI;
import io.lettuce.core.TransactionResult;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.protocol.ProtocolVersion;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.meridian.node.testing.TestNode;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Connection commands, transactions, async pipelining and pub/sub through Lettuce: by default
 * in RESP3 (Lettuce starts with HELLO 3), and again with RESP2.
 */
class LettuceConnectionTest {
    private static RedisClient client(TestNode n, ProtocolVersion version, String password) {
        RedisURI.Builder uri = RedisURI.Builder.redis(n.host(), n.port()).withTimeout(Duration.ofSeconds(20));
        if (password != null) uri.withPassword(password.toCharArray());
        RedisClient c = RedisClient.create(uri.build());
        if (version != null) c.setOptions(ClientOptions.builder().protocolVersion(version).build());
        return c;
    }

    @Test
    void connectionCommandsInBothProtocols() {
        try (TestNode n = TestNode.start()) {
            for (ProtocolVersion v : new ProtocolVersion[]{null, ProtocolVersion.RESP2}) {
                RedisClient rc = client(n, v, null);
                try (StatefulRedisConnection<String, String> conn = rc.connect()) {
                    RedisCommands<String, String> s = conn.sync();
                    String expectedResp = v == ProtocolVersion.RESP2 ? "2" : "3";
                    assertEquals("PONG", s.ping());
                    assertEquals("x", s.echo("x"));
                    assertEquals("OK", s.clientSetname("lettuce"));
                    assertEquals("lettuce", s.clientGetname());
                    String info = s.clientInfo();
                    assertTrue(info.contains(" resp=" + expectedResp), info);
                    assertTrue(info.contains(" name=lettuce "), info);
                    assertTrue(s.clientId() > 0);
                    assertTrue(s.clientList().contains("name=lettuce"));
                    assertEquals("OK", s.select(5));
                    assertEquals("OK", s.set("k", "v5"));
                    assertEquals("v5", s.get("k"));
                    RedisCommandExecutionException e = assertThrows(RedisCommandExecutionException.class, () -> s.clientSetname("a b"));
                    assertEquals("ERR Client names cannot contain spaces, newlines or special characters.", e.getMessage());
                } finally {
                    rc.shutdown();
                }
            }
        }
    }

    @Test
    void helloAuthWithRequirepass() {
        try (TestNode n = TestNode.start("--requirepass", "lpw")) {
            for (ProtocolVersion v : new ProtocolVersion[]{null, ProtocolVersion.RESP2}) {
                RedisClient rc = client(n, v, "lpw");
                try (StatefulRedisConnection<String, String> conn = rc.connect()) {
                    assertEquals("PONG", conn.sync().ping());
                } finally {
                    rc.shutdown();
                }
                RedisClient wrong = client(n, v, "nope");
                try {
                    assertThrows(RuntimeException.class, wrong::connect);
                } finally {
                    wrong.shutdown();
                }
            }
        }
    }

    @Test
    void asyncPipelineOfTenThousandInOrder() {
        try (TestNode n = TestNode.start()) {
            RedisClient rc = client(n, null, null);
            try (StatefulRedisConnection<String, String> conn = rc.connect()) {
                RedisAsyncCommands<String, String> a = conn.async();
                conn.setAutoFlushCommands(false);
                List<RedisFuture<Long>> incrs = new ArrayList<>();
                List<RedisFuture<String>> gets = new ArrayList<>();
                for (int i = 0; i < 10_000; i++) {
                    a.set("l" + i, "v" + i);
                    incrs.add(a.incr("counter"));
                    gets.add(a.get("l" + i));
                }
                conn.flushCommands();
                List<RedisFuture<?>> all = new ArrayList<>(incrs);
                all.addAll(gets);
                assertTrue(LettuceFutures.awaitAll(Duration.ofSeconds(60), all.toArray(new RedisFuture[0])));
                for (int i = 0; i < 10_000; i++) {
                    assertEquals(i + 1L, incrs.get(i).get());
                    assertEquals("v" + i, gets.get(i).get());
                }
                conn.setAutoFlushCommands(true);
            } catch (Exception e) {
                throw new AssertionError(e);
            } finally {
                rc.shutdown();
            }
        }
    }

    @Test
    void transactionsInBothProtocols() {
        try (TestNode n = TestNode.start()) {
            for (ProtocolVersion v : new ProtocolVersion[]{null, ProtocolVersion.RESP2}) {
                RedisClient rc = client(n, v, null);
                try (StatefulRedisConnection<String, String> conn = rc.connect();
                     StatefulRedisConnection<String, String> other = rc.connect()) {
                    RedisCommands<String, String> s = conn.sync();
                    s.del("t", "w");
                    assertEquals("OK", s.multi());
                    s.set("t", "text");
                    s.incr("t");
                    s.append("t", "!");
                    TransactionResult r = s.exec();
                    assertTrue(!r.wasDiscarded());
                    assertEquals(3, r.size());
                    assertEquals("OK", r.get(0));
                    assertInstanceOf(RedisCommandExecutionException.class, r.get(1));
                    assertEquals(5L, (Long) r.get(2));

                    assertEquals("OK", s.watch("w"));
                    other.sync().set("w", "theirs");
                    s.multi();
                    s.set("w", "mine");
                    assertTrue(s.exec().wasDiscarded());
                    assertEquals("theirs", s.get("w"));

                    s.multi();
                    s.set("gone", "1");
                    assertEquals("OK", s.discard());
                    assertNull(s.get("gone"));
                } finally {
                    rc.shutdown();
                }
            }
        }
    }

    @Test
    void pubSubPushesInBothProtocols() throws Exception {
        try (TestNode n = TestNode.start()) {
            for (ProtocolVersion v : new ProtocolVersion[]{null, ProtocolVersion.RESP2}) {
                RedisClient rc = client(n, v, null);
                try (StatefulRedisPubSubConnection<String, String> sub = rc.connectPubSub();
                     StatefulRedisConnection<String, String> pub = rc.connect()) {
                    BlockingQueue<String> events = new LinkedBlockingQueue<>();
                    sub.addListener(new RedisPubSubAdapter<>() {
                        @Override
                        public void message(String channel, String message) {
                            events.add("message " + channel + " " + message);
                        }

                        @Override
                        public void message(String pattern, String channel, String message) {
                            events.add("pmessage " + pattern + " " + channel + " " + message);
                        }

                        @Override
                        public void subscribed(String channel, long count) {
                            events.add("subscribed " + channel + " " + count);
                        }

                        @Override
                        public void psubscribed(String pattern, long count) {
                            events.add("psubscribed " + pattern + " " + count);
                        }

                        @Override
                        public void unsubscribed(String channel, long count) {
                            events.add("unsubscribed " + channel + " " + count);
                        }
                    });
                    sub.sync().subscribe("chan");
                    sub.sync().psubscribe("ch*");
                    assertEquals("subscribed chan 1", events.poll(10, TimeUnit.SECONDS));
                    assertEquals("psubscribed ch* 2", events.poll(10, TimeUnit.SECONDS));
                    assertEquals(2L, pub.sync().publish("chan", "hello"));
                    assertEquals("message chan hello", events.poll(10, TimeUnit.SECONDS));
                    assertEquals("pmessage ch* chan hello", events.poll(10, TimeUnit.SECONDS));
                    assertEquals(List.of("chan"), pub.sync().pubsubChannels());
                    assertEquals(1L, pub.sync().pubsubNumpat());
                    if (v == null) {
                        // RESP3: the subscribed connection still runs ordinary commands
                        assertEquals("PONG", sub.sync().ping());
                        assertEquals("OK", sub.sync().set("from-subscriber", "1"));
                    }
                    sub.sync().unsubscribe("chan");
                    assertEquals("unsubscribed chan 1", events.poll(10, TimeUnit.SECONDS));
                    assertEquals(1L, pub.sync().publish("chan", "pattern only"));
                    assertEquals("pmessage ch* chan pattern only", events.poll(10, TimeUnit.SECONDS));
                } finally {
                    rc.shutdown();
                }
            }
        }
    }
}
