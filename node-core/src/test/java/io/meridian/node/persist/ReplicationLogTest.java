package io.meridian.node.persist;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReplicationLogTest {
    private static final String R1 = "a".repeat(40);
    private static final String ZERO = "0".repeat(40);
    @TempDir
    Path dir;
    private ReplicationLog log;
    /** Every byte appended, from offset 0: the expected content of the stream. */
    private final ByteArrayOutputStream all = new ByteArrayOutputStream();

    @BeforeEach
    void open() {
        log = ReplicationLog.open(dir);
        log.initialize(R1, ZERO, -1, 0, 0, -1);
    }

    @AfterEach
    void close() {
        log.close();
    }

    /** Appends one record of n bytes (a recognisable pattern) at time t. */
    private void record(int n, long t) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) b[i] = (byte) ((log.lastOffset() + i) * 31 + 7);
        log.append(log.lastOffset(), b, new int[]{n}, 1, t, R1, ZERO, -1);
        all.writeBytes(b);
    }

    private byte[] readAll(long from) throws Exception {
        try (LogReader r = log.read(from)) {
            return r.readAllBytes();
        }
    }

    private byte[] expected(long from) {
        byte[] a = all.toByteArray();
        return Arrays.copyOfRange(a, (int) from, a.length);
    }

    @Test
    void appendsAndReadsFromAnyOffset() throws Exception {
        for (int i = 1; i <= 20; i++) record(i * 10, 1);
        assertEquals(0, log.firstOffset());
        assertEquals(2100, log.lastOffset());
        for (long from : new long[]{0, 1, 9, 10, 11, 29, 30, 1000, 2099, 2100}) {
            assertArrayEquals(expected(from), readAll(from), "from " + from);
        }
        assertThrows(IllegalArgumentException.class, () -> log.read(2101));
        assertThrows(IllegalArgumentException.class, () -> log.read(-1));
    }

    @Test
    void slicesStartInsideARecordAndKeepOffsets() {
        record(100, 1);
        record(50, 1);
        try (LogReader r = log.read(40)) {
            LogRecord s = r.nextSlice();
            assertEquals(40, s.offset());
            assertEquals(60, s.payloadLength());
            s = r.nextSlice();
            assertEquals(100, s.offset());
            assertEquals(50, s.payloadLength());
            assertNull(r.nextSlice());
            assertEquals(150, r.position());
        }
    }

    @Test
    void oneWriteCanHoldSeveralRecords() throws Exception {
        byte[] b = new byte[30];
        for (int i = 0; i < b.length; i++) b[i] = (byte) i;
        log.append(0, b, new int[]{10, 25, 30}, 3, 5, R1, ZERO, -1);
        all.writeBytes(b);
        assertEquals(List.of(0L, 10L, 25L), log.recordOffsets());
        assertArrayEquals(expected(12), readAll(12));
    }

    @Test
    void appendMustBeContiguous() {
        record(10, 1);
        assertThrows(IllegalStateException.class, () -> log.append(11, new byte[3], new int[]{3}, 1, 1, R1, ZERO, -1));
    }

    @Test
    void reopenKeepsOffsetsAndIdentity() throws Exception {
        record(100, 1);
        record(23, 1);
        log.writeIdentity("b".repeat(40), R1, 124);
        log.close();
        log = ReplicationLog.open(dir);
        assertEquals(0, log.firstOffset());
        assertEquals(123, log.lastOffset());
        LogMeta m = log.meta();
        assertEquals("b".repeat(40), m.replid());
        assertEquals(R1, m.replid2());
        assertEquals(124, m.secondReplOffset());
        assertEquals(123, m.offset());
        assertEquals(0, m.baseOffset());
        assertArrayEquals(expected(0), readAll(0));
    }

    @Test
    void trimBySizeDropsWholeRecordsOnlyBeforeTheRecoveryPoint() throws Exception {
        for (int i = 0; i < 10; i++) record(100, 1);
        // the base (0) is the recovery point: nothing may go
        assertEquals(0, log.trim(250, 0, 2));
        assertEquals(0, log.firstOffset());
        log.markSnapshot(1000);
        // keep >= 250 bytes: the record holding offset 750 (700..800) stays, whole
        assertEquals(700, log.trim(250, 0, 2));
        assertEquals(700, log.firstOffset());
        assertEquals(1000, log.lastOffset());
        assertEquals(List.of(700L, 800L, 900L), log.recordOffsets());
        assertArrayEquals(expected(700), readAll(700));
        assertThrows(IllegalArgumentException.class, () -> log.read(699));
        // an older snapshot holds trimming back to the record it needs
        log.markSnapshot(850);
        record(100, 1);
        assertEquals(100, log.trim(50, 0, 2));
        assertEquals(800, log.firstOffset());
        log.close();
        log = ReplicationLog.open(dir);
        assertEquals(800, log.firstOffset());
        assertEquals(850, log.meta().snapshotOffset());
    }

    @Test
    void trimDeletesARangeOfGigabyteScaleOffsetsCheaply() {
        log.initialize(R1, ZERO, -1, 5L << 30, -1, -1);
        record(10, 1);
        record(10, 1);
        // offsets beyond 4 GiB: keys are 64-bit
        assertEquals(5L << 30, log.firstOffset());
        assertEquals(0, log.trim(15, 0, 2));
        assertEquals(10, log.trim(10, 0, 2));
        assertEquals((5L << 30) + 10, log.firstOffset());
    }

    @Test
    void trimByAge() {
        record(100, 1_000);
        record(100, 2_000);
        record(100, 3_000);
        log.markSnapshot(300);
        // ttl 1.5 s at t=3.6 s: records appended before 2.1 s go
        assertEquals(200, log.trim(Long.MAX_VALUE, 1_500, 3_600));
        assertEquals(200, log.firstOffset());
        // everything older than the ttl: the log empties but keeps its end
        assertEquals(100, log.trim(Long.MAX_VALUE, 1, 10_000));
        assertEquals(300, log.firstOffset());
        assertEquals(300, log.lastOffset());
        assertEquals(List.of(), log.recordOffsets());
        record(5, 10_000);
        assertEquals(300, log.firstOffset());
        assertEquals(305, log.lastOffset());
    }

    @Test
    void readerSeesRecordsTrimmedAfterItStarted() throws Exception {
        for (int i = 0; i < 5; i++) record(100, 1);
        log.markSnapshot(500);
        try (LogReader r = log.read(0)) {
            log.trim(100, 0, 1);
            assertEquals(400, log.firstOffset());
            assertArrayEquals(expected(0), r.readAllBytes());
        }
    }

    @Test
    void corruptRecordStopsTheReaderAtItsOffset() {
        record(100, 1);
        record(100, 1);
        record(100, 1);
        byte[] v = log.rawRecord(100);
        v[LogRecord.HEADER + 5] ^= 1;
        log.overwriteRaw(100, v);
        LogReader r = log.read(0);
        assertEquals(0, r.nextSlice().offset());
        LogCorruptionException e = assertThrows(LogCorruptionException.class, r::nextSlice);
        assertEquals(100, e.offset());
        assertEquals(LogCorruptionException.Kind.CHECKSUM, e.kind());
        r.close();
    }

    @Test
    void truncateInsideARecordKeepsItsHead() throws Exception {
        record(100, 1);
        record(100, 1);
        record(100, 1);
        ReplicationLog.TruncateResult t = log.truncate(150);
        assertEquals(150, t.bytes());
        assertEquals(2, t.records());
        assertEquals(150, log.lastOffset());
        assertEquals(List.of(0L, 100L), log.recordOffsets());
        assertArrayEquals(Arrays.copyOf(all.toByteArray(), 150), readAll(0));
        log.close();
        log = ReplicationLog.open(dir);
        assertEquals(150, log.lastOffset());
        assertEquals(150, log.meta().offset());
        byte[] more = new byte[]{1, 2, 3};
        log.append(150, more, new int[]{3}, 1, 1, R1, ZERO, -1);
        assertEquals(153, log.lastOffset());
    }

    @Test
    void aSecondOpenOfTheSameDirectoryIsAClearError() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> ReplicationLog.open(dir));
        assertTrue(e.getMessage().contains("Can't open the replication log"), e.getMessage());
    }

    @Test
    void closeReleasesOpenReaders() {
        record(10, 1);
        LogReader r = log.read(0);
        log.close();
        assertThrows(IllegalStateException.class, r::nextSlice);
        r.close();
        log = ReplicationLog.open(dir);
    }
}
