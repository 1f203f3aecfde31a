package io.meridian.kafkareplica.drill;

import java.io.IOException;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** The drill's ways of cutting the primary region off. */
public final class Cuts {
    private Cuts() {}

    static Drill.Cut fromOptions(DrillOptions o) {
        return switch (o.cut) {
            case "master" -> () -> shutdownMaster(o);
            case "command" -> () -> runCommand(o.cutCommand);
            case "bridge" -> () -> fenceBridge(o);
            default -> () -> { };
        };
    }

    /** SHUTDOWN NOSAVE NOW FORCE: the master stops at once, without waiting for its replicas or saving. */
    static void shutdownMaster(DrillOptions o) throws IOException {
        try (RespConnection c = new RespConnection(o.primaryHost, o.primaryPort, o.primaryPassword, 10_000)) {
            Object r = c.call("SHUTDOWN", "NOSAVE", "NOW", "FORCE");
            if (r instanceof RespConnection.ErrorReply e) throw new IOException("SHUTDOWN refused: " + e);
        } catch (java.io.EOFException | java.net.SocketException expected) {
            // the connection closes as the master goes away
        }
    }

    static void runCommand(String command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("sh", "-c", command).inheritIO().start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("--cut-command did not finish in 120 s: " + command);
        }
        if (p.exitValue() != 0) throw new IOException("--cut-command exited with " + p.exitValue() + ": " + command);
    }

    /**
     * Fences the bridge in Kafka: a producer with the bridge's transactional id initialises
     * its transactions, so the running bridge's next publish fails (it is a zombie now) and
     * nothing more of the primary's stream reaches Kafka, while the primary keeps serving.
     */
    static void fenceBridge(DrillOptions o) {
        if (o.bootstrap == null || o.cluster == null) {
            throw new IllegalArgumentException("--cut bridge needs --bootstrap and --cluster (the bridge is fenced through Kafka)");
        }
        Properties p = new Properties();
        if (o.clientConfig != null) {
            // security.protocol, sasl.*, ssl.*: the same file the bridge and the standby read
            try (java.io.Reader r = java.nio.file.Files.newBufferedReader(java.nio.file.Path.of(o.clientConfig))) {
                p.load(r);
            } catch (java.io.IOException e) {
                throw new IllegalArgumentException("cannot read --client-config " + o.clientConfig + ": " + e.getMessage(), e);
            }
        }
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, o.bootstrap);
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, bridgeTransactionalId(o.cluster));
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 30_000);
        try (KafkaProducer<byte[], byte[]> fence = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            fence.initTransactions();
            fence.close(Duration.ofSeconds(5));
        }
    }

    /** The transactional id the bridge of a cluster publishes with (replication-log's StreamPublisher). */
    static String bridgeTransactionalId(String cluster) {
        return "meridian-bridge." + cluster;
    }
}
