package io.meridian.node.persist;

import io.meridian.node.repl.ReplicationStream;

import java.util.Arrays;
import java.util.function.LongConsumer;

/**
 * Collects the stream's bytes during one turn of the command thread and writes them to the
 * log as one RocksDB write when the turn ends ({@link #flush}), so the log costs one write
 * per turn however many commands it ran. A turn's bytes are cut into records of about
 * {@link #RECORD_TARGET} at command boundaries. Used on the command thread only.
 */
final class LogAppender implements ReplicationStream.Listener {
    /** Records are cut once they reach this size (at the next append boundary). */
    static final int RECORD_TARGET = 1 << 20;
    private static final int INITIAL = 64 * 1024;
    /**
     * Under appendfsync always a turn that has collected this much is written at once (and its
     * sync requested) instead of at the turn's end, so the fsync of its first part overlaps the
     * execution of the rest: the disk and the command thread work side by side.
     */
    static final int EARLY_WRITE = 16 * 1024;
    private final ReplicationLog log;
    private final ReplicationStream stream;
    private final java.time.Clock clock;
    /** Schedules {@link #flush} to run once the current turn's I/O is done. */
    private final Runnable scheduleFlush;
    /** Told the end offset of each write (on the command thread, after the write). */
    private final LongConsumer onWritten;
    /** Told the new offset when the stream restarted elsewhere (a full resync). */
    private final LongConsumer onRestart;
    /** Whether to write mid-turn once EARLY_WRITE bytes are pending (appendfsync always). */
    private final java.util.function.BooleanSupplier writeEarly;
    private byte[] buf = new byte[INITIAL];
    private int len;
    private int[] ends = new int[8];
    private int records;
    /** Where the current record began in buf. */
    private int recordStart;
    private long pendingStart;
    /** The stream offset the next append must start at. */
    private long next;
    private boolean scheduled;
    private long batches;

    LogAppender(ReplicationLog log, ReplicationStream stream, java.time.Clock clock, Runnable scheduleFlush,
                LongConsumer onWritten, LongConsumer onRestart, java.util.function.BooleanSupplier writeEarly) {
        this.log = log;
        this.stream = stream;
        this.clock = clock;
        this.scheduleFlush = scheduleFlush;
        this.onWritten = onWritten;
        this.onRestart = onRestart;
        this.writeEarly = writeEarly;
        this.next = log.lastOffset();
        this.pendingStart = next;
    }

    @Override
    public void onAppend(long start, byte[] data) {
        if (start != next) restart(start);
        if (len - recordStart >= RECORD_TARGET) cut();
        if (len + data.length > buf.length) buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + data.length));
        System.arraycopy(data, 0, buf, len, data.length);
        len += data.length;
        next = start + data.length;
        if (len >= EARLY_WRITE && writeEarly.getAsBoolean()) {
            write();
            return;
        }
        if (!scheduled) {
            scheduled = true;
            scheduleFlush.run();
        }
    }

    private void cut() {
        if (records == ends.length) ends = Arrays.copyOf(ends, records * 2);
        ends[records++] = len;
        recordStart = len;
    }

    /** The stream jumped (a replica's full resync, a reset): the log starts again there. */
    private void restart(long start) {
        flush();
        log.initialize(stream.replid(), stream.replid2(), stream.secondReplOffset(), start, -1, -1);
        next = start;
        pendingStart = start;
        onRestart.accept(start);
    }

    /** The replid history last written to the log (null: not yet this run). */
    private String writtenHistory;

    /** Checks, from the cron, for a stream that moved without appending (reset) or a new replid. */
    void checkStream() {
        if (len == 0 && stream.offset() != next) {
            restart(stream.offset());
            return;
        }
        LogMeta m = log.meta();
        if (m != null && (!m.replid().equals(stream.replid()) || !m.replid2().equals(stream.replid2())
                || m.secondReplOffset() != stream.secondReplOffset())) {
            flush();
            log.writeIdentity(stream.replid(), stream.replid2(), stream.secondReplOffset());
        }
        String h = io.meridian.node.repl.ReplicationStream.encodeHistory(stream.history());
        if (!h.equals(writtenHistory)) {
            log.writeReplidHistory(h);
            writtenHistory = h;
        }
    }

    /** Writes what this turn appended (one RocksDB write), then reports its end. */
    void flush() {
        scheduled = false;
        write();
    }

    private void write() {
        if (len == 0) return;
        if (recordStart < len) cut();
        long start = pendingStart;
        long end = start + len;
        try {
            log.append(start, buf, ends, records, clock.millis(), stream.replid(), stream.replid2(), stream.secondReplOffset());
        } finally {
            len = 0;
            records = 0;
            recordStart = 0;
            pendingStart = next;
            if (buf.length > 4 * INITIAL * 16) buf = new byte[INITIAL];
        }
        batches++;
        onWritten.accept(end);
    }

    /** The offset the log will reach once this turn is written. */
    long next() {
        return next;
    }

    long batches() {
        return batches;
    }
}
