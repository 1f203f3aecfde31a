package io.meridian.node.util;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** Byte-string helpers shared by the codec and the commands: parsing numbers exactly as Redis does. */
public final class Bytes {
    private Bytes() {}

    public static final byte[] EMPTY = new byte[0];

    public static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    public static String str(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    /** ISO-8859-1 keeps every byte: used where a byte string is shown in an error or a log. */
    public static String latin1(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1);
    }

    public static boolean eqIgnoreCase(byte[] b, String ascii) {
        if (b.length != ascii.length()) return false;
        for (int i = 0; i < b.length; i++) {
            int c = b[i];
            if (c >= 'A' && c <= 'Z') c += 32;
            int d = ascii.charAt(i);
            if (d >= 'A' && d <= 'Z') d += 32;
            if (c != d) return false;
        }
        return true;
    }

    public static String lower(byte[] b) {
        char[] cs = new char[b.length];
        for (int i = 0; i < b.length; i++) {
            int c = b[i] & 0xff;
            if (c >= 'A' && c <= 'Z') c += 32;
            cs[i] = (char) c;
        }
        return new String(cs);
    }

    /**
     * Redis's string2ll: no spaces, no leading '+', no leading zeros, fits in a signed 64-bit.
     * Returns null when the bytes are not exactly such an integer.
     */
    public static Long parseLong(byte[] b) {
        return parseLong(b, 0, b.length);
    }

    public static Long parseLong(byte[] b, int off, int len) {
        if (len == 0 || len > 20) return null;
        if (len == 1 && b[off] == '0') return 0L;
        int i = off, end = off + len;
        boolean neg = false;
        if (b[i] == '-') {
            neg = true;
            i++;
            if (i == end) return null;
        }
        if (b[i] < '1' || b[i] > '9') return null;
        long v = 0;
        for (; i < end; i++) {
            int d = b[i] - '0';
            if (d < 0 || d > 9) return null;
            if (v > (Long.MAX_VALUE - d) / 10 + 1) return null;
            long nv = v * 10 + d;
            if (nv < 0 && !(neg && nv == Long.MIN_VALUE)) return null;
            v = nv;
        }
        if (neg) return v == Long.MIN_VALUE ? v : -v;
        if (v < 0) return null;
        return v;
    }

    public static boolean isLong(byte[] b) {
        return parseLong(b) != null;
    }

    public static byte[] fromLong(long v) {
        return Long.toString(v).getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * Redis's string2ld / strtod rules for floats given by clients: no spaces, not empty,
     * "inf"/"-inf"/"+inf" allowed, "nan" refused. Returns null when invalid.
     */
    public static Double parseDouble(byte[] b) {
        if (b.length == 0 || b.length > 5000) return null;
        String s = latin1(b);
        if (Character.isWhitespace(s.charAt(0)) || Character.isWhitespace(s.charAt(s.length() - 1))) return null;
        String l = s.toLowerCase();
        switch (l) {
            case "inf": case "+inf": case "infinity": case "+infinity": return Double.POSITIVE_INFINITY;
            case "-inf": case "-infinity": return Double.NEGATIVE_INFINITY;
            default:
        }
        if (l.contains("nan") || l.endsWith("d") || l.endsWith("f") || l.contains("x") && !l.startsWith("0x") && !l.startsWith("-0x")) return null;
        try {
            if (l.startsWith("0x") || l.startsWith("-0x") || l.startsWith("+0x")) {
                return null;
            }
            double d = Double.parseDouble(s);
            if (Double.isNaN(d)) return null;
            return d;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    public static byte[] concat(byte[] a, byte[] b) {
        byte[] r = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    public static int hash(byte[] k) {
        int h = 0x9747b28c;
        int i = 0, n = k.length;
        for (; i + 4 <= n; i += 4) {
            int x = (k[i] & 0xff) | (k[i + 1] & 0xff) << 8 | (k[i + 2] & 0xff) << 16 | (k[i + 3] & 0xff) << 24;
            x *= 0xcc9e2d51;
            x = Integer.rotateLeft(x, 15);
            x *= 0x1b873593;
            h ^= x;
            h = Integer.rotateLeft(h, 13);
            h = h * 5 + 0xe6546b64;
        }
        int x = 0;
        switch (n - i) {
            case 3: x ^= (k[i + 2] & 0xff) << 16;
            case 2: x ^= (k[i + 1] & 0xff) << 8;
            case 1: x ^= (k[i] & 0xff);
                x *= 0xcc9e2d51;
                x = Integer.rotateLeft(x, 15);
                x *= 0x1b873593;
                h ^= x;
            default:
        }
        h ^= n;
        h ^= h >>> 16;
        h *= 0x85ebca6b;
        h ^= h >>> 13;
        h *= 0xc2b2ae35;
        h ^= h >>> 16;
        return h;
    }
}
