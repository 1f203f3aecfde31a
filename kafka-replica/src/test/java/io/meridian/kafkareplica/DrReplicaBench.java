package io.meridian.kafkareplica;

import io.meridian.kafka.EmbeddedKafka;
import io.meridian.kafkareplica.drill.DrillCommand;
import io.meridian.kafkareplica.drill.DrillOptions;
import io.meridian.node.testing.TestNode;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The Kafka-sourced replica's figures for docs/benchmarks.md ("DR bridge"), on the embedded
 * broker (bench/dr-replica.sh runs it): time to rebuild N keys from a snapshot in Kafka plus
 * the stream after it, write-to-visible latency in the standby under a steady write load
 * (p50/p99), and one drill's RPO and RTO. The stream is published by the tests' in-process
 * publisher (replication-log's StreamPublisher, linger.ms 0), so the figures are the Kafka
 * log's and the replica's, not a bridge's.
 *
 * <p>Arguments: [keys (1000000)] [load writes/s (2000)] [canaries (500)].
 */
public final class DrReplicaBench {
    private DrReplicaBench() {}

    public static void main(String[] args) throws Exception {
        int keys = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        int rate = args.length > 1 ? Integer.parseInt(args[1]) : 2000;
        int canaries = args.length > 2 ? Integer.parseInt(args[2]) : 500;
        System.out.printf("load average before: %s%n", loadAverage());
        try (EmbeddedKafka kafka = KafkaTesting.startKafka(); TestNode src = TestNode.start(); Jedis a = KafkaTesting.jedis(src)) {
            fill(a, keys);
            long sourceKeys = a.dbSize();
            TestBridge bridge = new TestBridge(src.node(), kafka.bootstrapServers(), "bench");
            // a tail of writes after the snapshot, replayed from the stream topic
            fill(a, "tail:", 10_000);
            bridge.flush();
            long t0 = System.nanoTime();
            try (TestNode r = KafkaTesting.replica(kafka, "bench"); Jedis b = KafkaTesting.jedis(r)) {
                KafkaTesting.converge(a, b);
                double rebuild = (System.nanoTime() - t0) / 1e9;
                String same = KafkaTesting.digest(a).equals(KafkaTesting.digest(b)) ? "equal" : "DIFFERENT";
                System.out.printf(Locale.ROOT, "rebuild: %d keys (%d in the snapshot + 10000 replayed) in %.2f s, digest %s%n",
                        b.dbSize(), sourceKeys, rebuild, same);

                List<Double> lat = visibility(a, src.port(), b, rate, canaries);
                lat.sort(null);
                System.out.printf(Locale.ROOT, "visibility under %d writes/s: %d canaries, p50 %.2f ms, p99 %.2f ms, max %.2f ms%n",
                        rate, lat.size(), pct(lat, 50), pct(lat, 99), pct(lat, 100));
                System.out.println("standby lag fields: " + lagFields(b));

                ByteArrayOutputStream out = new ByteArrayOutputStream();
                DrillOptions o = DrillOptions.parse(List.of("--primary", "127.0.0.1:" + src.port(), "--standby", "127.0.0.1:" + r.port(),
                        "--canaries", "50", "--load-rate", Integer.toString(rate), "--load-seconds", "3", "--max-rpo", "0"), Map.of());
                int status = DrillCommand.run(o, () -> {
                    bridge.flush();
                    bridge.close();
                }, new PrintStream(out, true, StandardCharsets.UTF_8), System.err);
                System.out.println("drill (cut = bridge after it published what it had), exit " + status + ":");
                System.out.print(out.toString(StandardCharsets.UTF_8));
            }
        }
        System.out.printf("load average after: %s%n", loadAverage());
    }

    static void fill(Jedis a, int keys) {
        fill(a, "key:", keys);
    }

    static void fill(Jedis a, String prefix, int keys) {
        String value = "v".repeat(100);
        Pipeline p = a.pipelined();
        for (int i = 0; i < keys; i++) {
            p.set(prefix + i, value);
            if (i % 10_000 == 9_999) p.sync();
        }
        p.sync();
    }

    /** Canaries timed from the primary's OK to their visibility in the standby, while a writer keeps rate writes/s going. */
    static List<Double> visibility(Jedis a, int port, Jedis b, int rate, int canaries) throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong written = new AtomicLong();
        Thread load = new Thread(() -> {
            try (Jedis w = new Jedis("127.0.0.1", port, 30_000)) {
                long interval = 1_000_000_000L / Math.max(1, rate);
                long next = System.nanoTime();
                for (long n = 0; !stop.get(); n++) {
                    w.set("load:" + (n % 100_000), Long.toString(n));
                    written.incrementAndGet();
                    next += interval;
                    long sleep = next - System.nanoTime();
                    if (sleep > 0) Thread.sleep(sleep / 1_000_000, (int) (sleep % 1_000_000));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        load.start();
        Thread.sleep(1000);
        List<Double> lat = new ArrayList<>();
        for (int i = 0; i < canaries; i++) {
            String v = Long.toString(System.nanoTime());
            long t0 = System.nanoTime();
            a.set("canary", v);
            while (!v.equals(b.get("canary"))) Thread.onSpinWait();
            lat.add((System.nanoTime() - t0) / 1e6);
            Thread.sleep(5);
        }
        stop.set(true);
        load.join();
        return lat;
    }

    static String lagFields(Jedis b) {
        Map<String, String> i = KafkaTesting.info(b, "replication");
        return "kafka_lag_records=" + i.get("kafka_lag_records") + " kafka_lag_bytes=" + i.get("kafka_lag_bytes")
                + " kafka_lag_seconds=" + i.get("kafka_lag_seconds");
    }

    static double pct(List<Double> sorted, double p) {
        if (sorted.isEmpty()) return Double.NaN;
        int i = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, i)));
    }

    static String loadAverage() {
        try {
            return java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).trim();
        } catch (java.io.IOException e) {
            return "?";
        }
    }
}
