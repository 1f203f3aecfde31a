package io.meridian.node.persist;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import java.util.function.Supplier;

/**
 * The log's background thread: fsyncs off the command thread and trims. Under
 * {@code always} the command thread writes each turn's records, then asks for a sync up to
 * their end; while one fsync runs, later turns' requests pile up and the next fsync covers
 * them all (group commit), so the number of fsyncs follows the disk, not the write rate.
 * Under {@code everysec} it syncs what was written once a second; under {@code no}, never.
 */
final class GroupCommitter implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger("meridian");
    /** Gathering stops once no request came for this long. */
    static final long QUIET_NANOS = 200_000;
    /** Gathering never delays a sync by more than this. */
    static final long MAX_GATHER_NANOS = 2_000_000;
    private final ReplicationLog log;
    private final Supplier<FsyncPolicy> policy;
    private final Clock clock;
    /** Told, on this thread, the offset up to which the log is now durable. */
    private final LongConsumer onDurable;
    /** Told, on this thread, that a sync failed: nothing after it can be promised. */
    private final Consumer<RuntimeException> onFailure;
    /** Runs about once a second on this thread (trimming). */
    private final Runnable maintenance;
    private final java.util.concurrent.locks.ReentrantLock lock = new java.util.concurrent.locks.ReentrantLock();
    private final java.util.concurrent.locks.Condition changed = lock.newCondition();
    /** Highest offset a writer waits to see synced (guarded by lock). */
    private long requested;
    /** When requested last grew (System.nanoTime; guarded by lock). */
    private long requestedAt;
    /** How long the last fsync took: the gathering window is a fraction of it. */
    private long lastSyncNanos;
    /** End of what the command thread has written to the log (not necessarily synced). */
    private volatile long written;
    private volatile long synced;
    private volatile boolean running = true;
    private volatile boolean failed;
    private long lastSync;
    private long nextMaintenance;
    private volatile long syncs;
    /** Time spent in fsync, for INFO and benchmarks. */
    private volatile long syncNanos;
    private Thread thread;

    GroupCommitter(ReplicationLog log, long offset, Supplier<FsyncPolicy> policy, Clock clock,
                   LongConsumer onDurable, Consumer<RuntimeException> onFailure, Runnable maintenance) {
        this.log = log;
        this.policy = policy;
        this.clock = clock;
        this.onDurable = onDurable;
        this.onFailure = onFailure;
        this.maintenance = maintenance;
        this.requested = offset;
        this.written = offset;
        this.synced = offset;
        this.lastSync = clock.millis();
        this.nextMaintenance = lastSync + 1000;
    }

    void start() {
        thread = new Thread(this, "meridian-log-sync");
        thread.setDaemon(true);
        thread.start();
    }

    /** The command thread wrote the log up to offset. */
    void written(long offset) {
        written = offset;
    }

    /** The command thread needs the log synced up to offset (appendfsync always). */
    void requestSync(long offset) {
        lock.lock();
        try {
            if (offset > requested) {
                requested = offset;
                requestedAt = System.nanoTime();
                changed.signal();
            }
        } finally {
            lock.unlock();
        }
    }

    /** The stream restarted elsewhere: offsets start again from offset. */
    void restart(long offset) {
        lock.lock();
        try {
            requested = offset;
            written = offset;
            synced = offset;
        } finally {
            lock.unlock();
        }
    }

    long synced() {
        return synced;
    }

    long syncs() {
        return syncs;
    }

    long syncNanos() {
        return syncNanos;
    }

    boolean failed() {
        return failed;
    }

    @Override
    public void run() {
        while (running) {
            try {
                runOnce(100);
            } catch (InterruptedException e) {
                if (!running) break;
            } catch (RuntimeException e) {
                LOG.warn("Replication log background task failed: {}", e.toString(), e);
            }
        }
    }

    /**
     * Waits up to waitMillis for a sync request, gathers, then syncs and trims as due.
     * Gathering: once a request is there, the sync waits while more keep arriving (each within
     * {@link #QUIET_NANOS} of the last), for at most half the last fsync's duration. Without it
     * the writers split into two cohorts taking turns on the disk (those that arrived during an
     * fsync, and those released by it), each waiting two fsyncs per write; with it, the
     * writers just released join the ones waiting and one fsync serves them all.
     */
    void runOnce(long waitMillis) throws InterruptedException {
        long target;
        lock.lock();
        try {
            if (requested <= synced && waitMillis > 0) changed.await(waitMillis, TimeUnit.MILLISECONDS);
            if (requested > synced) {
                long deadline = System.nanoTime() + Math.min(lastSyncNanos / 2, MAX_GATHER_NANOS);
                for (;;) {
                    long now = System.nanoTime();
                    long until = Math.min(deadline, requestedAt + QUIET_NANOS);
                    if (now >= until) break;
                    changed.awaitNanos(until - now);
                }
            }
            target = requested;
        } finally {
            lock.unlock();
        }
        if (failed) return;
        FsyncPolicy p = policy.get();
        long now = clock.millis();
        if (target > synced) {
            sync(target, now);
        } else if (p == FsyncPolicy.EVERYSEC && written > synced && now - lastSync >= 1000) {
            sync(written, now);
        }
        if (now >= nextMaintenance) {
            nextMaintenance = now + 1000;
            maintenance.run();
        }
    }

    private void sync(long target, long now) {
        long t0 = System.nanoTime();
        try {
            log.sync();
            lastSyncNanos = System.nanoTime() - t0;
            syncNanos += lastSyncNanos;
        } catch (RuntimeException e) {
            failed = true;
            LOG.warn("Replication log fsync failed: {}", e.getMessage());
            onFailure.accept(e);
            return;
        }
        syncs++;
        lastSync = now;
        if (target > synced) synced = target;
        onDurable.accept(target);
    }

    /** Stops the thread after a last sync of what was written. */
    void stop() {
        running = false;
        Thread t = thread;
        if (t != null) {
            t.interrupt();
            try {
                t.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (!failed && written > synced && !log.isClosed()) {
            try {
                log.sync();
                synced = written;
            } catch (RuntimeException e) {
                LOG.warn("Replication log final fsync failed: {}", e.getMessage());
            }
        }
    }
}
