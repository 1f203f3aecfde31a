package io.meridian.node.rdb;

import java.util.Arrays;

/**
 * Redis's intset (intset.c): {@code <encoding u32 LE: 2|4|8> <length u32 LE> <values LE>},
 * values sorted ascending, all of the width the widest member needs.
 */
public final class Intset {
    private Intset() {}

    /** The blob of a set of integers (any order; duplicates are the caller's bug). */
    public static byte[] encode(long[] values) {
        long[] v = values.clone();
        Arrays.sort(v);
        int enc = 2;
        for (long x : v) {
            if (x < Integer.MIN_VALUE || x > Integer.MAX_VALUE) {
                enc = 8;
                break;
            }
            if (x < Short.MIN_VALUE || x > Short.MAX_VALUE) enc = 4;
        }
        byte[] b = new byte[8 + v.length * enc];
        put(b, 0, enc, 4);
        put(b, 4, v.length, 4);
        for (int i = 0; i < v.length; i++) put(b, 8 + i * enc, v[i], enc);
        return b;
    }

    private static void put(byte[] b, int off, long v, int n) {
        for (int i = 0; i < n; i++) b[off + i] = (byte) (v >>> (8 * i));
    }

    /** Validates (size, encoding, strictly ascending, not empty) and returns the members. */
    public static long[] decode(byte[] b, long base) throws RdbException {
        if (b.length < 8) throw new RdbException(base, "intset shorter than its header");
        long enc = Listpack.u32(b, 0);
        if (enc != 2 && enc != 4 && enc != 8) throw new RdbException(base, "intset with invalid encoding " + enc);
        long count = Listpack.u32(b, 4);
        if (8 + count * enc != b.length) throw new RdbException(base + 4, "intset of " + count + " values does not fill its " + b.length + " bytes");
        if (count == 0) throw new RdbException(base + 4, "empty intset");
        long[] out = new long[(int) count];
        for (int i = 0; i < count; i++) {
            out[i] = Listpack.signed(b, 8 + i * (int) enc, (int) enc);
            if (i > 0 && out[i] <= out[i - 1]) throw new RdbException(base + 8 + (long) i * enc, "intset values not strictly ascending");
        }
        return out;
    }
}
