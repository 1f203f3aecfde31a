package io.meridian.node;

import io.meridian.node.testing.Differential;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * DEBUG DIGEST at the end of a differential test. The digest covers expire times, and a key
 * given a relative TTL (EX, PX, EXPIRE) expires at a slightly different millisecond on each
 * server: those keys are made persistent on both first, every other expire time must match.
 */
final class DigestCheck {
    private DigestCheck() {}

    /** Keys whose absolute expire times differ by less than this are taken as set relatively. */
    private static final long RELATIVE_SLACK_MS = 60_000;

    static void assertSameDigest(Differential d) {
        for (int db = 0; db < 16; db++) {
            d.both("SELECT", Integer.toString(db));
            for (Object k : (List<?>) d.redisClient().call("KEYS", "*")) {
                byte[] key = ((String) k).getBytes(StandardCharsets.ISO_8859_1);
                Object real = d.redisClient().call("PEXPIRETIME".getBytes(StandardCharsets.US_ASCII), key);
                Object ours = d.meridianClient().call("PEXPIRETIME".getBytes(StandardCharsets.US_ASCII), key);
                if (real instanceof Long a && ours instanceof Long b && a > 0 && b > 0 && !a.equals(b)
                        && Math.abs(a - b) < RELATIVE_SLACK_MS) {
                    d.redisClient().call("PERSIST".getBytes(StandardCharsets.US_ASCII), key);
                    d.meridianClient().call("PERSIST".getBytes(StandardCharsets.US_ASCII), key);
                }
            }
        }
        d.both("SELECT", "0");
        d.assertSameDigest();
    }
}
