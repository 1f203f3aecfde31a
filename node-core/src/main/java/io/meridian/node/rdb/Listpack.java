package io.meridian.node.rdb;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Redis's listpack (listpack.c), the blob behind small hashes, small sorted sets and the
 * quicklist nodes of lists. Layout:
 * {@code <total-bytes u32 LE> <num-elements u16 LE, 65535 = unknown> <entry>* 0xFF}, each entry
 * {@code <encoding+data> <backlen>} where backlen is the entry size written backwards in 7-bit
 * groups. Strings that are canonical 64-bit integers are stored as integers (lpAppend).
 */
public final class Listpack {
    static final int HEADER = 6;
    static final int EOF = 0xFF;
    static final int NUMELE_UNKNOWN = 0xFFFF;

    private Listpack() {}

    /** Appends entries as lpAppend / lpAppendInteger do; {@link #bytes()} is lpBytes at every step. */
    public static final class Builder {
        private byte[] buf;
        private int pos = HEADER;
        private int count;

        public Builder() {
            this(64);
        }

        public Builder(int capacity) {
            buf = new byte[Math.max(capacity, HEADER + 1)];
        }

        /** lpAppend: an integer if the string is a canonical int64, else a string. */
        public Builder add(byte[] s) {
            long[] v = new long[1];
            if (IntegerText.parse(s, 0, s.length, v)) return addInt(v[0]);
            int len = s.length;
            int enclen = len < 64 ? 1 + len : len < 4096 ? 2 + len : 5 + len;
            ensure(enclen + 5);
            int start = pos;
            if (len < 64) {
                buf[pos++] = (byte) (0x80 | len);
            } else if (len < 4096) {
                buf[pos++] = (byte) (0xE0 | (len >>> 8));
                buf[pos++] = (byte) len;
            } else {
                buf[pos++] = (byte) 0xF0;
                buf[pos++] = (byte) len;
                buf[pos++] = (byte) (len >>> 8);
                buf[pos++] = (byte) (len >>> 16);
                buf[pos++] = (byte) (len >>> 24);
            }
            System.arraycopy(s, 0, buf, pos, len);
            pos += len;
            backlen(pos - start);
            count++;
            return this;
        }

        /** lpAppendInteger. */
        public Builder addInt(long v) {
            ensure(9 + 5);
            int start = pos;
            if (v >= 0 && v <= 127) {
                buf[pos++] = (byte) v;
            } else if (v >= -4096 && v <= 4095) {
                long u = v < 0 ? (1L << 13) + v : v;
                buf[pos++] = (byte) ((u >>> 8) | 0xC0);
                buf[pos++] = (byte) u;
            } else if (v >= -32768 && v <= 32767) {
                buf[pos++] = (byte) 0xF1;
                le(v, 2);
            } else if (v >= -8388608 && v <= 8388607) {
                buf[pos++] = (byte) 0xF2;
                le(v, 3);
            } else if (v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE) {
                buf[pos++] = (byte) 0xF3;
                le(v, 4);
            } else {
                buf[pos++] = (byte) 0xF4;
                le(v, 8);
            }
            backlen(pos - start);
            count++;
            return this;
        }

        private void le(long v, int n) {
            for (int i = 0; i < n; i++) buf[pos++] = (byte) (v >>> (8 * i));
        }

        private void backlen(int l) {
            if (l <= 127) {
                buf[pos++] = (byte) l;
            } else if (l < 16383) {
                buf[pos++] = (byte) (l >>> 7);
                buf[pos++] = (byte) ((l & 127) | 128);
            } else if (l < 2097151) {
                buf[pos++] = (byte) (l >>> 14);
                buf[pos++] = (byte) (((l >>> 7) & 127) | 128);
                buf[pos++] = (byte) ((l & 127) | 128);
            } else if (l < 268435455) {
                buf[pos++] = (byte) (l >>> 21);
                buf[pos++] = (byte) (((l >>> 14) & 127) | 128);
                buf[pos++] = (byte) (((l >>> 7) & 127) | 128);
                buf[pos++] = (byte) ((l & 127) | 128);
            } else {
                buf[pos++] = (byte) (l >>> 28);
                buf[pos++] = (byte) (((l >>> 21) & 127) | 128);
                buf[pos++] = (byte) (((l >>> 14) & 127) | 128);
                buf[pos++] = (byte) (((l >>> 7) & 127) | 128);
                buf[pos++] = (byte) ((l & 127) | 128);
            }
        }

        private void ensure(long extra) {
            long need = pos + extra + 1;
            if (need > buf.length) {
                if (need > Integer.MAX_VALUE - 16) throw new IllegalStateException("listpack too large");
                buf = Arrays.copyOf(buf, (int) Math.min(Integer.MAX_VALUE - 16, Math.max(need, buf.length * 2L)));
            }
        }

        /** Total bytes of the listpack as it stands (header, entries and the EOF byte). */
        public int bytes() {
            return pos + 1;
        }

        public int count() {
            return count;
        }

        /** The finished blob. */
        public byte[] build() {
            byte[] lp = Arrays.copyOf(buf, pos + 1);
            int total = pos + 1;
            lp[0] = (byte) total;
            lp[1] = (byte) (total >>> 8);
            lp[2] = (byte) (total >>> 16);
            lp[3] = (byte) (total >>> 24);
            int n = Math.min(count, NUMELE_UNKNOWN);
            lp[4] = (byte) n;
            lp[5] = (byte) (n >>> 8);
            lp[pos] = (byte) EOF;
            return lp;
        }
    }

    /**
     * Validates every entry of a listpack (bounds, encodings, back lengths, header size and
     * count) and returns its elements, integers as their decimal text. base is the blob's
     * offset in the stream, for the error.
     */
    public static List<byte[]> decode(byte[] lp, long base) throws RdbException {
        int size = lp.length;
        if (size < HEADER + 1) throw new RdbException(base, "listpack shorter than its header");
        long total = u32(lp, 0);
        if (total != size) throw new RdbException(base, "listpack header says " + total + " bytes, blob has " + size);
        if ((lp[size - 1] & 0xff) != EOF) throw new RdbException(base + size - 1, "listpack does not end with 0xFF");
        int header = (lp[4] & 0xff) | (lp[5] & 0xff) << 8;
        List<byte[]> out = new ArrayList<>(Math.min(header, 1024));
        int p = HEADER;
        int last = size - 1; // the EOF byte
        while (p < last) {
            int b = lp[p] & 0xff;
            long enclen;
            byte[] value;
            if ((b & 0x80) == 0) {
                enclen = 1;
                value = IntegerText.of(b);
            } else if ((b & 0xC0) == 0x80) {
                int len = b & 0x3F;
                enclen = 1 + len;
                check(p, enclen, last, base);
                value = Arrays.copyOfRange(lp, p + 1, p + 1 + len);
            } else if ((b & 0xE0) == 0xC0) {
                enclen = 2;
                check(p, enclen, last, base);
                int u = ((b & 0x1F) << 8) | (lp[p + 1] & 0xff);
                value = IntegerText.of(u >= 1 << 12 ? u - (1 << 13) : u);
            } else if ((b & 0xF0) == 0xE0) {
                check(p, 2, last, base);
                int len = ((b & 0x0F) << 8) | (lp[p + 1] & 0xff);
                enclen = 2 + len;
                check(p, enclen, last, base);
                value = Arrays.copyOfRange(lp, p + 2, p + 2 + len);
            } else if (b == 0xF1) {
                enclen = 3;
                check(p, enclen, last, base);
                value = IntegerText.of(signed(lp, p + 1, 2));
            } else if (b == 0xF2) {
                enclen = 4;
                check(p, enclen, last, base);
                value = IntegerText.of(signed(lp, p + 1, 3));
            } else if (b == 0xF3) {
                enclen = 5;
                check(p, enclen, last, base);
                value = IntegerText.of(signed(lp, p + 1, 4));
            } else if (b == 0xF4) {
                enclen = 9;
                check(p, enclen, last, base);
                value = IntegerText.of(signed(lp, p + 1, 8));
            } else if (b == 0xF0) {
                check(p, 5, last, base);
                long len = u32(lp, p + 1);
                enclen = 5 + len;
                check(p, enclen, last, base);
                value = Arrays.copyOfRange(lp, p + 5, (int) (p + 5 + len));
            } else {
                throw new RdbException(base + p, "listpack entry with invalid encoding byte 0x" + Integer.toHexString(b));
            }
            int blen = backlenSize(enclen);
            check(p, enclen + blen, last, base);
            long decoded = 0;
            for (int i = 0; i < blen; i++) {
                int x = lp[(int) (p + enclen + i)] & 0xff;
                boolean more = i > 0;
                if (((x & 0x80) != 0) != more) throw new RdbException(base + p + enclen, "listpack entry with a bad back length");
                decoded = (decoded << 7) | (x & 127);
            }
            if (decoded != enclen) throw new RdbException(base + p + enclen, "listpack back length " + decoded + " does not match entry size " + enclen);
            out.add(value);
            p += (int) (enclen + blen);
        }
        if (p != last) throw new RdbException(base + p, "listpack entries overrun the end marker");
        if (header != NUMELE_UNKNOWN && header != out.size()) {
            throw new RdbException(base + 4, "listpack header counts " + header + " elements, found " + out.size());
        }
        return out;
    }

    private static int backlenSize(long l) {
        if (l <= 127) return 1;
        if (l < 16383) return 2;
        if (l < 2097151) return 3;
        if (l < 268435455) return 4;
        return 5;
    }

    private static void check(int p, long len, int limit, long base) throws RdbException {
        if (p + len > limit) throw new RdbException(base + p, "listpack entry reaches outside the blob");
    }

    static long u32(byte[] b, int i) {
        return (b[i] & 0xffL) | (b[i + 1] & 0xffL) << 8 | (b[i + 2] & 0xffL) << 16 | (b[i + 3] & 0xffL) << 24;
    }

    static long signed(byte[] b, int i, int n) {
        long v = 0;
        for (int k = 0; k < n; k++) v |= (b[i + k] & 0xffL) << (8 * k);
        int shift = 64 - 8 * n;
        return (v << shift) >> shift;
    }
}
