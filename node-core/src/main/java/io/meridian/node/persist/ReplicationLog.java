package io.meridian.node.persist;

import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.CompressionType;
import org.rocksdb.DBOptions;
import org.rocksdb.InfoLogLevel;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WALRecoveryMode;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The replication backlog kept in RocksDB as a write-ahead log. Column family "stream" maps
 * the big-endian start offset of each record to a {@link LogRecord} (header + raw RESP);
 * column family "meta" holds the stream identity and recovery points ({@link LogMeta}).
 * Records are contiguous: each starts where the previous one ends, from {@link #firstOffset}
 * to {@link #lastOffset}.
 *
 * <p>Thread safety: appends come from the command thread, syncs and trimming from the log's
 * background thread, readers from anywhere; every operation holds the read side of a lock
 * whose write side {@link #close} takes, so the database is never closed under a reader.
 */
public final class ReplicationLog implements AutoCloseable {
    static {
        RocksDB.loadLibrary();
    }

    private static final byte[] STREAM_CF = "stream".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] META_CF = "meta".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] K_REPLID = key("replid");
    private static final byte[] K_REPLID2 = key("replid2");
    /** Past replids beyond replid2 ("id:upTo,..."), ReplicationStream's history. */
    private static final byte[] K_HISTORY = key("replid-history");
    private static final byte[] K_SECOND = key("second_repl_offset");
    private static final byte[] K_OFFSET = key("master_repl_offset");
    private static final byte[] K_BASE = key("base_offset");
    private static final byte[] K_SNAPSHOT = key("snapshot_offset");
    /** Exclusive upper bound of every record key. */
    private static final byte[] KEY_END = LogRecord.key(Long.MAX_VALUE);

    private final Path dir;
    private final RocksDB db;
    private final DBOptions dbOptions;
    private final ColumnFamilyOptions streamOptions;
    private final ColumnFamilyOptions metaOptions;
    private final List<ColumnFamilyHandle> handles;
    private final ColumnFamilyHandle stream;
    private final ColumnFamilyHandle meta;
    private final WriteOptions buffered = new WriteOptions();
    private final WriteOptions synced = new WriteOptions().setSync(true);
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    /** Open readers: their iterators must be released before the database is. */
    private final java.util.Set<LogReader> readers = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private boolean closed;
    /** Start of the first record (== lastOffset when the log holds none). */
    private volatile long firstOffset;
    /** End of the last record written (not necessarily synced). */
    private volatile long lastOffset;
    private volatile LogMeta current;
    /** Bytes dropped by trimming since the last compaction of the dropped range. */
    private long trimmedSinceCompaction;

    private ReplicationLog(Path dir, RocksDB db, DBOptions dbOptions, ColumnFamilyOptions streamOptions,
                           ColumnFamilyOptions metaOptions, List<ColumnFamilyHandle> handles) {
        this.dir = dir;
        this.db = db;
        this.dbOptions = dbOptions;
        this.streamOptions = streamOptions;
        this.metaOptions = metaOptions;
        this.handles = handles;
        this.stream = handles.get(1);
        this.meta = handles.get(2);
    }

    /** Opens (or creates) the log in dir. A log another process holds open is a clear error. */
    public static ReplicationLog open(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("Can't create the replication log directory " + dir + ": " + e.getMessage(), e);
        }
        DBOptions dbo = new DBOptions()
                .setCreateIfMissing(true)
                .setCreateMissingColumnFamilies(true)
                // a torn WAL tail (crash mid-write) is dropped, never half-applied
                .setWalRecoveryMode(WALRecoveryMode.PointInTimeRecovery)
                .setInfoLogLevel(InfoLogLevel.WARN_LEVEL)
                .setKeepLogFileNum(2)
                .setMaxTotalWalSize(64L << 20);
        ColumnFamilyOptions so = new ColumnFamilyOptions()
                .setWriteBufferSize(16L << 20)
                .setCompressionType(CompressionType.LZ4_COMPRESSION);
        ColumnFamilyOptions mo = new ColumnFamilyOptions().setWriteBufferSize(1L << 20);
        List<ColumnFamilyDescriptor> cfs = List.of(
                new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY, mo),
                new ColumnFamilyDescriptor(STREAM_CF, so),
                new ColumnFamilyDescriptor(META_CF, mo));
        List<ColumnFamilyHandle> handles = new ArrayList<>();
        RocksDB db;
        try {
            db = RocksDB.open(dbo, dir.toString(), cfs, handles);
        } catch (RocksDBException e) {
            dbo.close();
            so.close();
            mo.close();
            // no cause: launchers report the innermost message, which must name the log
            throw new IllegalStateException("Can't open the replication log in " + dir + ": " + e.getMessage());
        }
        ReplicationLog log = new ReplicationLog(dir, db, dbo, so, mo, handles);
        log.load();
        return log;
    }

    private void load() {
        try (RocksIterator it = db.newIterator(stream)) {
            it.seekToFirst();
            long first = -1;
            long last = -1;
            if (it.isValid()) {
                first = LogRecord.offsetOf(it.key());
                it.seekToLast();
                last = LogRecord.offsetOf(it.key()) + Math.max(0, LogRecord.declaredLength(it.value()));
            }
            current = readMeta();
            long metaOffset = current == null ? 0 : current.offset();
            if (first < 0) {
                firstOffset = metaOffset;
                lastOffset = metaOffset;
            } else {
                firstOffset = first;
                lastOffset = last;
            }
        }
    }

    public Path dir() {
        return dir;
    }

    public long firstOffset() {
        return firstOffset;
    }

    /** The stream offset just past the last record written to the log. */
    public long lastOffset() {
        return lastOffset;
    }

    /** Bytes of stream the log holds. */
    public long size() {
        return lastOffset - firstOffset;
    }

    /** The recorded identity and recovery points, or null for a log never initialised. */
    public LogMeta meta() {
        return current;
    }

    // ---- writing -----------------------------------------------------------------------

    /** Starts a fresh log at offset (no records): identity and recovery points. */
    public void initialize(String replid, String replid2, long secondReplOffset, long offset,
                           long baseOffset, long snapshotOffset) {
        withBatch(b -> {
            b.deleteRange(stream, LogRecord.key(0), KEY_END);
            putMeta(b, replid, replid2, secondReplOffset, offset);
            b.put(meta, K_BASE, longBytes(baseOffset));
            b.put(meta, K_SNAPSHOT, longBytes(snapshotOffset));
        }, synced);
        current = new LogMeta(replid, replid2, secondReplOffset, offset, baseOffset, snapshotOffset);
        firstOffset = offset;
        lastOffset = offset;
    }

    /**
     * Appends data[0, ends[count-1]) as the stream from start, cut into records at ends[],
     * together with the stream's identity, in one RocksDB write (not synced: see {@link #sync}).
     */
    public void append(long start, byte[] data, int[] ends, int count, long now,
                       String replid, String replid2, long secondReplOffset) {
        if (start != lastOffset) {
            throw new IllegalStateException("append at " + start + " but the log ends at " + lastOffset);
        }
        long end = start + (count == 0 ? 0 : ends[count - 1]);
        LogMeta m = current;
        boolean sameIdentity = m != null && m.replid().equals(replid) && m.replid2().equals(replid2)
                && m.secondReplOffset() == secondReplOffset;
        withBatch(b -> {
            int from = 0;
            for (int i = 0; i < count; i++) {
                b.put(stream, LogRecord.key(start + from), LogRecord.encode(start + from, now, data, from, ends[i] - from));
                from = ends[i];
            }
            if (sameIdentity) b.put(meta, K_OFFSET, longBytes(end));
            else putMeta(b, replid, replid2, secondReplOffset, end);
        }, buffered);
        current = new LogMeta(replid, replid2, secondReplOffset, end,
                m == null ? -1 : m.baseOffset(), m == null ? -1 : m.snapshotOffset());
        lastOffset = end;
    }

    /** The recorded history of past replids ("id:upTo,..."), or "". */
    public String replidHistory() {
        try {
            byte[] v = db.get(meta, K_HISTORY);
            return v == null ? "" : new String(v, StandardCharsets.US_ASCII);
        } catch (RocksDBException e) {
            throw new IllegalStateException("Can't read the replication log meta: " + e.getMessage(), e);
        }
    }

    /** Records the history of past replids (with the identity it goes with). */
    public void writeReplidHistory(String encoded) {
        withBatch(b -> b.put(meta, K_HISTORY, encoded.getBytes(StandardCharsets.US_ASCII)), buffered);
    }

    /** Records a new identity with no new bytes (promotion: replid shifted). */
    public void writeIdentity(String replid, String replid2, long secondReplOffset) {
        withBatch(b -> putMeta(b, replid, replid2, secondReplOffset, lastOffset), buffered);
        LogMeta m = current;
        current = new LogMeta(replid, replid2, secondReplOffset, lastOffset,
                m == null ? -1 : m.baseOffset(), m == null ? -1 : m.snapshotOffset());
    }

    /**
     * A durable snapshot (RDB) of the dataset at offset exists: restarts may replay from
     * there, and trimming may drop what lies before it.
     */
    public void markSnapshot(long offset) {
        withBatch(b -> b.put(meta, K_SNAPSHOT, longBytes(offset)), buffered);
        LogMeta m = current;
        if (m != null) {
            current = new LogMeta(m.replid(), m.replid2(), m.secondReplOffset(), m.offset(), m.baseOffset(), offset);
        }
    }

    /** Makes every write so far durable (fsync of RocksDB's WAL). */
    public void sync() {
        lock.readLock().lock();
        try {
            if (closed) throw new IllegalStateException("replication log closed");
            db.syncWal();
        } catch (RocksDBException e) {
            throw new IllegalStateException("Replication log fsync failed: " + e.getMessage(), e);
        } finally {
            lock.readLock().unlock();
        }
    }

    /**
     * Drops everything from offset on (a corrupt or incomplete tail), rewriting the record that
     * holds offset to end there; the log and its meta then end at offset. Synced.
     */
    public TruncateResult truncate(long offset) {
        if (offset < firstOffset || offset > lastOffset) {
            throw new IllegalArgumentException("truncate at " + offset + " outside the log [" + firstOffset + ", " + lastOffset + "]");
        }
        long records = 0;
        byte[] keep = null;
        long keepAt = -1;
        lock.readLock().lock();
        try (RocksIterator it = db.newIterator(stream)) {
            it.seekForPrev(LogRecord.key(offset));
            if (!it.isValid()) it.seekToFirst();
            for (; it.isValid(); it.next()) {
                long at = LogRecord.offsetOf(it.key());
                if (at < offset) {
                    // the record holding offset: keep its head (it decoded fine up to here, or recovery would have stopped before it)
                    byte[] v = it.value();
                    int len = (int) (offset - at);
                    if (v.length >= LogRecord.HEADER + len && len > 0) {
                        keep = LogRecord.encode(at, LogRecord.declaredTime(v), v, LogRecord.HEADER, len);
                        keepAt = at;
                    }
                }
                records++;
            }
        } finally {
            lock.readLock().unlock();
        }
        final byte[] head = keep;
        final long headAt = keepAt;
        LogMeta m = current;
        withBatch(b -> {
            b.deleteRange(stream, LogRecord.key(offset), KEY_END);
            if (head != null) b.put(stream, LogRecord.key(headAt), head);
            b.put(meta, K_OFFSET, longBytes(offset));
        }, synced);
        long dropped = lastOffset - offset;
        lastOffset = offset;
        if (firstOffset > offset) firstOffset = offset;
        if (m != null) current = new LogMeta(m.replid(), m.replid2(), m.secondReplOffset(), offset, m.baseOffset(), m.snapshotOffset());
        return new TruncateResult(offset, dropped, records);
    }

    /** What {@link #truncate} dropped: bytes from offset on, in that many records (incl. a shortened one). */
    public record TruncateResult(long offset, long bytes, long records) {}

    // ---- trimming ----------------------------------------------------------------------

    /**
     * Drops whole records from the start while the log holds more than maxBytes or they are
     * older than ttlMillis (0 = no age limit), never a record at or after the recovery
     * point (the snapshot's offset, or the base of a log that began on an empty dataset).
     * Returns the bytes dropped.
     */
    public long trim(long maxBytes, long ttlMillis, long now) {
        return trim(maxBytes, ttlMillis, now, Long.MAX_VALUE);
    }

    /** {@link #trim(long, long, long)} that also keeps every record from keepFrom on (a reader still needs them). */
    public long trim(long maxBytes, long ttlMillis, long now, long keepFrom) {
        lock.readLock().lock();
        try {
            if (closed) return 0;
            long first = firstOffset;
            long last = lastOffset;
            if (first >= last) return 0;
            long cut = first;
            long target = last - maxBytes;
            try (RocksIterator it = db.newIterator(stream)) {
                if (target > first) cut = Math.max(cut, recordStartAt(it, target));
                if (ttlMillis > 0) {
                    long oldest = now - ttlMillis;
                    it.seek(LogRecord.key(cut));
                    for (; it.isValid(); it.next()) {
                        byte[] v = it.value();
                        if (LogRecord.declaredTime(v) >= oldest) break;
                        cut = LogRecord.offsetOf(it.key()) + Math.max(0, LogRecord.declaredLength(v));
                    }
                }
                LogMeta m = current;
                long floor = m == null ? -1 : m.recoveryPoint();
                if (floor >= 0 && floor < last) cut = Math.min(cut, recordStartAt(it, floor));
                if (keepFrom < last) cut = Math.min(cut, recordStartAt(it, Math.max(first, keepFrom)));
            }
            if (cut <= first) return 0;
            final long to = cut;
            withBatchLocked(b -> b.deleteRange(stream, LogRecord.key(first), LogRecord.key(to)), buffered);
            firstOffset = cut;
            trimmedSinceCompaction += cut - first;
            if (trimmedSinceCompaction >= (256L << 20)) {
                trimmedSinceCompaction = 0;
                // reclaim the disk of range-deleted records now rather than at the next natural compaction
                db.compactRange(stream, LogRecord.key(0), LogRecord.key(cut));
            }
            return cut - first;
        } catch (RocksDBException e) {
            throw new IllegalStateException("Replication log trim failed: " + e.getMessage(), e);
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Start of the record that holds offset (offset itself when it is a record start). */
    private static long recordStartAt(RocksIterator it, long offset) {
        it.seekForPrev(LogRecord.key(offset));
        return it.isValid() ? LogRecord.offsetOf(it.key()) : offset;
    }

    // ---- reading -----------------------------------------------------------------------

    /**
     * Streams the log from offset (anywhere inside a record) to the last offset written when
     * the reader is created, checking each record's checksum as it goes. Close it.
     */
    public LogReader read(long fromOffset) {
        long first = firstOffset;
        long last = lastOffset;
        if (fromOffset < first || fromOffset > last) {
            throw new IllegalArgumentException("offset " + fromOffset + " is outside the replication log [" + first + ", " + last + "]");
        }
        lock.readLock().lock();
        try {
            if (closed) throw new IllegalStateException("replication log closed");
            ReadOptions ro = new ReadOptions().setFillCache(false);
            LogReader r = new LogReader(this, db.newIterator(stream, ro), ro, fromOffset, last);
            readers.add(r);
            return r;
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Runs op on the database unless it is closed; readers use it for each step. */
    <T> T guarded(java.util.function.Supplier<T> op) {
        lock.readLock().lock();
        try {
            if (closed) throw new IllegalStateException("replication log closed");
            return op.get();
        } finally {
            lock.readLock().unlock();
        }
    }

    void readerClosed(LogReader r) {
        readers.remove(r);
    }

    void guardedRelease(LogReader r) {
        lock.readLock().lock();
        try {
            r.release();
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Raw stored value of the record starting at offset, or null (tests and tools). */
    public byte[] rawRecord(long offset) {
        return guarded(() -> {
            try {
                return db.get(stream, LogRecord.key(offset));
            } catch (RocksDBException e) {
                throw new IllegalStateException(e.getMessage(), e);
            }
        });
    }

    /** Replaces the stored value of the record at offset as is (tests: simulate damage). */
    public void overwriteRaw(long offset, byte[] value) {
        withBatch(b -> b.put(stream, LogRecord.key(offset), value), synced);
    }

    /** Offsets of every record, in order (tests and tools; loads all keys). */
    public List<Long> recordOffsets() {
        return guarded(() -> {
            List<Long> out = new ArrayList<>();
            try (RocksIterator it = db.newIterator(stream)) {
                for (it.seekToFirst(); it.isValid(); it.next()) out.add(LogRecord.offsetOf(it.key()));
            }
            return out;
        });
    }

    // ---- meta --------------------------------------------------------------------------

    private LogMeta readMeta() {
        try {
            byte[] replid = db.get(meta, K_REPLID);
            if (replid == null) return null;
            byte[] replid2 = db.get(meta, K_REPLID2);
            return new LogMeta(new String(replid, StandardCharsets.US_ASCII),
                    replid2 == null ? "0000000000000000000000000000000000000000" : new String(replid2, StandardCharsets.US_ASCII),
                    getLong(K_SECOND, -1), getLong(K_OFFSET, 0), getLong(K_BASE, -1), getLong(K_SNAPSHOT, -1));
        } catch (RocksDBException e) {
            throw new IllegalStateException("Can't read the replication log meta: " + e.getMessage(), e);
        }
    }

    private long getLong(byte[] k, long dflt) throws RocksDBException {
        byte[] v = db.get(meta, k);
        return v == null || v.length != 8 ? dflt : ByteBuffer.wrap(v).getLong();
    }

    private void putMeta(WriteBatch b, String replid, String replid2, long second, long offset) throws RocksDBException {
        b.put(meta, K_REPLID, replid.getBytes(StandardCharsets.US_ASCII));
        b.put(meta, K_REPLID2, replid2.getBytes(StandardCharsets.US_ASCII));
        b.put(meta, K_SECOND, longBytes(second));
        b.put(meta, K_OFFSET, longBytes(offset));
    }

    private static byte[] key(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] longBytes(long v) {
        return ByteBuffer.allocate(8).putLong(v).array();
    }

    // ---- plumbing ----------------------------------------------------------------------

    private interface BatchOp {
        void fill(WriteBatch b) throws RocksDBException;
    }

    private void withBatch(BatchOp op, WriteOptions wo) {
        lock.readLock().lock();
        try {
            if (closed) throw new IllegalStateException("replication log closed");
            withBatchLocked(op, wo);
        } finally {
            lock.readLock().unlock();
        }
    }

    private void withBatchLocked(BatchOp op, WriteOptions wo) {
        try (WriteBatch b = new WriteBatch()) {
            op.fill(b);
            db.write(wo, b);
        } catch (RocksDBException e) {
            throw new IllegalStateException("Replication log write failed: " + e.getMessage(), e);
        }
    }

    public boolean isClosed() {
        lock.readLock().lock();
        try {
            return closed;
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Syncs and closes; waits for readers and writers in progress. Idempotent. */
    @Override
    public void close() {
        lock.writeLock().lock();
        try {
            if (closed) return;
            closed = true;
            for (LogReader r : readers) r.release();
            readers.clear();
            try {
                db.syncWal();
            } catch (RocksDBException e) {
                // closing anyway: what was not synced is what the policy allowed to lose
            }
            for (ColumnFamilyHandle h : handles) h.close();
            db.close();
            dbOptions.close();
            streamOptions.close();
            metaOptions.close();
            buffered.close();
            synced.close();
        } finally {
            lock.writeLock().unlock();
        }
    }
}
