package io.meridian.kafkareplica;

import io.meridian.kafka.EmbeddedKafka;
import io.meridian.node.testing.TestNode;
import redis.clients.jedis.Jedis;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.fail;

/** Shared helpers of the Kafka-sourced replica tests: one broker per test class, nodes, waits. */
final class KafkaTesting {
    private KafkaTesting() {}

    static EmbeddedKafka startKafka() {
        KafkaReplica.install();
        return EmbeddedKafka.start();
    }

    /** A node that is a Kafka-sourced replica of the cluster. */
    static TestNode replica(EmbeddedKafka kafka, String cluster, String... extra) {
        List<String> args = new ArrayList<>(List.of("--replica-source", "kafka", "--kafka-bootstrap-servers", kafka.bootstrapServers(),
                "--kafka-cluster", cluster));
        args.addAll(List.of(extra));
        return TestNode.start(args.toArray(new String[0]));
    }

    static Jedis jedis(TestNode n) {
        return new Jedis(n.host(), n.port(), 30_000);
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
        return new String((byte[]) j.sendCommand(() -> "DEBUG".getBytes(java.nio.charset.StandardCharsets.US_ASCII), "DIGEST"));
    }

    static void waitFor(String what, BooleanSupplier done) {
        waitFor(what, done, () -> "");
    }

    static void waitFor(String what, BooleanSupplier done, Supplier<String> state) {
        long deadline = System.nanoTime() + 90_000_000_000L;
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

    /** Waits until the replica has applied everything the source has streamed (same offset). */
    static void converge(Jedis source, Jedis replica) {
        long target = offset(source);
        waitFor("the replica to reach offset " + target, () -> offset(replica) >= target,
                () -> info(replica, "replication").toString());
    }
}
