package io.meridian.node.rdb;

/**
 * LibLZF 3.6 as Redis builds it (lzfP.h: HLOG 16, VERY_FAST, no ULTRA_FAST, CHECK_INPUT), so
 * compressed strings come out byte for byte as Redis writes them (given Redis's hash table
 * holds no stale slots, which is what a fresh process sees). Format: {@code 000LLLLL} literal
 * run of L+1 bytes; {@code LLLooooo oooooooo} back reference of L+2 bytes at offset o+1;
 * {@code 111ooooo LLLLLLLL oooooooo} back reference of L+9 bytes.
 */
public final class Lzf {
    private static final int HLOG = 16;
    private static final int HSIZE = 1 << HLOG;
    private static final int MAX_LIT = 1 << 5;
    private static final int MAX_OFF = 1 << 13;
    private static final int MAX_REF = (1 << 8) + (1 << 3);

    /**
     * The hash table, reused across calls: slots carry the generation that wrote them, so a
     * new call sees an empty table (as a fresh Redis process does) without clearing 64K slots.
     */
    private static final ThreadLocal<long[]> TABLE = ThreadLocal.withInitial(() -> new long[HSIZE + 1]);

    private Lzf() {}

    private static int idx(int h) {
        return ((h >>> (3 * 8 - HLOG)) - h * 5) & (HSIZE - 1);
    }

    /**
     * Compresses in[0, inLen) into out[0, outLen); returns the compressed length, or 0 when it
     * does not fit in outLen (Redis then stores the string verbatim).
     */
    public static int compress(byte[] in, int inLen, byte[] out, int outLen) {
        if (inLen == 0 || outLen == 0) return 0;
        long[] table = TABLE.get();
        long gen = table[HSIZE] + 1;
        if (gen > Integer.MAX_VALUE) {
            java.util.Arrays.fill(table, 0);
            gen = 1;
        }
        table[HSIZE] = gen;
        long stamp = gen << 32;
        int ip = 0, op = 0;
        int inEnd = inLen, outEnd = outLen;
        int lit = 0;
        op++; // start run
        int hval = inLen >= 2 ? ((in[0] & 0xff) << 8) | (in[1] & 0xff) : 0;
        while (ip < inEnd - 2) {
            hval = (hval << 8) | (in[ip + 2] & 0xff);
            int slot = idx(hval);
            long cell = table[slot];
            int ref = (cell >>> 32) == gen ? (int) cell : -1;
            table[slot] = stamp | ip;
            int off;
            if (ref > 0 && (off = ip - ref - 1) >= 0 && off < MAX_OFF
                    && in[ref + 2] == in[ip + 2] && in[ref] == in[ip] && in[ref + 1] == in[ip + 1]) {
                int len = 2;
                int maxlen = inEnd - ip - len;
                if (maxlen > MAX_REF) maxlen = MAX_REF;
                if (op + 3 + 1 >= outEnd) {
                    if (op - (lit == 0 ? 1 : 0) + 3 + 1 >= outEnd) return 0;
                }
                out[op - lit - 1] = (byte) (lit - 1); // stop run
                if (lit == 0) op--; // undo run if length is zero
                match:
                {
                    if (maxlen > 16) {
                        for (int k = 0; k < 16; k++) {
                            len++;
                            if (in[ref + len] != in[ip + len]) break match;
                        }
                    }
                    do {
                        len++;
                    } while (len < maxlen && in[ref + len] == in[ip + len]);
                }
                len -= 2; // len is now #octets - 1
                ip++;
                if (len < 7) {
                    out[op++] = (byte) ((off >>> 8) + (len << 5));
                } else {
                    out[op++] = (byte) ((off >>> 8) + (7 << 5));
                    out[op++] = (byte) (len - 7);
                }
                out[op++] = (byte) off;
                lit = 0;
                op++; // start run
                ip += len + 1;
                if (ip >= inEnd - 2) break;
                ip -= 2;
                hval = ((in[ip] & 0xff) << 8) | (in[ip + 1] & 0xff);
                hval = (hval << 8) | (in[ip + 2] & 0xff);
                table[idx(hval)] = stamp | ip;
                ip++;
                hval = (hval << 8) | (in[ip + 2] & 0xff);
                table[idx(hval)] = stamp | ip;
                ip++;
            } else {
                if (op >= outEnd) return 0;
                lit++;
                out[op++] = in[ip++];
                if (lit == MAX_LIT) {
                    out[op - lit - 1] = (byte) (lit - 1);
                    lit = 0;
                    op++;
                }
            }
        }
        if (op + 3 > outEnd) return 0;
        while (ip < inEnd) {
            lit++;
            out[op++] = in[ip++];
            if (lit == MAX_LIT) {
                out[op - lit - 1] = (byte) (lit - 1);
                lit = 0;
                op++;
            }
        }
        out[op - lit - 1] = (byte) (lit - 1); // end run
        if (lit == 0) op--;
        return op;
    }

    /**
     * Decompresses in[0, inLen) into out (exactly out.length bytes expected); returns the number
     * of bytes produced, or -1 when the input is malformed or would overflow out.
     */
    public static int decompress(byte[] in, int inLen, byte[] out) {
        int ip = 0, op = 0;
        int outEnd = out.length;
        while (ip < inLen) {
            int ctrl = in[ip++] & 0xff;
            if (ctrl < (1 << 5)) {
                ctrl++;
                if (op + ctrl > outEnd || ip + ctrl > inLen) return -1;
                System.arraycopy(in, ip, out, op, ctrl);
                op += ctrl;
                ip += ctrl;
            } else {
                int len = ctrl >>> 5;
                int ref = op - ((ctrl & 0x1f) << 8) - 1;
                if (ip >= inLen) return -1;
                if (len == 7) {
                    len += in[ip++] & 0xff;
                    if (ip >= inLen) return -1;
                }
                ref -= in[ip++] & 0xff;
                if (op + len + 2 > outEnd) return -1;
                if (ref < 0) return -1;
                len += 2;
                for (int k = 0; k < len; k++) out[op++] = out[ref++];
            }
        }
        return op;
    }
}
