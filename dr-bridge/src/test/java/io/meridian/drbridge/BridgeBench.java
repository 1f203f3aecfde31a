package io.meridian.drbridge;

import io.meridian.kafka.EmbeddedKafka;
import io.meridian.kafkareplica.KafkaReplica;
import io.meridian.node.testing.RealRedis;
import io.meridian.node.testing.TestNode;
import redis.clients.jedis.Jedis;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The DR bridge's figures for docs/benchmarks.md ("DR bridge"), everything on this machine:
 * region A's master as its own process ({@code java -jar master-node.jar}), the embedded broker
 * (a child JVM), the bridge ({@link Bridge}) and region B's Kafka-sourced replica in this JVM.
 * <ol>
 * <li>Throughput: redis-benchmark SET at full speed (-P 16) against the master without and
 *     with the bridge; the stream's MB/s and writes/s, the bridge's publish rate, its lag
 *     (master offset - offset Kafka holds) sampled every 100 ms, and the time to drain.</li>
 * <li>Write in region A -> visible in region B: canaries timed idle and under a steady load.</li>
 * <li>The write latency cost of {@code WAIT 1 0} through the bridge (SET + WAIT vs SET).</li>
 * </ol>
 * Run with bench/bridge.sh [master jar] [requests] [steady writes/s] [canaries].
 */
public final class BridgeBench {
    public static void main(String[] args) throws Exception {
        String jar = args.length > 0 ? args[0] : "master-node/target/master-node.jar";
        int requests = args.length > 1 ? Integer.parseInt(args[1]) : 1_000_000;
        int rate = args.length > 2 ? Integer.parseInt(args[2]) : 2000;
        int canaries = args.length > 3 ? Integer.parseInt(args[3]) : 300;
        KafkaReplica.install();
        System.out.println("load average before: " + loadAverage());
        int mport = RealRedis.freePort();
        Path mdir = Files.createTempDirectory("bridge-bench-master");
        Process master = new ProcessBuilder("java", "-XX:+UseG1GC", "-Xms16m", "-jar", jar, "--port", Integer.toString(mport),
                "--bind", "127.0.0.1", "--save", "", "--dir", mdir.toString(), "--logfile", mdir.resolve("log").toString())
                .redirectErrorStream(true).redirectOutput(mdir.resolve("out").toFile()).start();
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            waitUp(mport);
            String cluster = "bench";
            try (Jedis m = new Jedis("127.0.0.1", mport, 60_000)) {
                // 1. the master alone, then with the bridge attached
                double[] alone = benchmark(mport, requests);
                System.out.printf(Locale.ROOT, "master alone: %.0f SET/s, stream %.1f MB/s%n", alone[0], alone[1] / 1e6);
                m.flushAll();
                try (TestNode bn = TestNode.start(Bridge.nodeArgs(List.of("--bootstrap", kafka.bootstrapServers(), "--cluster", cluster)));
                     Bridge bridge = Bridge.attach(bn.node(), new Bridge.Options("127.0.0.1", mport, 0, 64L << 20, 0, 0))) {
                    // the bridge's first full sync and snapshot, before anything is timed
                    while (bridge.relay().publishedEnd() < 0 || !bn.node().masterLinkUp()) Thread.sleep(10);
                    long pubBefore = bridge.relay().publishedEnd();
                    LagSampler lag = new LagSampler(mport, bridge);
                    lag.start();
                    long t0 = System.nanoTime();
                    double[] with = benchmark(mport, requests);
                    long benchEnd = System.nanoTime();
                    long target = offset(m);
                    while (bridge.relay().publishedEnd() < target) Thread.sleep(1);
                    long drained = System.nanoTime();
                    lag.stop.set(true);
                    lag.join();
                    long published = bridge.relay().publishedEnd() - pubBefore;
                    double secs = (drained - t0) / 1e9;
                    System.out.printf(Locale.ROOT, "master with the bridge: %.0f SET/s (%.2f of alone), stream %.1f MB/s%n",
                            with[0], with[0] / alone[0], with[1] / 1e6);
                    System.out.printf(Locale.ROOT, "bridge: published %.1f MB in %.2f s = %.1f MB/s, %.0f writes/s; lag max %.1f MB, "
                                    + "at the benchmark's end %.1f MB, drained %.0f ms after it; transactions %s, master held %s%n",
                            published / 1e6, secs, published / 1e6 / secs, requests / secs, lag.max / 1e6, (target - lag.atEnd(benchEnd)) / 1e6,
                            (drained - benchEnd) / 1e6, bridge.relay().infoFields().get("bridge_transactions_total"), lag.heldSeen);

                    // 2. write -> visible in region B
                    try (TestNode b = TestNode.start("--replica-source", "kafka", "--kafka-bootstrap-servers", kafka.bootstrapServers(),
                            "--kafka-cluster", cluster); Jedis s = new Jedis("127.0.0.1", b.port(), 60_000)) {
                        long want = offset(m);
                        while (offset(s) < want) Thread.sleep(10);
                        report("visible in region B, idle", visibility(m, mport, s, 0, canaries));
                        report("visible in region B, under " + rate + " writes/s", visibility(m, mport, s, rate, canaries));
                    }

                    // 3. WAIT 1 0 through the bridge
                    List<Double> set = new ArrayList<>();
                    List<Double> setWait = new ArrayList<>();
                    for (int i = 0; i < 2000; i++) {
                        long a = System.nanoTime();
                        m.set("w", Integer.toString(i));
                        set.add((System.nanoTime() - a) / 1e6);
                        a = System.nanoTime();
                        m.set("w", Integer.toString(i));
                        long acked = m.waitReplicas(1, 0);
                        setWait.add((System.nanoTime() - a) / 1e6);
                        if (acked != 1) throw new IllegalStateException("WAIT 1 0 returned " + acked);
                    }
                    report("SET alone", set);
                    report("SET + WAIT 1 0 (in Kafka)", setWait);
                }
            }
        } finally {
            master.destroy();
            master.waitFor(30, TimeUnit.SECONDS);
        }
        System.out.println("load average after: " + loadAverage());
        System.exit(0);
    }

    /** Samples the bridge's lag (bytes the master streamed that Kafka does not hold yet). */
    static final class LagSampler extends Thread {
        final AtomicBoolean stop = new AtomicBoolean();
        final int port;
        final Bridge bridge;
        volatile long max;
        volatile boolean heldSeen;
        final List<long[]> samples = new ArrayList<>();

        LagSampler(int port, Bridge b) {
            super("lag-sampler");
            this.port = port;
            this.bridge = b;
        }

        @Override
        public void run() {
            try (Jedis j = new Jedis("127.0.0.1", port, 60_000)) {
                while (!stop.get()) {
                    long lag = offset(j) - bridge.relay().publishedEnd();
                    max = Math.max(max, lag);
                    if ("1".equals(String.valueOf(bridge.relay().infoFields().get("bridge_master_held")))) heldSeen = true;
                    synchronized (samples) {
                        samples.add(new long[]{System.nanoTime(), bridge.relay().publishedEnd()});
                    }
                    Thread.sleep(100);
                }
            } catch (InterruptedException ignored) {
                // stop
            }
        }

        /** The published offset at (or just before) time t. */
        long atEnd(long t) {
            synchronized (samples) {
                long v = 0;
                for (long[] s : samples) if (s[0] <= t) v = s[1];
                return v;
            }
        }
    }

    /** redis-benchmark SET -P 16 -c 50 -d 100 against port: [ops/s, stream bytes/s]. */
    static double[] benchmark(int port, int n) throws Exception {
        long before;
        try (Jedis j = new Jedis("127.0.0.1", port, 60_000)) {
            before = offset(j);
        }
        long t0 = System.nanoTime();
        Process p = new ProcessBuilder("redis-benchmark", "-p", Integer.toString(port), "-t", "set", "-n", Integer.toString(n), "-c", "50",
                "-d", "100", "-P", "16", "-r", "100000", "-q").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        p.waitFor();
        double secs = (System.nanoTime() - t0) / 1e9;
        long after;
        try (Jedis j = new Jedis("127.0.0.1", port, 60_000)) {
            after = offset(j);
        }
        double ops = n / secs;
        for (String line : out.split("[\r\n]+")) {
            int i = line.indexOf(" requests per second");
            if (line.startsWith("SET") && i > 0) {
                String[] w = line.substring(0, i).trim().split("\\s+");
                ops = Double.parseDouble(w[w.length - 1]);
            }
        }
        return new double[]{ops, (after - before) / secs};
    }

    static List<Double> visibility(Jedis a, int port, Jedis b, int rate, int canaries) throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        Thread load = new Thread(() -> {
            if (rate <= 0) return;
            try (Jedis w = new Jedis("127.0.0.1", port, 30_000)) {
                long interval = 1_000_000_000L / rate;
                long next = System.nanoTime();
                for (long n = 0; !stop.get(); n++) {
                    w.set("load:" + (n % 100_000), Long.toString(n));
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
            while (!v.equals(b.get("canary"))) Thread.sleep(0, 200_000);
            lat.add((System.nanoTime() - t0) / 1e6);
            Thread.sleep(10);
        }
        stop.set(true);
        load.join();
        return lat;
    }

    static void report(String what, List<Double> lat) {
        List<Double> s = new ArrayList<>(lat);
        s.sort(null);
        System.out.printf(Locale.ROOT, "%s: %d samples, p50 %.2f ms, p99 %.2f ms, max %.2f ms%n", what, s.size(), pct(s, 50), pct(s, 99),
                s.get(s.size() - 1));
    }

    static double pct(List<Double> sorted, double p) {
        int i = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, i)));
    }

    static long offset(Jedis j) {
        Map<String, String> i = BridgeTest.info(j, "replication");
        return Long.parseLong(i.getOrDefault("slave_repl_offset", i.get("master_repl_offset")));
    }

    static void waitUp(int port) throws InterruptedException {
        for (int i = 0; i < 600; i++) {
            try (Jedis j = new Jedis("127.0.0.1", port, 1000)) {
                if ("PONG".equals(j.ping())) return;
            } catch (RuntimeException notYet) {
                Thread.sleep(100);
            }
        }
        throw new IllegalStateException("master did not start");
    }

    static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (java.io.IOException e) {
            return "?";
        }
    }
}
