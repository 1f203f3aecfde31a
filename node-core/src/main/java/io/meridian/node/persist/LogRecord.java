package io.meridian.node.persist;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * One record of the replication log: a slice of the stream, stored under the big-endian
 * offset of its first byte. The value is a fixed header and the raw RESP bytes:
 * <pre>
 *  0      1 byte   format version (1)
 *  1..4   int      payload length
 *  5..8   int      CRC32C of (key offset, length, append time, payload)
 *  9..16  long     append time, epoch millis (repl-backlog-ttl trims by it)
 *  17..   bytes    payload: the stream bytes [offset, offset + length)
 * </pre>
 * The checksum covers the offset too, so a record that ends up under another key (or a
 * stale one left by a bad truncation) is caught like a flipped byte.
 */
public record LogRecord(long offset, long appendTime, byte[] payload, int payloadStart, int payloadLength) {
    public static final byte VERSION = 1;
    public static final int HEADER = 17;

    /** The stream offset just past this record. */
    public long end() {
        return offset + payloadLength;
    }

    /** The payload as a copy. */
    public byte[] payloadBytes() {
        byte[] b = new byte[payloadLength];
        System.arraycopy(payload, payloadStart, b, 0, payloadLength);
        return b;
    }

    // ---- keys --------------------------------------------------------------------------

    /** The key of a record starting at offset: 8 bytes big-endian, so keys sort as offsets. */
    public static byte[] key(long offset) {
        return ByteBuffer.allocate(8).putLong(offset).array();
    }

    public static long offsetOf(byte[] key) {
        if (key.length != 8) throw new IllegalArgumentException("log key of " + key.length + " bytes (expected: 8)");
        return ByteBuffer.wrap(key).getLong();
    }

    // ---- encode / decode ----------------------------------------------------------------

    /** The stored value of a record holding data[from, from + len) at stream offset offset. */
    public static byte[] encode(long offset, long appendTime, byte[] data, int from, int len) {
        byte[] v = new byte[HEADER + len];
        ByteBuffer b = ByteBuffer.wrap(v);
        b.put(VERSION);
        b.putInt(len);
        b.putInt(0); // checksum, below
        b.putLong(appendTime);
        b.put(data, from, len);
        b.putInt(5, checksum(offset, len, appendTime, v, HEADER, len));
        return v;
    }

    /**
     * Decodes and verifies a stored value; throws naming the offset when the value is torn
     * (shorter or longer than its header says), of an unknown format, or fails its checksum.
     */
    public static LogRecord decode(long offset, byte[] value) {
        if (value.length < HEADER) {
            throw new LogCorruptionException(LogCorruptionException.Kind.TORN, offset,
                    "record of " + value.length + " bytes is shorter than its " + HEADER + "-byte header");
        }
        ByteBuffer b = ByteBuffer.wrap(value);
        byte version = b.get();
        if (version != VERSION) {
            throw new LogCorruptionException(LogCorruptionException.Kind.BAD_HEADER, offset,
                    "unknown record format " + version + " (expected: " + VERSION + ")");
        }
        int len = b.getInt();
        int crc = b.getInt();
        long time = b.getLong();
        if (len < 0 || len != value.length - HEADER) {
            throw new LogCorruptionException(LogCorruptionException.Kind.TORN, offset,
                    "header says " + len + " payload bytes but the record holds " + (value.length - HEADER));
        }
        int actual = checksum(offset, len, time, value, HEADER, len);
        if (actual != crc) {
            throw new LogCorruptionException(LogCorruptionException.Kind.CHECKSUM, offset,
                    String.format("CRC32C mismatch (stored %08x, computed %08x) over %d bytes", crc, actual, len));
        }
        return new LogRecord(offset, time, value, HEADER, len);
    }

    private static int checksum(long offset, int len, long time, byte[] data, int from, int n) {
        CRC32C crc = new CRC32C();
        ByteBuffer h = ByteBuffer.allocate(20).putLong(offset).putInt(len).putLong(time).flip();
        crc.update(h);
        crc.update(data, from, n);
        return (int) crc.getValue();
    }

    /** Payload length from a stored value's header, without verifying it (for sizing). */
    static int declaredLength(byte[] value) {
        return value.length < 5 ? -1 : ByteBuffer.wrap(value, 1, 4).getInt();
    }

    /** Append time from a stored value's header, without verifying it (for TTL trimming). */
    static long declaredTime(byte[] value) {
        return value.length < HEADER ? Long.MIN_VALUE : ByteBuffer.wrap(value, 9, 8).getLong();
    }
}
