package io.meridian.node.commands;

import io.meridian.node.keyspace.ZSkipList.LexRange;
import io.meridian.node.keyspace.ZSkipList.ScoreRange;

import java.util.Arrays;

/**
 * Parsing of sorted-set arguments exactly as t_zset.c does it. Redis reads scores with C's
 * strtod, so the rules are C's, not Java's: leading blanks, hex floats ("0x10"), "inf" and
 * "infinity" are accepted; for ZADD scores (getDoubleFromObject) blanks, NaN and overflow
 * are refused, while score ranges (zslParseRange) only refuse NaN and trailing bytes.
 */
public final class ZRangeSpec {
    private ZRangeSpec() {}

    /** What C's strtod returns: the value and the index where parsing stopped. */
    record Parsed(double value, int end, boolean rangeError) {}

    /** Redis's getDoubleFromObject: the whole string a double, no blank first, no NaN, no ERANGE overflow or underflow to 0. */
    public static Double score(byte[] s) {
        if (s.length == 0 || isSpace(s[0])) return null;
        Parsed p = strtod(s, 0);
        if (p.end != s.length || Double.isNaN(p.value)) return null;
        if (p.rangeError && (Double.isInfinite(p.value) || p.value == 0)) return null;
        return p.value;
    }

    /** One end of a score range: "(" for exclusive, then strtod up to the end of the C string. */
    private static double[] scoreEnd(byte[] s) {
        boolean ex = s.length > 0 && s[0] == '(';
        Parsed p = strtod(s, ex ? 1 : 0);
        if (!atCEnd(s, p.end) || Double.isNaN(p.value)) return null;
        return new double[]{p.value, ex ? 1 : 0};
    }

    /** Redis's zslParseRange; null when either end is not a float. */
    public static ScoreRange scoreRange(byte[] min, byte[] max) {
        double[] a = scoreEnd(min);
        double[] b = scoreEnd(max);
        if (a == null || b == null) return null;
        return new ScoreRange(a[0], a[1] != 0, b[0], b[1] != 0);
    }

    private static final byte[] NO_ITEM = new byte[0];

    /** Redis's zslParseLexRangeItem: "+", "-", "(str" or "[str"; returns NO_ITEM when invalid. */
    private static byte[] lexEnd(byte[] s, boolean[] ex) {
        if (s.length == 0) return NO_ITEM;
        switch (s[0]) {
            case '+':
                if (s.length > 1 && s[1] != 0) return NO_ITEM;
                ex[0] = true;
                return LexRange.MAX_STRING;
            case '-':
                if (s.length > 1 && s[1] != 0) return NO_ITEM;
                ex[0] = true;
                return LexRange.MIN_STRING;
            case '(':
                ex[0] = true;
                return Arrays.copyOfRange(s, 1, s.length);
            case '[':
                ex[0] = false;
                return Arrays.copyOfRange(s, 1, s.length);
            default:
                return NO_ITEM;
        }
    }

    /** Redis's zslParseLexRange; null when either end is not a valid item. */
    public static LexRange lexRange(byte[] min, byte[] max) {
        boolean[] minEx = new boolean[1], maxEx = new boolean[1];
        byte[] a = lexEnd(min, minEx);
        byte[] b = lexEnd(max, maxEx);
        if (a == NO_ITEM || b == NO_ITEM) return null;
        return new LexRange(a, minEx[0], b, maxEx[0]);
    }

    /** Whether i is where the C string ends (its length or a NUL byte). */
    private static boolean atCEnd(byte[] s, int i) {
        return i == s.length || s[i] == 0;
    }

    static boolean isSpace(byte b) {
        return b == ' ' || b == '\t' || b == '\n' || b == 0x0b || b == '\f' || b == '\r';
    }

    private static boolean isDigit(byte b) {
        return b >= '0' && b <= '9';
    }

    private static boolean isHex(byte b) {
        return isDigit(b) || (b >= 'a' && b <= 'f') || (b >= 'A' && b <= 'F');
    }

    private static boolean startsWithIgnoreCase(byte[] s, int i, String word) {
        if (s.length - i < word.length()) return false;
        for (int k = 0; k < word.length(); k++) {
            int c = s[i + k] | 0x20;
            if (c != word.charAt(k)) return false;
        }
        return true;
    }

    /**
     * glibc's strtod on the C string starting at from (it stops at a NUL byte). When nothing
     * converts, the value is 0 and end is from, as C returns the start pointer.
     */
    static Parsed strtod(byte[] s, int from) {
        int n = s.length;
        for (int k = from; k < n; k++) {
            if (s[k] == 0) {
                n = k;
                break;
            }
        }
        int i = from;
        while (i < n && isSpace(s[i])) i++;
        boolean neg = false;
        if (i < n && (s[i] == '+' || s[i] == '-')) {
            neg = s[i] == '-';
            i++;
        }
        if (startsWithIgnoreCase(s, i, "inf")) {
            int end = startsWithIgnoreCase(s, i, "infinity") ? i + 8 : i + 3;
            if (end > n) end = i + 3;
            return new Parsed(neg ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY, end, false);
        }
        if (startsWithIgnoreCase(s, i, "nan") && i + 3 <= n) {
            int end = i + 3;
            if (end < n && s[end] == '(') {
                int k = end + 1;
                while (k < n && (isDigit(s[k]) || (s[k] | 0x20) >= 'a' && (s[k] | 0x20) <= 'z' || s[k] == '_')) k++;
                if (k < n && s[k] == ')') end = k + 1;
            }
            return new Parsed(Double.NaN, end, false);
        }
        if (i + 1 < n && s[i] == '0' && (s[i + 1] | 0x20) == 'x') {
            Parsed hex = hex(s, i + 2, n, neg);
            if (hex != null) return hex;
            // "0x" without hex digits: the "0" alone converts
            return new Parsed(neg ? -0.0 : 0.0, i + 1, false);
        }
        int start = i;
        int digits = 0;
        boolean nonZero = false;
        while (i < n && isDigit(s[i])) {
            nonZero |= s[i] != '0';
            i++;
            digits++;
        }
        if (i < n && s[i] == '.') {
            i++;
            while (i < n && isDigit(s[i])) {
                nonZero |= s[i] != '0';
                i++;
                digits++;
            }
        }
        if (digits == 0) return new Parsed(0, from, false);
        if (i < n && (s[i] | 0x20) == 'e') {
            int k = i + 1;
            if (k < n && (s[k] == '+' || s[k] == '-')) k++;
            if (k < n && isDigit(s[k])) {
                while (k < n && isDigit(s[k])) k++;
                i = k;
            }
        }
        String text = new String(s, start, i - start, java.nio.charset.StandardCharsets.ISO_8859_1);
        double v;
        try {
            v = Double.parseDouble(text);
        } catch (NumberFormatException e) {
            return new Parsed(0, from, false);
        }
        boolean erange = Double.isInfinite(v) || (v == 0 && nonZero) || (nonZero && Math.abs(v) < Double.MIN_NORMAL);
        return new Parsed(neg ? -v : v, i, erange);
    }

    /** The hex float after "0x" (digits, optional '.', optional p-exponent), or null without digits. */
    private static Parsed hex(byte[] s, int i, int n, boolean neg) {
        StringBuilder mant = new StringBuilder();
        int digits = 0;
        boolean nonZero = false;
        while (i < n && isHex(s[i])) {
            nonZero |= s[i] != '0';
            mant.append((char) s[i++]);
            digits++;
        }
        if (i < n && s[i] == '.') {
            i++;
            StringBuilder frac = new StringBuilder();
            while (i < n && isHex(s[i])) {
                nonZero |= s[i] != '0';
                frac.append((char) s[i++]);
                digits++;
            }
            if (digits == 0) return null;
            if (frac.length() > 0) mant.append('.').append(frac);
        }
        if (digits == 0) return null;
        long exp = 0;
        if (i < n && (s[i] | 0x20) == 'p') {
            int k = i + 1;
            boolean eneg = false;
            if (k < n && (s[k] == '+' || s[k] == '-')) {
                eneg = s[k] == '-';
                k++;
            }
            if (k < n && isDigit(s[k])) {
                while (k < n && isDigit(s[k])) {
                    if (exp < 100000) exp = exp * 10 + (s[k] - '0');
                    k++;
                }
                if (eneg) exp = -exp;
                i = k;
            }
        }
        double v;
        try {
            v = Double.parseDouble("0x" + (mant.length() == 0 ? "0" : mant) + "p" + exp);
        } catch (NumberFormatException e) {
            return null;
        }
        boolean erange = Double.isInfinite(v) || (nonZero && Math.abs(v) < Double.MIN_NORMAL);
        return new Parsed(neg ? -v : v, i, erange);
    }
}
