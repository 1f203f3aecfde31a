package io.meridian.kafkareplica;

import io.meridian.node.Node;
import io.meridian.node.config.Config;
import io.meridian.node.keyspace.Keyspace;
import io.meridian.node.persist.WriteAheadLog;
import io.meridian.node.rdb.RdbLoader;
import io.meridian.node.rdb.RdbReader;
import io.meridian.node.repl.ReplicationStream;
import io.meridian.node.repl.UpstreamLink;
import io.meridian.node.repl.replica.ReplicaOf;
import io.meridian.node.repl.replica.StreamApplier;
import io.meridian.node.server.Client;
import io.meridian.replog.SnapshotStore;
import io.meridian.replog.StreamRecord;
import io.netty.buffer.Unpooled;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayInputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A replica whose upstream is a remote region's Kafka log (replica-source kafka): it loads the
 * newest complete snapshot (its manifest names the replid, the repl offset and the stream
 * topic's Kafka offset where replay starts), replays the stream topic from there applying
 * only bytes past what it has ({@link ReplayGate}: duplicates skipped, a gap stops it with a
 * clear error and nothing past it is applied, records of a lower region epoch rejected), and
 * follows the topic live, read-only. The stream is applied as a RESP master's is (the 'M'
 * client through a {@link StreamApplier}) and relayed verbatim into the node's own
 * {@link ReplicationStream}, with the master's replid and offsets, so RESP sub-replicas (real
 * Redis too) can follow this node and, after a promotion ({@code REPLICAOF NO ONE}), continue
 * with a partial resync (PSYNC2).
 *
 * <p>Point in time (replica-at-offset / replica-at-time): the newest snapshot before that
 * point, the stream up to it (at a time: the records before the first one whose timestamp is
 * at or after it, via {@code offsetsForTimes}), then it stops there, serving that dataset.
 *
 * <p>Threads: a fetcher thread owns the Kafka consumers and loads snapshots; everything that
 * touches the dataset runs on the command thread, handed over with {@link Node#execute}, with
 * at most {@link #MAX_IN_FLIGHT} bytes handed over and not yet applied (backpressure).
 */
public final class KafkaUpstream implements UpstreamLink {
    private static final Logger LOG = LoggerFactory.getLogger("meridian");
    private static final String NO_REPLID2 = "0000000000000000000000000000000000000000";
    private static final byte[] EMPTY = new byte[0];
    /** Bytes fetched from Kafka and not yet applied, at most. */
    static final int MAX_IN_FLIGHT = 32 * 1024 * 1024;
    /** How long a new history waits for its snapshot to appear before the replica gives up. */
    static final long SNAPSHOT_WAIT_MILLIS = 120_000;
    private static final int REJECTIONS_LOGGED = 10;

    /** The link's states, in order; ROLE shows Redis's name of each. */
    public enum State {
        /** Not started yet (the first cron tick starts it). */
        CONNECT("connect", "connecting"),
        /** Looking for a snapshot, or waiting for one to appear in the topic. */
        WAITING_SNAPSHOT("connecting", "waiting_snapshot"),
        LOADING_SNAPSHOT("sync", "loading_snapshot"),
        FOLLOWING("connected", "following"),
        /** Point in time reached: the dataset is the one asked for; nothing more is applied. */
        AT_TARGET("connected", "at_target"),
        /** Stopped on a gap in the stream topic: nothing past it was applied. */
        STOPPED_GAP("connect", "stopped_gap"),
        /** Stopped on an error (named in kafka_last_error). */
        FAILED("connect", "failed"),
        /** REPLICAOF (NO ONE or another master) ended the link. */
        STOPPED("none", "stopped");

        final String roleName;
        final String infoName;

        State(String roleName, String infoName) {
            this.roleName = roleName;
            this.infoName = infoName;
        }

        boolean ended() {
            return ordinal() >= AT_TARGET.ordinal();
        }
    }

    /** A stream record with where it was in Kafka. */
    record Item(long kafkaOffset, long timestamp, StreamRecord record) {}

    private final Node node;
    private final KafkaSourceSettings settings;
    private final TopicPartition streamPartition;
    private final Semaphore inFlight = new Semaphore(MAX_IN_FLIGHT);
    private volatile State state = State.CONNECT;
    private volatile boolean stopped;
    private volatile Thread fetcher;
    private volatile KafkaConsumer<byte[], byte[]> consumer;
    /** Set by the command thread on a new history: the fetcher reloads from a snapshot of this replid. */
    private volatile String reloadReplid;

    // ---- command thread -------------------------------------------------------------------
    private ReplayGate gate;
    private Client master;
    private StreamApplier applier;
    /** Permits of a batch kept while the applier waits on CLIENT PAUSE (released when it resumes). */
    private int waitingPermits;
    /** Highest region epoch seen (the promoted node's epoch is one more). */
    private volatile long epoch;
    private volatile long duplicates;
    private volatile long rejected;
    private volatile long lastAppliedTimestamp;
    private volatile long lastAppliedKafkaOffset = -1;
    private volatile long recordsQueued;

    // ---- fetcher thread (read by INFO) -------------------------------------------------------
    private volatile String snapshotId;
    /** How following started: "snapshot" (loaded) or "resumed" (the node's own data continued it). */
    private volatile String startedFrom = "";
    private volatile long snapshotSize = -1;
    private volatile long snapshotLoaded;
    private volatile long fetchPosition = -1;
    private volatile long endOffset = -1;
    /** End repl offset of the newest record seen in the topic. */
    private volatile long headReplOffset = -1;
    private volatile long lastPollAt;
    private volatile long downSince;
    private volatile String lastError;
    /** Point in time: stop before this Kafka offset (at-time), -1 when not set. */
    private volatile long targetKafkaOffset = -1;
    private volatile long promotedEpoch = -1;

    public KafkaUpstream(Node node, KafkaSourceSettings settings) {
        this.node = node;
        this.settings = settings;
        this.streamPartition = new TopicPartition(settings.layout().streamTopic(), 0);
        this.downSince = now();
        node.addCron(this::cron);
    }

    public KafkaSourceSettings settings() {
        return settings;
    }

    public State state() {
        return state;
    }

    /** Why it stopped (a gap, an error), or null. */
    public String lastError() {
        return lastError;
    }

    /** Highest region epoch applied. */
    public long epoch() {
        return epoch;
    }

    /** The epoch this node's own stream has after a promotion (one more than the stream's), or -1. */
    public long promotedEpoch() {
        return promotedEpoch;
    }

    // ---- UpstreamLink -------------------------------------------------------------------------

    @Override
    public String roleState() {
        return state.roleName;
    }

    @Override
    public String masterHost() {
        String first = settings.bootstrap().split(",")[0].trim();
        int c = first.lastIndexOf(':');
        return c > 0 ? first.substring(0, c) : first;
    }

    @Override
    public int masterPort() {
        String first = settings.bootstrap().split(",")[0].trim();
        int c = first.lastIndexOf(':');
        try {
            return c > 0 ? Integer.parseInt(first.substring(c + 1)) : 9092;
        } catch (NumberFormatException e) {
            return 9092;
        }
    }

    @Override
    public boolean linkUp() {
        return state == State.FOLLOWING;
    }

    @Override
    public long lastIoSecondsAgo() {
        return lastPollAt == 0 ? -1 : (now() - lastPollAt) / 1000;
    }

    @Override
    public boolean syncInProgress() {
        return state == State.LOADING_SNAPSHOT;
    }

    @Override
    public long syncTotalBytes() {
        return snapshotSize;
    }

    @Override
    public long syncReadBytes() {
        return snapshotLoaded;
    }

    @Override
    public long syncLastIoSecondsAgo() {
        return 0;
    }

    @Override
    public long linkDownSinceSeconds() {
        return state == State.FOLLOWING ? -1 : (now() - downSince) / 1000;
    }

    @Override
    public long readReplOffset() {
        ReplayGate g = gate;
        return g == null ? node.stream().offset() : g.next() + g.held();
    }

    @Override
    public long replOffset() {
        StreamApplier a = applier;
        return a == null ? node.stream().offset() : a.appliedOffset();
    }

    @Override
    public Map<String, Object> extraInfo() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("master_source", "kafka");
        m.put("kafka_state", state.infoName);
        m.put("kafka_bootstrap_servers", settings.bootstrap());
        m.put("kafka_stream_topic", settings.layout().streamTopic());
        m.put("kafka_snapshot", snapshotId == null ? "" : snapshotId);
        m.put("kafka_started_from", startedFrom);
        m.put("kafka_consumed_offset", lastAppliedKafkaOffset + 1);
        m.put("kafka_end_offset", endOffset);
        long lagRecords = lagRecords();
        m.put("kafka_lag_records", lagRecords);
        m.put("kafka_lag_bytes", lagBytes());
        m.put("kafka_lag_seconds", String.format(Locale.ROOT, "%.3f", lagSeconds(lagRecords)));
        m.put("kafka_region_epoch", epoch);
        m.put("kafka_duplicates_skipped", duplicates);
        m.put("kafka_epoch_rejected", rejected);
        if (settings.atOffset() >= 0) m.put("kafka_target", "offset " + settings.atOffset());
        if (settings.atTime() != null) m.put("kafka_target", "time " + settings.atTime());
        m.put("kafka_last_error", lastError == null ? "" : lastError);
        return m;
    }

    /** Records in the topic not yet applied (Kafka offsets, transaction markers aside). */
    public long lagRecords() {
        if (state.ended()) return 0;
        long end = endOffset;
        long pos = fetchPosition;
        if (end < 0 || pos < 0) return recordsQueued;
        return Math.max(0, end - pos) + recordsQueued;
    }

    /** Stream bytes the topic holds past what was applied. */
    public long lagBytes() {
        if (state.ended()) return 0;
        long head = headReplOffset;
        return head < 0 ? 0 : Math.max(0, head - replOffset());
    }

    /** Seconds since the last applied record was produced while records wait, else 0. */
    public double lagSeconds(long lagRecords) {
        if (lagRecords <= 0 || lastAppliedTimestamp == 0) return 0;
        return Math.max(0, now() - lastAppliedTimestamp) / 1000.0;
    }

    /** REPLICAOF NO ONE / host port, or the node stops: nothing is applied after this returns (on the command thread). */
    @Override
    public void stop() {
        if (stopped) return;
        stopped = true;
        promotedEpoch = epoch + 1;
        setState(State.STOPPED, "replication stopped");
        wakeFetcher();
        if (master != null) {
            Client m = master;
            master = null;
            if (node.loop().inEventLoop()) node.removeClient(m);
            else node.execute(() -> node.removeClient(m));
        }
        inFlight.release(waitingPermits);
        waitingPermits = 0;
    }

    // ---- lifecycle ----------------------------------------------------------------------------

    private void cron() {
        if (stopped) return;
        if (fetcher == null && state == State.CONNECT) {
            Thread t = new Thread(this::fetchLoop, "meridian-kafka-replica");
            t.setDaemon(true);
            fetcher = t;
            LOG.info("Replica of Kafka: {}{}", settings.describe(), settings.pointInTime() ? " (point in time: " + target() + ")" : "");
            t.start();
        }
        StreamApplier a = applier;
        if (a != null && a.waiting() && a.resumeIfReady()) {
            inFlight.release(waitingPermits);
            waitingPermits = 0;
        }
    }

    private String target() {
        return settings.atOffset() >= 0 ? "offset " + settings.atOffset() : "time " + settings.atTime();
    }

    private void setState(State s, String why) {
        if (state == s) return;
        LOG.debug("Kafka replica state {} -> {}: {}", state, s, why);
        if (s != State.FOLLOWING && state == State.FOLLOWING) downSince = now();
        state = s;
        node.setMasterLinkUp(s == State.FOLLOWING);
    }

    /** Ends following with an error; the dataset stays as applied so far (on the command thread or the fetcher). */
    private void fail(State s, String error) {
        if (stopped || state.ended()) return;
        lastError = error;
        LOG.warn("Kafka replica stopped: {}", error);
        setState(s, error);
        wakeFetcher();
    }

    /** Ends the fetcher's poll (its sleeps and waits check {@link #stopped} and the state themselves). */
    private void wakeFetcher() {
        KafkaConsumer<byte[], byte[]> c = consumer;
        if (c != null) c.wakeup();
    }

    private long now() {
        return node.clock().millis();
    }

    // ---- the fetcher thread -----------------------------------------------------------------------

    private void fetchLoop() {
        try {
            String wantReplid = null;
            while (!stopped && !state.ended()) {
                long start = bootstrap(wantReplid);
                if (start < 0) return;
                reloadReplid = null;
                follow(start);
                wantReplid = reloadReplid;
                if (wantReplid == null) return;
                LOG.warn("Kafka replica: the stream changed history (replid {}): loading a snapshot of it", wantReplid);
            }
        } catch (InterruptedException | WakeupException e) {
            // stopped
        } catch (RuntimeException e) {
            if (!stopped) {
                String why = e.getMessage() == null ? e.toString() : e.getMessage();
                node.execute(() -> fail(State.FAILED, why));
            }
        } finally {
            KafkaConsumer<byte[], byte[]> c = consumer;
            consumer = null;
            if (c != null) c.close(Duration.ofSeconds(5));
        }
    }

    /**
     * Finds the snapshot to start from (and the point in time's Kafka offset), loads it unless
     * the node's own data continues it, and returns the stream topic's Kafka offset where
     * replay starts; -1 when it ended (stopped, failed).
     */
    private long bootstrap(String wantReplid) throws InterruptedException {
        setStateFromFetcher(State.WAITING_SNAPSHOT);
        long boundRepl = Long.MAX_VALUE;
        if (settings.atOffset() >= 0) boundRepl = settings.atOffset();
        if (settings.atTime() != null && wantReplid == null) {
            long[] t = timeTarget(settings.atTime());
            targetKafkaOffset = t[0];
            boundRepl = t[1];
            LOG.info("Point in time {}: the stream up to Kafka offset {} (repl offset {})", settings.atTime(), t[0],
                    t[1] == Long.MAX_VALUE ? "end" : Long.toString(t[1]));
        }
        long bound = boundRepl;
        Predicate<SnapshotStore.Manifest> accept = m -> m.replOffset() <= bound
                && (wantReplid == null || m.replid().equals(wantReplid))
                && (targetKafkaOffset < 0 || m.streamKafkaOffset() <= targetKafkaOffset);
        long deadline = System.currentTimeMillis() + SNAPSHOT_WAIT_MILLIS;
        SnapshotStore.Snapshot snap;
        boolean logged = false;
        for (;;) {
            if (stopped) return -1;
            snap = SnapshotStore.latest(settings.client(), settings.layout(), accept);
            if (snap != null) break;
            String why = "no complete snapshot in " + settings.layout().snapshotTopic()
                    + (wantReplid != null ? " of replid " + wantReplid : "")
                    + (settings.pointInTime() ? " at or before " + target() : "");
            if (settings.pointInTime() || (wantReplid != null && System.currentTimeMillis() > deadline)) {
                node.execute(() -> fail(State.FAILED, why));
                return -1;
            }
            if (!logged) {
                LOG.warn("Kafka replica: {} yet; waiting for the bridge to publish one", why);
                logged = true;
            }
            lastError = why;
            for (int i = 0; i < 10 && !stopped; i++) Thread.sleep(100);
        }
        SnapshotStore.Manifest m = snap.manifest();
        snapshotId = m.replid() + ":" + m.replOffset();
        snapshotSize = m.size();
        snapshotLoaded = 0;
        lastError = null;
        // a restart: the node's own data (RDB + replication log) continues this snapshot's history
        ReplicationStream s = node.stream();
        if (wantReplid == null && !settings.pointInTime() && s.replid().equals(m.replid()) && s.offset() >= m.replOffset()
                && node.keyspace().totalKeys() + s.offset() > 0) {
            long resumeAt = s.offset();
            LOG.info("Kafka replica: the local dataset is at offset {} of replid {}: resuming from Kafka offset {} without loading snapshot {}",
                    resumeAt, m.replid(), m.streamKafkaOffset(), snapshotId);
            startedFrom = "resumed";
            CompletableFuture<Void> done = new CompletableFuture<>();
            node.execute(() -> {
                startApplying(m.replid(), resumeAt, s.streamDb());
                done.complete(null);
            });
            await(done);
            return m.streamKafkaOffset();
        }
        setStateFromFetcher(State.LOADING_SNAPSHOT);
        LOG.info("Kafka replica: loading snapshot {} ({} bytes, replay from Kafka offset {})", snapshotId, m.size(), m.streamKafkaOffset());
        long t0 = System.nanoTime();
        Config cfg = node.config();
        RdbLoader.Result r;
        try {
            r = RdbLoader.loadNew(new ByteArrayInputStream(snap.rdb()), node.keyspace().size(), node.clock(), -1,
                    cfg.getBool("rdbchecksum"), RdbReader.Limits.from(cfg));
        } catch (java.io.IOException | RuntimeException e) {
            String why = "snapshot " + snapshotId + " does not load: " + e.getMessage();
            node.execute(() -> fail(State.FAILED, why));
            return -1;
        }
        snapshotLoaded = m.size();
        LOG.info("Kafka replica: snapshot {} loaded in {} s: {} keys", snapshotId,
                String.format(Locale.ROOT, "%.3f", (System.nanoTime() - t0) / 1e9), r.keysLoaded);
        CompletableFuture<Void> done = new CompletableFuture<>();
        node.execute(() -> {
            if (!stopped) swapIn(r.keyspace, m, r.replStreamDb);
            done.complete(null);
        });
        await(done);
        return stopped ? -1 : m.streamKafkaOffset();
    }

    private void await(CompletableFuture<Void> f) throws InterruptedException {
        try {
            f.get();
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    private void setStateFromFetcher(State s) {
        node.execute(() -> {
            if (!stopped && !state.ended()) setState(s, "bootstrap");
        });
    }

    /**
     * The point in time as Kafka offsets: {offset of the first stream record at or after the
     * time (replay stops before it), repl start offset of that record}; {end, MAX} when none is.
     */
    private long[] timeTarget(Instant at) {
        Properties p = consumerProperties();
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            c.assign(List.of(streamPartition));
            OffsetAndTimestamp o = c.offsetsForTimes(Map.of(streamPartition, at.toEpochMilli())).get(streamPartition);
            if (o == null) return new long[]{c.endOffsets(List.of(streamPartition)).get(streamPartition), Long.MAX_VALUE};
            c.seek(streamPartition, o.offset());
            long deadline = System.currentTimeMillis() + 30_000;
            while (System.currentTimeMillis() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
                    return new long[]{r.offset(), StreamRecord.from(r).start()};
                }
            }
            return new long[]{o.offset(), Long.MAX_VALUE};
        }
    }

    private Properties consumerProperties() {
        Properties p = settings.client();
        p.put("isolation.level", "read_committed");
        p.put("enable.auto.commit", "false");
        p.putIfAbsent("max.partition.fetch.bytes", Integer.toString(8 * 1024 * 1024));
        p.putIfAbsent("fetch.max.bytes", Integer.toString(16 * 1024 * 1024));
        p.putIfAbsent("fetch.max.wait.ms", "10"); // read_committed: a fetch parked before a commit marker waits this long (the visibility tail)
        p.putIfAbsent("client.id", "meridian-replica-" + settings.layout().cluster());
        return p;
    }

    /** Polls the stream topic from kafkaOffset and hands the records to the command thread until it ends. */
    private void follow(long kafkaOffset) throws InterruptedException {
        KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(consumerProperties(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
        consumer = c;
        if (stopped) return;
        c.assign(List.of(streamPartition));
        c.seek(streamPartition, kafkaOffset);
        fetchPosition = kafkaOffset;
        long lastEndCheck = 0;
        boolean first = true;
        try {
            while (!stopped && !state.ended() && reloadReplid == null) {
                ConsumerRecords<byte[], byte[]> polled = c.poll(Duration.ofMillis(200));
                long now = now();
                lastPollAt = now;
                if (first) {
                    first = false;
                    node.execute(() -> {
                        if (!stopped && !state.ended() && reloadReplid == null) setState(State.FOLLOWING, "following " + settings.describe());
                    });
                }
                if (now - lastEndCheck >= 500) {
                    lastEndCheck = now;
                    endOffset = c.endOffsets(List.of(streamPartition)).get(streamPartition);
                }
                List<Item> batch = new ArrayList<>(polled.count());
                int bytes = 0;
                boolean targetReached = false;
                for (ConsumerRecord<byte[], byte[]> r : polled) {
                    if (targetKafkaOffset >= 0 && r.offset() >= targetKafkaOffset) {
                        targetReached = true;
                        break;
                    }
                    StreamRecord sr = StreamRecord.from(r);
                    batch.add(new Item(r.offset(), r.timestamp(), sr));
                    bytes += sr.payload().length;
                    if (sr.end() > headReplOffset) headReplOffset = sr.end();
                }
                fetchPosition = c.position(streamPartition);
                if (targetKafkaOffset >= 0 && fetchPosition >= targetKafkaOffset) targetReached = true;
                if (!batch.isEmpty()) {
                    int permits = Math.min(bytes, MAX_IN_FLIGHT);
                    while (!inFlight.tryAcquire(permits, 100, TimeUnit.MILLISECONDS)) {
                        if (stopped || state.ended()) return;
                    }
                    recordsQueued += batch.size();
                    node.execute(() -> applyBatch(batch, permits));
                }
                if (targetReached) {
                    node.execute(this::targetReached);
                    return;
                }
            }
        } catch (WakeupException e) {
            // stopped, or a reload asked for
        } finally {
            consumer = null;
            c.close(Duration.ofSeconds(5));
        }
    }

    // ---- the command thread ----------------------------------------------------------------------

    /** The snapshot's dataset replaces the served one; its history becomes the node's. */
    private void swapIn(Keyspace loaded, SnapshotStore.Manifest m, int streamDb) {
        ReplicaOf.disconnectReplicas(node); // sub-replicas resync with the new history
        long dirty = node.stats().dirty;
        node.keyspace().replaceWith(loaded);
        node.stats().dirty = dirty + 1;
        ReplicationStream s = node.stream();
        int db = streamDb >= 0 && streamDb < node.keyspace().size() ? streamDb : 0;
        s.reset(m.replid(), m.replOffset(), db);
        s.setSecondary(NO_REPLID2, -1);
        WriteAheadLog w = node.wal();
        if (w != null) s.append(EMPTY); // the log restarts at the snapshot's offset
        startApplying(m.replid(), m.replOffset(), db);
        startedFrom = "snapshot";
        LOG.info("Kafka replica: dataset of snapshot {} in use, {} keys", snapshotId, node.keyspace().totalKeys());
        if (w != null && !settings.pointInTime()) {
            // an RDB at the snapshot's offset under the replication log: a restart continues from its own data
            try {
                node.persistence().bgsave().exceptionally(e -> {
                    LOG.warn("Kafka replica: saving the loaded snapshot failed ({}): a restart loads it from Kafka again", e.getMessage());
                    return null;
                });
            } catch (IllegalStateException busy) {
                LOG.info("Kafka replica: a background save is already running; the next one records the loaded snapshot");
            }
        }
        if (settings.atOffset() >= 0 && m.replOffset() >= settings.atOffset()) targetReached();
    }

    /** The applier takes the stream from offset (the node's dataset is the state there). */
    private void startApplying(String replid, long offset, int db) {
        if (master != null) node.removeClient(master);
        master = node.newClient(null);
        master.kind = 'M';
        master.authenticated = true;
        master.replyOff = true;
        master.select(db >= 0 && db < node.keyspace().size() ? db : 0);
        applier = new StreamApplier(node, master, offset, ack -> { });
        gate = new ReplayGate(replid, offset, epoch);
    }

    void applyBatch(List<Item> batch, int permits) {
        recordsQueued -= batch.size();
        boolean keep = false;
        try {
            if (stopped || state.ended() || gate == null || reloadReplid != null) return;
            for (Item it : batch) {
                if (!offer(it)) return;
            }
            if (applier.waiting()) {
                // CLIENT PAUSE holds the master client: keep the bytes counted until it resumes
                waitingPermits += permits;
                keep = true;
            }
        } finally {
            if (!keep) inFlight.release(permits);
        }
    }

    /** One record through the gate; false when applying ends here. */
    private boolean offer(Item it) {
        ReplayGate.Decision d = gate.offer(it.record());
        switch (d.kind()) {
            case DUPLICATE -> duplicates++;
            case HELD -> { }
            case REJECTED_EPOCH -> {
                rejected++;
                if (rejected <= REJECTIONS_LOGGED) LOG.warn("Kafka replica: rejected at Kafka offset {}: {}", it.kafkaOffset(), d.detail());
            }
            case GAP -> {
                fail(State.STOPPED_GAP, "gap in " + settings.layout().streamTopic() + " at Kafka offset " + it.kafkaOffset() + ": "
                        + d.detail() + "; nothing past repl offset " + gate.next() + " is applied");
                return false;
            }
            case NEW_HISTORY -> {
                if (settings.pointInTime()) {
                    fail(State.FAILED, "the stream changes history before the point in time at Kafka offset " + it.kafkaOffset() + ": " + d.detail());
                    return false;
                }
                LOG.warn("Kafka replica: at Kafka offset {}: {}", it.kafkaOffset(), d.detail());
                reloadReplid = d.replid();
                setState(State.WAITING_SNAPSHOT, d.detail());
                wakeFetcher();
                return false;
            }
            case APPLY -> {
                if (d.replidChanged()) followNewReplid(d.replid(), d.start(), d.epoch());
                byte[] bytes = d.bytes();
                long target = settings.atOffset();
                if (target >= 0 && d.end() > target) bytes = java.util.Arrays.copyOf(bytes, (int) Math.max(0, target - d.start()));
                try {
                    applier.apply(Unpooled.wrappedBuffer(bytes));
                } catch (StreamApplier.ProtocolException e) {
                    fail(State.FAILED, e.getMessage() + " (Kafka offset " + it.kafkaOffset() + ")");
                    return false;
                }
                epoch = gate.epoch();
                lastAppliedTimestamp = it.timestamp();
                lastAppliedKafkaOffset = it.kafkaOffset();
                if (target >= 0 && d.end() >= target) {
                    targetReached();
                    return false;
                }
            }
        }
        return true;
    }

    /** PSYNC2 through Kafka: the new replid continues this history; the old one becomes replid2. */
    private void followNewReplid(String replid, long at, long newEpoch) {
        ReplicationStream s = node.stream();
        String old = s.replid();
        s.reset(replid, s.offset(), s.streamDb());
        s.setSecondary(old, s.offset() + 1);
        LOG.info("Kafka replica: the stream continues under replid {} at offset {} (epoch {}); {} kept as replid2", replid, at, newEpoch, old);
        ReplicaOf.disconnectReplicas(node); // they must learn the new replid; they come back with a partial resync
    }

    private void targetReached() {
        if (stopped || state.ended()) return;
        long at = replOffset();
        LOG.info("Kafka replica: point in time reached ({}): the dataset is the stream up to offset {}; nothing more is applied", target(), at);
        setState(State.AT_TARGET, "point in time reached");
        wakeFetcher();
    }
}
