package io.meridian.node.rdb;

/**
 * Redis's string2ll / lpStringToInt64 test: is a byte string exactly the canonical text of a
 * signed 64-bit integer (no sign '+', no leading zeros, no spaces, "-0" refused)? Decides
 * which strings RDB, listpack and intset store as integers.
 */
final class IntegerText {
    private IntegerText() {}

    static boolean is(byte[] s) {
        return parse(s, 0, s.length, null);
    }

    /** Parses into out[0] when canonical. */
    static boolean parse(byte[] s, int off, int len, long[] out) {
        if (len == 0 || len > 20) return false;
        if (len == 1 && s[off] == '0') {
            if (out != null) out[0] = 0;
            return true;
        }
        int i = off, end = off + len;
        boolean neg = false;
        if (s[i] == '-') {
            neg = true;
            if (++i == end) return false;
        }
        if (s[i] < '1' || s[i] > '9') return false;
        long v = 0; // accumulated as a negative number to reach Long.MIN_VALUE
        for (; i < end; i++) {
            int d = s[i] - '0';
            if (d < 0 || d > 9) return false;
            if (v < (Long.MIN_VALUE + d) / 10) return false;
            v = v * 10 - d;
        }
        if (!neg) {
            if (v == Long.MIN_VALUE) return false;
            v = -v;
        }
        if (out != null) out[0] = v;
        return true;
    }

    static byte[] of(long v) {
        return Long.toString(v).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }
}
