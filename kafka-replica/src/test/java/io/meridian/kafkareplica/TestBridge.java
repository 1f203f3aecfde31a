package io.meridian.kafkareplica;

import io.meridian.node.Node;
import io.meridian.node.rdb.RdbWriter;
import io.meridian.node.repl.ReplicationStream;
import io.meridian.replog.SnapshotStore;
import io.meridian.replog.StreamPublisher;
import io.meridian.replog.StreamRecord;
import io.meridian.replog.TopicLayout;
import io.meridian.replog.TopicSetup;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A test fixture that publishes an in-process node's replication stream and snapshots to the
 * Kafka log with the replication-log module's own publisher and record format, with knobs a
 * real bridge does not have: hold publishing (lag), inject records (gaps, duplicates, other
 * epochs), drop what is not yet published (a cut that loses data). The tests of the real
 * bridge are the dr-bridge module's; this one lets the replica's side be tested precisely.
 */
final class TestBridge implements AutoCloseable {
    /** One slice of the source's stream, as its listener saw it. */
    record Slice(String replid, long start, int db, byte[] data, long at) {}

    static final int MAX_PAYLOAD = 256 * 1024;

    final String bootstrap;
    final TopicLayout layout;
    private final Node source;
    private final StreamPublisher publisher;
    private final KafkaConsumer<byte[], byte[]> probe;
    private final LinkedBlockingQueue<Slice> queue = new LinkedBlockingQueue<>();
    private final List<StreamRecord> published = new ArrayList<>();
    private final Thread thread;
    private final ReplicationStream.Listener listener;
    volatile long epoch;
    /** Publishes a slice only once it is this old: a bridge that lags. */
    volatile long delayMillis;
    private volatile boolean hold;
    private volatile boolean closed;
    private volatile long publishedEnd = -1;
    private volatile Throwable failure;

    TestBridge(Node source, String bootstrap, String cluster) {
        this(source, bootstrap, cluster, 1);
    }

    /** A bridge that stamps its records with this region epoch (a promoted region's bridge: one more). */
    TestBridge(Node source, String bootstrap, String cluster, long epoch) {
        this.epoch = epoch;
        this.source = source;
        this.bootstrap = bootstrap;
        this.layout = new TopicLayout("meridian", cluster);
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            TopicSetup.ensure(admin, layout, TopicSetup.Settings.singleBroker());
        }
        publisher = new StreamPublisher(bootstrap, layout, Map.of("linger.ms", 0));
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap);
        probe = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        ReplicationStream s = source.stream();
        listener = (start, data) -> {
            if (data.length > 0) queue.add(new Slice(s.replid(), start, Math.max(0, s.streamDb()), data, System.nanoTime()));
        };
        hold = true;
        onCommandThread(() -> s.addListener(listener));
        thread = new Thread(this::run, "test-bridge-" + cluster);
        thread.setDaemon(true);
        thread.start();
        publishedEnd = snapshot().replOffset();
        hold = false;
    }

    private void run() {
        try {
            while (!closed) {
                boolean busy = false;
                synchronized (this) {
                    if (!hold && !queue.isEmpty()) {
                        List<Slice> slices = new ArrayList<>();
                        long ripe = System.nanoTime() - delayMillis * 1_000_000L;
                        for (Slice head; slices.size() < 200 && (head = queue.peek()) != null && head.at() <= ripe; ) slices.add(queue.poll());
                        List<StreamRecord> records = new ArrayList<>();
                        for (Slice sl : slices) records.addAll(StreamRecord.split(sl.replid(), sl.start(), sl.db(), epoch, sl.data(), MAX_PAYLOAD));
                        if (!records.isEmpty()) {
                            publish(records);
                            busy = true;
                        }
                    }
                }
                if (!busy) Thread.sleep(2);
            }
        } catch (InterruptedException e) {
            // closed
        } catch (Throwable t) {
            failure = t;
        }
    }

    /** Publishes records as they are (tests: gaps, duplicates, epochs). */
    synchronized void publish(List<StreamRecord> records) {
        publisher.publish(records);
        published.addAll(records);
        for (StreamRecord r : records) publishedEnd = Math.max(publishedEnd, r.end());
    }

    /** The records published so far, in order. */
    synchronized List<StreamRecord> published() {
        return new ArrayList<>(published);
    }

    /** Why the publishing thread stopped (fenced by another bridge), or null. */
    Throwable failure() {
        return failure;
    }

    long publishedEnd() {
        return publishedEnd;
    }

    /** Stops publishing (the stream keeps queueing), or resumes. */
    void hold(boolean h) {
        hold = h;
        if (h) waitIdle();
    }

    /** Waits until everything the source has streamed so far is in Kafka. */
    void flush() {
        long target = onCommandThread(() -> source.stream().offset());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (publishedEnd < target || !queue.isEmpty()) {
            if (failure != null) throw new IllegalStateException("test bridge failed", failure);
            if (System.nanoTime() > deadline) throw new IllegalStateException("test bridge did not publish up to " + target + " (at " + publishedEnd + ")");
            sleep(5);
        }
    }

    /** Drops what was queued and not yet published: a cut that loses the tail. */
    int dropQueued() {
        List<Slice> dropped = new ArrayList<>();
        queue.drainTo(dropped);
        return dropped.size();
    }

    /** Publishes a snapshot of the source at its current offset (replay starts at the stream topic's end). */
    SnapshotStore.Manifest snapshot() {
        boolean wasHeld = hold;
        hold(true);
        try {
            TopicPartition tp = new TopicPartition(layout.streamTopic(), 0);
            long kafkaOffset = probe.endOffsets(List.of(tp)).get(tp);
            Object[] rdb = onCommandThread(() -> {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                ReplicationStream s = source.stream();
                try {
                    RdbWriter.save(source.keyspace(), out, RdbWriter.Options.defaults(), "7.0.15", 0,
                            new RdbWriter.ReplInfo(s.replid(), s.offset(), Math.max(0, s.streamDb())));
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
                return new Object[]{out.toByteArray(), s.replid(), s.offset()};
            });
            return SnapshotStore.publish(bootstrap, layout, (String) rdb[1], (long) rdb[2], kafkaOffset, (byte[]) rdb[0], 64 * 1024);
        } finally {
            hold = wasHeld;
        }
    }

    /** The stream topic's end offset. */
    long endOffset() {
        TopicPartition tp = new TopicPartition(layout.streamTopic(), 0);
        synchronized (probe) {
            return probe.endOffsets(List.of(tp)).get(tp);
        }
    }

    private void waitIdle() {
        synchronized (this) {
            // a publish in progress has finished once this monitor is free; the next one sees hold
        }
    }

    private <T> T onCommandThread(java.util.concurrent.Callable<T> c) {
        CompletableFuture<T> f = new CompletableFuture<>();
        source.execute(() -> {
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

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        try {
            onCommandThread(() -> source.stream().removeListener(listener));
        } catch (RuntimeException ignored) {
            // the source may be gone
        }
        thread.interrupt();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        publisher.close();
        synchronized (probe) {
            probe.close(Duration.ofSeconds(5));
        }
    }
}
