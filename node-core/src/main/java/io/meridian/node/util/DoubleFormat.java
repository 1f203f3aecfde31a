package io.meridian.node.util;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/** Double to text exactly as Redis 7.0 prints it: C's "%.17g" for replies, "%.17Lf" trimmed for INCRBYFLOAT. */
public final class DoubleFormat {
    private DoubleFormat() {}

    /** C printf "%.17g" (Redis 7.0's addReplyDouble and RDB/DUMP text scores). */
    public static String g17(double d) {
        return g(d, 17);
    }

    /** C printf "%.<precision>g". */
    public static String g(double d, int precision) {
        if (Double.isNaN(d)) return "nan";
        if (Double.isInfinite(d)) return d > 0 ? "inf" : "-inf";
        if (d == 0) return (1 / d < 0) ? "-0" : "0";
        BigDecimal bd = new BigDecimal(d).round(new MathContext(precision, RoundingMode.HALF_EVEN));
        int exp = bd.precision() - bd.scale() - 1;
        if (exp < -4 || exp >= precision) {
            BigDecimal unscaled = bd.movePointLeft(exp);
            String mant = stripZeros(unscaled.setScale(precision - 1, RoundingMode.HALF_EVEN).toPlainString());
            String es = Integer.toString(Math.abs(exp));
            if (es.length() < 2) es = "0" + es;
            return mant + "e" + (exp < 0 ? "-" : "+") + es;
        }
        int decimals = Math.max(precision - 1 - exp, 0);
        return stripZeros(bd.setScale(decimals, RoundingMode.HALF_EVEN).toPlainString());
    }

    private static String stripZeros(String s) {
        if (s.indexOf('.') < 0) return s;
        int end = s.length();
        while (s.charAt(end - 1) == '0') end--;
        if (s.charAt(end - 1) == '.') end--;
        return s.substring(0, end);
    }

    /**
     * INCRBYFLOAT / HINCRBYFLOAT result text: Redis formats a long double with "%.17Lf" and
     * trims trailing zeros. The long double carries more digits than a double, so we add the
     * decimal texts exactly and round to 17 decimals, which prints what Redis prints.
     */
    public static String longDouble(BigDecimal v) {
        String s = v.setScale(17, RoundingMode.HALF_EVEN).toPlainString();
        s = stripZeros(s);
        if (s.equals("-0")) s = "0";
        return s;
    }

    /** Redis 7.0's ld2string in LD_STR_HUMAN mode for a value that fits in a double. */
    public static String human(double d) {
        if (Double.isInfinite(d)) return d > 0 ? "inf" : "-inf";
        return longDouble(new BigDecimal(d));
    }
}
