package io.meridian.node.rdb;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Redis's zipmap (zipmap.c, small hashes before Redis 2.6; only read now):
 * {@code <count u8> (<len> <field> <len> <free u8> <value> <free bytes>)* 0xFF}, each len one
 * byte below 254 or 0xFE + u32 LE.
 */
public final class Zipmap {
    private Zipmap() {}

    /** Validates as zipmapValidateIntegrity (deep) does; returns field, value, field, value... */
    public static List<byte[]> decode(byte[] zm, long base) throws RdbException {
        int size = zm.length;
        if (size < 2) throw new RdbException(base, "zipmap shorter than its header");
        if ((zm[size - 1] & 0xff) != 0xFF) throw new RdbException(base + size - 1, "zipmap does not end with 0xFF");
        List<byte[]> out = new ArrayList<>();
        int p = 1;
        int count = 0;
        while ((zm[p] & 0xff) != 0xFF) {
            long[] lp = new long[1];
            p = length(zm, p, lp, base);
            long flen = lp[0];
            if (p + flen > size - 1) throw new RdbException(base + p, "zipmap field reaches outside the blob");
            byte[] field = Arrays.copyOfRange(zm, p, (int) (p + flen));
            p += (int) flen;
            p = length(zm, p, lp, base);
            long vlen = lp[0];
            if (p + 1 > size - 1) throw new RdbException(base + p, "zipmap entry reaches outside the blob");
            int free = zm[p++] & 0xff;
            if (p + vlen + free > size - 1) throw new RdbException(base + p, "zipmap value reaches outside the blob");
            byte[] value = Arrays.copyOfRange(zm, p, (int) (p + vlen));
            p += (int) (vlen + free);
            out.add(field);
            out.add(value);
            count++;
        }
        if (count == 0) throw new RdbException(base, "empty zipmap");
        int header = zm[0] & 0xff;
        if (header != 254 && header != count) throw new RdbException(base, "zipmap header counts " + header + " entries, found " + count);
        return out;
    }

    private static int length(byte[] zm, int p, long[] out, long base) throws RdbException {
        int last = zm.length - 1;
        if (p + 1 > last) throw new RdbException(base + p, "zipmap length reaches outside the blob");
        int b = zm[p] & 0xff;
        if (b < 254) {
            out[0] = b;
            return p + 1;
        }
        if (p + 5 > last) throw new RdbException(base + p, "zipmap length reaches outside the blob");
        out[0] = Listpack.u32(zm, p + 1);
        return p + 5;
    }
}
