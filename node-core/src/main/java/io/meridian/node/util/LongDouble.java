package io.meridian.node.util;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;

/**
 * The x87 80-bit {@code long double} that Redis's INCRBYFLOAT and HINCRBYFLOAT compute with on
 * Linux x86-64: glibc's {@code strtold} (correctly rounded to a 64-bit significand, hex floats
 * and "inf" accepted, "nan" refused by Redis), one correctly rounded addition, and the
 * {@code "%.17Lf"} text with trailing zeros removed (Redis's ld2string in human mode).
 * Values are kept exact as {@code ±mant * 2^exp}, {@code mant} at most 64 bits.
 */
public final class LongDouble {
    /** Significand bits of the x87 extended format. */
    private static final int PRECISION = 64;
    /** Exponent of the smallest subnormal, 2^-16445. */
    private static final int MIN_EXP = -16445;
    /** Every finite value is below 2^16384. */
    private static final int MAX_BITS_EXP = 16384;
    /** Redis's MAX_LONG_DOUBLE_CHARS: longer inputs are refused. */
    private static final int MAX_CHARS = 5 * 1024;

    private final boolean negative;
    private final BigInteger mant;
    private final int exp;
    private final boolean infinite;

    private LongDouble(boolean negative, BigInteger mant, int exp, boolean infinite) {
        this.negative = negative;
        this.mant = mant;
        this.exp = exp;
        this.infinite = infinite;
    }

    public boolean isInfinite() {
        return infinite;
    }

    public static LongDouble of(long v) {
        return new LongDouble(v < 0, BigInteger.valueOf(v).abs(), 0, false);
    }

    /**
     * Redis's string2ld: the whole text must be one strtold number, no leading space, not NaN,
     * not overflowing to ±HUGE_VAL nor underflowing to 0. Returns null when invalid.
     */
    public static LongDouble parse(byte[] b) {
        int n = b.length;
        if (n == 0 || n >= MAX_CHARS) return null;
        int i = 0;
        boolean neg = false;
        if (b[i] == '+' || b[i] == '-') {
            neg = b[i] == '-';
            i++;
        }
        if (i == n) return null;
        String rest = Bytes.lower(java.util.Arrays.copyOfRange(b, i, n));
        if (rest.equals("inf") || rest.equals("infinity")) return new LongDouble(neg, BigInteger.ZERO, 0, true);
        if (n - i > 1 && b[i] == '0' && (b[i + 1] == 'x' || b[i + 1] == 'X')) return parseHex(b, i + 2, neg);
        return parseDecimal(b, i, neg);
    }

    private static LongDouble parseDecimal(byte[] b, int i, boolean neg) {
        int n = b.length;
        StringBuilder digits = new StringBuilder();
        long scale = 0;
        boolean any = false;
        for (; i < n && isDigit(b[i]); i++) {
            digits.append((char) b[i]);
            any = true;
        }
        if (i < n && b[i] == '.') {
            for (i++; i < n && isDigit(b[i]); i++) {
                digits.append((char) b[i]);
                scale--;
                any = true;
            }
        }
        if (!any) return null;
        if (i < n && (b[i] == 'e' || b[i] == 'E')) {
            Long e = exponent(b, i + 1);
            if (e == null) return null;
            scale += e;
            i = n;
        }
        if (i != n) return null;
        BigInteger d = new BigInteger(digits.toString());
        if (d.signum() == 0) return new LongDouble(neg, BigInteger.ZERO, 0, false);
        int nd = d.toString().length();
        // far outside the format's range: overflow or underflow (ERANGE, refused)
        if (nd - 1 + scale > 4933 || nd + scale < -4952) return null;
        LongDouble r;
        if (scale >= 0) {
            r = round(neg, d.multiply(BigInteger.TEN.pow((int) scale)), 0, false);
        } else {
            BigInteger den = BigInteger.TEN.pow((int) -scale);
            int shift = Math.max(0, PRECISION + 2 + den.bitLength() - d.bitLength());
            BigInteger[] qr = d.shiftLeft(shift).divideAndRemainder(den);
            r = round(neg, qr[0], -shift, qr[1].signum() != 0);
        }
        return r.infinite || r.mant.signum() == 0 ? null : r;
    }

    private static LongDouble parseHex(byte[] b, int i, boolean neg) {
        int n = b.length;
        BigInteger m = BigInteger.ZERO;
        long e2 = 0;
        boolean any = false;
        for (; i < n && Character.digit(b[i], 16) >= 0; i++) {
            m = m.shiftLeft(4).add(BigInteger.valueOf(Character.digit(b[i], 16)));
            any = true;
        }
        if (i < n && b[i] == '.') {
            for (i++; i < n && Character.digit(b[i], 16) >= 0; i++) {
                m = m.shiftLeft(4).add(BigInteger.valueOf(Character.digit(b[i], 16)));
                e2 -= 4;
                any = true;
            }
        }
        // "0x" without digits is read by strtold as "0" followed by junk
        if (!any) return null;
        if (i < n && (b[i] == 'p' || b[i] == 'P')) {
            Long e = exponent(b, i + 1);
            if (e == null) return null;
            e2 += e;
            i = n;
        }
        if (i != n) return null;
        if (m.signum() == 0) return new LongDouble(neg, BigInteger.ZERO, 0, false);
        if (e2 + m.bitLength() > MAX_BITS_EXP + 1 || e2 + m.bitLength() < MIN_EXP - 1) return null;
        LongDouble r = round(neg, m, (int) e2, false);
        return r.infinite || r.mant.signum() == 0 ? null : r;
    }

    /** A signed decimal exponent that must run to the end; saturates instead of overflowing. */
    private static Long exponent(byte[] b, int i) {
        int n = b.length;
        boolean neg = false;
        if (i < n && (b[i] == '+' || b[i] == '-')) {
            neg = b[i] == '-';
            i++;
        }
        if (i == n) return null;
        long v = 0;
        for (; i < n; i++) {
            if (!isDigit(b[i])) return null;
            v = Math.min(v * 10 + (b[i] - '0'), 1_000_000_000L);
        }
        return neg ? -v : v;
    }

    private static boolean isDigit(byte c) {
        return c >= '0' && c <= '9';
    }

    /** Rounds ±q * 2^e (plus a sticky bit for a nonzero remainder) to the format, half to even. */
    private static LongDouble round(boolean neg, BigInteger q, int e, boolean sticky) {
        int shift = Math.max(q.bitLength() - PRECISION, MIN_EXP - e);
        if (shift > 0) {
            BigInteger kept = q.shiftRight(shift);
            int cmp;
            if (shift > q.bitLength()) {
                cmp = -1;
            } else {
                BigInteger rem = q.subtract(kept.shiftLeft(shift));
                cmp = rem.compareTo(BigInteger.ONE.shiftLeft(shift - 1));
                if (cmp == 0 && sticky) cmp = 1;
            }
            if (cmp > 0 || (cmp == 0 && kept.testBit(0))) kept = kept.add(BigInteger.ONE);
            q = kept;
            e += shift;
            if (q.bitLength() > PRECISION) {
                q = q.shiftRight(1);
                e++;
            }
        }
        if (q.signum() != 0 && (long) e + q.bitLength() > MAX_BITS_EXP) return new LongDouble(neg, BigInteger.ZERO, 0, true);
        return new LongDouble(neg, q, e, false);
    }

    /** The correctly rounded sum; infinite on overflow. Returns null for NaN (inf - inf). */
    public LongDouble add(LongDouble o) {
        if (infinite || o.infinite) {
            if (infinite && o.infinite && negative != o.negative) return null;
            return infinite ? this : o;
        }
        int e = Math.min(exp, o.exp);
        BigInteger a = mant.shiftLeft(exp - e);
        BigInteger b = o.mant.shiftLeft(o.exp - e);
        BigInteger s = (negative ? a.negate() : a).add(o.negative ? b.negate() : b);
        return round(s.signum() < 0, s.abs(), e, false);
    }

    /** "%.17Lf" with trailing zeros (and a bare ".") removed; "-0" becomes "0". Finite values only. */
    public String toHumanString() {
        if (infinite) return negative ? "-inf" : "inf";
        // below 2^-60 the value prints as 0.00000000000000000
        if (mant.signum() == 0 || (long) exp + mant.bitLength() < -60) return "0";
        BigDecimal v = exp >= 0 ? new BigDecimal(mant.shiftLeft(exp))
                : new BigDecimal(mant.multiply(BigInteger.valueOf(5).pow(-exp)), -exp);
        if (negative) v = v.negate();
        String s = v.setScale(17, RoundingMode.HALF_EVEN).toPlainString();
        int end = s.length();
        while (s.charAt(end - 1) == '0') end--;
        if (s.charAt(end - 1) == '.') end--;
        s = s.substring(0, end);
        return s.equals("-0") ? "0" : s;
    }
}
