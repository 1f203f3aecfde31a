package io.meridian.node.testing;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Runs the same commands against Meridian and Debian's real redis-server and asserts the
 * replies are identical (values, types, error strings), then that DEBUG DIGEST matches.
 * Each test gets fresh servers; use {@link #resp3()} to compare RESP3 replies.
 */
public final class Differential implements AutoCloseable {
    private final TestNode meridian;
    private final RealRedis redis;
    private final RespClient m;
    private final RespClient r;

    public Differential() {
        this(new String[0]);
    }

    /** Both servers started with the same redis-server style flags ("--requirepass", "pw"). */
    public Differential(String... args) {
        this.redis = RealRedis.start(args);
        this.meridian = TestNode.start(args);
        this.m = new RespClient(meridian.host(), meridian.port());
        this.r = new RespClient(redis.host(), redis.port());
    }

    public Differential resp3() {
        both("HELLO", "3");
        return this;
    }

    public TestNode meridian() {
        return meridian;
    }

    public RealRedis redis() {
        return redis;
    }

    /** Sends to both without comparing (setup whose reply legitimately differs, e.g. HELLO). */
    public void both(String... cmd) {
        m.call(cmd);
        r.call(cmd);
    }

    /** Runs one command on both and asserts equal replies; returns Redis's reply. */
    public Object check(String... cmd) {
        Object expected = r.call(cmd);
        Object actual = m.call(cmd);
        assertEquals(expected, actual, () -> "reply to " + String.join(" ", cmd));
        return expected;
    }

    public Object check(byte[]... cmd) {
        Object expected = r.call(cmd);
        Object actual = m.call(cmd);
        assertEquals(expected, actual, () -> "reply to binary command " + new String(cmd[0]));
        return expected;
    }

    /** Runs a command whose reply is a set (order unspecified): compares sorted. */
    @SuppressWarnings("unchecked")
    public Object checkUnordered(String... cmd) {
        Object expected = r.call(cmd);
        Object actual = m.call(cmd);
        if (expected instanceof List<?> e && actual instanceof List<?> a) {
            List<String> es = new ArrayList<>();
            for (Object o : e) es.add(String.valueOf(o));
            List<String> as = new ArrayList<>();
            for (Object o : a) as.add(String.valueOf(o));
            es.sort(null);
            as.sort(null);
            assertEquals(es, as, () -> "unordered reply to " + String.join(" ", cmd));
        } else {
            assertEquals(expected, actual, () -> "reply to " + String.join(" ", cmd));
        }
        return expected;
    }

    /** Runs a script of commands, comparing each reply. */
    public void script(String[]... cmds) {
        for (String[] c : cmds) check(c);
    }

    /** Asserts both datasets have the same DEBUG DIGEST (Redis's own dataset digest). */
    public void assertSameDigest() {
        Object expected = r.call("DEBUG", "DIGEST");
        Object actual = m.call("DEBUG", "DIGEST");
        assertEquals(expected, actual, "DEBUG DIGEST");
    }

    /** Direct access for commands whose replies legitimately differ. */
    public RespClient meridianClient() {
        return m;
    }

    public RespClient redisClient() {
        return r;
    }

    @Override
    public void close() {
        m.close();
        r.close();
        meridian.close();
        redis.close();
    }
}
