package io.meridian.node.rdb;

import io.meridian.node.keyspace.Keyspace;
import io.meridian.node.testing.RealRedis;
import io.meridian.node.testing.RespClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.util.List;

import static io.meridian.node.rdb.Dataset.b;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Digest against real Redis's DEBUG DIGEST / DIGEST-VALUE, type by type and encoding by encoding. */
class DigestTest {
    static RealRedis redis;
    static RespClient c;

    @BeforeAll
    static void start() {
        redis = RealRedis.start();
        c = new RespClient(redis.host(), redis.port());
    }

    @AfterAll
    static void stop() {
        c.close();
        redis.close();
    }

    @BeforeEach
    void flush() {
        c.call("FLUSHALL");
    }

    private void same(Dataset d) {
        c.call("FLUSHALL");
        d.applyTo(c);
        assertEquals(((RespClient.Simple) c.call("DEBUG", "DIGEST")).text(), Digest.dataset(d.ks));
    }

    private void sameValue(Dataset d, String key) {
        c.call("FLUSHALL");
        d.applyTo(c);
        String real = ((RespClient.Simple) ((List<?>) c.call("DEBUG", "DIGEST-VALUE", key)).get(0)).text();
        var e = d.ks.db(0).find(b(key));
        assertEquals(real, e == null ? Digest.value(null, false) : Digest.value(e));
    }

    @Test
    void emptyIsZeros() {
        assertEquals("0".repeat(40), Digest.dataset(new Keyspace(16, Clock.systemUTC())));
        same(new Dataset());
    }

    @Test
    void strings() {
        same(new Dataset().string("a", "hello").string("i", "123").string("e", "").string("bin", new byte[]{0, -1, 13, 10}));
        sameValue(new Dataset().string("i", "-42"), "i");
    }

    @Test
    void lists() {
        same(new Dataset().list("l", b("a"), b("1"), b("b")).list("big", Dataset.strings("e", 300)));
        sameValue(new Dataset().list("l", b("x"), b("y")), "l");
    }

    @Test
    void sets() {
        same(new Dataset().set("ints", Dataset.ints(-3, 10)).set("strs", b("a"), b("b")).set("big", Dataset.ints(0, 1000)));
        sameValue(new Dataset().set("s", b("1"), b("x")), "s");
    }

    @Test
    void zsets() {
        same(new Dataset().zset("small", "a", 1.5, "b", 0.0, "c", Double.POSITIVE_INFINITY, "d", 0.1, "e", 1e300, "7", 7)
                .zset("two", "m", 1.0, "n", 2.0));
        same(new Dataset().zset("int", "a", 1.0));
        // a listpack stores -0 as the integer 0 (zzlInsertAt); a skiplist keeps "-0"
        Object[] negzero = new Object[300];
        for (int i = 0; i < 150; i++) {
            negzero[2 * i] = "m" + i;
            negzero[2 * i + 1] = i == 149 ? -0.0 : i; // added after the conversion to skiplist
        }
        same(new Dataset().zset("negzero", negzero));
        same(new Dataset().zset("inf", "a", Double.POSITIVE_INFINITY, "b", Double.NEGATIVE_INFINITY));
        same(new Dataset().zset("frac", "a", 0.1, "b", 1e300, "c", 1e-300));
        Object[] big = new Object[600];
        for (int i = 0; i < 300; i++) {
            big[2 * i] = "member" + i;
            big[2 * i + 1] = i / 3.0;
        }
        same(new Dataset().zset("big", big));
        sameValue(new Dataset().zset("z", "a", 2.25), "z");
    }

    @Test
    void hashes() {
        same(new Dataset().hash("small", b("f"), b("v"), b("n"), b("12")).hash("big", Dataset.fieldValues("f", 200, 5))
                .hash("longval", b("f"), b("x".repeat(100))));
        sameValue(new Dataset().hash("h", b("a"), b("b")), "h");
    }

    @Test
    void expiresAndDatabases() {
        long t = System.currentTimeMillis() + 100_000;
        same(new Dataset().string("a", "1").expireAt("a", t).select(2).string("a", "1").select(9).list("a", b("1")).expireAt("a", t));
        sameValue(new Dataset().string("a", "1").expireAt("a", t), "a");
    }

    @Test
    void missingKeyValueIsZeros() {
        sameValue(new Dataset(), "nokey");
    }

    @Test
    void varied() {
        same(Dataset.varied());
    }
}
