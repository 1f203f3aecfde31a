package io.meridian.node.commands;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.util.regex.Pattern;

/**
 * The timeout argument of blocking commands (BLPOP, BLMOVE, BZPOPMIN, ...) in seconds, read
 * exactly as Redis 7.0's getTimeoutFromObjectOrReply does on x86-64: strtold into an 80-bit
 * long double (64-bit mantissa), {@code (long long) ceill(value * 1000.0)}, refused when
 * negative. The long double matters at the edges a client can see: "-0.001" is
 * -0.99999999999999999997 ms there, which rounds up to 0 and blocks forever, where a Java
 * double would say -1 and refuse it; "1e300" and "inf" overflow the long long to its minimum
 * and are refused as negative; "1e5000" overflows strtold and is not a float at all.
 */
public final class BlockingTimeout {
    /** The parse result: milliseconds (0 = forever), or the error to reply. */
    public record Result(long millis, String error) {}

    private static final Pattern DECIMAL = Pattern.compile("[+-]?([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][+-]?[0-9]+)?");
    private static final Pattern HEX = Pattern.compile("[+-]?0[xX]([0-9a-fA-F]+\\.?[0-9a-fA-F]*|\\.[0-9a-fA-F]+)([pP][+-]?[0-9]+)?");
    private static final Pattern INF_NAN = Pattern.compile("[+-]?(inf|infinity|nan(\\([0-9A-Za-z_]*\\))?)", Pattern.CASE_INSENSITIVE);
    /** string2ld's buffer: longer arguments are not floats. */
    private static final int MAX_CHARS = 5 * 1024;
    private static final int MANTISSA_BITS = 64;
    /** Beyond the largest long double strtold reports ERANGE with HUGE_VAL: not a float. */
    private static final BigDecimal LONG_DOUBLE_MAX = new BigDecimal("1.18973149535723176502e4932");
    /** Below half the smallest subnormal long double strtold returns 0 with ERANGE: not a float. */
    private static final BigDecimal LONG_DOUBLE_UNDERFLOW = new BigDecimal("1.8225997659412373012e-4951");
    private static final BigInteger LONG_MIN_ABS = BigInteger.ONE.shiftLeft(63);
    private static final BigDecimal THOUSAND = BigDecimal.valueOf(1000);
    /** Below this many seconds the product stays strictly between -1 and 1 ms: 1 ms when positive, 0 when negative. */
    private static final BigDecimal TINY = new BigDecimal("1e-30");
    /** Above this many seconds the product exceeds a long: refused as negative, whatever the sign. */
    private static final BigDecimal HUGE = new BigDecimal("1e30");

    private BlockingTimeout() {}

    public static Result parse(byte[] arg) {
        if (arg.length == 0 || arg.length >= MAX_CHARS) return notFloat();
        Long whole = io.meridian.node.util.Bytes.parseLong(arg);
        if (whole != null) {
            // exact in a long double; seconds * 1000 beyond a long wraps negative in C
            if (whole < 0) return negative();
            if (whole > Long.MAX_VALUE / 1000) return negative();
            return new Result(whole * 1000, null);
        }
        String s = new String(arg, java.nio.charset.StandardCharsets.ISO_8859_1);
        if (INF_NAN.matcher(s).matches()) {
            // nan is refused by string2ld; (long long) of an infinite product is LLONG_MIN
            return s.toLowerCase(java.util.Locale.ROOT).contains("nan") ? notFloat() : negative();
        }
        BigDecimal value;
        if (HEX.matcher(s).matches()) {
            String h = s.indexOf('p') < 0 && s.indexOf('P') < 0 ? s + "p0" : s;
            double d;
            try {
                d = Double.parseDouble(h);
            } catch (NumberFormatException e) {
                return notFloat();
            }
            if (Double.isInfinite(d)) return notFloat();
            value = new BigDecimal(d);
        } else if (DECIMAL.matcher(s).matches()) {
            try {
                value = new BigDecimal(s);
            } catch (NumberFormatException | ArithmeticException e) {
                // an exponent beyond int: overflow or underflow unless the digits are all zero
                return s.replaceAll("[eE].*", "").matches("[+-]?[0.]*") ? new Result(0, null) : notFloat();
            }
        } else {
            return notFloat();
        }
        if (value.signum() == 0) return new Result(0, null);
        BigDecimal abs = value.abs();
        if (abs.compareTo(LONG_DOUBLE_MAX) > 0 || abs.compareTo(LONG_DOUBLE_UNDERFLOW) < 0) return notFloat();
        // far from the edges the sign decides, without long double arithmetic on thousands of digits
        if (abs.compareTo(TINY) < 0) return new Result(value.signum() > 0 ? 1 : 0, null);
        if (abs.compareTo(HUGE) > 0) return negative();
        BigDecimal ms = toLongDouble(toLongDouble(value).multiply(THOUSAND)).setScale(0, RoundingMode.CEILING);
        BigInteger t = ms.toBigIntegerExact();
        if (t.signum() < 0 || t.compareTo(LONG_MIN_ABS) >= 0) return negative();
        return new Result(t.longValueExact(), null);
    }

    /** x rounded to the nearest long double (64-bit mantissa, ties to even); subnormals keep full precision (harmless here). */
    static BigDecimal toLongDouble(BigDecimal x) {
        if (x.signum() == 0) return x;
        BigDecimal a = x.abs();
        BigInteger unscaled = a.unscaledValue();
        int scale = a.scale();
        // a = unscaled * 10^-scale; find e with 2^63 <= a / 2^e < 2^64
        long e = (long) Math.floor(bitLog2(a)) - (MANTISSA_BITS - 1);
        for (int guard = 0; guard < 8; guard++) {
            BigInteger num = unscaled;
            BigInteger den = BigInteger.ONE;
            if (scale > 0) den = BigInteger.TEN.pow(scale);
            else if (scale < 0) num = num.multiply(BigInteger.TEN.pow(-scale));
            if (e < 0) num = num.shiftLeft((int) -e);
            else den = den.shiftLeft((int) e);
            BigInteger[] qr = num.divideAndRemainder(den);
            BigInteger q = qr[0];
            if (q.bitLength() > MANTISSA_BITS) {
                e++;
                continue;
            }
            if (q.bitLength() < MANTISSA_BITS) {
                e--;
                continue;
            }
            int cmp = qr[1].shiftLeft(1).compareTo(den);
            if (cmp > 0 || (cmp == 0 && q.testBit(0))) q = q.add(BigInteger.ONE);
            BigDecimal m = new BigDecimal(q);
            BigDecimal r = e >= 0 ? m.multiply(new BigDecimal(BigInteger.ONE.shiftLeft((int) e)))
                    : m.divide(new BigDecimal(BigInteger.ONE.shiftLeft((int) -e)));
            return x.signum() < 0 ? r.negate() : r;
        }
        throw new IllegalStateException("long double rounding did not converge for " + x);
    }

    private static double bitLog2(BigDecimal a) {
        // log2(unscaled) - scale * log2(10), good to a few bits: the loop corrects the rest
        BigInteger u = a.unscaledValue();
        int shift = Math.max(0, u.bitLength() - 60);
        double lead = u.shiftRight(shift).doubleValue();
        return Math.log(lead) / Math.log(2) + shift - a.scale() * (Math.log(10) / Math.log(2));
    }

    private static Result notFloat() {
        return new Result(0, Errors.TIMEOUT_NOT_FLOAT);
    }

    private static Result negative() {
        return new Result(0, Errors.TIMEOUT_NEGATIVE);
    }
}
