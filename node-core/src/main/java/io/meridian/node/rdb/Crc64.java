package io.meridian.node.rdb;

/**
 * Redis's CRC-64 (crc64.c): the Jones polynomial 0xad93d23594c935a9, reflected input and
 * output, initial value 0, no final xor. The RDB trailer and the DUMP payload footer carry it
 * little-endian. crc64("123456789") = 0xe9c6d914c4b8d9ca. Slice-by-8 tables.
 */
public final class Crc64 {
    private static final long POLY_REFLECTED = Long.reverse(0xad93d23594c935a9L);
    private static final long[][] T = new long[8][256];

    static {
        for (int i = 0; i < 256; i++) {
            long c = i;
            for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? (c >>> 1) ^ POLY_REFLECTED : c >>> 1;
            T[0][i] = c;
        }
        for (int i = 0; i < 256; i++) {
            for (int t = 1; t < 8; t++) T[t][i] = (T[t - 1][i] >>> 8) ^ T[0][(int) (T[t - 1][i] & 0xff)];
        }
    }

    private Crc64() {}

    /** Continues crc over b[off, off+len). */
    public static long update(long crc, byte[] b, int off, int len) {
        int i = off, end = off + len;
        long[] t0 = T[0], t1 = T[1], t2 = T[2], t3 = T[3], t4 = T[4], t5 = T[5], t6 = T[6], t7 = T[7];
        while (end - i >= 8) {
            crc ^= (b[i] & 0xffL) | (b[i + 1] & 0xffL) << 8 | (b[i + 2] & 0xffL) << 16 | (b[i + 3] & 0xffL) << 24
                    | (b[i + 4] & 0xffL) << 32 | (b[i + 5] & 0xffL) << 40 | (b[i + 6] & 0xffL) << 48 | (b[i + 7] & 0xffL) << 56;
            crc = t7[(int) (crc & 0xff)] ^ t6[(int) ((crc >>> 8) & 0xff)] ^ t5[(int) ((crc >>> 16) & 0xff)]
                    ^ t4[(int) ((crc >>> 24) & 0xff)] ^ t3[(int) ((crc >>> 32) & 0xff)] ^ t2[(int) ((crc >>> 40) & 0xff)]
                    ^ t1[(int) ((crc >>> 48) & 0xff)] ^ t0[(int) (crc >>> 56)];
            i += 8;
        }
        for (; i < end; i++) crc = t0[(int) ((crc ^ b[i]) & 0xff)] ^ (crc >>> 8);
        return crc;
    }

    public static long of(byte[] b, int off, int len) {
        return update(0, b, off, len);
    }
}
