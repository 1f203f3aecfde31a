package io.meridian.kafkareplica;

import io.meridian.kafka.EmbeddedKafka;
import io.meridian.node.testing.TestNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

import java.time.Instant;
import java.util.Map;

import static io.meridian.kafkareplica.KafkaTesting.digest;
import static io.meridian.kafkareplica.KafkaTesting.info;
import static io.meridian.kafkareplica.KafkaTesting.jedis;
import static io.meridian.kafkareplica.KafkaTesting.offset;
import static io.meridian.kafkareplica.KafkaTesting.replica;
import static io.meridian.kafkareplica.KafkaTesting.waitFor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Point-in-time rebuilds (--at-offset, --at-time) from the Kafka log give exactly the dataset
 * the source had at that point, before a bad batch job (FLUSHALL included) ran.
 */
class PointInTimeTest {
    static EmbeddedKafka kafka;
    static TestNode src;
    static TestBridge bridge;
    /** The source's offset and digest after the good writes, the time just after them. */
    static long goodOffset;
    static String goodDigest;
    static Instant goodTime;
    /** The same after the bad batch (where a second snapshot was taken). */
    static long badOffset;
    static String badDigest;

    @BeforeAll
    static void up() throws InterruptedException {
        kafka = KafkaTesting.startKafka();
        src = TestNode.start();
        bridge = new TestBridge(src.node(), kafka.bootstrapServers(), "pitr");
        try (Jedis a = jedis(src)) {
            for (int i = 0; i < 300; i++) {
                a.set("k" + i, "v" + i);
                a.hset("h", "f" + i, "x");
                a.incr("n");
            }
            bridge.flush();
            goodOffset = offset(a);
            goodDigest = digest(a);
            Thread.sleep(100);
            goodTime = Instant.now();
            Thread.sleep(100);
            // the bad batch job
            for (int i = 0; i < 100; i++) a.del("k" + i);
            a.flushAll();
            a.set("after-the-flush", "1");
            bridge.flush();
            badOffset = offset(a);
            badDigest = digest(a);
            bridge.snapshot(); // a newer snapshot, after the point in time: not usable for it
            a.set("later", "2");
            bridge.flush();
        }
    }

    @AfterAll
    static void down() {
        if (bridge != null) bridge.close();
        if (src != null) src.close();
        if (kafka != null) kafka.close();
    }

    static void assertAtTarget(Jedis b, long offset, String digest) {
        waitFor("the point in time", () -> "at_target".equals(info(b, "replication").get("kafka_state")),
                () -> info(b, "replication").toString());
        Map<String, String> ri = info(b, "replication");
        assertEquals(Long.toString(offset), ri.get("slave_repl_offset"), ri.toString());
        assertEquals(digest, digest(b));
        assertEquals("slave", ri.get("role"));
    }

    @Test
    void atOffsetGivesTheDatasetOfThatOffset() {
        try (TestNode r = replica(kafka, "pitr", "--replica-at-offset", Long.toString(goodOffset)); Jedis b = jedis(r)) {
            assertAtTarget(b, goodOffset, goodDigest);
            assertEquals("v150", b.get("k150"));
            assertEquals("300", b.get("n"));
            assertNull(b.get("after-the-flush"));
            assertTrue(info(b, "replication").get("kafka_target").equals("offset " + goodOffset));
        }
    }

    @Test
    void atTimeGivesTheDatasetOfThatTime() {
        try (TestNode r = replica(kafka, "pitr", "--replica-at-time", goodTime.toString()); Jedis b = jedis(r)) {
            assertAtTarget(b, goodOffset, goodDigest);
            assertEquals("v0", b.get("k0"));
        }
    }

    @Test
    void atTheNewerSnapshotsOffsetUsesIt() {
        try (TestNode r = replica(kafka, "pitr", "--replica-at-offset", Long.toString(badOffset)); Jedis b = jedis(r)) {
            assertAtTarget(b, badOffset, badDigest);
            assertEquals("1", b.get("after-the-flush"));
            assertNull(b.get("later"));
            assertTrue(info(b, "replication").get("kafka_snapshot").endsWith(":" + badOffset), info(b, "replication").toString());
        }
    }

    @Test
    void aTimeAfterEverythingReplaysTheWholeTopicThenStops() {
        try (TestNode r = replica(kafka, "pitr", "--replica-at-time", Instant.now().plusSeconds(3600).toString()); Jedis b = jedis(r)) {
            long end;
            try (Jedis a = jedis(src)) {
                end = offset(a);
            }
            waitFor("the point in time", () -> "at_target".equals(info(b, "replication").get("kafka_state")),
                    () -> info(b, "replication").toString());
            assertEquals(end, offset(b));
            assertEquals("2", b.get("later"));
        }
    }
}
