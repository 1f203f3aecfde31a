package io.meridian.node.persist;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LogRecordTest {
    private static final byte[] SET = "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n".getBytes(StandardCharsets.US_ASCII);

    @Test
    void roundTrip() {
        byte[] v = LogRecord.encode(1234, 99, SET, 0, SET.length);
        assertEquals(LogRecord.HEADER + SET.length, v.length);
        LogRecord r = LogRecord.decode(1234, v);
        assertEquals(1234, r.offset());
        assertEquals(1234 + SET.length, r.end());
        assertEquals(99, r.appendTime());
        assertArrayEquals(SET, r.payloadBytes());
    }

    @Test
    void encodesASlice() {
        byte[] v = LogRecord.encode(7, 1, SET, 4, 9);
        assertArrayEquals(Arrays.copyOfRange(SET, 4, 13), LogRecord.decode(7, v).payloadBytes());
    }

    @Test
    void emptyPayload() {
        assertEquals(0, LogRecord.decode(5, LogRecord.encode(5, 0, new byte[0], 0, 0)).payloadLength());
    }

    @Test
    void keysAreBigEndianAndSortAsOffsets() {
        assertArrayEquals(new byte[]{0, 0, 0, 0, 0, 0, 1, 0}, LogRecord.key(256));
        assertEquals(1L << 40, LogRecord.offsetOf(LogRecord.key(1L << 40)));
        assertTrue(Arrays.compareUnsigned(LogRecord.key(255), LogRecord.key(256)) < 0);
        assertTrue(Arrays.compareUnsigned(LogRecord.key(5_000_000_000L), LogRecord.key(Long.MAX_VALUE)) < 0);
    }

    @Test
    void flippedPayloadByteFailsTheChecksumNamingTheOffset() {
        byte[] v = LogRecord.encode(4096, 1, SET, 0, SET.length);
        v[LogRecord.HEADER + 10] ^= 0x20;
        LogCorruptionException e = assertThrows(LogCorruptionException.class, () -> LogRecord.decode(4096, v));
        assertEquals(LogCorruptionException.Kind.CHECKSUM, e.kind());
        assertEquals(4096, e.offset());
        assertTrue(e.getMessage().contains("offset 4096"), e.getMessage());
        assertTrue(e.getMessage().contains("CRC32C"), e.getMessage());
    }

    @Test
    void flippedHeaderTimeFailsTheChecksum() {
        byte[] v = LogRecord.encode(0, 1, SET, 0, SET.length);
        v[16] ^= 1;
        assertEquals(LogCorruptionException.Kind.CHECKSUM, assertThrows(LogCorruptionException.class, () -> LogRecord.decode(0, v)).kind());
    }

    @Test
    void recordUnderAnotherKeyFailsTheChecksum() {
        byte[] v = LogRecord.encode(100, 1, SET, 0, SET.length);
        assertEquals(LogCorruptionException.Kind.CHECKSUM, assertThrows(LogCorruptionException.class, () -> LogRecord.decode(101, v)).kind());
    }

    @Test
    void tornRecordsAreDetected() {
        byte[] v = LogRecord.encode(10, 1, SET, 0, SET.length);
        LogCorruptionException e = assertThrows(LogCorruptionException.class, () -> LogRecord.decode(10, Arrays.copyOf(v, v.length - 3)));
        assertEquals(LogCorruptionException.Kind.TORN, e.kind());
        assertTrue(e.getMessage().contains("header says " + SET.length), e.getMessage());
        assertEquals(LogCorruptionException.Kind.TORN,
                assertThrows(LogCorruptionException.class, () -> LogRecord.decode(10, Arrays.copyOf(v, 6))).kind());
        assertEquals(LogCorruptionException.Kind.TORN,
                assertThrows(LogCorruptionException.class, () -> LogRecord.decode(10, Arrays.copyOf(v, v.length + 1))).kind());
    }

    @Test
    void unknownFormat() {
        byte[] v = LogRecord.encode(10, 1, SET, 0, SET.length);
        v[0] = 9;
        LogCorruptionException e = assertThrows(LogCorruptionException.class, () -> LogRecord.decode(10, v));
        assertEquals(LogCorruptionException.Kind.BAD_HEADER, e.kind());
    }

    @Test
    void parserCutsCommandsAcrossFeedsAndTracksOffsets() {
        byte[] two = (new String(SET, StandardCharsets.US_ASCII) + "*2\r\n$6\r\nSELECT\r\n$1\r\n3\r\n").getBytes(StandardCharsets.US_ASCII);
        for (int split = 0; split <= two.length; split++) {
            StreamCommandParser p = new StreamCommandParser(1000);
            p.feed(two, 0, split);
            int got = 0;
            while (p.next() != null) got++;
            p.feed(two, split, two.length - split);
            byte[][] c;
            while ((c = p.next()) != null) {
                got++;
                if (got == 1) assertEquals("SET", new String(c[0], StandardCharsets.US_ASCII));
            }
            assertEquals(2, got, "split at " + split);
            assertEquals(1000 + two.length, p.offset());
            assertEquals(0, p.buffered());
        }
    }

    @Test
    void parserRejectsGarbageAtItsOffset() {
        StreamCommandParser p = new StreamCommandParser(50);
        p.feed(SET, 0, SET.length);
        byte[] junk = "+OK\r\n".getBytes(StandardCharsets.US_ASCII);
        p.feed(junk, 0, junk.length);
        p.next();
        LogCorruptionException e = assertThrows(LogCorruptionException.class, p::next);
        assertEquals(LogCorruptionException.Kind.PROTOCOL, e.kind());
        assertEquals(50 + SET.length, e.offset());
        StreamCommandParser q = new StreamCommandParser(0);
        byte[] bad = "*1\r\n$3\r\nabcXY".getBytes(StandardCharsets.US_ASCII);
        q.feed(bad, 0, bad.length);
        assertThrows(LogCorruptionException.class, q::next);
        StreamCommandParser partial = new StreamCommandParser(0);
        partial.feed(SET, 0, SET.length - 1);
        assertNull(partial.next());
        assertEquals(SET.length - 1, partial.buffered());
    }
}
