package io.meridian.node.repl.replica;

import io.meridian.node.keyspace.Keyspace;
import io.meridian.node.rdb.RdbLoader;
import io.meridian.node.rdb.RdbReader;
import io.netty.buffer.ByteBuf;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.function.Consumer;

/**
 * The RDB of one full resynchronization, from the master's bytes to a loaded dataset. It is
 * always loaded into a fresh {@link Keyspace} that nobody serves, so the old dataset stays
 * in service until the new one is complete and a failed or cut transfer leaves nothing
 * half-loaded behind:
 * <ul>
 * <li>{@link Mode#DISK} (repl-diskless-load disabled): the bytes go to a temp file in
 *     {@code dir} ({@code temp-<unixtime>.<pid>.rdb}, as Redis names it), which is loaded
 *     once complete and then renamed over the node's RDB file, so a restart finds the
 *     dataset and its replication position there;</li>
 * <li>{@link Mode#SOCKET} (swapdb, or on-empty-db with no keys): the bytes are parsed as they
 *     come, on a loader thread fed through a bounded pipe (reading from the master pauses
 *     while the loader is behind).</li>
 * </ul>
 * The outcome is reported once, on the thread that calls {@code complete} (the node hands
 * it to the command thread).
 */
public final class RdbTransfer {
    private static final Logger LOG = LoggerFactory.getLogger("meridian");
    /** Socket mode: reading from the master pauses above this many unparsed bytes, and resumes below half. */
    static final int PIPE_HIGH_WATER = 16 << 20;

    /** Where the bytes go before they are parsed. */
    public enum Mode {
        DISK("to disk"), SOCKET("to parser");

        final String logName;

        Mode(String logName) {
            this.logName = logName;
        }
    }

    /** A loaded dataset, or why there is none. */
    public record Outcome(RdbLoader.Result result, String error) {
        public boolean ok() {
            return error == null;
        }
    }

    /** The first bytes of a cut disk transfer, kept so that a master that still has the file sends only the rest. */
    public record Partial(Path file, long received, long size) {
        public void delete() {
            try {
                Files.deleteIfExists(file);
            } catch (IOException ignored) {
                // a leftover temp file is harmless
            }
        }
    }

    /** What the loader needs from the node, read on the command thread before loading starts. */
    public record Settings(int databases, Clock clock, boolean verifyChecksum, RdbReader.Limits limits, Path dir, Path rdbFile) {}

    /** Flow control of the master connection (socket mode). */
    public interface Flow {
        void pause();

        /** Called from the loader thread: the implementation moves to the connection's thread. */
        void resume();
    }

    private final Mode mode;
    private final long size;
    private final Settings settings;
    private final Flow flow;
    private final Consumer<Outcome> done;
    private long readBytes;
    private volatile boolean finished;
    /** Set by {@link #abort}: a loader still running throws its result away. */
    private volatile String aborted;
    // disk mode
    private Path temp;
    private FileChannel file;
    /** Disk mode: the cut transfer this one finishes, or null. */
    private Partial resume;
    // socket mode
    private Pipe pipe;
    private Thread loader;

    /**
     * @param size the payload's announced size, -1 under an EOF mark
     * @param done told the outcome once, from the loader thread (or the caller's thread for early failures)
     */
    public RdbTransfer(Mode mode, long size, Settings settings, Flow flow, Consumer<Outcome> done) {
        this.mode = mode;
        this.size = size;
        this.settings = settings;
        this.flow = flow;
        this.done = done;
    }

    public Mode mode() {
        return mode;
    }

    /** Disk mode: the file the payload goes to (after {@link #start}), else null. */
    public Path tempFile() {
        return temp;
    }

    /** The announced size (0 under an EOF mark, as INFO's master_sync_total_bytes shows it). */
    public long totalBytes() {
        return Math.max(0, size);
    }

    public long readBytes() {
        return readBytes;
    }

    /**
     * Disk mode: the payload that follows is the rest of partial (from its received bytes on),
     * appended to its file. Called before {@link #start}.
     */
    public RdbTransfer resuming(Partial partial) {
        if (mode != Mode.DISK || partial.size() != size) throw new IllegalArgumentException("not a resumable transfer");
        this.resume = partial;
        return this;
    }

    /** Opens the temp file or starts the loader. Returns false (and reports the error) when it cannot. */
    public boolean start() {
        if (mode == Mode.DISK && resume != null) {
            try {
                temp = resume.file();
                file = FileChannel.open(temp, StandardOpenOption.WRITE);
                file.truncate(resume.received());
                file.position(resume.received());
                readBytes = resume.received();
            } catch (IOException e) {
                closeAndDelete();
                finish(new Outcome(null, "Reopening the temp file of the cut transfer: " + e.getMessage()));
                return false;
            }
            return true;
        }
        if (mode == Mode.DISK) {
            try {
                temp = tempFile(settings.dir());
                file = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            } catch (IOException e) {
                finish(new Outcome(null, "Opening the temp file needed for MASTER <-> REPLICA synchronization: " + e.getMessage()));
                return false;
            }
            return true;
        }
        pipe = new Pipe(flow);
        loader = new Thread(() -> load(new BufferedInputStream(pipe, 1 << 16), true), "meridian-repl-load");
        loader.setDaemon(true);
        loader.start();
        return true;
    }

    /** Redis's temp-<unixtime>.<pid>.rdb, a new name when taken. */
    private static Path tempFile(Path dir) throws IOException {
        long pid = ProcessHandle.current().pid();
        long t = System.currentTimeMillis() / 1000;
        for (int i = 0; i < 5; i++) {
            Path p = dir.resolve("temp-" + (t + i) + "." + pid + ".rdb");
            if (!Files.exists(p)) return p;
        }
        return Files.createTempFile(dir, "temp-", "." + pid + ".rdb");
    }

    /** Payload bytes as they arrive (on the connection's thread). */
    public void chunk(ByteBuf data) {
        if (finished) return;
        int n = data.readableBytes();
        readBytes += n;
        if (mode == Mode.DISK) {
            try {
                while (data.isReadable()) data.readBytes(file, data.readableBytes());
            } catch (IOException e) {
                abort("Write error or short write writing to the DB dump file needed for MASTER <-> REPLICA synchronization: " + e.getMessage());
            }
            return;
        }
        byte[] b = new byte[n];
        data.readBytes(b);
        pipe.offer(b);
    }

    /** The whole payload arrived: load it (disk) or let the loader see the end (socket). */
    public void end() {
        if (finished) return;
        if (size >= 0 && readBytes != size) {
            abort("the master sent " + readBytes + " bytes of a " + size + " byte payload");
            return;
        }
        if (mode == Mode.SOCKET) {
            pipe.end();
            return;
        }
        try {
            file.force(true);
            file.close();
        } catch (IOException e) {
            abort("Failed trying to sync the temp DB to disk in MASTER <-> REPLICA synchronization: " + e.getMessage());
            return;
        }
        loader = new Thread(() -> {
            try (InputStream in = new BufferedInputStream(Files.newInputStream(temp), 1 << 16)) {
                load(in, false);
            } catch (IOException e) {
                finish(new Outcome(null, "Failed trying to load the MASTER synchronization DB from disk: " + e.getMessage()));
            }
        }, "meridian-repl-load");
        loader.setDaemon(true);
        loader.start();
    }

    /** The transfer is cut (link lost, timeout, the node stopped replicating): nothing is loaded. */
    public void abort(String reason) {
        if (finished) return;
        aborted = reason;
        if (pipe != null) pipe.fail(reason);
        if (mode == Mode.DISK && loader == null) {
            closeAndDelete();
            finish(new Outcome(null, reason));
        }
        // a running loader reports the failure itself (socket) or is discarded by the owner (disk)
    }

    /**
     * The link was cut while the payload was arriving: in disk mode with a known size the bytes
     * received so far are kept (flushed and closed) for a resumed transfer, and returned; in any
     * other case the transfer is aborted as by {@link #abort} and null is returned.
     */
    public Partial cut(String reason) {
        if (finished) return null;
        if (mode != Mode.DISK || size <= 0 || loader != null || file == null || readBytes <= 0 || readBytes >= size) {
            abort(reason);
            return null;
        }
        aborted = reason;
        finished = true;
        try {
            file.force(false);
            file.close();
        } catch (IOException e) {
            closeAndDelete();
            return null;
        }
        return new Partial(temp, readBytes, size);
    }

    public boolean finished() {
        return finished;
    }

    /** Socket mode: reading from the master is paused because the loader is behind (not a silent master). */
    public boolean loaderBehind() {
        return pipe != null && pipe.pausedFlow();
    }

    private void load(InputStream in, boolean fromSocket) {
        LOG.info("MASTER <-> REPLICA sync: Loading DB in memory");
        long t0 = System.nanoTime();
        try {
            RdbLoader.Result r = RdbLoader.loadNew(in, settings.databases(), settings.clock(), -1,
                    settings.verifyChecksum(), settings.limits());
            // the payload must end with the RDB (its reader reads ahead: count what came after)
            long total = r.bytes;
            if (fromSocket) {
                byte[] rest = new byte[8192];
                while (in.read(rest) >= 0) {
                    // drained until the transfer's end
                }
                total = pipe.delivered();
            } else {
                total = Files.size(temp);
            }
            if (total > r.bytes) {
                throw new IOException("the payload goes on after the end of the RDB (" + (total - r.bytes) + " more bytes)");
            }
            LOG.info("Done loading RDB, keys loaded: {}, keys expired: {}.", r.keysLoaded, r.keysExpired);
            LOG.info("MASTER <-> REPLICA sync: DB loaded in {} seconds", String.format("%.3f", (System.nanoTime() - t0) / 1e9));
            if (aborted != null) throw new IOException(aborted);
            if (!fromSocket) keepFile();
            finish(new Outcome(r, null));
        } catch (IOException | RuntimeException e) {
            String what = e.getMessage() == null ? e.toString() : e.getMessage();
            if (!fromSocket) closeAndDelete();
            finish(new Outcome(null, fromSocket
                    ? "Failed trying to load the MASTER synchronization DB from socket: " + what
                    : "Failed trying to load the MASTER synchronization DB from disk: " + what));
        }
    }

    /** The loaded file becomes the node's RDB file (as Redis renames it), so a restart finds it. */
    private void keepFile() {
        try {
            Files.move(temp, settings.rdbFile(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            Path parent = settings.rdbFile().toAbsolutePath().getParent();
            if (parent != null) {
                try (FileChannel d = FileChannel.open(parent, StandardOpenOption.READ)) {
                    d.force(true);
                } catch (IOException ignored) {
                    // some filesystems refuse to fsync a directory; the rename is still atomic
                }
            }
        } catch (IOException e) {
            LOG.warn("Failed trying to rename the temp DB into {} in MASTER <-> REPLICA synchronization: {}", settings.rdbFile(), e.getMessage());
            closeAndDelete();
        }
    }

    private void closeAndDelete() {
        try {
            if (file != null) file.close();
        } catch (IOException ignored) {
            // closing after a failure
        }
        try {
            if (temp != null) Files.deleteIfExists(temp);
        } catch (IOException ignored) {
            // a leftover temp file is harmless
        }
    }

    private synchronized void finish(Outcome o) {
        if (finished) return;
        finished = true;
        done.accept(o);
    }

    /**
     * Bytes handed from the connection's thread to the loader's: a queue of chunks, bounded by
     * pausing the connection above {@link #PIPE_HIGH_WATER} queued bytes.
     */
    static final class Pipe extends InputStream {
        private final Flow flow;
        private final ArrayDeque<byte[]> chunks = new ArrayDeque<>();
        private byte[] current;
        private int pos;
        private long queued;
        private long delivered;
        private boolean ended;
        private String error;
        private boolean pausedFlow;

        Pipe(Flow flow) {
            this.flow = flow;
        }

        void offer(byte[] b) {
            boolean pause;
            synchronized (this) {
                if (error != null) return;
                chunks.add(b);
                queued += b.length;
                notifyAll();
                pause = queued > PIPE_HIGH_WATER && !pausedFlow;
                if (pause) pausedFlow = true;
            }
            if (pause && flow != null) flow.pause();
        }

        synchronized boolean pausedFlow() {
            return pausedFlow;
        }

        /** Bytes read out of the pipe so far. */
        synchronized long delivered() {
            return delivered;
        }

        synchronized void end() {
            ended = true;
            notifyAll();
        }

        synchronized void fail(String why) {
            if (error == null) error = why;
            notifyAll();
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) return 0;
            boolean resume = false;
            int n;
            synchronized (this) {
                while (current == null || pos == current.length) {
                    if (error != null) throw new IOException(error);
                    byte[] next = chunks.poll();
                    if (next != null) {
                        current = next;
                        pos = 0;
                        continue;
                    }
                    if (ended) return -1;
                    try {
                        wait();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new InterruptedIOException("interrupted while waiting for the master");
                    }
                }
                if (error != null) throw new IOException(error);
                n = Math.min(len, current.length - pos);
                System.arraycopy(current, pos, b, off, n);
                pos += n;
                queued -= n;
                delivered += n;
                if (pausedFlow && queued < PIPE_HIGH_WATER / 2) {
                    pausedFlow = false;
                    resume = true;
                }
            }
            if (resume && flow != null) flow.resume();
            return n;
        }
    }
}
