package io.meridian.node.snapshot;

import io.meridian.node.Node;
import io.meridian.node.config.Config;
import io.meridian.node.keyspace.Keyspace;
import io.meridian.node.rdb.RdbException;
import io.meridian.node.rdb.RdbLoader;
import io.meridian.node.rdb.RdbReader;
import io.meridian.node.rdb.RdbWriter;
import io.meridian.node.repl.ReplicationStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The RDB side of persistence, as Redis's rdb.c + the save points of serverCron: SAVE,
 * BGSAVE (a fork-less {@link Snapshot} to a {@link FileSink}), save points, the MISCONF write
 * guard, loading at start-up with progress, and INFO persistence. Runs on the command thread.
 */
public final class Persistence {
    private static final Logger LOG = LoggerFactory.getLogger(Persistence.class);
    /** After a failed BGSAVE, save points wait this long before trying again (CONFIG_BGSAVE_RETRY_DELAY). */
    private static final long RETRY_DELAY_MS = 5000;
    public static final String MISCONF = "MISCONF Redis is configured to save RDB snapshots, but it's currently unable to persist to disk. "
            + "Commands that may modify the data set are disabled, because this instance is configured to report errors during writes "
            + "if RDB snapshotting fails (stop-writes-on-bgsave-error option). Please check the Redis logs for details about the RDB error.";

    private final Node node;
    private final Config config;
    private Snapshot bgsave;
    private long bgsaveStartedAt = -1;
    private long dirtyAtBgsaveStart;
    private long lastSaveMillis;
    private long lastBgsaveTryMillis;
    private boolean lastBgsaveOk = true;
    private long lastBgsaveSeconds = -1;
    private long saves;
    private long dirtyAtLastSave;
    private final List<CompletableFuture<Void>> bgsaveWaiters = new ArrayList<>();
    // loading progress (read by INFO from the command thread while loading runs there too)
    private volatile boolean loading;
    private volatile long loadingStartMillis;
    private volatile long loadingTotalBytes;
    private volatile long loadingLoadedBytes;
    private volatile long loadingRdbUsedMem;
    private long lastLoadKeysLoaded;
    /** The last background save's peak in-flight bytes (rdb_last_cow_size). */
    private long lastSnapshotHeld;
    private long lastLoadKeysExpired;

    public Persistence(Node node) {
        this.node = node;
        this.config = node.config();
        this.lastSaveMillis = node.clock().millis();
    }

    public Path rdbPath() {
        return Path.of(config.getString("dir")).resolve(config.getString("dbfilename"));
    }

    public boolean bgsaveInProgress() {
        return bgsave != null;
    }

    public long lastSaveSeconds() {
        return lastSaveMillis / 1000;
    }

    public long changesSinceLastSave() {
        return node.stats().dirty - dirtyAtLastSave;
    }

    /** The MISCONF refusal while the last background save failed and save points are on, else null. */
    public String writeRefusal() {
        if (!lastBgsaveOk && config.getBool("stop-writes-on-bgsave-error") && !config.savePoints().isEmpty()) return MISCONF;
        return null;
    }

    // ---- SAVE / BGSAVE -------------------------------------------------------------------

    /** SAVE: the whole dataset, synchronously on the command thread (as Redis's SAVE blocks). */
    public void save() throws IOException {
        if (bgsave != null) throw new IllegalStateException("ERR Background save already in progress");
        Path target = rdbPath();
        Path temp = target.resolveSibling("temp-" + ProcessHandle.current().pid() + ".rdb");
        long t0 = System.nanoTime();
        long s0offset = node.stream().offset();
        try (var ch = java.nio.channels.FileChannel.open(temp, java.nio.file.StandardOpenOption.CREATE,
                java.nio.file.StandardOpenOption.TRUNCATE_EXISTING, java.nio.file.StandardOpenOption.WRITE);
             var out = new java.io.BufferedOutputStream(java.nio.channels.Channels.newOutputStream(ch), 1 << 16)) {
            ReplicationStream s = node.stream();
            RdbWriter.save(node.keyspace(), out, RdbWriter.Options.from(config), Node.REDIS_VERSION, usedMemory(),
                    new RdbWriter.ReplInfo(s.replid(), s.offset(), Math.max(0, s.streamDb())));
            out.flush();
            ch.force(true);
        } catch (IOException e) {
            Files.deleteIfExists(temp);
            LOG.warn("Failed opening the temp RDB file {} (in server root dir {}) for saving: {}", temp.getFileName(), config.getString("dir"), e.getMessage());
            throw e;
        }
        Files.move(temp, target, java.nio.file.StandardCopyOption.ATOMIC_MOVE, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        FileSink.syncDirectory(target.toAbsolutePath().getParent());
        LOG.info("DB saved on disk");
        if (node.wal() != null) node.wal().markSnapshot(s0offset);
        dirtyAtLastSave = node.stats().dirty;
        lastSaveMillis = node.clock().millis();
        lastBgsaveOk = true;
        saves++;
        LOG.debug("SAVE took {} ms", (System.nanoTime() - t0) / 1_000_000);
    }

    /**
     * BGSAVE: starts a fork-less snapshot to the RDB file. Returns the future of its end; throws
     * IllegalStateException with Redis's error text when one is already running.
     */
    public CompletableFuture<Void> bgsave() {
        if (bgsave != null) throw new IllegalStateException("ERR Background save already in progress");
        Path target = rdbPath();
        ReplicationStream s = node.stream();
        lastBgsaveTryMillis = node.clock().millis();
        dirtyAtBgsaveStart = node.stats().dirty;
        bgsaveStartedAt = node.clock().millis();
        Snapshot snap = Snapshot.start(node.keyspace(), s.replid(), s.offset(), Math.max(0, s.streamDb()), usedMemory(),
                RdbWriter.Options.from(config), List.of(new FileSink(target)), node.loop());
        bgsave = snap;
        LOG.info("Background saving started (fork-less snapshot at version {}, {} keys, repl offset {})",
                snap.info().version(), snap.info().keys(), snap.info().replOffset());
        CompletableFuture<Void> result = new CompletableFuture<>();
        snap.done().whenComplete((info, error) -> node.execute(() -> bgsaveDone(snap, error, result)));
        return result;
    }

    private void bgsaveDone(Snapshot snap, Throwable error, CompletableFuture<Void> result) {
        if (bgsave != snap) return;
        bgsave = null;
        long elapsed = node.clock().millis() - bgsaveStartedAt;
        lastBgsaveSeconds = elapsed / 1000;
        bgsaveStartedAt = -1;
        if (error == null) {
            LOG.info("DB saved on disk");
            LOG.info("Background saving terminated with success ({} keys, {} bytes, {} ms)", snap.keysWritten(), snap.bytesWritten(), elapsed);
            lastBgsaveOk = true;
            lastSnapshotHeld = snap.peakBytesHeld();
            if (node.wal() != null) node.wal().markSnapshot(snap.info().replOffset());
            dirtyAtLastSave = dirtyAtBgsaveStart;
            lastSaveMillis = snap.info().startedAt();
            saves++;
            result.complete(null);
        } else {
            Throwable cause = error instanceof java.util.concurrent.CompletionException && error.getCause() != null ? error.getCause() : error;
            LOG.warn("Background saving error: {}", cause.toString());
            lastBgsaveOk = false;
            result.completeExceptionally(cause);
        }
        for (CompletableFuture<Void> w : bgsaveWaiters) {
            if (error == null) w.complete(null);
            else w.completeExceptionally(error);
        }
        bgsaveWaiters.clear();
    }

    /** Completes when the running background save ends (now when none runs). */
    public CompletableFuture<Void> whenBgsaveDone() {
        if (bgsave == null) return CompletableFuture.completedFuture(null);
        CompletableFuture<Void> f = new CompletableFuture<>();
        bgsaveWaiters.add(f);
        return f;
    }

    /** Save points (serverCron): BGSAVE when enough changes happened in enough time. */
    public void cron() {
        if (bgsave != null) {
            logProgress();
            return;
        }
        long now = node.clock().millis();
        long changes = changesSinceLastSave();
        if (changes == 0) return;
        for (long[] p : config.savePoints()) {
            long seconds = p[0], needed = p[1];
            if (changes >= needed && now - lastSaveMillis > seconds * 1000
                    && (lastBgsaveOk || now - lastBgsaveTryMillis > RETRY_DELAY_MS)) {
                LOG.info("{} changes in {} seconds. Saving...", needed, seconds);
                bgsave();
                return;
            }
        }
    }

    private long lastProgressLog;

    private void logProgress() {
        long now = System.nanoTime();
        if (now - lastProgressLog < 5_000_000_000L) return;
        lastProgressLog = now;
        Snapshot s = bgsave;
        long total = Math.max(1, s.info().keys());
        LOG.info("Background saving: {}% ({} of {} keys, {} bytes written)", Math.min(100, s.keysWritten() * 100 / total),
                s.keysWritten(), s.info().keys(), s.bytesWritten());
    }

    /**
     * SHUTDOWN's persistence step (finishShutdown): stop a running background save, then the
     * final SAVE when SAVE was given or save points exist and NOSAVE was not.
     */
    public String shutdownStep(io.meridian.node.server.Shutdown.Options o) {
        if (bgsave != null) {
            LOG.warn("There is a child saving an .rdb. Killing it!");
            Snapshot s = bgsave;
            bgsave = null;
            s.abort(new IOException("shutdown"));
        }
        boolean save = o.save() || (!o.noSave() && !config.savePoints().isEmpty());
        if (!save) return null;
        LOG.info("Saving the final RDB snapshot before exiting.");
        try {
            save();
            return null;
        } catch (IOException | RuntimeException e) {
            LOG.warn("Error trying to save the DB, can't exit.");
            return "Error trying to save the DB: " + e.getMessage();
        }
    }

    // ---- loading -------------------------------------------------------------------------

    /** What start-up found on disk; null when there was no RDB file. */
    public RdbLoader.Result loadAtStartup() throws IOException {
        Path path = rdbPath();
        long size;
        try {
            size = Files.size(path);
        } catch (NoSuchFileException e) {
            return null;
        }
        return load(path, size, node.keyspace());
    }

    /** Loads an RDB file into target (empty), with progress in INFO and the log; throws on any damage. */
    public RdbLoader.Result load(Path path, long size, Keyspace target) throws IOException {
        loading = true;
        node.setLoading(true);
        loadingStartMillis = node.clock().millis();
        loadingTotalBytes = size;
        loadingLoadedBytes = 0;
        long t0 = System.nanoTime();
        try (InputStream in = new Counting(new BufferedInputStream(Files.newInputStream(path), 1 << 16))) {
            RdbLoader.Result r = RdbLoader.load(in, target, node.isReplica() ? -1 : node.clock().millis(),
                    config.getBool("rdbchecksum"), RdbReader.Limits.from(config));
            String ver = r.auxText("redis-ver");
            if (ver != null) LOG.info("Loading RDB produced by version {}", ver);
            String ctime = r.auxText("ctime");
            if (ctime != null) {
                try {
                    LOG.info("RDB age {} seconds", node.clock().millis() / 1000 - Long.parseLong(ctime));
                } catch (NumberFormatException ignored) {
                    // a foreign writer's odd ctime: the age is only informative
                }
            }
            String mem = r.auxText("used-mem");
            if (mem != null) {
                try {
                    loadingRdbUsedMem = Long.parseLong(mem);
                    LOG.info("RDB memory usage when created {} Mb", String.format("%.2f", loadingRdbUsedMem / 1024.0 / 1024.0));
                } catch (NumberFormatException ignored) {
                    // informative only
                }
            }
            LOG.info("Done loading RDB, keys loaded: {}, keys expired: {}.", r.keysLoaded, r.keysExpired);
            LOG.info("DB loaded from disk: {} seconds", String.format("%.3f", (System.nanoTime() - t0) / 1e9));
            lastLoadKeysLoaded = r.keysLoaded;
            lastLoadKeysExpired = r.keysExpired;
            return r;
        } catch (RdbException e) {
            LOG.warn("Short read or corrupt RDB {}: {}", path, e.getMessage());
            throw e;
        } finally {
            loading = false;
            node.setLoading(false);
        }
    }

    /** Counts bytes read, for loading_loaded_bytes. */
    private final class Counting extends FilterInputStream {
        Counting(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) loadingLoadedBytes++;
            return b;
        }

        private long nextReport = System.nanoTime() + 5_000_000_000L;

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                loadingLoadedBytes += n;
                long now = System.nanoTime();
                if (now > nextReport) {
                    // a long load shows where it is, like a long BGSAVE
                    nextReport = now + 5_000_000_000L;
                    LOG.info("Loading RDB: {}% ({} of {} bytes)", loadingTotalBytes == 0 ? 0 : loadingLoadedBytes * 100 / loadingTotalBytes,
                            loadingLoadedBytes, loadingTotalBytes);
                }
            }
            return n;
        }
    }

    // ---- INFO ----------------------------------------------------------------------------

    public String info() {
        StringBuilder sb = new StringBuilder();
        long now = node.clock().millis();
        Snapshot s = bgsave;
        sb.append("loading:").append(loading ? 1 : 0).append("\r\n");
        // a replica's full sync loads into a fresh keyspace while the old one is served (Redis's swapdb
        // way of loading, async_loading), whatever repl-diskless-load says: clients never wait on LOADING
        io.meridian.node.repl.UpstreamLink up = node.isReplica() ? node.upstream() : null;
        sb.append("async_loading:").append(up != null && up.syncInProgress() ? 1 : 0).append("\r\n");
        if (loading) {
            long elapsed = Math.max(1, now - loadingStartMillis);
            double perc = loadingTotalBytes == 0 ? 0 : loadingLoadedBytes * 100.0 / loadingTotalBytes;
            long eta = loadingLoadedBytes == 0 ? 1 : (loadingTotalBytes - loadingLoadedBytes) * elapsed / loadingLoadedBytes / 1000;
            sb.append("loading_start_time:").append(loadingStartMillis / 1000).append("\r\n");
            sb.append("loading_total_bytes:").append(loadingTotalBytes).append("\r\n");
            sb.append("loading_rdb_used_mem:").append(loadingRdbUsedMem).append("\r\n");
            sb.append("loading_loaded_bytes:").append(loadingLoadedBytes).append("\r\n");
            sb.append("loading_loaded_perc:").append(String.format("%.2f", perc)).append("\r\n");
            sb.append("loading_eta_seconds:").append(eta).append("\r\n");
        }
        // a fork-less snapshot has no copy-on-write; what it holds instead is its in-flight bytes
        sb.append("current_cow_peak:").append(s == null ? 0 : s.peakBytesHeld()).append("\r\n");
        sb.append("current_cow_size:").append(s == null ? 0 : s.peakBytesHeld()).append("\r\n");
        sb.append("current_cow_size_age:0\r\n");
        double fork = s == null ? 0 : Math.min(100.0, s.keysWritten() * 100.0 / Math.max(1, s.info().keys()));
        sb.append("current_fork_perc:").append(String.format("%.2f", fork)).append("\r\n");
        sb.append("current_save_keys_processed:").append(s == null ? 0 : s.keysWritten()).append("\r\n");
        sb.append("current_save_keys_total:").append(s == null ? 0 : s.info().keys()).append("\r\n");
        sb.append("rdb_changes_since_last_save:").append(changesSinceLastSave()).append("\r\n");
        sb.append("rdb_bgsave_in_progress:").append(s == null ? 0 : 1).append("\r\n");
        sb.append("rdb_last_save_time:").append(lastSaveMillis / 1000).append("\r\n");
        sb.append("rdb_last_bgsave_status:").append(lastBgsaveOk ? "ok" : "err").append("\r\n");
        sb.append("rdb_last_bgsave_time_sec:").append(lastBgsaveSeconds).append("\r\n");
        sb.append("rdb_current_bgsave_time_sec:").append(s == null ? -1 : (now - bgsaveStartedAt) / 1000).append("\r\n");
        sb.append("rdb_saves:").append(saves).append("\r\n");
        sb.append("rdb_last_cow_size:").append(lastSnapshotHeld).append("\r\n");
        sb.append("rdb_last_load_keys_expired:").append(lastLoadKeysExpired).append("\r\n");
        sb.append("rdb_last_load_keys_loaded:").append(lastLoadKeysLoaded).append("\r\n");
        sb.append("aof_enabled:0\r\n");
        sb.append("aof_rewrite_in_progress:0\r\n");
        sb.append("aof_rewrite_scheduled:0\r\n");
        sb.append("aof_last_rewrite_time_sec:-1\r\n");
        sb.append("aof_current_rewrite_time_sec:-1\r\n");
        sb.append("aof_last_bgrewrite_status:ok\r\n");
        sb.append("aof_rewrites:0\r\n");
        sb.append("aof_rewrites_consecutive_failures:0\r\n");
        sb.append("aof_last_write_status:ok\r\n");
        sb.append("aof_last_cow_size:0\r\n");
        sb.append("module_fork_in_progress:0\r\n");
        sb.append("module_fork_last_cow_size:0\r\n");
        return sb.toString();
    }

    private static long usedMemory() {
        Runtime rt = Runtime.getRuntime();
        return rt.totalMemory() - rt.freeMemory();
    }
}
