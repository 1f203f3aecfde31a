package io.meridian.kafkareplica;

import io.meridian.kafka.EmbeddedKafka;
import io.meridian.node.testing.TestNode;
import io.meridian.replog.StreamRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

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
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Promotion of a Kafka-sourced replica (REPLICAOF NO ONE): a writable master continuing the
 * stream's history (PSYNC2, its RESP replicas resync partially), a region epoch one higher, and
 * the other Kafka-sourced replicas following the new primary's stream published at that epoch:
 * records of the old epoch rejected, a diverged history reloaded from the new primary's snapshot.
 */
class PromotionTest {
    static EmbeddedKafka kafka;

    @BeforeAll
    static void up() {
        kafka = KafkaTesting.startKafka();
    }

    @AfterAll
    static void down() {
        if (kafka != null) kafka.close();
    }

    static void writes(Jedis j, String tag, int n) {
        for (int i = 0; i < n; i++) {
            j.set(tag + i, "v" + i);
            j.incr(tag + ":n");
        }
    }

    @Test
    void promotionMakesAWritableMasterAndItsReplicasContinueWithAPartialResync() {
        try (TestNode src = TestNode.start(); Jedis a = jedis(src);
             TestBridge bridge = new TestBridge(src.node(), kafka.bootstrapServers(), "promo")) {
            writes(a, "a", 100);
            bridge.flush();
            try (TestNode r = replica(kafka, "promo"); Jedis b = jedis(r)) {
                converge(a, b);
                try (TestNode sub = TestNode.start("--replicaof", "127.0.0.1", Integer.toString(r.port())); Jedis c = jedis(sub)) {
                    waitFor("the sub-replica to follow", () -> "up".equals(info(c, "replication").get("master_link_status"))
                            && offset(c) == offset(a), () -> info(c, "replication").toString());
                    String replidA = info(a, "replication").get("master_replid");
                    long at = offset(b);
                    assertEquals("OK", b.replicaofNoOne());
                    Map<String, String> ri = info(b, "replication");
                    assertEquals("master", ri.get("role"));
                    assertEquals(replidA, ri.get("master_replid2"));
                    assertEquals(Long.toString(at + 1), ri.get("second_repl_offset"));
                    assertEquals(Long.toString(at), ri.get("master_repl_offset"));
                    assertNotEquals(replidA, ri.get("master_replid"));
                    assertEquals("2", info(b, "dr").get("region_epoch"));
                    assertEquals("OK", b.set("promoted", "yes"));
                    waitFor("the sub-replica to continue from the promoted node", () -> "yes".equals(c.get("promoted")),
                            () -> info(c, "replication").toString());
                    assertEquals(ri.get("master_replid"), info(c, "replication").get("master_replid"));
                    assertTrue(Long.parseLong(info(b, "stats").get("sync_partial_ok")) >= 1, info(b, "stats").toString());
                    waitFor("same offset", () -> offset(c) == offset(b));
                    assertEquals(digest(b), digest(c));
                    // the old region goes on writing: nothing of it reaches the promoted node
                    a.set("old-region", "1");
                    bridge.flush();
                    KafkaReplicaTest.sleep(300);
                    assertNull(b.get("old-region"));
                }
            }
        }
    }

    @Test
    void recordsOfALowerEpochAreRejectedAfterAPromotion() {
        try (TestNode src = TestNode.start(); Jedis a = jedis(src)) {
            TestBridge bridgeA = new TestBridge(src.node(), kafka.bootstrapServers(), "fence");
            writes(a, "a", 50);
            bridgeA.flush();
            String replidA = info(a, "replication").get("master_replid");
            try (TestNode r1 = replica(kafka, "fence"); Jedis b1 = jedis(r1);
                 TestNode r2 = replica(kafka, "fence"); Jedis b2 = jedis(r2)) {
                converge(a, b1);
                converge(a, b2);
                bridgeA.close(); // region A is cut off
                long at = offset(b1);
                assertEquals("OK", b1.replicaofNoOne());
                // region B's bridge publishes the new primary's stream at the next epoch
                try (TestBridge bridgeB = new TestBridge(r1.node(), kafka.bootstrapServers(), "fence", 2)) {
                    writes(b1, "b", 20);
                    bridgeB.flush();
                    converge(b1, b2);
                    Map<String, String> i2 = info(b2, "replication");
                    assertEquals(info(b1, "replication").get("master_replid"), i2.get("master_replid"));
                    assertEquals(replidA, i2.get("master_replid2"));
                    assertEquals("2", i2.get("kafka_region_epoch"));
                    // a partitioned old primary's record gets into the topic: epoch 1, its replid, its offsets
                    byte[] zombie = "*3\r\n$3\r\nSET\r\n$6\r\nzombie\r\n$1\r\n1\r\n".getBytes(StandardCharsets.US_ASCII);
                    bridgeB.hold(true);
                    bridgeB.publish(List.of(new StreamRecord(replidA, at, at + zombie.length, 0, 1, false, zombie)));
                    bridgeB.hold(false);
                    writes(b1, "c", 20);
                    bridgeB.flush();
                    converge(b1, b2);
                    assertNull(b2.get("zombie"));
                    assertEquals("20", b2.get("c:n"));
                    assertTrue(Long.parseLong(info(b2, "replication").get("kafka_epoch_rejected")) >= 1);
                    assertEquals("following", info(b2, "replication").get("kafka_state"));
                    assertEquals(digest(b1), digest(b2));
                }
            }
        }
    }

    @Test
    void aReplicaThatAppliedTheOldPrimarysLastWritesReloadsTheNewPrimarysSnapshot() {
        try (TestNode src = TestNode.start(); Jedis a = jedis(src);
             TestBridge bridgeA = new TestBridge(src.node(), kafka.bootstrapServers(), "diverge")) {
            writes(a, "a", 50);
            bridgeA.flush();
            try (TestNode r1 = replica(kafka, "diverge"); Jedis b1 = jedis(r1);
                 TestNode r2 = replica(kafka, "diverge"); Jedis b2 = jedis(r2)) {
                converge(a, b1);
                converge(a, b2);
                assertEquals("OK", b1.replicaofNoOne());
                // region A did not stop in time: r2 applies writes the promoted node never saw
                writes(a, "lost", 10);
                bridgeA.flush();
                converge(a, b2);
                assertNotNull(b2.get("lost0"));
                try (TestBridge bridgeB = new TestBridge(r1.node(), kafka.bootstrapServers(), "diverge", 2)) {
                    writes(b1, "b", 20);
                    bridgeB.flush();
                    waitFor("r2 to reload the new primary's history", () -> "20".equals(b2.get("b:n"))
                            && offset(b2) == offset(b1), () -> info(b2, "replication").toString());
                    assertNull(b2.get("lost0"));
                    assertEquals(digest(b1), digest(b2));
                    assertEquals(info(b1, "replication").get("master_replid"), info(b2, "replication").get("master_replid"));
                    // the old bridge was fenced by the new one (same transactional id)
                    a.set("after-fence", "1");
                    KafkaReplicaTest.sleep(500);
                    assertNotNull(bridgeA.failure(), "the old region's bridge is fenced");
                }
            }
        }
    }

    @Test
    void failbackReseedsTheOldPrimaryFromTheNewPrimarysLogThenASwitchoverGoesBack() throws Exception {
        try (TestNode src = TestNode.start(); Jedis a = jedis(src)) {
            TestBridge bridgeA = new TestBridge(src.node(), kafka.bootstrapServers(), "failback");
            writes(a, "a", 50);
            bridgeA.flush();
            try (TestNode r = replica(kafka, "failback"); Jedis b = jedis(r)) {
                converge(a, b);
                bridgeA.close(); // region A lost
                assertEquals("OK", b.replicaofNoOne());
                // region A comes back as a master with a write region B never got
                a.set("diverged-in-A", "1");
                try (TestBridge bridgeB = new TestBridge(r.node(), kafka.bootstrapServers(), "failback", 2)) {
                    writes(b, "b", 30);
                    bridgeB.flush();
                    // failback: region A's node turns into a Kafka-sourced replica of the cluster, without a restart
                    KafkaSourceSettings settings = KafkaSourceSettings.of(kafka.bootstrapServers(),
                            new io.meridian.replog.TopicLayout("meridian", "failback"));
                    java.util.concurrent.CompletableFuture<Void> done = new java.util.concurrent.CompletableFuture<>();
                    src.node().execute(() -> {
                        KafkaReplica.attach(src.node(), settings);
                        done.complete(null);
                    });
                    done.get(30, java.util.concurrent.TimeUnit.SECONDS);
                    converge(b, a);
                    assertEquals(digest(b), digest(a));
                    assertNull(a.get("diverged-in-A"));
                    assertEquals("30", a.get("b:n"));
                    Map<String, String> ia = info(a, "replication");
                    assertEquals("slave", ia.get("role"));
                    assertEquals("snapshot", ia.get("kafka_started_from"));
                    assertEquals("2", ia.get("kafka_region_epoch"));
                    // and back: a planned switchover from region B to region A loses nothing
                    java.util.List<String> args = java.util.List.of("--primary", "127.0.0.1:" + r.port(), "--standby", "127.0.0.1:" + src.port(),
                            "--cut", "pause", "--canaries", "5", "--max-rpo", "0", "--max-rpo-writes", "0", "--json");
                    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
                    int status = io.meridian.kafkareplica.drill.DrillCommand.run(args, Map.of(), new java.io.PrintStream(out, true),
                            new java.io.PrintStream(new java.io.ByteArrayOutputStream(), true));
                    assertEquals(0, status, out.toString());
                    assertEquals("master", info(a, "replication").get("role"));
                    waitFor("region B to follow region A again", () -> "up".equals(info(b, "replication").get("master_link_status")));
                    assertEquals("OK", a.set("home-again", "1"));
                    waitFor("the write to reach region B", () -> "1".equals(b.get("home-again")));
                }
            }
        }
    }
}
