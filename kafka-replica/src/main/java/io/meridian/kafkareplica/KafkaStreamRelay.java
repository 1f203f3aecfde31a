package io.meridian.kafkareplica;

import io.meridian.node.Node;
import io.meridian.node.rdb.RdbWriter;
import io.meridian.node.repl.ReplicationStream;
import io.meridian.node.snapshot.Snapshot;
import io.meridian.node.snapshot.SnapshotSink;
import io.meridian.replog.SnapshotStore;
import io.meridian.replog.StreamPublisher;
import io.meridian.replog.StreamRecord;
import io.meridian.replog.TopicLayout;
import io.meridian.replog.TopicSetup;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Publishes an in-process node's replication stream to the Kafka log, in the replication-log
 * record format: on a replica node that is its master's stream, relayed verbatim (same replid,
 * same offsets), so a replica of region A's master with a relay is a bridge in the same JVM.
 * Used by {@code bin/meridian demo} for its bridge. A snapshot (fork-less, of the node's
 * dataset) is published at start and whenever the node's stream starts a new history (a full
 * sync from its master); records continue across a PSYNC2 replid change. A replica node
 * acknowledges to its master only what the relay has in Kafka ({@code REPLCONF ACK} capped, sent
 * as soon as a batch is committed), so {@code WAIT 1 0} on the master returns once the write is
 * in Kafka. What it does not do that the dr-bridge application does: resume from Kafka after its
 * own restart.
 */
public final class KafkaStreamRelay implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger("meridian");
    /** Largest record payload: bigger commands become continuation records. */
    static final int MAX_PAYLOAD = 512 * 1024;
    static final int SNAPSHOT_CHUNK = 256 * 1024;

    /** One slice of the node's stream, as its listener saw it (empty: the stream was reset there). */
    private record Slice(String replid, long start, int db, byte[] data) {}

    private final Node node;
    private final TopicLayout layout;
    private final Properties client;
    private final long epoch;
    private final StreamPublisher publisher;
    private final KafkaConsumer<byte[], byte[]> probe;
    private final LinkedBlockingQueue<Slice> queue = new LinkedBlockingQueue<>();
    private final ReplicationStream.Listener listener;
    private final Thread thread;
    private volatile boolean closed;
    private volatile long publishedEnd = -1;
    private volatile String lastReplid;
    private volatile long records;
    private volatile Throwable failure;

    private KafkaStreamRelay(Node node, Properties client, TopicLayout layout, long epoch) {
        this.node = node;
        this.layout = layout;
        this.client = client;
        this.epoch = epoch;
        try (Admin admin = Admin.create(client)) {
            TopicSetup.ensure(admin, layout, TopicSetup.Settings.singleBroker());
        }
        Map<String, Object> extra = new HashMap<>();
        for (String k : client.stringPropertyNames()) {
            if (!k.equals("bootstrap.servers")) extra.put(k, client.getProperty(k));
        }
        extra.putIfAbsent("linger.ms", 0);
        publisher = new StreamPublisher(client.getProperty("bootstrap.servers"), layout, extra);
        probe = new KafkaConsumer<>(client, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        ReplicationStream s = node.stream();
        listener = (start, data) -> queue.add(new Slice(s.replid(), start, Math.max(0, s.streamDb()), data));
        thread = new Thread(this::run, "meridian-kafka-relay-" + layout.cluster());
        thread.setDaemon(true);
    }

    /**
     * Starts publishing node's stream to the cluster's topics (created when missing), after a
     * first snapshot; its records carry this region epoch, or the node's own when it is higher
     * (a node promoted from a Kafka-sourced replica: the stream's epoch + 1, INFO dr).
     */
    public static KafkaStreamRelay start(Node node, Properties client, TopicLayout layout, long epoch) {
        KafkaUpstream promoted = KafkaReplica.last(node);
        if (promoted != null && node.upstream() != promoted) epoch = Math.max(epoch, promoted.promotedEpoch());
        KafkaStreamRelay r = new KafkaStreamRelay(node, client, layout, epoch);
        r.onCommandThread(() -> node.stream().addListener(r.listener));
        r.snapshot();
        // a replica acknowledges to its master only what Kafka holds: WAIT on the master waits for Kafka
        io.meridian.node.repl.replica.MasterLink.setAckCeiling(node, () -> r.publishedEnd);
        r.thread.start();
        LOG.info("Kafka relay: publishing the stream of this node to {} (epoch {})", layout.streamTopic(), epoch);
        return r;
    }

    /** The end repl offset of the last record Kafka has. */
    public long publishedEnd() {
        return publishedEnd;
    }

    public long records() {
        return records;
    }

    /** Why it stopped publishing (fenced by another bridge), or null. */
    public Throwable failure() {
        return failure;
    }

    /** Waits until everything the node streamed so far is in Kafka (at most timeout). */
    public boolean flush(Duration timeout) {
        long target = onCommandThread(() -> node.stream().offset());
        long deadline = System.nanoTime() + timeout.toNanos();
        while ((publishedEnd < target || !queue.isEmpty()) && failure == null && !closed) {
            if (System.nanoTime() > deadline) return false;
            sleep(5);
        }
        return failure == null && publishedEnd >= target;
    }

    private void run() {
        try {
            while (!closed) {
                Slice first = queue.poll(50, TimeUnit.MILLISECONDS);
                if (first == null) continue;
                List<Slice> slices = new ArrayList<>();
                slices.add(first);
                queue.drainTo(slices, 500);
                List<StreamRecord> out = new ArrayList<>();
                long expected = publishedEnd; // where the next slice must start to continue what is published or batched
                for (Slice s : slices) {
                    boolean reset = s.data().length == 0 || s.start() > expected
                            || (!s.replid().equals(lastReplid) && s.start() != expected);
                    if (reset) {
                        // the node's stream starts a new history (a full sync): what came before, then a snapshot of it
                        if (!out.isEmpty()) {
                            publish(out);
                            out = new ArrayList<>();
                        }
                        snapshot();
                        expected = publishedEnd;
                    }
                    long end = s.start() + s.data().length;
                    if (end <= expected) continue; // in the snapshot already
                    lastReplid = s.replid(); // a new replid right where the last ended: PSYNC2, the history goes on
                    out.addAll(StreamRecord.split(s.replid(), s.start(), s.db(), epoch, s.data(), MAX_PAYLOAD));
                    expected = end;
                }
                if (!out.isEmpty()) publish(out);
            }
        } catch (InterruptedException e) {
            // closed
        } catch (Throwable t) {
            failure = t;
            if (!closed) LOG.warn("Kafka relay: stopped publishing: {}", t.toString());
        }
    }

    private void publish(List<StreamRecord> out) {
        publisher.publish(out);
        records += out.size();
        publishedEnd = out.get(out.size() - 1).end(); // in order: a new history may start lower
        io.meridian.node.repl.replica.MasterLink.ackNow(node);
    }

    /** A snapshot of the node at its current stream position; replay starts at the stream topic's end. */
    private void snapshot() {
        TopicPartition tp = new TopicPartition(layout.streamTopic(), 0);
        long kafkaOffset = probe.endOffsets(List.of(tp)).get(tp);
        CompletableFuture<Snapshot.Info> started = new CompletableFuture<>();
        ByteArrayOutputStream rdb = new ByteArrayOutputStream();
        CompletableFuture<Void> done = new CompletableFuture<>();
        SnapshotSink sink = new SnapshotSink() {
            private Feedback feedback;

            @Override
            public void attach(Feedback f) {
                feedback = f;
            }

            @Override
            public void chunk(byte[] bytes) {
                rdb.writeBytes(bytes);
                feedback.consumed(bytes.length);
            }

            @Override
            public void end(Throwable error) {
                if (error != null) done.completeExceptionally(error);
                else {
                    feedback.finished();
                    done.complete(null);
                }
            }
        };
        node.execute(() -> {
            try {
                ReplicationStream s = node.stream();
                Snapshot snap = Snapshot.start(node.keyspace(), s.replid(), s.offset(), Math.max(0, s.streamDb()), 0,
                        RdbWriter.Options.from(node.config()), List.of(sink), node.loop());
                started.complete(snap.info());
            } catch (RuntimeException e) {
                started.completeExceptionally(e);
            }
        });
        try {
            Snapshot.Info info = started.get(60, TimeUnit.SECONDS);
            done.get(10, TimeUnit.MINUTES);
            SnapshotStore.publish(client.getProperty("bootstrap.servers"), layout, info.replId(), info.replOffset(), kafkaOffset,
                    rdb.toByteArray(), SNAPSHOT_CHUNK);
            publishedEnd = info.replOffset();
            lastReplid = info.replId();
            LOG.info("Kafka relay: snapshot {}:{} published ({} bytes, replay from Kafka offset {})", info.replId(), info.replOffset(),
                    rdb.size(), kafkaOffset);
        } catch (Exception e) {
            throw new IllegalStateException("Kafka relay: snapshot failed: " + e.getMessage(), e);
        }
    }

    private <T> T onCommandThread(java.util.concurrent.Callable<T> c) {
        CompletableFuture<T> f = new CompletableFuture<>();
        node.execute(() -> {
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

    private void onCommandThread(Runnable r) {
        onCommandThread(() -> {
            r.run();
            return null;
        });
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops publishing at once (what is queued and not yet in Kafka is dropped: a cut). */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        try {
            onCommandThread(() -> node.stream().removeListener(listener));
        } catch (RuntimeException ignored) {
            // the node is gone
        }
        thread.interrupt();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        publisher.close();
        probe.close(Duration.ofSeconds(5));
    }
}
