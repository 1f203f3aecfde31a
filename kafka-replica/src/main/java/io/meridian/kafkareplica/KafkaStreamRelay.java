package io.meridian.kafkareplica;

import io.meridian.node.Node;
import io.meridian.node.rdb.RdbWriter;
import io.meridian.node.repl.ReplicationStream;
import io.meridian.node.repl.replica.MasterLink;
import io.meridian.node.snapshot.Snapshot;
import io.meridian.node.snapshot.SnapshotSink;
import io.meridian.replog.SnapshotStore;
import io.meridian.replog.StreamPublisher;
import io.meridian.replog.StreamRecord;
import io.meridian.replog.TopicLayout;
import io.meridian.replog.TopicSetup;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.TransactionalIdAuthorizationException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Publishes an in-process node's replication stream to the Kafka log, in the replication-log
 * record format: on a replica node that is its master's stream, relayed verbatim (same replid,
 * same offsets), so a replica of region A's master with a relay is the DR bridge
 * ({@code bin/meridian bridge}, {@code io.meridian.drbridge.Bridge}; the demo runs the same).
 *
 * <p>What it guarantees:
 * <ul>
 * <li>The topic holds the stream without a gap or a duplicate: each batch is one Kafka
 *     transaction (idempotent producer, {@code acks=all}, transactional id per cluster, so a
 *     second bridge fences this one); after a failure the batch is retried only past what the
 *     topic holds ({@link StreamPublisher#lastRecord}), and with {@link Options#resume} a
 *     restarted bridge continues exactly at the topic's end.</li>
 * <li>A snapshot (fork-less, of the node's dataset, streamed to Kafka chunk by chunk) is
 *     published at start when the topic has none for this history, whenever the node's stream
 *     starts a new history (a full sync from its master), every {@link Options#snapshotIntervalMs}
 *     and after {@link Options#snapshotAfterBytes} of stream; records continue across a PSYNC2
 *     replid change.</li>
 * <li>Bounded memory: past {@link Options#maxBufferBytes} of unpublished stream the node stops
 *     reading its master ({@link MasterLink#holdStream}), which keeps the stream in its log;
 *     while Kafka is down the batch is retried with backoff, nothing is dropped.</li>
 * <li>A replica node acknowledges to its master only what Kafka holds ({@code REPLCONF ACK}
 *     capped, sent as soon as a batch is committed), so {@code WAIT 1 0} on the master returns
 *     once the write is in Kafka.</li>
 * </ul>
 */
public final class KafkaStreamRelay implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger("meridian");
    /** Largest record payload: bigger commands become continuation records. */
    static final int MAX_PAYLOAD = 512 * 1024;
    static final int SNAPSHOT_CHUNK = 256 * 1024;
    /** Most stream bytes one transaction carries. */
    static final int MAX_BATCH_BYTES = 4 * 1024 * 1024;

    /** How the relay runs; {@link #of} gives the demo's defaults. */
    public record Options(long epoch, boolean resume, long maxBufferBytes, long snapshotIntervalMs, long snapshotAfterBytes) {
        public static Options of(long epoch) {
            return new Options(epoch, false, 64L * 1024 * 1024, 0, 0);
        }

        public Options withResume(boolean r) {
            return new Options(epoch, r, maxBufferBytes, snapshotIntervalMs, snapshotAfterBytes);
        }
    }

    /** What the relay is doing, for INFO bridge and readiness. */
    public enum State {
        STARTING("starting"), SNAPSHOT("snapshot"), FOLLOWING("following"), BACKPRESSURE("backpressure"),
        KAFKA_DOWN("kafka_down"), FENCED("fenced"), FAILED("failed"), STOPPED("stopped");

        public final String infoName;

        State(String infoName) {
            this.infoName = infoName;
        }
    }

    /** One slice of the node's stream, as its listener saw it (empty: the stream was reset there). */
    private record Slice(String replid, long start, int db, byte[] data) {}

    private final Node node;
    private final TopicLayout layout;
    private final Properties client;
    private final Map<String, Object> producerExtra;
    private final Options options;
    private final long epoch;
    private final KafkaConsumer<byte[], byte[]> probe;
    private final LinkedBlockingQueue<Slice> queue = new LinkedBlockingQueue<>();
    private final AtomicLong queuedBytes = new AtomicLong();
    private final ReplicationStream.Listener listener;
    private final Thread thread;
    private StreamPublisher publisher;
    private volatile boolean closed;
    private volatile boolean held;
    private volatile State state = State.STARTING;
    private volatile boolean kafkaUp = true;
    private volatile long publishedEnd = -1;
    private volatile String lastReplid;
    private volatile long records;
    private volatile long bytes;
    private volatile long transactions;
    private volatile long snapshots;
    private volatile long lastSnapshotOffset = -1;
    private volatile long lastSnapshotAt;
    private volatile long lastSnapshotBytes;
    private volatile long retries;
    /** When the batch in flight was handed to Kafka (0: none). */
    private volatile long publishingSince;
    private long bytesSinceSnapshot;
    private volatile Throwable failure;

    private KafkaStreamRelay(Node node, Properties client, TopicLayout layout, Options options) {
        this.node = node;
        this.layout = layout;
        this.client = new Properties();
        this.client.putAll(client);
        this.options = options;
        this.epoch = options.epoch();
        // a broker that is down must not block a call for a minute: the loop retries anyway
        this.client.putIfAbsent("default.api.timeout.ms", "15000");
        this.client.putIfAbsent("request.timeout.ms", "10000");
        try (Admin admin = Admin.create(this.client)) {
            TopicSetup.ensure(admin, layout, TopicSetup.Settings.forCluster(admin));
        }
        producerExtra = new HashMap<>();
        for (String k : client.stringPropertyNames()) {
            if (!k.equals("bootstrap.servers")) producerExtra.put(k, client.getProperty(k));
        }
        producerExtra.putIfAbsent("linger.ms", 0);
        producerExtra.putIfAbsent("max.block.ms", 15_000);
        producerExtra.putIfAbsent("delivery.timeout.ms", 30_000);
        producerExtra.putIfAbsent("request.timeout.ms", 10_000);
        producerExtra.putIfAbsent("transaction.timeout.ms", 60_000);
        // initTransactions: a zombie bridge for this cluster is fenced before anything is read or sent
        publisher = new StreamPublisher(client.getProperty("bootstrap.servers"), layout, producerExtra);
        probe = new KafkaConsumer<>(this.client, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        ReplicationStream s = node.stream();
        listener = (start, data) -> {
            queue.add(new Slice(s.replid(), start, Math.max(0, s.streamDb()), data));
            if (queuedBytes.addAndGet(data.length) > options.maxBufferBytes() && !held) {
                held = true;
                if (state == State.FOLLOWING) state = State.BACKPRESSURE;
                MasterLink.holdStream(node, true);
                LOG.warn("Kafka relay: {} bytes not yet in Kafka (bound {}): not reading the master until they are",
                        queuedBytes.get(), options.maxBufferBytes());
            }
        };
        thread = new Thread(this::run, "meridian-kafka-relay-" + layout.cluster());
        thread.setDaemon(true);
    }

    /**
     * Starts publishing node's stream to the cluster's topics (created when missing), after a
     * first snapshot; its records carry this region epoch, or the node's own when it is higher
     * (a node promoted from a Kafka-sourced replica: the stream's epoch + 1, INFO dr).
     */
    public static KafkaStreamRelay start(Node node, Properties client, TopicLayout layout, long epoch) {
        return start(node, client, layout, Options.of(epoch));
    }

    /** {@link #start(Node, Properties, TopicLayout, long)} with options. */
    public static KafkaStreamRelay start(Node node, Properties client, TopicLayout layout, Options options) {
        return open(node, client, layout, options).begin();
    }

    /**
     * Creates the topics and the producer (which fences any other bridge of this cluster) but
     * publishes nothing yet: a restarting bridge opens first, then reads the topic's end, then
     * {@link #begin}s, so no zombie can append in between.
     */
    public static KafkaStreamRelay open(Node node, Properties client, TopicLayout layout, Options options) {
        KafkaUpstream promoted = KafkaReplica.last(node);
        long epoch = options.epoch();
        if (promoted != null && node.upstream() != promoted) epoch = Math.max(epoch, promoted.promotedEpoch());
        Options o = new Options(epoch, options.resume(), options.maxBufferBytes(), options.snapshotIntervalMs(),
                options.snapshotAfterBytes());
        return new KafkaStreamRelay(node, client, layout, o);
    }

    /**
     * Starts listening to the node's stream and publishing. With {@link Options#resume} and a
     * node whose stream is where the topic ends (loaded from it), publishing continues right
     * there; otherwise a snapshot of the node is published first.
     */
    public KafkaStreamRelay begin() {
        long[] at = new long[1];
        String[] id = new String[1];
        onCommandThread(() -> {
            node.stream().addListener(listener);
            at[0] = node.stream().offset();
            id[0] = node.stream().replid();
        });
        StreamRecord last = options.resume() ? StreamPublisher.lastRecord(client, layout) : null;
        boolean blank = onCommandThread(() -> node.keyspace().totalKeys() == 0);
        if (last != null && last.end() == at[0] && last.replid().equals(id[0])) {
            publishedEnd = at[0];
            lastReplid = id[0];
            lastSnapshotAt = System.currentTimeMillis(); // the interval counts from now: the topic has a snapshot
            LOG.info("Kafka relay: resuming {} at repl offset {} (replid {}), where the topic ends", layout.streamTopic(), at[0], id[0]);
        } else if (options.resume() && at[0] == 0 && blank) {
            // nothing loaded (an empty topic, or one without a complete snapshot): never publish an empty dataset as a
            // snapshot; the first history (a full sync from the master) brings the first one
            LOG.info("Kafka relay: nothing to resume in {}: the first full sync will be published as a new snapshot", layout.streamTopic());
        } else {
            if (options.resume() && last != null) {
                LOG.info("Kafka relay: the topic ends at {} but this node is at {}: publishing a new snapshot", last.end(), at[0]);
            }
            try {
                snapshot(true);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Kafka relay: interrupted during its first snapshot", e);
            }
        }
        // a replica acknowledges to its master only what Kafka holds: WAIT on the master waits for Kafka
        MasterLink.setAckCeiling(node, () -> publishedEnd);
        state = State.FOLLOWING;
        thread.start();
        LOG.info("Kafka relay: publishing the stream of this node to {} (epoch {})", layout.streamTopic(), epoch);
        return this;
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

    public State state() {
        return state;
    }

    /** Kafka took the last batch, and the one in flight (if any) is not stuck for more than 5 s. */
    public boolean kafkaUp() {
        long since = publishingSince;
        return kafkaUp && (since == 0 || System.currentTimeMillis() - since < 5_000);
    }

    public long epoch() {
        return epoch;
    }

    public TopicLayout layout() {
        return layout;
    }

    /** Stream bytes received from the node and not yet in Kafka. */
    public long bufferedBytes() {
        return queuedBytes.get();
    }

    /** The relay's figures for INFO bridge (Meridian's own section; metrics read them from there). */
    public Map<String, Object> infoFields() {
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        long nodeOffset = node.stream().offset();
        m.put("bridge_state", state.infoName);
        m.put("bridge_kafka", kafkaUp() ? "up" : "down");
        m.put("bridge_stream_topic", layout.streamTopic());
        m.put("bridge_epoch", epoch);
        m.put("bridge_published_offset", publishedEnd);
        m.put("bridge_master_offset", nodeOffset);
        m.put("bridge_lag_bytes", publishedEnd < 0 ? -1 : Math.max(0, nodeOffset - publishedEnd));
        m.put("bridge_buffer_bytes", queuedBytes.get());
        m.put("bridge_buffer_limit_bytes", options.maxBufferBytes());
        m.put("bridge_master_held", held ? 1 : 0);
        m.put("bridge_records_total", records);
        m.put("bridge_bytes_total", bytes);
        m.put("bridge_transactions_total", transactions);
        m.put("bridge_retries_total", retries);
        m.put("bridge_snapshots_total", snapshots);
        m.put("bridge_last_snapshot_offset", lastSnapshotOffset);
        m.put("bridge_last_snapshot_bytes", lastSnapshotBytes);
        m.put("bridge_last_snapshot_age_seconds", lastSnapshotAt == 0 ? -1 : (System.currentTimeMillis() - lastSnapshotAt) / 1000);
        if (failure != null) m.put("bridge_last_error", String.valueOf(failure.getMessage()).replace('\n', ' ').replace('\r', ' '));
        return m;
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
                if (snapshotDue()) snapshot(false);
                Slice first = queue.poll(50, TimeUnit.MILLISECONDS);
                if (first == null) continue;
                List<Slice> slices = new ArrayList<>();
                slices.add(first);
                long batchBytes = first.data().length;
                for (Slice next; batchBytes < MAX_BATCH_BYTES && slices.size() < 2000 && (next = queue.poll()) != null; ) {
                    slices.add(next);
                    batchBytes += next.data().length;
                }
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
                        snapshot(true);
                        expected = publishedEnd;
                    }
                    long end = s.start() + s.data().length;
                    if (end <= expected) continue; // in the snapshot already
                    lastReplid = s.replid(); // a new replid right where the last ended: PSYNC2, the history goes on
                    out.addAll(StreamRecord.split(s.replid(), s.start(), s.db(), epoch, s.data(), MAX_PAYLOAD));
                    expected = end;
                }
                if (!out.isEmpty()) publish(out);
                long left = queuedBytes.addAndGet(-batchBytes);
                if (held && left <= options.maxBufferBytes() / 2) {
                    held = false;
                    MasterLink.holdStream(node, false);
                    LOG.info("Kafka relay: caught up ({} bytes buffered): reading the master again", left);
                }
                if (state == State.BACKPRESSURE || state == State.KAFKA_DOWN) state = State.FOLLOWING;
            }
        } catch (InterruptedException e) {
            // closed
        } catch (Throwable t) {
            failure = t;
            if (state != State.FENCED) state = State.FAILED;
            if (!closed) LOG.warn("Kafka relay: stopped publishing: {}", t.toString());
        }
    }

    private boolean snapshotDue() {
        if (publishedEnd < 0) return false;
        long now = System.currentTimeMillis();
        if (options.snapshotIntervalMs() > 0 && now - lastSnapshotAt >= options.snapshotIntervalMs()) return true;
        return options.snapshotAfterBytes() > 0 && bytesSinceSnapshot >= options.snapshotAfterBytes();
    }

    /**
     * Publishes one batch as one transaction, retrying with backoff while Kafka is unreachable.
     * A retry first asks the topic what it holds: a commit whose answer was lost may have
     * happened, and then the batch is not sent again.
     */
    private void publish(List<StreamRecord> out) throws InterruptedException {
        long backoff = 100;
        long lastWarn = 0;
        while (!closed) {
            try {
                if (publisher == null) {
                    publisher = new StreamPublisher(client.getProperty("bootstrap.servers"), layout, producerExtra);
                    StreamRecord last = StreamPublisher.lastRecord(client, layout);
                    StreamRecord mine = out.get(out.size() - 1);
                    if (last != null && last.end() == mine.end() && last.replid().equals(mine.replid())) {
                        LOG.info("Kafka relay: the batch ending at {} was committed before the failure: not sending it again", mine.end());
                        published(out);
                        return;
                    }
                }
                publishingSince = System.currentTimeMillis();
                try {
                    publisher.publish(out);
                } finally {
                    publishingSince = 0;
                }
                published(out);
                return;
            } catch (KafkaException e) {
                if (fatal(e)) {
                    state = fencedBy(e) ? State.FENCED : State.FAILED;
                    if (state == State.FENCED) {
                        LOG.warn("Kafka relay: fenced: another bridge publishes to {} now (transactional id meridian-bridge.{}); "
                                + "this one stops publishing", layout.streamTopic(), layout.cluster());
                    }
                    throw e;
                }
                kafkaUp = false;
                state = State.KAFKA_DOWN;
                retries++;
                long now = System.currentTimeMillis();
                if (now - lastWarn > 30_000) {
                    lastWarn = now;
                    LOG.warn("Kafka relay: cannot publish to {} ({}); retrying with backoff, {} bytes buffered, the master keeps the rest",
                            layout.streamTopic(), e.toString(), queuedBytes.get());
                }
                closePublisher();
                Thread.sleep(backoff);
                backoff = Math.min(backoff * 2, 5_000);
            }
        }
    }

    private void published(List<StreamRecord> out) {
        long n = 0;
        for (StreamRecord r : out) n += r.payload().length;
        records += out.size();
        bytes += n;
        bytesSinceSnapshot += n;
        transactions++;
        if (!kafkaUp) LOG.info("Kafka relay: Kafka is reachable again; published up to repl offset {}", out.get(out.size() - 1).end());
        kafkaUp = true;
        publishedEnd = out.get(out.size() - 1).end(); // in order: a new history may start lower
        MasterLink.ackNow(node);
    }

    private static boolean fatal(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ProducerFencedException || t instanceof InvalidProducerEpochException
                    || t instanceof TransactionalIdAuthorizationException || t instanceof AuthorizationException
                    || t instanceof AuthenticationException || t instanceof UnsupportedVersionException) {
                return true;
            }
        }
        return false;
    }

    private static boolean fencedBy(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ProducerFencedException || t instanceof InvalidProducerEpochException) return true;
        }
        return false;
    }

    private void closePublisher() {
        if (publisher == null) return;
        try {
            publisher.close();
        } catch (RuntimeException ignored) {
            // the broker is gone
        }
        publisher = null;
    }

    /**
     * A snapshot of the node at its current stream position, streamed to the snapshot topic;
     * replay starts at the stream topic's end. A new history (newHistory) makes the snapshot the
     * new start: the stream before it is not published. A periodic one leaves the stream as it
     * is (readers that follow live need every byte; readers that load it skip what it holds).
     */
    private void snapshot(boolean newHistory) throws InterruptedException {
        long backoff = 500;
        while (!closed) {
            try {
                snapshotOnce(newHistory);
                return;
            } catch (KafkaException | IllegalStateException e) {
                if (fatal(e)) {
                    if (fencedBy(e)) state = State.FENCED;
                    throw e instanceof KafkaException k ? k : new IllegalStateException(e);
                }
                kafkaUp = false;
                state = State.KAFKA_DOWN;
                retries++;
                LOG.warn("Kafka relay: snapshot not published ({}); retrying in {} ms", e.getMessage(), backoff);
                Thread.sleep(backoff);
                backoff = Math.min(backoff * 2, 10_000);
            }
        }
    }

    private void snapshotOnce(boolean newHistory) throws InterruptedException {
        State before = state;
        state = State.SNAPSHOT;
        TopicPartition tp = new TopicPartition(layout.streamTopic(), 0);
        long kafkaOffset = probe.endOffsets(List.of(tp)).get(tp);
        CompletableFuture<Snapshot.Info> started = new CompletableFuture<>();
        LinkedBlockingQueue<Object> chunks = new LinkedBlockingQueue<>();
        Object end = new Object();
        SnapshotSink.Feedback[] feedback = new SnapshotSink.Feedback[1];
        SnapshotSink sink = new SnapshotSink() {
            @Override
            public void attach(Feedback f) {
                feedback[0] = f;
            }

            @Override
            public void chunk(byte[] b) {
                chunks.add(b);
            }

            @Override
            public void end(Throwable error) {
                chunks.add(error == null ? end : error);
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
        Snapshot.Info info;
        try {
            info = started.get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("Kafka relay: snapshot failed to start: " + e.getMessage(), e);
        }
        long t0 = System.nanoTime();
        SnapshotStore.Manifest m;
        try (SnapshotStore.Writer w = SnapshotStore.Writer.open(client, layout, info.replId(), info.replOffset(), kafkaOffset, SNAPSHOT_CHUNK)) {
            while (true) {
                Object c = chunks.poll(10, TimeUnit.MINUTES);
                if (c == null) throw new IllegalStateException("Kafka relay: snapshot stalled");
                if (c == end) break;
                if (c instanceof Throwable t) throw new IllegalStateException("Kafka relay: snapshot failed: " + t.getMessage(), t);
                byte[] b = (byte[]) c;
                w.write(b, 0, b.length);
                feedback[0].consumed(b.length); // the walk goes on only as fast as Kafka takes it
            }
            m = w.finish();
        } catch (RuntimeException e) {
            if (feedback[0] != null) feedback[0].failed(e);
            drain(chunks, feedback[0], end);
            state = before;
            throw e;
        }
        feedback[0].finished();
        if (newHistory) {
            publishedEnd = info.replOffset();
            lastReplid = info.replId();
        }
        snapshots++;
        lastSnapshotOffset = info.replOffset();
        lastSnapshotAt = System.currentTimeMillis();
        lastSnapshotBytes = m.size();
        bytesSinceSnapshot = 0;
        kafkaUp = true;
        state = State.FOLLOWING;
        LOG.info("Kafka relay: snapshot {}:{} published ({} bytes in {} chunks, {} ms; replay from Kafka offset {})", info.replId(),
                info.replOffset(), m.size(), m.chunks(), (System.nanoTime() - t0) / 1_000_000, kafkaOffset);
    }

    /** After a failed publish the walk may still be producing: let it finish into nothing. */
    private static void drain(LinkedBlockingQueue<Object> chunks, SnapshotSink.Feedback f, Object end) {
        Thread t = new Thread(() -> {
            try {
                while (true) {
                    Object c = chunks.poll(60, TimeUnit.SECONDS);
                    if (c == null || c == end || c instanceof Throwable) return;
                    if (f != null) f.consumed(((byte[]) c).length);
                }
            } catch (InterruptedException ignored) {
                // gone
            }
        }, "meridian-kafka-relay-drain");
        t.setDaemon(true);
        t.start();
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
        if (held) MasterLink.holdStream(node, false);
        thread.interrupt();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        state = failure != null && state == State.FENCED ? State.FENCED : State.STOPPED;
        closePublisher();
        probe.close(Duration.ofSeconds(5));
    }
}
