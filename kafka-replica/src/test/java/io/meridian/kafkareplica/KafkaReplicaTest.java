package io.meridian.kafkareplica;

import io.meridian.kafka.EmbeddedKafka;
import io.meridian.node.testing.RealRedis;
import io.meridian.node.testing.TestNode;
import io.meridian.replog.StreamRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Transaction;
import redis.clients.jedis.exceptions.JedisDataException;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static io.meridian.kafkareplica.KafkaTesting.converge;
import static io.meridian.kafkareplica.KafkaTesting.digest;
import static io.meridian.kafkareplica.KafkaTesting.info;
import static io.meridian.kafkareplica.KafkaTesting.jedis;
import static io.meridian.kafkareplica.KafkaTesting.offset;
import static io.meridian.kafkareplica.KafkaTesting.replica;
import static io.meridian.kafkareplica.KafkaTesting.waitFor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A replica rebuilt from the Kafka log and following it, against a real broker. */
class KafkaReplicaTest {
    static EmbeddedKafka kafka;

    @BeforeAll
    static void up() {
        kafka = KafkaTesting.startKafka();
    }

    @AfterAll
    static void down() {
        if (kafka != null) kafka.close();
    }

    static void dataset(Jedis j, String tag, int n) {
        for (int i = 0; i < n; i++) {
            j.set(tag + ":s:" + i, "v" + i);
            j.hset(tag + ":h", "f" + i, Integer.toString(i));
            j.rpush(tag + ":l", "e" + i);
            j.sadd(tag + ":set", "m" + (i % 50));
            j.zadd(tag + ":z", i * 1.5, "z" + i);
            j.incr(tag + ":counter");
        }
        j.expire(tag + ":s:0", 100_000);
        j.select(3);
        j.set(tag + ":in-db3", "x");
        j.lpush(tag + ":l3", "a", "b");
        j.select(0);
    }

    @Test
    void rebuildsFromSnapshotAndReplayThenFollowsLive() {
        try (TestNode src = TestNode.start(); Jedis a = jedis(src)) {
            dataset(a, "before", 200);
            try (TestBridge bridge = new TestBridge(src.node(), kafka.bootstrapServers(), "rebuild")) {
                // what the snapshot does not hold: replayed from the stream topic
                dataset(a, "after", 100);
                Transaction t = a.multi();
                t.incr("after:counter");
                t.set("tx", "1");
                t.exec();
                a.del("before:s:5");
                a.select(3);
                a.set("db3-after", "y");
                a.select(0);
                bridge.flush();
                try (TestNode r = replica(kafka, "rebuild"); Jedis b = jedis(r)) {
                    converge(a, b);
                    assertEquals(offset(a), offset(b));
                    assertEquals(digest(a), digest(b));
                    Map<String, String> ri = info(b, "replication");
                    assertEquals("slave", ri.get("role"));
                    assertEquals("up", ri.get("master_link_status"));
                    assertEquals("kafka", ri.get("master_source"));
                    assertEquals("following", ri.get("kafka_state"));
                    assertEquals("meridian.rebuild.stream", ri.get("kafka_stream_topic"));
                    assertTrue(ri.get("kafka_snapshot").startsWith(info(a, "replication").get("master_replid") + ":"), ri.toString());
                    assertEquals(info(a, "replication").get("master_replid"), ri.get("master_replid"));
                    List<Object> role = b.role();
                    Object r0 = role.get(0);
                    assertEquals("slave", r0 instanceof byte[] x ? new String(x, StandardCharsets.UTF_8) : String.valueOf(r0));
                    JedisDataException ro = assertThrows(JedisDataException.class, () -> b.set("nope", "1"));
                    assertTrue(ro.getMessage().startsWith("READONLY"), ro.getMessage());
                    assertEquals("1", b.get("tx"));
                    // live: writes made now arrive
                    dataset(a, "live", 50);
                    converge(a, b);
                    assertEquals(digest(a), digest(b));
                    waitFor("lag to settle", () -> "0".equals(info(b, "replication").get("kafka_lag_records")),
                            () -> info(b, "replication").toString());
                    assertEquals("0", info(b, "replication").get("kafka_lag_bytes"));
                    // health and metrics of the management port
                    try (io.meridian.node.ops.ManagementServer ms = io.meridian.node.ops.ManagementServer.start(r.node(), -1, "127.0.0.1")) {
                        String metrics = http(ms.port(), "/prometheus");
                        assertTrue(metrics.contains("\nmeridian_kafka_following 1"), metrics);
                        assertTrue(metrics.contains("\nmeridian_kafka_lag_bytes 0"), metrics);
                        assertTrue(metrics.contains("\nmeridian_kafka_lag_records 0"), metrics);
                        assertTrue(metrics.contains("\nmeridian_kafka_region_epoch 1"), metrics);
                        assertTrue(http(ms.port(), "/health/readiness").contains("UP"));
                    }
                }
            }
        }
    }

    @Test
    void duplicatesAreSkippedNeverAppliedTwice() {
        try (TestNode src = TestNode.start(); Jedis a = jedis(src);
             TestBridge bridge = new TestBridge(src.node(), kafka.bootstrapServers(), "dupes")) {
            for (int i = 0; i < 100; i++) {
                a.incr("counter");
                a.rpush("list", "x" + i);
            }
            bridge.flush();
            try (TestNode r = replica(kafka, "dupes"); Jedis b = jedis(r)) {
                converge(a, b);
                // a bridge that restarted and published the same bytes again, whole and in part
                bridge.hold(true);
                List<StreamRecord> again = bridge.published();
                bridge.publish(again);
                bridge.publish(again.subList(again.size() / 2, again.size()));
                bridge.hold(false);
                a.incr("counter");
                bridge.flush();
                converge(a, b);
                assertEquals("101", b.get("counter"));
                assertEquals(100, b.llen("list"));
                assertEquals(digest(a), digest(b));
                long skipped = Long.parseLong(info(b, "replication").get("kafka_duplicates_skipped"));
                assertTrue(skipped >= again.size(), "duplicates skipped: " + skipped);
            }
        }
    }

    @Test
    void aGapStopsTheReplicaAndNothingPastItIsApplied() {
        try (TestNode src = TestNode.start(); Jedis a = jedis(src);
             TestBridge bridge = new TestBridge(src.node(), kafka.bootstrapServers(), "gap")) {
            a.set("before", "1");
            bridge.flush();
            try (TestNode r = replica(kafka, "gap"); Jedis b = jedis(r)) {
                converge(a, b);
                long applied = offset(b);
                // a deliberately gapped topic (test-only write): bytes applied+100.. with nothing before them
                bridge.hold(true);
                byte[] ping = "*1\r\n$4\r\nPING\r\n".getBytes(StandardCharsets.US_ASCII);
                String replid = info(a, "replication").get("master_replid");
                bridge.publish(List.of(new StreamRecord(replid, applied + 100, applied + 100 + ping.length, 0, 1, false, ping)));
                bridge.hold(false);
                a.set("after", "2");
                bridge.flush();
                waitFor("the replica to stop on the gap", () -> "stopped_gap".equals(info(b, "replication").get("kafka_state")),
                        () -> info(b, "replication").toString());
                Map<String, String> ri = info(b, "replication");
                String error = ri.get("kafka_last_error");
                assertTrue(error.contains("gap in meridian.gap.stream at Kafka offset"), error);
                assertTrue(error.contains("record starts at repl offset " + (applied + 100) + " but the replica has " + applied), error);
                assertTrue(error.contains("nothing past repl offset " + applied + " is applied"), error);
                assertEquals("down", ri.get("master_link_status"));
                assertEquals(applied, offset(b));
                assertEquals("1", b.get("before"));
                assertNull(b.get("after"));
                // still nothing, later
                a.set("later", "3");
                bridge.flush();
                sleep(500);
                assertNull(b.get("later"));
                assertEquals(applied, offset(b));
            }
        }
    }

    @Test
    void aCommandLargerThanARecordIsAppliedWhole() {
        try (TestNode src = TestNode.start(); Jedis a = jedis(src);
             TestBridge bridge = new TestBridge(src.node(), kafka.bootstrapServers(), "big")) {
            String big = "x".repeat(3 * TestBridge.MAX_PAYLOAD + 1234);
            a.set("big", big);
            a.set("small", "s");
            bridge.flush();
            assertTrue(bridge.published().stream().anyMatch(StreamRecord::more), "the big SET was split into continuation records");
            try (TestNode r = replica(kafka, "big"); Jedis b = jedis(r)) {
                converge(a, b);
                assertEquals(big, b.get("big"));
                assertEquals(digest(a), digest(b));
            }
        }
    }

    @Test
    void aRealRedisFollowsTheKafkaReplica() {
        try (TestNode src = TestNode.start(); Jedis a = jedis(src);
             TestBridge bridge = new TestBridge(src.node(), kafka.bootstrapServers(), "chain")) {
            dataset(a, "x", 50);
            bridge.flush();
            try (TestNode r = replica(kafka, "chain"); Jedis b = jedis(r)) {
                converge(a, b);
                try (RealRedis sub = RealRedis.start("--replicaof", "127.0.0.1", Integer.toString(r.port()));
                     Jedis c = new Jedis("127.0.0.1", sub.port(), 30_000)) {
                    dataset(a, "y", 50);
                    bridge.flush();
                    converge(a, b);
                    waitFor("redis-server to follow the Kafka replica", () -> "up".equals(info(c, "replication").get("master_link_status"))
                            && offset(c) >= offset(a), () -> info(c, "replication").toString());
                    assertEquals(digest(a), digest(c));
                    assertEquals(info(a, "replication").get("master_replid"), info(c, "replication").get("master_replid"));
                }
            }
        }
    }

    @Test
    void aRestartedReplicaContinuesFromItsOwnData() throws Exception {
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("kafka-replica-restart");
        try (TestNode src = TestNode.start(); Jedis a = jedis(src)) {
            dataset(a, "zero", 100); // in the snapshot
            TestBridge bridge = new TestBridge(src.node(), kafka.bootstrapServers(), "restart");
            dataset(a, "one", 100);
            bridge.flush();
            try (TestNode r = replica(kafka, "restart", "--dir", dir.toString()); Jedis b = jedis(r)) {
                converge(a, b);
                assertEquals("snapshot", info(b, "replication").get("kafka_started_from"));
                waitFor("the loaded snapshot saved", () -> java.nio.file.Files.exists(dir.resolve("dump.rdb")));
            }
            dataset(a, "two", 100);
            bridge.flush();
            try (TestNode r = replica(kafka, "restart", "--dir", dir.toString()); Jedis b = jedis(r)) {
                converge(a, b);
                assertEquals(digest(a), digest(b));
                // its RDB (saved after the snapshot loaded) and replication log continued the history: no reload
                assertEquals("resumed", info(b, "replication").get("kafka_started_from"));
            }
            bridge.close();
        }
    }

    static String http(int port, String path) {
        try {
            var c = java.net.http.HttpClient.newHttpClient();
            var r = c.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port + path)).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            return r.body();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
