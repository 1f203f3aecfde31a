package io.meridian.node.persist;

import org.rocksdb.ReadOptions;
import org.rocksdb.RocksIterator;

import java.io.InputStream;

/**
 * Streams the replication log from an offset, one record at a time (never the whole log in
 * memory), verifying each record's checksum and that records are contiguous. The first slice
 * starts at the requested offset even inside a record; reading stops at the log's end as it
 * was when the reader was made. Throws {@link LogCorruptionException} at a bad record.
 */
public final class LogReader extends InputStream {
    private final ReplicationLog log;
    private final long until;
    private RocksIterator it;
    private ReadOptions options;
    /** Stream offset of the next byte to hand out. */
    private long position;
    private boolean started;
    private LogRecord current;
    private int currentPos;

    LogReader(ReplicationLog log, RocksIterator it, ReadOptions options, long from, long until) {
        this.log = log;
        this.it = it;
        this.options = options;
        this.position = from;
        this.until = until;
    }

    /** Stream offset of the next byte {@link #nextSlice} or {@link #read} returns. */
    public long position() {
        return position;
    }

    /** Where this reader stops: the log's end when it was made. */
    public long end() {
        return until;
    }

    /**
     * The next slice of the stream: a record's payload (from the requested offset for the
     * first), as a view whose offset() is the stream offset of its first byte; null at the end.
     */
    public LogRecord nextSlice() {
        if (current != null && currentPos < current.payloadLength()) {
            LogRecord rest = slice(current, currentPos, current.payloadLength() - currentPos);
            currentPos = current.payloadLength();
            position = rest.end();
            return rest;
        }
        if (position >= until) return null;
        LogRecord r = log.guarded(this::advance);
        current = r;
        long skip = position - r.offset();
        int n = (int) Math.min(r.payloadLength() - skip, until - position);
        LogRecord s = slice(r, (int) skip, n);
        currentPos = r.payloadLength();
        position += n;
        return s;
    }

    private static LogRecord slice(LogRecord r, int from, int len) {
        return new LogRecord(r.offset() + from, r.appendTime(), r.payload(), r.payloadStart() + from, len);
    }

    /** Moves to the record holding position and decodes it. */
    private synchronized LogRecord advance() {
        if (it == null) throw new IllegalStateException("reader closed");
        if (!started) {
            started = true;
            it.seekForPrev(LogRecord.key(position));
        } else {
            it.next();
        }
        if (!it.isValid()) {
            throw new LogCorruptionException(LogCorruptionException.Kind.GAP, position,
                    "no record holds offset " + position + " (the log should reach " + until + ")");
        }
        long at = LogRecord.offsetOf(it.key());
        LogRecord r = LogRecord.decode(at, it.value());
        if (at > position || r.end() <= position) {
            throw new LogCorruptionException(LogCorruptionException.Kind.GAP, position,
                    "the record at " + at + " covers [" + at + ", " + r.end() + ") but offset " + position + " was expected");
        }
        return r;
    }

    @Override
    public int read() {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n <= 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) {
        if (len == 0) return 0;
        if (current == null || currentPos >= current.payloadLength()) {
            if (position >= until) return -1;
            LogRecord r = log.guarded(this::advance);
            current = r;
            currentPos = (int) (position - r.offset());
        }
        int avail = (int) Math.min(current.payloadLength() - currentPos, until - position);
        int n = Math.min(avail, len);
        System.arraycopy(current.payload(), current.payloadStart() + currentPos, b, off, n);
        currentPos += n;
        position += n;
        return n;
    }

    /** Frees the iterator (the log calls this when it closes first). */
    synchronized void release() {
        if (it != null) {
            it.close();
            options.close();
            it = null;
            options = null;
        }
    }

    @Override
    public void close() {
        log.readerClosed(this);
        log.guardedRelease(this);
    }
}
