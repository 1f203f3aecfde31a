package io.meridian.node.snapshot;

import io.meridian.node.keyspace.Database;
import io.meridian.node.keyspace.Dict;
import io.meridian.node.keyspace.Entry;
import io.meridian.node.keyspace.Keyspace;
import io.meridian.node.keyspace.WriteObserver;
import io.meridian.node.rdb.RdbWriter;

import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * A point-in-time RDB image of the keyspace taken without fork and without stopping writes
 * (versioned snapshotting, as Dragonfly does it).
 *
 * <p>At start, on the command thread, the snapshot records the keyspace version V and the
 * replication offset, captures each database's table and pauses its resizing, so a bucket
 * index is a stable position. It then walks the tables bucket by bucket in short steps
 * between commands. A write that is about to change or remove an entry last written at or
 * before V, in a bucket the walk has not reached, first hands the entry's old value to the
 * snapshot ({@link #beforeWrite}); the walk skips entries written after V. So the image is
 * exactly the state at V, the writer never waits for the walk, and the extra memory is the
 * serialised old values of entries written meanwhile, in flight to the sinks.
 *
 * <p>FLUSHDB and SWAPDB replace or exchange a database's table object; the snapshot keeps
 * walking the tables it captured, which nobody changes any more.
 *
 * <p>Everything here runs on the command thread; sinks receive finished chunks and must not
 * block it.
 */
public final class Snapshot implements WriteObserver {
    /** Serialise for about this long per step, then let commands run. */
    private static final long STEP_NANOS = 1_000_000;
    /** Pause the walk while this many bytes wait in sinks (a slow disk or replica). */
    private static final long MAX_IN_FLIGHT = 16L << 20;

    /** What the snapshot describes: its version, replication position and size up front. */
    public record Info(long version, String replId, long replOffset, int replStreamDb, long keys, long startedAt) {}

    private final Keyspace ks;
    private final Info info;
    private final Dict[] dicts;
    private final ChunkedOutput out;
    private final RdbWriter writer;
    private final Executor loop;
    private final CompletableFuture<Info> done = new CompletableFuture<>();
    private int walkDb;
    private int walkBucket;
    /** The database the writer's last SELECTDB named (-1 none). */
    private int selected = -1;
    private long keysWritten;
    private boolean finished;

    private Snapshot(Keyspace ks, Info info, List<SnapshotSink> sinks, RdbWriter.Options options, Executor loop) {
        this.ks = ks;
        this.info = info;
        this.loop = loop;
        this.dicts = new Dict[ks.size()];
        for (int i = 0; i < dicts.length; i++) {
            dicts[i] = ks.db(i).dict();
            dicts[i].pauseResize();
        }
        this.out = new ChunkedOutput(sinks);
        this.writer = new RdbWriter(out, options);
    }

    /**
     * Starts a snapshot now (call on the command thread, between commands): the image is of
     * this instant. Steps run on loop; the future completes when every byte went to the sinks.
     */
    public static Snapshot start(Keyspace ks, String replId, long replOffset, int replStreamDb, long usedMemory,
                                 RdbWriter.Options options, List<SnapshotSink> sinks, Executor loop) {
        Info info = new Info(ks.version(), replId, replOffset, replStreamDb, ks.totalKeys(), ks.clock().millis());
        Snapshot s = new Snapshot(ks, info, sinks, options, loop);
        ks.addObserver(s);
        try {
            s.writer.header();
            s.writer.auxFields(io.meridian.node.Node.REDIS_VERSION, info.startedAt() / 1000, usedMemory,
                    replId == null ? null : new RdbWriter.ReplInfo(replId, replOffset, replStreamDb), false);
        } catch (IOException | RuntimeException e) {
            s.fail(e);
            return s;
        }
        loop.execute(s::step);
        return s;
    }

    public Info info() {
        return info;
    }

    /** Completes with the snapshot's info when all sinks have everything, or exceptionally. */
    public CompletableFuture<Info> done() {
        return done;
    }

    public long keysWritten() {
        return keysWritten;
    }

    public long bytesWritten() {
        return writer.bytesWritten();
    }

    /**
     * The most memory the snapshot held at once beyond the dataset: serialised bytes (old
     * values of entries written meanwhile included) waiting for the slowest sink. This is
     * what copy-on-write costs a forking Redis; INFO reports it as current_cow_peak.
     */
    public long peakBytesHeld() {
        return out.peakHeld();
    }

    public boolean finished() {
        return finished;
    }

    /** Stops the snapshot (a sink failed, the node stops): sinks are told and the future fails. */
    public void abort(Throwable why) {
        fail(why);
    }

    // ---- the walk ------------------------------------------------------------------------

    private void step() {
        if (finished) return;
        if (out.allFailed()) {
            fail(new IOException("every consumer of the snapshot failed"));
            return;
        }
        if (out.inFlight() > MAX_IN_FLIGHT) {
            // a slow sink: wait for it instead of buffering the dataset in memory
            out.whenDrained(MAX_IN_FLIGHT / 2, () -> loop.execute(this::step));
            return;
        }
        long deadline = System.nanoTime() + STEP_NANOS;
        try {
            while (walkDb < dicts.length) {
                Dict d = dicts[walkDb];
                int buckets = d.capacity();
                while (walkBucket < buckets) {
                    for (Entry e = d.bucket(walkBucket); e != null; e = Dict.next(e)) {
                        if (e.version <= info.version()) write(walkDb, e);
                    }
                    walkBucket++;
                    if ((walkBucket & 63) == 0 && System.nanoTime() > deadline) {
                        out.publish();
                        loop.execute(this::step);
                        return;
                    }
                }
                dicts[walkDb].resumeResize();
                walkDb++;
                walkBucket = 0;
            }
            writer.finish();
            complete();
        } catch (IOException | RuntimeException e) {
            fail(e);
        }
    }

    private void write(int db, Entry e) throws IOException {
        if (selected != db) {
            writer.selectDb(db);
            selected = db;
        }
        writer.entry(e.key, e.value, e.expireAt);
        keysWritten++;
    }

    /** Whether the walk has already written (or decided about) this entry of captured table db. */
    private boolean visited(int db, Entry e) {
        if (db != walkDb) return db < walkDb;
        return dicts[db].bucketOf(e) < walkBucket;
    }

    // ---- WriteObserver -------------------------------------------------------------------

    @Override
    public void beforeWrite(Database db, Entry e) {
        if (finished || e.version > info.version()) return;
        int d = capturedDbOf(db, e);
        if (d < 0 || visited(d, e)) return;
        try {
            write(d, e);
            // the entry's version moves past V now, so the walk will skip it
        } catch (IOException | RuntimeException x) {
            fail(x);
        }
    }

    @Override
    public void beforeClear(Database db) {
        // FLUSHDB gives the database a new table; the captured one stays as it was.
    }

    /** The captured table holding e: normally db's own, another one after SWAPDB. */
    private int capturedDbOf(Database db, Entry e) {
        int i = db.index;
        if (i < dicts.length && dicts[i] == db.dict()) return i;
        for (int k = 0; k < dicts.length; k++) {
            if (dicts[k].get(e.key) == e) return k;
        }
        return -1;
    }

    // ---- completion ----------------------------------------------------------------------

    private void complete() {
        finished = true;
        ks.removeObserver(this);
        out.finish(null).whenComplete((v, t) -> {
            if (t == null) done.complete(info);
            else done.completeExceptionally(t);
        });
    }

    private void fail(Throwable why) {
        if (finished) return;
        finished = true;
        ks.removeObserver(this);
        for (int i = walkDb; i < dicts.length; i++) dicts[i].resumeResize();
        out.finish(why);
        done.completeExceptionally(why);
    }

    /**
     * The RDB bytes cut into chunks handed to every sink. Counts what each sink still holds so
     * the walk can wait for a slow one; a sink that fails is dropped, the others go on.
     */
    static final class ChunkedOutput extends OutputStream {
        private static final int CHUNK = 1 << 16;
        private final List<Tracked> sinks = new ArrayList<>();
        private final List<Runnable> drainWaiters = new ArrayList<>();
        private final java.util.concurrent.atomic.AtomicLong inFlight = new java.util.concurrent.atomic.AtomicLong();
        private final CompletableFuture<Void> allDone = new CompletableFuture<>();
        private long drainTarget;
        private byte[] chunk = new byte[CHUNK];
        private int n;
        private int open;

        /** One sink and what it still owes. */
        private final class Tracked implements SnapshotSink.Feedback {
            final SnapshotSink sink;
            final java.util.concurrent.atomic.AtomicLong owed = new java.util.concurrent.atomic.AtomicLong();
            volatile boolean closed;

            Tracked(SnapshotSink sink) {
                this.sink = sink;
            }

            @Override
            public void consumed(long bytes) {
                owed.addAndGet(-bytes);
                release(bytes);
            }

            @Override
            public void finished() {
                settle(this, null);
            }

            @Override
            public void failed(Throwable t) {
                settle(this, t);
            }
        }

        ChunkedOutput(List<SnapshotSink> list) {
            for (SnapshotSink s : list) {
                Tracked t = new Tracked(s);
                sinks.add(t);
                s.attach(t);
            }
            open = sinks.size();
            if (open == 0) allDone.complete(null);
        }

        @Override
        public void write(int b) {
            if (n == chunk.length) publish();
            chunk[n++] = (byte) b;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            while (len > 0) {
                if (n == chunk.length) publish();
                int k = Math.min(len, chunk.length - n);
                System.arraycopy(b, off, chunk, n, k);
                n += k;
                off += k;
                len -= k;
            }
        }

        /** Hands the bytes so far to every live sink (each gets the same immutable chunk). */
        void publish() {
            if (n == 0) return;
            byte[] c = n == chunk.length ? chunk : java.util.Arrays.copyOf(chunk, n);
            chunk = new byte[CHUNK];
            n = 0;
            // one array serves every sink: what is held is the largest debt, not the sum
            long held = 0;
            for (Tracked t : sinks) {
                if (t.closed) continue;
                held = Math.max(held, t.owed.addAndGet(c.length));
                inFlight.addAndGet(c.length);
                t.sink.chunk(c);
            }
            if (held + CHUNK > peakHeld) peakHeld = held + CHUNK;
        }

        private volatile long peakHeld;

        long peakHeld() {
            return peakHeld;
        }

        /** The end of the image (error null) or an abort; the future completes when every sink settled. */
        CompletableFuture<Void> finish(Throwable error) {
            if (error == null) publish();
            for (Tracked t : sinks) if (!t.closed) t.sink.end(error);
            return allDone;
        }

        long inFlight() {
            return inFlight.get();
        }

        /** Runs r (on a sink's thread or now) once no more than target bytes are in flight. */
        void whenDrained(long target, Runnable r) {
            synchronized (drainWaiters) {
                if (inFlight.get() > target) {
                    drainTarget = target;
                    drainWaiters.add(r);
                    return;
                }
            }
            r.run();
        }

        private void release(long bytes) {
            long left = inFlight.addAndGet(-bytes);
            List<Runnable> ready = null;
            synchronized (drainWaiters) {
                if (!drainWaiters.isEmpty() && left <= drainTarget) {
                    ready = new ArrayList<>(drainWaiters);
                    drainWaiters.clear();
                }
            }
            if (ready != null) ready.forEach(Runnable::run);
        }

        private void settle(Tracked t, Throwable error) {
            boolean last;
            synchronized (drainWaiters) {
                if (t.closed) return;
                t.closed = true;
                last = --open == 0;
            }
            long owed = t.owed.getAndSet(0);
            if (owed > 0) release(owed);
            if (error != null) failures.add(error);
            if (last) {
                if (failures.size() == sinks.size()) allDone.completeExceptionally(failures.get(0));
                else allDone.complete(null);
            }
        }

        private final List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());

        /** Every sink failed: nobody wants the rest. */
        boolean allFailed() {
            return !sinks.isEmpty() && failures.size() == sinks.size();
        }
    }
}
