package io.meridian.drbridge;

import io.meridian.kafka.EmbeddedKafka;
import io.meridian.kafkareplica.KafkaReplica;
import io.meridian.kafkareplica.KafkaStreamRelay;
import io.meridian.node.testing.RealRedis;
import io.meridian.node.testing.TestNode;
import io.meridian.replog.StreamRecord;
import io.meridian.replog.TopicLayout;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The DR bridge against the real embedded broker: region A's master (Meridian or redis-server),
 * the bridge ({@link Bridge}: a node following the master, its stream and snapshots published
 * to Kafka), region B's Kafka-sourced replica. Each test ends with region B's DEBUG DIGEST equal
 * to the master's at the same offset, and the stream topic read back whole: contiguous offsets,
 * no duplicate.
 */
class BridgeTest {
    static EmbeddedKafka kafka;

    @BeforeAll
    static void up() {
        KafkaReplica.install();
        kafka = EmbeddedKafka.start();
    }

    @AfterAll
    static void down() {
        if (kafka != null) kafka.close();
    }

    // ---- the tests ------------------------------------------------------------------------

    @Test
    void aRestartedBridgeContinuesTheTopicWithoutGapOrDuplicate() throws Exception {
        String cluster = "restart";
        try (TestNode master = TestNode.start(); Jedis m = jedis(master.port());
             Writer w = new Writer(master.port())) {
            for (int i = 0; i < 500; i++) m.set("pre:" + i, "v" + i);
            TestNode bn1 = bridgeNode(cluster);
            Bridge b1 = Bridge.attach(bn1.node(), options(master.port(), 64L << 20));
            w.start();
            waitFor("the first bridge to publish under load", () -> b1.relay().records() > 20);
            // stop the bridge mid-load: what it had not published is dropped, the master keeps it in its log
            b1.close();
            bn1.close();
            long writesBefore = w.ops.get();
            TestNode bn2 = bridgeNode(cluster);
            try (Bridge b2 = Bridge.attach(bn2.node(), options(master.port(), 64L << 20))) {
                waitFor("the load to go on through the restarted bridge", () -> w.ops.get() > writesBefore + 200);
                w.stopAndJoin();
                try (TestNode b = regionB(cluster); Jedis s = jedis(b.port())) {
                    converge(m, s);
                    assertEquals(digest(m), digest(s));
                    assertEquals(info(m, "replication").get("master_replid"), info(s, "replication").get("master_replid"));
                }
                Map<String, String> stats = info(m, "stats");
                assertEquals("1", stats.get("sync_full"), "the restarted bridge continued with a partial resync: " + stats);
                assertTrue(Long.parseLong(stats.get("sync_partial_ok")) >= 1, stats.toString());
                assertEquals("following", info(jedisOf(bn2), "bridge").get("bridge_state"));
            } finally {
                bn2.close();
            }
            assertContiguous(cluster);
        }
    }

    @Test
    void aSecondBridgeFencesTheFirst() throws Exception {
        String cluster = "fence";
        try (TestNode master = TestNode.start(); Jedis m = jedis(master.port());
             TestNode bn1 = bridgeNode(cluster); TestNode bn2 = bridgeNode(cluster)) {
            m.set("k", "1");
            Bridge b1 = Bridge.attach(bn1.node(), options(master.port(), 64L << 20));
            m.set("k", "2");
            assertTrue(b1.flush(Duration.ofSeconds(30)));
            try (Bridge b2 = Bridge.attach(bn2.node(), options(master.port(), 64L << 20))) {
                for (int i = 0; i < 50; i++) m.incr("counter");
                waitFor("the first bridge to learn it is fenced", () -> b1.relay().state() == KafkaStreamRelay.State.FENCED,
                        () -> b1.relay().infoFields().toString());
                assertNotNull(b1.relay().failure());
                Map<String, String> bridge1 = info(jedisOf(bn1), "bridge");
                assertEquals("fenced", bridge1.get("bridge_state"));
                // the fenced bridge stops following the master: only the live one counts for WAIT
                waitFor("the master to see one replica", () -> "1".equals(info(m, "replication").get("connected_slaves")),
                        () -> info(m, "replication").toString());
                assertEquals(1L, m.waitReplicas(1, 30_000));
                try (TestNode b = regionB(cluster); Jedis s = jedis(b.port())) {
                    converge(m, s);
                    assertEquals(digest(m), digest(s));
                    assertEquals("50", s.get("counter"));
                }
            } finally {
                b1.close();
            }
            assertContiguous(cluster);
        }
    }

    @Test
    void aRealRedisMasterIsBridgedAndWaitMeansInKafka() throws Exception {
        String cluster = "realredis";
        try (RealRedis redis = RealRedis.start(); Jedis m = jedis(redis.port()); TestNode bn = bridgeNode(cluster)) {
            for (int i = 0; i < 300; i++) {
                m.set("s:" + i, "v" + i);
                m.hset("h:" + (i % 10), "f" + i, "x");
                m.rpush("l:" + (i % 7), "e" + i);
                m.zadd("z", i, "m" + i);
            }
            try (Bridge br = Bridge.attach(bn.node(), options(redis.port(), 64L << 20))) {
                waitFor("redis-server to see the bridge online", () -> info(m, "replication").getOrDefault("slave0", "").contains("online"),
                        () -> info(m, "replication").toString());
                for (int i = 0; i < 200; i++) {
                    m.set("live:" + i, Integer.toString(i));
                    if (i % 50 == 0) {
                        // WAIT 1 0 returns once the bridge acknowledged, and it acknowledges only what Kafka holds
                        assertEquals(1L, m.waitReplicas(1, 30_000));
                        long acked = Long.parseLong(info(m, "replication").get("master_repl_offset"));
                        assertTrue(br.relay().publishedEnd() >= acked - 200, // PINGs may follow the write
                                "WAIT returned with Kafka at " + br.relay().publishedEnd() + ", master at " + acked);
                    }
                }
                m.expire("s:1", 1);
                try (TestNode b = regionB(cluster); Jedis s = jedis(b.port())) {
                    waitFor("s:1 to expire on redis-server", () -> !m.exists("s:1"));
                    converge(m, s);
                    assertEquals(digest(m), digest(s));
                }
            }
            assertContiguous(cluster);
        }
    }

    @Test
    void aBrokerOutageHoldsTheMasterAndLosesNothing() throws Exception {
        String cluster = "outage";
        try (EmbeddedKafka own = EmbeddedKafka.start(); TestNode master = TestNode.start(); Jedis m = jedis(master.port());
             TestNode bn = bridgeNode(own, cluster)) {
            m.set("before", "1");
            try (Bridge br = Bridge.attach(bn.node(), options(master.port(), 1L << 20))) {
                assertTrue(br.flush(Duration.ofSeconds(30)));
                own.stop();
                // 3 MB of writes while Kafka is down: past the 1 MB bound the bridge stops reading the master
                String value = "x".repeat(1000);
                for (int i = 0; i < 3000; i++) m.set("during:" + i, value + i);
                Jedis bj = jedisOf(bn);
                waitFor("the bridge to stop reading its master", () -> "1".equals(info(bj, "bridge").get("bridge_master_held")),
                        () -> info(bj, "bridge").toString());
                waitFor("the bridge to report Kafka down", () -> "down".equals(info(bj, "bridge").get("bridge_kafka")),
                        () -> info(bj, "bridge").toString());
                Map<String, String> held = info(bj, "bridge");
                assertTrue(Long.parseLong(held.get("bridge_buffer_bytes")) <= 2L * (1 << 20), held.toString());
                own.restart();
                m.set("after", "1");
                waitFor("the bridge to catch up", () -> {
                    Map<String, String> i = info(bj, "bridge");
                    return "up".equals(i.get("bridge_kafka")) && "0".equals(i.get("bridge_master_held"))
                            && Long.parseLong(i.get("bridge_published_offset")) >= offset(m);
                }, () -> info(bj, "bridge").toString());
                try (TestNode b = regionB(own, cluster); Jedis s = jedis(b.port())) {
                    converge(m, s);
                    assertEquals(digest(m), digest(s));
                    assertEquals(value + 2999, s.get("during:2999"));
                }
                assertEquals("1", info(m, "stats").get("sync_full"), "no new full sync after the outage");
            }
            assertContiguous(own, cluster);
        }
    }

    @Test
    void snapshotsFollowTheStreamAndANewStandbyLoadsTheNewest() throws Exception {
        String cluster = "periodic";
        try (TestNode master = TestNode.start(); Jedis m = jedis(master.port()); TestNode bn = bridgeNode(cluster);
             TestNode follower = regionB(cluster)) {
            for (int i = 0; i < 50; i++) m.set("pre:" + i, "v" + i);
            // a snapshot after every 20 kB of stream
            try (Bridge br = Bridge.attach(bn.node(), new Bridge.Options("127.0.0.1", master.port(), 0, 64L << 20, 3600, 20_000));
                 Jedis f = jedis(follower.port()); Jedis bj = jedisOf(bn)) {
                waitFor("the first snapshot (the first full sync)", () -> br.relay().publishedEnd() >= 0);
                String value = "y".repeat(1000);
                for (int i = 0; i < 100; i++) m.set("big:" + i, value + i);
                waitFor("a snapshot after the bytes", () -> Long.parseLong(info(bj, "bridge").get("bridge_snapshots_total")) >= 2,
                        () -> info(bj, "bridge").toString());
                long snapAt = Long.parseLong(info(bj, "bridge").get("bridge_last_snapshot_offset"));
                assertTrue(snapAt > 50_000, "the newer snapshot is past the big writes: " + snapAt);
                m.set("after-snapshot", "1");
                // the standby that followed live all along still has every byte (snapshots do not cut the stream)
                converge(m, f);
                assertEquals(digest(m), digest(f));
                // a new standby starts from the newest snapshot, not from the first
                try (TestNode b = regionB(cluster); Jedis s = jedis(b.port())) {
                    converge(m, s);
                    assertEquals(digest(m), digest(s));
                    String loaded = info(s, "replication").get("kafka_snapshot");
                    long loadedAt = Long.parseLong(loaded.substring(loaded.indexOf(':') + 1));
                    assertTrue(loadedAt >= snapAt, "loaded " + loaded + ", newest at " + snapAt);
                }
            }
            assertContiguous(cluster);
        }
    }

    @Test
    void badOptionsAreRefused() {
        List<String> rest = new ArrayList<>();
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> Bridge.Options.parse(new String[]{"--bootstrap", "x:1", "--cluster", "c"}, rest));
        assertTrue(e.getMessage().contains("--replicaof"), e.getMessage());
        rest.clear();
        Bridge.Options o = Bridge.Options.parse(new String[]{"--replicaof", "h", "7000", "--max-buffer-bytes", "8mb",
                "--snapshot-interval", "60", "--bootstrap", "x:1"}, rest);
        assertEquals(8L << 20, o.maxBufferBytes());
        assertEquals(60, o.snapshotIntervalSeconds());
        assertEquals(List.of("--bootstrap", "x:1", "--port", "0"), rest);
    }

    // ---- helpers --------------------------------------------------------------------------

    static Bridge.Options options(int masterPort, long maxBuffer) {
        return new Bridge.Options("127.0.0.1", masterPort, 0, maxBuffer, 3600, 0);
    }

    static TestNode bridgeNode(String cluster) {
        return bridgeNode(kafka, cluster);
    }

    static TestNode bridgeNode(EmbeddedKafka k, String cluster) {
        return TestNode.start(Bridge.nodeArgs(List.of("--bootstrap", k.bootstrapServers(), "--cluster", cluster)));
    }

    static TestNode regionB(String cluster) {
        return regionB(kafka, cluster);
    }

    static TestNode regionB(EmbeddedKafka k, String cluster) {
        return TestNode.start("--replica-source", "kafka", "--kafka-bootstrap-servers", k.bootstrapServers(), "--kafka-cluster", cluster);
    }

    static Jedis jedis(int port) {
        return new Jedis("127.0.0.1", port, 30_000);
    }

    static Jedis jedisOf(TestNode n) {
        return jedis(n.port());
    }

    static Map<String, String> info(Jedis j, String section) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String line : j.info(section).split("\r\n")) {
            int c = line.indexOf(':');
            if (c > 0 && !line.startsWith("#")) m.put(line.substring(0, c), line.substring(c + 1));
        }
        return m;
    }

    static long offset(Jedis j) {
        Map<String, String> i = info(j, "replication");
        return Long.parseLong(i.getOrDefault("slave_repl_offset", i.get("master_repl_offset")));
    }

    static String digest(Jedis j) {
        return new String((byte[]) j.sendCommand(() -> "DEBUG".getBytes(StandardCharsets.US_ASCII), "DIGEST"));
    }

    static void converge(Jedis source, Jedis replica) {
        long target = offset(source);
        waitFor("the replica to reach offset " + target, () -> offset(replica) >= target, () -> info(replica, "replication").toString());
    }

    static void waitFor(String what, BooleanSupplier done) {
        waitFor(what, done, () -> "");
    }

    static void waitFor(String what, BooleanSupplier done, Supplier<String> state) {
        long deadline = System.nanoTime() + 120_000_000_000L;
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) fail("timed out waiting for " + what + " " + state.get());
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                fail("interrupted");
            }
        }
    }

    static void assertContiguous(String cluster) {
        assertContiguous(kafka, cluster);
    }

    /** Reads the whole stream topic (committed records): within a history each record starts where the last ended. */
    static void assertContiguous(EmbeddedKafka k, String cluster) {
        TopicLayout layout = new TopicLayout("meridian", cluster);
        Properties p = new Properties();
        p.put("bootstrap.servers", k.bootstrapServers());
        p.put("isolation.level", "read_committed");
        p.put("enable.auto.commit", false);
        List<StreamRecord> all = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            TopicPartition tp = new TopicPartition(layout.streamTopic(), 0);
            c.assign(List.of(tp));
            long end = c.endOffsets(List.of(tp)).get(tp);
            c.seekToBeginning(List.of(tp));
            long deadline = System.currentTimeMillis() + 60_000;
            while (c.position(tp) < end && System.currentTimeMillis() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) all.add(StreamRecord.from(r));
            }
        }
        assertTrue(all.size() > 1, "records: " + all.size());
        for (int i = 1; i < all.size(); i++) {
            StreamRecord a = all.get(i - 1);
            StreamRecord b = all.get(i);
            if (b.replid().equals(a.replid()) || b.start() == a.end()) {
                assertEquals(a.end(), b.start(), "record " + i + " of " + all.size() + " does not continue the previous one: " + a.replid()
                        + " " + a.start() + "-" + a.end() + " then " + b.replid() + " " + b.start() + "-" + b.end());
            }
        }
    }

    /** Keeps writing to the master (SET and INCR) until stopped. */
    static final class Writer extends Thread implements AutoCloseable {
        final AtomicLong ops = new AtomicLong();
        final AtomicBoolean stop = new AtomicBoolean();
        private final int port;

        Writer(int port) {
            super("bridge-test-writer");
            this.port = port;
            setDaemon(true);
        }

        @Override
        public void run() {
            try (Jedis j = jedis(port)) {
                long i = 0;
                while (!stop.get()) {
                    j.set("w:" + (i % 5000), "value-" + i);
                    j.incr("w:count");
                    i++;
                    ops.incrementAndGet();
                }
            }
        }

        void stopAndJoin() throws InterruptedException {
            stop.set(true);
            join(30_000);
        }

        @Override
        public void close() throws InterruptedException {
            stopAndJoin();
        }
    }
}
