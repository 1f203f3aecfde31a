package io.meridian.node.commands;

import io.meridian.node.server.Client;
import io.meridian.node.util.Bytes;

/**
 * Argument parsing that replies with Redis's error on failure: each method returns null
 * (having written the error) when the argument is invalid, so handlers read
 * {@code Long n = Args.integer(c, argv[2]); if (n == null) return;}.
 */
public final class Args {
    private Args() {}

    public static Long integer(Client c, byte[] arg) {
        Long v = Bytes.parseLong(arg);
        if (v == null) c.error(Errors.NOT_INTEGER);
        return v;
    }

    /** An integer with a custom error text (e.g. "ERR value is out of range, must be positive"). */
    public static Long integer(Client c, byte[] arg, String error) {
        Long v = Bytes.parseLong(arg);
        if (v == null) c.error(error);
        return v;
    }

    public static Double dbl(Client c, byte[] arg) {
        Double v = Bytes.parseDouble(arg);
        if (v == null) c.error(Errors.NOT_FLOAT);
        return v;
    }

    /** A blocking timeout in seconds (may be fractional) as milliseconds; 0 = forever. See {@link BlockingTimeout}. */
    public static Long timeoutMillis(Client c, byte[] arg) {
        BlockingTimeout.Result r = BlockingTimeout.parse(arg);
        if (r.error() != null) {
            c.error(r.error());
            return null;
        }
        return r.millis();
    }

    public static boolean is(byte[] arg, String word) {
        return Bytes.eqIgnoreCase(arg, word);
    }
}
