package io.meridian.kafkareplica;

import io.meridian.kafka.EmbeddedKafka;
import io.meridian.kafkareplica.drill.DrillCommand;
import io.meridian.kafkareplica.drill.DrillOptions;
import io.meridian.node.testing.TestNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.meridian.kafkareplica.KafkaTesting.converge;
import static io.meridian.kafkareplica.KafkaTesting.info;
import static io.meridian.kafkareplica.KafkaTesting.jedis;
import static io.meridian.kafkareplica.KafkaTesting.replica;
import static io.meridian.kafkareplica.KafkaTesting.waitFor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** DR drills end to end: a primary, a bridge publishing to the real broker, a Kafka-sourced standby. */
class DrillTest {
    static EmbeddedKafka kafka;

    @BeforeAll
    static void up() {
        kafka = KafkaTesting.startKafka();
    }

    @AfterAll
    static void down() {
        if (kafka != null) kafka.close();
    }

    record Run(int status, String out, String err) {
        long number(String path) {
            Matcher m = Pattern.compile("\"" + path + "\":(-?[0-9.]+)").matcher(out);
            assertTrue(m.find(), path + " in " + out);
            return (long) Double.parseDouble(m.group(1));
        }
    }

    static Run drill(List<String> args, io.meridian.kafkareplica.drill.Drill.Cut cut) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        DrillOptions o = DrillOptions.parse(args, Map.of());
        int status = DrillCommand.run(o, cut, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        System.out.println(err.toString(StandardCharsets.UTF_8) + out.toString(StandardCharsets.UTF_8)); // in the test's output file
        return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    static List<String> args(TestNode primary, TestNode standby, String... more) {
        List<String> a = new ArrayList<>(List.of("--primary", "127.0.0.1:" + primary.port(), "--standby", "127.0.0.1:" + standby.port(),
                "--canaries", "10", "--load-rate", "300", "--load-seconds", "1", "--json"));
        a.addAll(List.of(more));
        return a;
    }

    @Test
    void aHealthyDrillPassesWithNoDataLost() throws Exception {
        try (TestNode src = TestNode.start(); Jedis a = jedis(src)) {
            TestBridge bridge = new TestBridge(src.node(), kafka.bootstrapServers(), "drill-ok");
            KafkaReplicaTest.dataset(a, "d", 100);
            bridge.flush();
            try (TestNode r = replica(kafka, "drill-ok"); Jedis b = jedis(r)) {
                converge(a, b);
                // the cut: the bridge publishes what it received, then stops (the primary is frozen meanwhile)
                Run run = drill(args(src, r, "--max-rpo", "0", "--max-rpo-writes", "0", "--max-rto", "60", "--cut", "bridge"), () -> {
                    bridge.flush();
                    bridge.close();
                });
                assertEquals(0, run.status(), run.err() + run.out());
                assertTrue(run.out().contains("\"result\":\"pass\""), run.out());
                assertTrue(run.out().contains("\"equal\":true"), run.out());
                assertEquals(0, run.number("bytes"));
                assertEquals(0, run.number("writes"));
                assertTrue(run.number("load_writes_acked") > 0, run.out());
                assertEquals(10, run.number("canaries_seen"));
                assertTrue(run.err().contains("drill: [4/7] cut"), run.err());
                assertTrue(run.err().contains("result: PASS"), run.err());
                assertEquals("master", info(b, "replication").get("role"));
                // the primary kept serving (cut = bridge)
                assertEquals("OK", a.set("still-up", "1"));
            }
        }
    }

    @Test
    void aDrillThatLosesWritesFailsItsBound() throws Exception {
        try (TestNode src = TestNode.start(); Jedis a = jedis(src)) {
            TestBridge bridge = new TestBridge(src.node(), kafka.bootstrapServers(), "drill-loss");
            bridge.flush();
            try (TestNode r = replica(kafka, "drill-loss"); Jedis b = jedis(r)) {
                converge(a, b);
                bridge.delayMillis = 1500; // the bridge lags 1.5 s behind the primary
                Run run = drill(args(src, r, "--canaries", "2", "--max-rpo", "0", "--drain-timeout", "5"), () -> {
                    bridge.dropQueued(); // region A lost with what the bridge had not published
                    bridge.close();
                });
                assertEquals(1, run.status(), run.err() + run.out());
                assertTrue(run.out().contains("\"result\":\"fail\""), run.out());
                assertTrue(run.number("bytes") > 0, run.out());
                assertTrue(run.number("writes") > 0, run.out());
                assertTrue(run.out().contains("exceeds the bound 0"), run.out());
                assertTrue(run.err().contains("result: FAIL"), run.err());
            }
        }
    }

    @Test
    void aPlannedSwitchoverLosesNothingAndRepointsTheOldPrimary() throws Exception {
        try (TestNode src = TestNode.start(); Jedis a = jedis(src);
             TestBridge bridge = new TestBridge(src.node(), kafka.bootstrapServers(), "switchover")) {
            KafkaReplicaTest.dataset(a, "s", 50);
            bridge.flush();
            try (TestNode r = replica(kafka, "switchover"); Jedis b = jedis(r)) {
                converge(a, b);
                Run run = drill(args(src, r, "--cut", "pause", "--max-rpo", "0", "--max-rpo-writes", "0"), null);
                assertEquals(0, run.status(), run.err() + run.out());
                assertEquals(0, run.number("bytes"));
                assertTrue(run.out().contains("\"equal\":true"), run.out());
                assertTrue(run.out().contains("\"repointed\":\"replica of 127.0.0.1:" + r.port() + "\""), run.out());
                // the old primary follows the new one, continuing its own history (PSYNC2)
                waitFor("the old primary to follow the new one", () -> "up".equals(info(a, "replication").get("master_link_status")),
                        () -> info(a, "replication").toString());
                assertEquals("OK", b.set("after-switchover", "1"));
                waitFor("the write to reach the old primary", () -> "1".equals(a.get("after-switchover")));
                assertTrue(Long.parseLong(info(b, "stats").get("sync_partial_ok")) >= 1, info(b, "stats").toString());
            }
        }
    }

    @Test
    void withWaitThroughTheBridgeNoAcknowledgedWriteIsLost() throws Exception {
        try (TestNode src = TestNode.start(); Jedis a = jedis(src);
             TestNode a2 = TestNode.start("--replicaof", "127.0.0.1", Integer.toString(src.port())); Jedis r2 = jedis(a2)) {
            a.set("x", "1");
            converge(a, r2);
            java.util.Properties client = new java.util.Properties();
            client.put("bootstrap.servers", kafka.bootstrapServers());
            KafkaStreamRelay relay = KafkaStreamRelay.start(a2.node(), client, new io.meridian.replog.TopicLayout("meridian", "drill-wait"), 1);
            try (TestNode r = replica(kafka, "drill-wait"); Jedis b = jedis(r)) {
                converge(a, b);
                // the cut drops whatever the bridge has not published; WAIT 1 made every acknowledged write wait for Kafka
                Run run = drill(args(src, r, "--load-rate", "200", "--wait-ms", "5000", "--max-rpo-writes", "0"), relay::close);
                assertEquals(0, run.status(), run.err() + run.out());
                assertEquals(0, run.number("writes"));
                assertTrue(run.number("load_writes_acked") > 0, run.out());
            } finally {
                relay.close();
            }
        }
    }

    @Test
    void aDrillThatStopsTheMaster() throws Exception {
        try (TestNode src = TestNode.start(); Jedis a = jedis(src)) {
            TestBridge bridge = new TestBridge(src.node(), kafka.bootstrapServers(), "drill-master");
            KafkaReplicaTest.dataset(a, "m", 50);
            bridge.flush();
            try (TestNode r = replica(kafka, "drill-master"); Jedis b = jedis(r)) {
                converge(a, b);
                Run run = drill(args(src, r, "--cut", "master", "--max-rto", "60"), null);
                assertEquals(0, run.status(), run.err() + run.out());
                assertTrue(src.node().stopped(), "the master was shut down");
                assertEquals(0, run.number("bytes"), run.out());
                assertTrue(run.out().contains("\"equal\":true"), run.out());
                assertEquals("master", info(b, "replication").get("role"));
            } finally {
                bridge.close();
            }
        }
    }
}
