package io.meridian.drbridge;

import io.meridian.kafka.EmbeddedKafka;
import io.meridian.kafkareplica.KafkaReplica;
import io.meridian.kafkareplica.KafkaStreamRelay;
import io.meridian.kafkareplica.KafkaUpstream;
import io.meridian.kafkareplica.drill.DrillCommand;
import io.meridian.kafkareplica.drill.DrillOptions;
import io.meridian.kafkareplica.drill.RespConnection;
import io.meridian.node.Node;
import io.meridian.node.config.Config;
import io.meridian.node.config.RedisConfParser;
import io.meridian.node.log.Logging;

import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

/**
 * {@code bin/meridian demo [--drill]}: the two-region setup on one machine. Region A: a master,
 * a RESP replica of it, and the bridge ({@link Bridge}, what {@code bin/meridian bridge} runs: a
 * node following the master whose stream and snapshots go to Kafka); the embedded Kafka broker;
 * region B: a Kafka-sourced replica rebuilt from the log and following it. Prints how to connect with
 * redis-cli and runs until stopped. With {@code --drill}: the same on free ports, some load on
 * the master, one drill (cut = the bridge stops after publishing what region A had), its
 * report, and the drill's exit status.
 *
 * <pre>
 * --port P        region A master on P, its replica on P+1, region B on P+2 (default 7000)
 * --dir D         data and the nodes' log (default ./data/demo; emptied at start unless --keep)
 * --keep          reuse what D holds (the nodes and the broker restart from it)
 * --drill         run one drill and exit with its status; other options are the drill's (--max-rto 30, --json, ...)
 * --load-rate N   writes/s put on the master during --drill (default 300)
 * </pre>
 */
public final class Demo {
    private static final String CLUSTER = "demo";

    private EmbeddedKafka kafka;
    private Node master;
    private Node replicaA;
    private Node standby;
    private Node bridgeNode;
    private Bridge bridgeApp;
    private KafkaStreamRelay bridge;

    private Demo() {}

    public static void main(String[] args) {
        System.exit(run(List.of(args), System.out, System.err));
    }

    static int run(List<String> args, PrintStream out, PrintStream err) {
        int port = 7000;
        Path dir = Path.of("data", "demo");
        boolean keep = false;
        boolean drill = false;
        int loadRate = 300;
        List<String> drillArgs = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            switch (a) {
                case "--drill" -> drill = true;
                case "--keep" -> keep = true;
                case "--port", "--dir", "--load-rate" -> {
                    if (i + 1 >= args.size()) {
                        err.println("demo: missing value after " + a);
                        return 2;
                    }
                    String v = args.get(++i);
                    try {
                        if (a.equals("--port")) port = Integer.parseInt(v);
                        else if (a.equals("--dir")) dir = Path.of(v);
                        else loadRate = Integer.parseInt(v);
                    } catch (NumberFormatException e) {
                        err.println("demo: " + a + " needs a number, not " + v);
                        return 2;
                    }
                }
                case "-h", "--help" -> {
                    out.println("usage: bin/meridian demo [--port 7000] [--dir ./data/demo] [--keep] [--drill [--load-rate N] [drill options]]");
                    return 0;
                }
                default -> drillArgs.add(a);
            }
        }
        if (!drill && !drillArgs.isEmpty()) {
            err.println("demo: unknown option " + drillArgs.get(0));
            return 2;
        }
        Demo d = new Demo();
        try {
            int[] ports = drill ? new int[]{freePort(), freePort(), freePort()} : new int[]{port, port + 1, port + 2};
            d.start(dir, keep, ports, out);
            if (!drill) {
                CountDownLatch forever = new CountDownLatch(1);
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    out.println("demo: stopping");
                    d.close();
                    forever.countDown();
                }, "demo-stop"));
                forever.await();
                return 0;
            }
            return d.drill(ports, loadRate, drillArgs, out, err);
        } catch (Exception e) {
            err.println("demo: " + e.getMessage());
            return 2;
        } finally {
            if (drill) d.close();
        }
    }

    private void start(Path dir, boolean keep, int[] ports, PrintStream out) throws Exception {
        if (!keep) deleteTree(dir);
        Files.createDirectories(dir);
        Path log = dir.resolve("demo.log").toAbsolutePath();
        out.println("demo: starting in " + dir.toAbsolutePath() + " (the nodes' and Kafka clients' log: " + log + ")");
        Config logging = new Config();
        RedisConfParser.load(logging, List.of("--logfile", log.toString()));
        Logging.apply(logging); // the broker's clients and the nodes log there, the console shows the demo
        out.println("demo: starting the embedded Kafka broker...");
        kafka = EmbeddedKafka.start(dir.resolve("kafka").toAbsolutePath());
        master = node(dir.resolve("region-a-master"), log, "--port", Integer.toString(ports[0]));
        replicaA = node(dir.resolve("region-a-replica"), log, "--port", Integer.toString(ports[1]),
                "--replicaof", "127.0.0.1", Integer.toString(ports[0]));
        await("region A's replica to sync with its master", () -> replicaA.masterLinkUp(), 60);
        KafkaReplica.install();
        // the bridge: rebuilt from Kafka when it holds something (--keep), then following the master from there
        bridgeNode = node(dir.resolve("bridge"), log,
                Bridge.nodeArgs(List.of("--bootstrap", kafka.bootstrapServers(), "--cluster", CLUSTER, "--port", "0")));
        bridgeApp = Bridge.attach(bridgeNode, new Bridge.Options("127.0.0.1", ports[0], 0, 64L * 1024 * 1024, 3600, 1L << 30));
        bridge = bridgeApp.relay();
        standby = node(dir.resolve("region-b"), log, "--port", Integer.toString(ports[2]), "--replica-source", "kafka",
                "--kafka-bootstrap-servers", kafka.bootstrapServers(), "--kafka-cluster", CLUSTER);
        await("region B to rebuild from Kafka", () -> standby.upstream() instanceof KafkaUpstream k
                && k.state() == KafkaUpstream.State.FOLLOWING, 120);
        out.println();
        out.println("Meridian demo: two regions on this machine");
        out.printf("  region A  master ...... redis-cli -p %d        takes the writes%n", ports[0]);
        out.printf("            replica ..... redis-cli -p %d        replica of the master%n", ports[1]);
        out.println("            bridge ...... follows the master, publishes its stream and snapshots to Kafka (INFO bridge in the log)");
        out.printf("  Kafka     broker ...... %s     topics meridian.%s.stream and meridian.%s.snapshots%n",
                kafka.bootstrapServers(), CLUSTER, CLUSTER);
        out.printf("  region B  replica ..... redis-cli -p %d        rebuilt from Kafka, follows it, read-only%n", ports[2]);
        out.println("Try:");
        out.printf("  redis-cli -p %d SET greeting hello%n", ports[0]);
        out.printf("  redis-cli -p %d GET greeting%n", ports[2]);
        out.printf("  redis-cli -p %d INFO replication | grep -E 'slave_repl_offset|kafka_'%n", ports[2]);
        out.printf("  bin/meridian drill --primary 127.0.0.1:%d --standby 127.0.0.1:%d --cut bridge --bootstrap %s --cluster %s%n",
                ports[0], ports[2], kafka.bootstrapServers(), CLUSTER);
        out.println("Stop with Ctrl-C.");
        out.flush();
    }

    private static Node node(Path dir, Path log, String... flags) throws Exception {
        Files.createDirectories(dir);
        List<String> args = new ArrayList<>(List.of("--bind", "127.0.0.1", "--dir", dir.toAbsolutePath().toString(),
                "--logfile", log.toString(), "--enable-debug-command", "local"));
        args.addAll(List.of(flags));
        Config c = new Config();
        RedisConfParser.load(c, args);
        Logging.apply(c);
        return new Node(c).start();
    }

    /** Load on the master, one drill, its report; the drill's exit status. */
    private int drill(int[] ports, int loadRate, List<String> extra, PrintStream out, PrintStream err) throws Exception {
        Thread load = new Thread(() -> load(ports[0], loadRate), "demo-load");
        load.setDaemon(true);
        load.start();
        Thread.sleep(2000);
        List<String> args = new ArrayList<>(List.of("--primary", "127.0.0.1:" + ports[0], "--standby", "127.0.0.1:" + ports[2],
                "--cluster", CLUSTER, "--bootstrap", kafka.bootstrapServers(), "--canaries", "20", "--load-rate", "200", "--load-seconds", "2"));
        args.addAll(extra);
        DrillOptions o = DrillOptions.parse(args, Map.of());
        out.println("demo: running a drill under " + loadRate + " writes/s (cut = the bridge stops once it published what region A had)");
        int status = DrillCommand.run(o, this::cutBridge, out, err);
        load.interrupt();
        return status;
    }

    /** The bridge stops after region A's replica has everything the (paused) master has, and Kafka has it all. */
    private void cutBridge() throws Exception {
        long target = onCommandThread(master, () -> master.stream().offset());
        await("the bridge to reach the master's offset", () -> onCommandThread(bridgeNode, () -> bridgeNode.stream().offset()) >= target, 30);
        bridge.flush(Duration.ofSeconds(30));
        bridge.close();
    }

    /** Writes of several types at about rate per second until interrupted or the master goes away. */
    private static void load(int port, int rate) {
        try (RespConnection c = new RespConnection("127.0.0.1", port, null, 120_000)) {
            long interval = 1_000_000_000L / Math.max(1, rate);
            long next = System.nanoTime();
            ThreadLocalRandom r = ThreadLocalRandom.current();
            for (long n = 0; !Thread.currentThread().isInterrupted(); n++) {
                String k = Long.toString(r.nextInt(10_000));
                switch ((int) (n % 5)) {
                    case 0 -> c.call("SET", "demo:s:" + k, Long.toString(n));
                    case 1 -> c.call("INCR", "demo:counter:" + (n % 100));
                    case 2 -> c.call("LPUSH", "demo:list:" + (n % 50), k);
                    case 3 -> c.call("HSET", "demo:hash:" + (n % 50), "f" + k, Long.toString(n));
                    default -> c.call("ZADD", "demo:zset", Long.toString(n % 1000), "m" + k);
                }
                next += interval;
                long sleep = next - System.nanoTime();
                if (sleep > 0) Thread.sleep(sleep / 1_000_000, (int) (sleep % 1_000_000));
            }
        } catch (IOException | InterruptedException e) {
            // stopped
        }
    }

    private static <T> T onCommandThread(Node n, java.util.concurrent.Callable<T> c) {
        java.util.concurrent.CompletableFuture<T> f = new java.util.concurrent.CompletableFuture<>();
        n.execute(() -> {
            try {
                f.complete(c.call());
            } catch (Throwable t) {
                f.completeExceptionally(t);
            }
        });
        try {
            return f.get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static void await(String what, BooleanSupplier done, int seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new IllegalStateException("timed out waiting for " + what);
            Thread.sleep(20);
        }
    }

    /** The bridge first (it reads a node), then the nodes, then the broker. */
    private void close() {
        if (bridgeApp != null) bridgeApp.close();
        else if (bridge != null) bridge.close();
        for (Node n : new Node[]{standby, bridgeNode, replicaA, master}) {
            if (n != null) {
                try {
                    n.stop();
                } catch (RuntimeException ignored) {
                    // stopping
                }
            }
        }
        if (kafka != null) kafka.close();
        bridge = null;
        bridgeApp = null;
        standby = bridgeNode = replicaA = master = null;
        kafka = null;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) return;
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
        }
    }
}
