package io.meridian.node.persist;

import io.meridian.node.Node;
import io.meridian.node.config.Config;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A node's replication log as its write-ahead log: opens {@code <dir>/replication-log},
 * restores the dataset and the stream's identity from it at start, then records every byte
 * of the stream ({@link LogAppender}), syncs it as {@code appendfsync} says
 * ({@link GroupCommitter}), holds replies until their writes are safe ({@link ReplyGate}),
 * and trims it to {@code repl-backlog-size} / {@code repl-backlog-ttl}.
 *
 * <p>Start-up order: load the newest snapshot first (it sets the stream's replid and
 * offset), then {@link #open(Node, long, int)} with the snapshot's repl offset and stream
 * db; without a snapshot, {@link #open(Node)} replays from the log's base (the offset where
 * the dataset was empty).
 */
public final class WriteAheadLog {
    private static final Logger LOG = LoggerFactory.getLogger("meridian");
    public static final String DIRECTORY = "replication-log";

    private final Node node;
    private final ReplicationLog log;
    private final ReplyGate gate;
    private volatile FsyncPolicy policy;
    private LogAppender appender;
    private GroupCommitter committer;
    /** Set once writing or syncing failed: writes are refused until restart. */
    private volatile String failure;
    /** Set by close(): turns and crons that were already scheduled do nothing. */
    private volatile boolean closed;
    private LogRecovery.Result recovery;
    /** The oldest offset a reader still needs (replicas catching up after a full sync): trimming keeps it. */
    private volatile java.util.function.LongSupplier retention = () -> Long.MAX_VALUE;

    private WriteAheadLog(Node node, ReplicationLog log) {
        this.node = node;
        this.log = log;
        this.gate = node.replyGate();
    }

    /** The log's directory for a node's config. */
    public static Path directory(Config config) {
        return Path.of(config.getString("dir"), DIRECTORY);
    }

    /** Opens the log with no snapshot loaded: a fresh one starts here, an old one is replayed from its base. */
    public static WriteAheadLog open(Node node) {
        return open(node, -1, -1);
    }

    /**
     * Opens the log, replays it into the keyspace from snapshotOffset (the loaded snapshot's
     * repl offset; -1 for none), restores the stream's identity and offset, and starts
     * recording. Throws, naming the offset, when a record is corrupt (unless
     * {@code log-truncate-on-corruption yes}, which truncates there and says so).
     */
    public static WriteAheadLog open(Node node, long snapshotOffset, int snapshotDb) {
        Path dir = directory(node.config());
        ReplicationLog log = ReplicationLog.open(dir);
        WriteAheadLog wal = new WriteAheadLog(node, log);
        try {
            wal.recover(snapshotOffset, snapshotDb);
            wal.attach();
        } catch (RuntimeException e) {
            log.close();
            throw e;
        }
        return wal;
    }

    private void recover(long snapshotOffset, int snapshotDb) {
        var stream = node.stream();
        LogMeta meta = log.meta();
        // a dataset is there already: an RDB was loaded (with or without replication info)
        boolean loaded = node.keyspace().totalKeys() > 0 || snapshotOffset >= 0;
        if (meta == null) {
            long at = stream.offset();
            // on a loaded RDB without an offset of its own, that RDB is the state at this offset
            log.initialize(stream.replid(), stream.replid2(), stream.secondReplOffset(), at,
                    loaded ? -1 : at, snapshotOffset >= 0 ? snapshotOffset : loaded ? at : -1);
            LOG.info("Replication log created in {} at offset {}", log.dir(), at);
            return;
        }
        long from;
        if (snapshotOffset >= 0) {
            if (!sameHistory(meta, stream.replid(), snapshotOffset)) {
                LOG.warn("Replication log in {} belongs to replid {} but the RDB to {} offset {}: the log restarts at the RDB",
                        log.dir(), meta.replid(), stream.replid(), snapshotOffset);
                log.initialize(stream.replid(), stream.replid2(), stream.secondReplOffset(), stream.offset(), -1, snapshotOffset);
                return;
            }
            from = snapshotOffset;
        } else if (loaded) {
            // the RDB on disk records no offset: it is the one the log was started on, if any
            from = meta.snapshotOffset();
        } else {
            from = meta.baseOffset();
        }
        if (from < 0) {
            // nothing the log can be replayed onto: the dataset stays as loaded, under a new replid
            LOG.warn("Replication log in {} has no snapshot or base to replay from: it restarts at offset {} under replid {}",
                    log.dir(), stream.offset(), stream.replid());
            log.initialize(stream.replid(), stream.replid2(), stream.secondReplOffset(), stream.offset(),
                    loaded ? -1 : stream.offset(), loaded ? stream.offset() : -1);
            return;
        }
        if (from > log.lastOffset()) {
            LOG.warn("Replication log ends at {} before the snapshot's offset {}: the log restarts at the snapshot", log.lastOffset(), from);
            log.initialize(stream.replid(), stream.replid2(), stream.secondReplOffset(), from, -1, from);
            return;
        }
        if (from < log.firstOffset()) {
            throw new IllegalStateException("Replication log in " + log.dir() + " starts at offset " + log.firstOffset()
                    + " but recovery needs it from offset " + from + ": records are missing. Refusing to start.");
        }
        long t0 = System.nanoTime();
        LogRecovery.Result r = LogRecovery.replay(node, log, from, snapshotDb);
        recovery = r;
        if (r.damage() != null && !node.config().getBool("log-truncate-on-corruption")) {
            throw r.damage().withAdvice("Log: " + log.dir() + ". Refusing to start: set log-truncate-on-corruption yes"
                    + " to drop the log from offset " + r.damage().offset() + " on");
        }
        if (r.applied() < log.lastOffset()) {
            long last = log.lastOffset();
            ReplicationLog.TruncateResult t = log.truncate(r.applied());
            if (r.damage() != null) {
                LOG.warn("{}. log-truncate-on-corruption is yes: truncated the log at offset {}, dropping {} bytes (offsets {}..{}) in {} records",
                        r.damage().getMessage(), t.offset(), t.bytes(), t.offset(), last, t.records());
            } else {
                LOG.warn("Replication log ends inside a command: dropped the incomplete tail, {} bytes from offset {}", t.bytes(), t.offset());
            }
        }
        stream.reset(meta.replid(), r.applied(), r.streamDb());
        stream.setSecondary(meta.replid2(), meta.secondReplOffset());
        stream.setHistory(io.meridian.node.repl.ReplicationStream.decodeHistory(log.replidHistory()));
        LOG.info("Replication log replayed: {} commands, offsets {}..{} in {} ms{}; replid {} offset {}",
                r.commands(), from, r.applied(), (System.nanoTime() - t0) / 1_000_000,
                r.errors() > 0 ? " (" + r.errors() + " answered errors)" : "", meta.replid(), r.applied());
    }

    /** Whether the log continues the stream an RDB with this replid and offset was taken from. */
    /**
     * Whether an RDB of (replid, offset) lies on the log's history: the log's replid, replid2 up
     * to second_repl_offset, or an older replid the log recorded (a replica that loaded a full
     * sync, then followed two failovers, restarts from that RDB and replays its log).
     */
    private boolean sameHistory(LogMeta meta, String replid, long offset) {
        if (replid.equals(meta.replid()) || replid.equals(meta.replid2()) && offset < meta.secondReplOffset()) return true;
        for (io.meridian.node.repl.ReplicationStream.Past p : io.meridian.node.repl.ReplicationStream.decodeHistory(log.replidHistory())) {
            if (p.replid().equals(replid) && offset < p.validUpTo()) return true;
        }
        return false;
    }

    private void attach() {
        Config config = node.config();
        policy = FsyncPolicy.of(config.getString("appendfsync"));
        config.watch("appendfsync", c -> policy = FsyncPolicy.of(c.getString("appendfsync")));
        long at = log.lastOffset();
        committer = new GroupCommitter(log, at, () -> policy, node.clock(),
                offset -> node.loop().execute(() -> gate.release(offset)),
                e -> node.loop().execute(() -> fail(e)),
                this::trim);
        appender = new LogAppender(log, node.stream(), node.clock(),
                () -> node.loop().execute(this::endOfTurn),
                this::written,
                this::restarted,
                () -> policy == FsyncPolicy.ALWAYS);
        gate.enable(at);
        node.stream().addListener(appender);
        node.addCron(this::cron);
        committer.start();
    }

    /** End of a command-thread turn: write the turn's bytes, then release or ask for a sync. */
    private void endOfTurn() {
        if (failure != null || closed) return;
        try {
            appender.flush();
        } catch (RuntimeException e) {
            fail(e);
        }
        node.server().flushAll();
    }

    private void written(long end) {
        committer.written(end);
        if (policy == FsyncPolicy.ALWAYS) committer.requestSync(end);
        else gate.release(end);
    }

    private void restarted(long offset) {
        committer.restart(offset);
        gate.restart(offset);
        LOG.info("Replication stream restarted at offset {} (replid {}): replication log reset", offset, node.stream().replid());
    }

    private void fail(RuntimeException e) {
        if (failure == null) {
            failure = e.getMessage();
            LOG.warn("Can't write the replication log: {}. Writes are refused until restart.", e.getMessage());
        }
        node.stream().removeListener(appender);
        gate.fail();
        gate.disable();
    }

    private void cron() {
        if (failure != null || closed) return;
        try {
            appender.checkStream();
        } catch (RuntimeException e) {
            fail(e);
        }
    }

    private void trim() {
        Config c = node.config();
        long dropped = log.trim(c.getLong("repl-backlog-size"), c.getLong("repl-backlog-ttl") * 1000, node.clock().millis(),
                retention.getAsLong());
        if (dropped > 0) LOG.debug("Replication log trimmed {} bytes; now {}..{}", dropped, log.firstOffset(), log.lastOffset());
    }

    // ---- for replication (PSYNC), snapshots and INFO -------------------------------------

    public ReplicationLog log() {
        return log;
    }

    public long firstOffset() {
        return log.firstOffset();
    }

    /** The stream offset the log reaches, counting what this turn has not written yet. */
    public long lastOffset() {
        return appender.next();
    }

    /** The offset up to which the log is synced to disk. */
    public long durableOffset() {
        return committer.synced();
    }

    public FsyncPolicy policy() {
        return policy;
    }

    /** fsyncs done so far (group commit: far fewer than writes under load). */
    public long syncs() {
        return committer.syncs();
    }

    /** Microseconds spent in fsync so far. */
    public long syncMicros() {
        return committer.syncNanos() / 1000;
    }

    /** RocksDB writes done so far (one per command-thread turn with writes). */
    public long batches() {
        return appender.batches();
    }

    /** Why writes are refused (the log could not be written or synced), or null. */
    public String failure() {
        return failure;
    }

    /** What start-up replayed, or null when the log was new. */
    public LogRecovery.Result recovery() {
        return recovery;
    }

    /**
     * Streams the log from offset (0-based: the number of stream bytes before it; a PSYNC
     * asking for offset N+1 reads from N) to the stream's current end. Call on the command
     * thread: it first writes what this turn appended; later bytes come from the stream.
     */
    public LogReader read(long offset) {
        if (node.loop().inEventLoop() && failure == null) appender.flush();
        return log.read(offset);
    }

    /**
     * Sets who says the oldest offset still to be read (Long.MAX_VALUE for none): trimming,
     * by size or age, never drops it. Called from the log's background thread.
     */
    public void setRetention(java.util.function.LongSupplier oldestNeeded) {
        this.retention = oldestNeeded;
    }

    /**
     * Writes what this turn appended now (on the command thread), so whatever is sent on —
     * to replicas — is in the log first: a master killed right after cannot come back behind
     * its replicas.
     */
    public void writeTurn() {
        if (failure == null && !closed && node.loop().inEventLoop()) appender.flush();
    }

    /** A durable snapshot of the dataset at offset exists (the RDB writer calls this after its rename). */
    public void markSnapshot(long offset) {
        log.markSnapshot(offset);
    }

    /** Writes and syncs what is pending, stops the background thread and closes the log. */
    public void close() {
        if (closed) return;
        try {
            if (node.loop().inEventLoop()) {
                endOfTurnQuietly();
            } else if (!node.loop().isShuttingDown()) {
                node.loop().submit(this::endOfTurnQuietly).get(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            LOG.warn("Replication log: last write at shutdown failed: {}", e.toString());
        }
        node.stream().removeListener(appender);
        closed = true;
        committer.stop();
        log.close();
    }

    private void endOfTurnQuietly() {
        // on the command thread: no append can slip in between the last write and detaching
        if (failure == null) appender.flush();
        node.stream().removeListener(appender);
        closed = true;
    }
}
