package io.meridian.drbridge;

import io.meridian.kafkareplica.KafkaReplica;
import io.meridian.kafkareplica.KafkaSourceSettings;
import io.meridian.kafkareplica.KafkaStreamRelay;
import io.meridian.kafkareplica.KafkaUpstream;
import io.meridian.node.Node;
import io.meridian.node.boot.Launcher;
import io.meridian.node.repl.replica.ReplicaOf;
import io.meridian.replog.StreamPublisher;
import io.meridian.replog.StreamRecord;
import io.micronaut.context.ApplicationContext;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * {@code bin/meridian bridge}: the DR bridge. A node that follows region A's master as a
 * replica (the Redis handshake, so real Redis masters work too) and republishes its stream and
 * snapshots to Kafka through a {@link KafkaStreamRelay}.
 *
 * <p>Start-up, so that a restarted bridge continues the topic with neither a gap nor a
 * duplicate: (1) the relay's producer is created first, which fences any other bridge of this
 * cluster; (2) the node rebuilds the dataset from what Kafka holds (newest snapshot + the
 * stream to its end, as a Kafka-sourced replica does); (3) the relay starts at exactly that
 * offset and the node connects to the master with {@code PSYNC <replid> <offset+1>}: the
 * master's {@code +CONTINUE} continues the topic, a {@code +FULLRESYNC} starts a new history
 * with a new snapshot. An empty topic skips (2): the first full sync is the first snapshot.
 */
public final class Bridge implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger("meridian");

    /** The bridge's own flags (everything else is a node directive). */
    public record Options(String masterHost, int masterPort, long epoch, long maxBufferBytes, long snapshotIntervalSeconds,
                          long snapshotAfterBytes) {
        static final String USAGE = """
                usage: bin/meridian bridge --replicaof HOST PORT --bootstrap SERVERS --cluster NAME [options] [--directive value ...]
                  --replicaof HOST PORT        region A's master (Meridian or redis-server); masterauth/masteruser, tls-replication apply
                  --bootstrap SERVERS          Kafka bootstrap.servers
                  --cluster NAME               the cluster's topics: <prefix>.<NAME>.stream and <prefix>.<NAME>.snapshots
                  --topic-prefix P             topic prefix (default meridian)
                  --client-config FILE         Kafka client properties passed through (security.protocol, sasl.*, ssl.*)
                  --snapshot-interval SECONDS  publish a snapshot this often (default 3600; 0 = only at start and on full syncs)
                  --snapshot-after-bytes N     ... and after this much stream (default 1gb; 0 = off)
                  --max-buffer-bytes N         stream held in memory while Kafka is slow before the master is not read (default 64mb)
                  --epoch N                    region epoch stamped on records (default: the topic's, else 1)
                  --port N                     RESP port for INFO/ROLE (default 0: none); --management-port N for health and metrics
                """;

        /** Splits args into the bridge's options and the node's directives (returned in nodeArgs). */
        static Options parse(String[] args, List<String> nodeArgs) {
            String host = null;
            int port = 0;
            long epoch = 0;
            long maxBuffer = 64L * 1024 * 1024;
            long interval = 3600;
            long afterBytes = 1024L * 1024 * 1024;
            boolean portGiven = false;
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                switch (a) {
                    case "--replicaof", "--slaveof" -> {
                        if (i + 1 < args.length && args[i + 1].contains(" ")) { // "--replicaof 'host port'"
                            String[] hp = args[++i].trim().split("\\s+");
                            host = hp[0];
                            port = Integer.parseInt(hp[1]);
                        } else {
                            need(args, i, 2, a);
                            host = args[++i];
                            port = Integer.parseInt(args[++i]);
                        }
                    }
                    case "--epoch" -> epoch = Long.parseLong(value(args, ++i, a));
                    case "--max-buffer-bytes" -> maxBuffer = bytes(value(args, ++i, a));
                    case "--snapshot-interval" -> interval = Long.parseLong(value(args, ++i, a));
                    case "--snapshot-after-bytes" -> afterBytes = bytes(value(args, ++i, a));
                    default -> {
                        if (a.equals("--port")) portGiven = true;
                        nodeArgs.add(a);
                    }
                }
            }
            if (host == null) throw new IllegalArgumentException("bridge: --replicaof HOST PORT is required");
            if (port <= 0 || port > 65535) throw new IllegalArgumentException("bridge: bad master port " + port);
            if (maxBuffer < 1024 * 1024) throw new IllegalArgumentException("bridge: --max-buffer-bytes must be at least 1mb");
            if (!portGiven) {
                nodeArgs.add("--port");
                nodeArgs.add("0");
            }
            return new Options(host, port, epoch, maxBuffer, interval, afterBytes);
        }

        private static void need(String[] args, int i, int n, String flag) {
            if (i + n >= args.length) throw new IllegalArgumentException("bridge: " + flag + " needs " + n + " value(s)");
        }

        private static String value(String[] args, int i, String flag) {
            if (i >= args.length) throw new IllegalArgumentException("bridge: " + flag + " needs a value");
            return args[i];
        }

        /** "64mb", "1gb", "4096": redis.conf's memory units. */
        static long bytes(String s) {
            String v = s.toLowerCase(Locale.ROOT);
            long mul = 1;
            for (String[] u : new String[][]{{"kb", "1024"}, {"mb", "1048576"}, {"gb", "1073741824"}, {"k", "1000"}, {"m", "1000000"},
                    {"g", "1000000000"}, {"b", "1"}}) {
                if (v.endsWith(u[0])) {
                    mul = Long.parseLong(u[1]);
                    v = v.substring(0, v.length() - u[0].length());
                    break;
                }
            }
            return Long.parseLong(v.trim()) * mul;
        }
    }

    private final Node node;
    private final Options options;
    private final KafkaStreamRelay relay;

    private Bridge(Node node, Options options, KafkaStreamRelay relay) {
        this.node = node;
        this.options = options;
        this.relay = relay;
    }

    public Node node() {
        return node;
    }

    public KafkaStreamRelay relay() {
        return relay;
    }

    /**
     * Makes node (started with replica-source kafka and the kafka-* directives) the bridge of
     * its master; returns once it publishes. Throws with the reason when it cannot start (a gap
     * in the topic, Kafka unreachable, ...).
     */
    public static Bridge attach(Node node, Options o) throws InterruptedException {
        KafkaSourceSettings settings = KafkaSourceSettings.from(node.config());
        Properties client = settings.client();
        try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(client)) {
            // created with the layout's settings, or a clear error naming what differs
            io.meridian.replog.TopicSetup.ensure(admin, settings.layout(), io.meridian.replog.TopicSetup.Settings.forCluster(admin));
        }
        StreamRecord last = StreamPublisher.lastRecord(client, settings.layout());
        long epoch = o.epoch() > 0 ? o.epoch() : last != null ? Math.max(1, last.epoch()) : 1;
        KafkaStreamRelay.Options ro = new KafkaStreamRelay.Options(epoch, true, o.maxBufferBytes(),
                o.snapshotIntervalSeconds() * 1000, o.snapshotAfterBytes());
        // (1) fence any other bridge of this cluster before reading where the topic ends
        KafkaStreamRelay relay = KafkaStreamRelay.open(node, client, settings.layout(), ro);
        try {
            // (2) the dataset as Kafka holds it
            boolean hasSnapshot = hasSnapshot(client, settings);
            if (hasSnapshot && !catchUp(node)) {
                LOG.warn("Bridge: {} holds no complete snapshot (a bridge stopped while publishing one?): starting a new history "
                        + "from the master's full sync", settings.layout().snapshotTopic());
            } else if (!hasSnapshot) {
                LOG.info("Bridge: {} holds no snapshot yet: the first full sync with the master will be the first", settings.layout().snapshotTopic());
            }
            // (3) continue from there
            onCommandThread(node, () -> {
                if (node.upstream() != null) node.upstream().stop();
                return null;
            });
            relay.begin();
            onCommandThread(node, () -> {
                LOG.info("Bridge: following master {}:{} from repl offset {} (replid {})", o.masterHost(), o.masterPort(),
                        node.stream().offset(), node.stream().replid());
                ReplicaOf.setMaster(node, o.masterHost(), o.masterPort());
                return null;
            });
        } catch (RuntimeException | InterruptedException e) {
            relay.close();
            throw e;
        }
        Bridge b = new Bridge(node, o, relay);
        node.info().register("bridge", s -> {
            relay.infoFields().forEach(s::field);
            s.field("bridge_master_link", node.masterLinkUp() ? "up" : "down");
            s.field("bridge_master", o.masterHost() + ":" + o.masterPort());
        });
        // ready while Kafka takes the batches and no other bridge fenced this one (the master link is judged as any replica's)
        io.meridian.node.ops.Readiness.addCheck(node, n -> switch (relay.state()) {
            case FENCED -> io.meridian.node.ops.Readiness.Status.notReady("fenced: another bridge publishes for " + relay.layout().cluster());
            case FAILED -> io.meridian.node.ops.Readiness.Status.notReady("bridge stopped: " + relay.failure());
            case STOPPED -> io.meridian.node.ops.Readiness.Status.notReady("bridge stopped");
            default -> relay.kafkaUp() ? null : io.meridian.node.ops.Readiness.Status.notReady("Kafka does not take the bridge's batches");
        });
        b.watchFencing();
        return b;
    }

    private static boolean hasSnapshot(Properties client, KafkaSourceSettings settings) {
        Properties p = new Properties();
        p.putAll(client);
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            TopicPartition tp = new TopicPartition(settings.layout().snapshotTopic(), 0);
            return c.endOffsets(List.of(tp)).get(tp) > 0;
        }
    }

    /**
     * Waits until the node applied everything the stream topic holds, with progress in the log;
     * false when no complete snapshot shows up within a minute (only chunks of aborted ones).
     */
    private static boolean catchUp(Node node) throws InterruptedException {
        long lastLog = 0;
        long started = System.currentTimeMillis();
        while (true) {
            KafkaUpstream k = node.upstream() instanceof KafkaUpstream u ? u : null;
            if (k == null) throw new IllegalStateException("Bridge: the node is not reading Kafka (replica-source kafka)");
            KafkaUpstream.State st = k.state();
            if (st == KafkaUpstream.State.STOPPED_GAP || st == KafkaUpstream.State.FAILED) {
                throw new IllegalStateException("Bridge: cannot rebuild from Kafka (" + st.name().toLowerCase(Locale.ROOT) + "): "
                        + k.lastError() + ". Fix the topic or start the bridge on a new cluster name.");
            }
            if (st == KafkaUpstream.State.FOLLOWING && k.lagRecords() == 0) {
                LOG.info("Bridge: rebuilt from Kafka in {} ms: repl offset {}, {} keys", System.currentTimeMillis() - started,
                        k.replOffset(), node.keyspace().totalKeys());
                return true;
            }
            long now = System.currentTimeMillis();
            if (st == KafkaUpstream.State.WAITING_SNAPSHOT && now - started > 60_000) return false;
            if (now - lastLog >= 5000) {
                lastLog = now;
                LOG.info("Bridge: rebuilding from Kafka ({}: {} records, {} bytes behind)", st.name().toLowerCase(Locale.ROOT),
                        k.lagRecords(), k.lagBytes());
            }
            Thread.sleep(50);
        }
    }

    /** A fenced bridge stops following its master (it must not count for WAIT) and stays up, not ready, until stopped. */
    private void watchFencing() {
        Thread t = new Thread(() -> {
            while (true) {
                KafkaStreamRelay.State s = relay.state();
                if (s == KafkaStreamRelay.State.FENCED || s == KafkaStreamRelay.State.FAILED) {
                    LOG.warn("Bridge: {}: {}; not following the master any more. Another bridge publishes for this cluster, "
                            + "or Kafka refused this one: check the bridges of this cluster, then restart this one if it should run.",
                            s.infoName, relay.failure());
                    node.execute(() -> {
                        if (node.upstream() != null) node.upstream().stop();
                    });
                    return;
                }
                if (s == KafkaStreamRelay.State.STOPPED) return;
                try {
                    Thread.sleep(200);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "meridian-bridge-watch");
        t.setDaemon(true);
        t.start();
    }

    /** Waits until Kafka holds everything the node received (at most the timeout). */
    public boolean flush(java.time.Duration timeout) {
        return relay.flush(timeout);
    }

    @Override
    public void close() {
        relay.close();
    }

    private static <T> T onCommandThread(Node node, java.util.concurrent.Callable<T> c) {
        CompletableFuture<T> f = new CompletableFuture<>();
        node.execute(() -> {
            try {
                f.complete(c.call());
            } catch (Throwable t) {
                f.completeExceptionally(t);
            }
        });
        try {
            return f.get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    /** Node directives for a bridge: a Kafka-sourced start, and the Kafka short flags. */
    static String[] nodeArgs(List<String> rest) {
        List<String> args = new ArrayList<>();
        // the bridge's data lives in Kafka: no dump.rdb, no local log unless asked
        args.addAll(List.of("--save", "", "--repl-log-enabled", "no"));
        args.addAll(List.of(KafkaReplica.translateFlags(rest.toArray(new String[0]))));
        args.addAll(List.of("--replica-source", "kafka"));
        return args.toArray(new String[0]);
    }

    /** {@code bin/meridian bridge ...}: runs until SIGTERM; exit 2 on bad options, 1 when it cannot start. */
    public static void main(String[] args) {
        if (args.length == 1 && (args[0].equals("--help") || args[0].equals("-h"))) {
            System.out.print(Options.USAGE);
            System.exit(0);
        }
        List<String> rest = new ArrayList<>();
        Options o;
        try {
            o = Options.parse(args, rest);
        } catch (RuntimeException e) {
            System.err.println(e.getMessage());
            System.err.print(Options.USAGE);
            System.exit(2);
            return;
        }
        KafkaReplica.install();
        ApplicationContext ctx = Launcher.run("bridge", nodeArgs(rest));
        Node node = ctx.getBean(Node.class);
        try {
            Bridge b = attach(node, o);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                LOG.info("Bridge: stopping; Kafka holds the stream up to repl offset {}", b.relay.publishedEnd());
                b.close();
            }, "meridian-bridge-stop"));
        } catch (Exception e) {
            LOG.warn("Bridge: cannot start: {}", e.getMessage());
            System.err.println("bridge: cannot start: " + e.getMessage());
            System.exit(1);
        }
    }
}
