package io.meridian.node.rdb;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Redis's ziplist (ziplist.c, written by Redis up to 6.2; only read now):
 * {@code <zlbytes u32 LE> <zltail u32 LE> <zllen u16 LE> <entry>* 0xFF}, each entry
 * {@code <prevlen: 1 byte, or 0xFE + u32 LE> <encoding> <data>}.
 */
public final class Ziplist {
    private static final int HEADER = 10;

    private Ziplist() {}

    /** Validates every entry as ziplistValidateIntegrity (deep) does and returns the elements. */
    public static List<byte[]> decode(byte[] zl, long base) throws RdbException {
        int size = zl.length;
        if (size < HEADER + 1) throw new RdbException(base, "ziplist shorter than its header");
        if (Listpack.u32(zl, 0) != size) throw new RdbException(base, "ziplist header size does not match the blob");
        if ((zl[size - 1] & 0xff) != 0xFF) throw new RdbException(base + size - 1, "ziplist does not end with 0xFF");
        long tail = Listpack.u32(zl, 4);
        if (tail > size - 1) throw new RdbException(base + 4, "ziplist tail offset outside the blob");
        int header = (zl[8] & 0xff) | (zl[9] & 0xff) << 8;
        int last = size - 1;
        List<byte[]> out = new ArrayList<>(Math.min(header, 1024));
        int p = HEADER;
        int prev = -1;
        long prevRaw = 0;
        while ((zl[p] & 0xff) != 0xFF) {
            int start = p;
            long prevlen;
            if ((zl[p] & 0xff) < 0xFE) {
                prevlen = zl[p] & 0xff;
                p += 1;
            } else {
                need(p, 5, last, base);
                prevlen = Listpack.u32(zl, p + 1);
                p += 5;
            }
            if (prevlen != prevRaw) throw new RdbException(base + start, "ziplist entry prevlen " + prevlen + " does not match previous entry size " + prevRaw);
            need(p, 1, last, base);
            int enc = zl[p] & 0xff;
            byte[] value;
            int type = enc >>> 6;
            if (type == 0) {
                int len = enc & 0x3F;
                need(p, 1 + len, last, base);
                value = Arrays.copyOfRange(zl, p + 1, p + 1 + len);
                p += 1 + len;
            } else if (type == 1) {
                need(p, 2, last, base);
                int len = ((enc & 0x3F) << 8) | (zl[p + 1] & 0xff);
                need(p, 2 + len, last, base);
                value = Arrays.copyOfRange(zl, p + 2, p + 2 + len);
                p += 2 + len;
            } else if (enc == 0x80) {
                need(p, 5, last, base);
                long len = (zl[p + 1] & 0xffL) << 24 | (zl[p + 2] & 0xffL) << 16 | (zl[p + 3] & 0xffL) << 8 | (zl[p + 4] & 0xffL);
                need(p, 5 + len, last, base);
                value = Arrays.copyOfRange(zl, p + 5, (int) (p + 5 + len));
                p += (int) (5 + len);
            } else if (enc == 0xC0) {
                need(p, 3, last, base);
                value = IntegerText.of(Listpack.signed(zl, p + 1, 2));
                p += 3;
            } else if (enc == 0xD0) {
                need(p, 5, last, base);
                value = IntegerText.of(Listpack.signed(zl, p + 1, 4));
                p += 5;
            } else if (enc == 0xE0) {
                need(p, 9, last, base);
                value = IntegerText.of(Listpack.signed(zl, p + 1, 8));
                p += 9;
            } else if (enc == 0xF0) {
                need(p, 4, last, base);
                value = IntegerText.of(Listpack.signed(zl, p + 1, 3));
                p += 4;
            } else if (enc == 0xFE) {
                need(p, 2, last, base);
                value = IntegerText.of(zl[p + 1]);
                p += 2;
            } else if (enc >= 0xF1 && enc <= 0xFD) {
                value = IntegerText.of((enc & 0x0F) - 1);
                p += 1;
            } else {
                throw new RdbException(base + p, "ziplist entry with invalid encoding byte 0x" + Integer.toHexString(enc));
            }
            out.add(value);
            prevRaw = p - start;
            prev = start;
        }
        if (p != last) throw new RdbException(base + p, "ziplist entries overrun the end marker");
        if (prev >= 0 && prev != tail) throw new RdbException(base + 4, "ziplist tail offset does not point at the last entry");
        if (header != 0xFFFF && header != out.size()) throw new RdbException(base + 8, "ziplist header counts " + header + " entries, found " + out.size());
        return out;
    }

    private static void need(int p, long n, int last, long base) throws RdbException {
        if (p + n > last) throw new RdbException(base + p, "ziplist entry reaches outside the blob");
    }
}
