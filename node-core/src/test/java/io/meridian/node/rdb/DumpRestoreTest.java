package io.meridian.node.rdb;

import io.meridian.node.testing.Differential;
import io.meridian.node.testing.RespClient;
import io.meridian.node.testing.TestNode;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static io.meridian.node.rdb.Dataset.b;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** DUMP and RESTORE against the real redis-server: payload bytes, errors, cross restores, propagation. */
class DumpRestoreTest {

    private static byte[] bytes(Object bulk) {
        return ((String) bulk).getBytes(StandardCharsets.ISO_8859_1);
    }

    /** A DUMP payload with its footer recomputed, for payloads that must pass the CRC and fail later. */
    private static byte[] withFooter(byte[] body) {
        byte[] p = new byte[body.length + 10];
        System.arraycopy(body, 0, p, 0, body.length);
        p[body.length] = 10;
        long crc = Crc64.of(p, 0, body.length + 2);
        for (int i = 0; i < 8; i++) p[body.length + 2 + i] = (byte) (crc >>> (8 * i));
        return p;
    }

    @Test
    void errorsAsRedis() {
        try (Differential d = new Differential()) {
            d.check("SET", "k", "v");
            byte[] good = bytes(d.check("DUMP", "k"));
            byte[] badCrc = good.clone();
            badCrc[badCrc.length - 1] ^= 1;
            byte[] newer = good.clone();
            newer[newer.length - 10] = 11;
            byte[] unknownType = withFooter(new byte[]{(byte) 200, 1, 'x'});
            byte[] truncated = withFooter(new byte[]{0, 5, 'a'});
            byte[] emptyList = withFooter(new byte[]{18, 0});
            byte[] badListpack = withFooter(new byte[]{16, 7, 7, 0, 0, 0, 1, 0, (byte) 0xFF});
            d.check("DUMP");
            d.check("DUMP", "k", "x");
            d.check("DUMP", "missing");
            d.check("RESTORE", "k", "0");
            d.check(b("RESTORE"), b("k"), b("0"), good);
            d.check(b("RESTORE"), b("k2"), b("abc"), good);
            d.check(b("RESTORE"), b("k2"), b("-1"), good);
            d.check(b("RESTORE"), b("k2"), b("0"), b("short"));
            d.check(b("RESTORE"), b("k2"), b("0"), badCrc);
            d.check(b("RESTORE"), b("k2"), b("0"), newer);
            d.check(b("RESTORE"), b("k2"), b("0"), unknownType);
            d.check(b("RESTORE"), b("k2"), b("0"), truncated);
            d.check(b("RESTORE"), b("k2"), b("0"), emptyList);
            d.check(b("RESTORE"), b("k2"), b("0"), badListpack);
            d.check(b("RESTORE"), b("k2"), b("0"), good, b("FOO"));
            d.check(b("RESTORE"), b("k2"), b("0"), good, b("IDLETIME"), b("-1"));
            d.check(b("RESTORE"), b("k2"), b("0"), good, b("IDLETIME"), b("x"));
            d.check(b("RESTORE"), b("k2"), b("0"), good, b("IDLETIME"));
            d.check(b("RESTORE"), b("k2"), b("0"), good, b("FREQ"), b("256"));
            d.check(b("RESTORE"), b("k2"), b("0"), good, b("FREQ"), b("-1"));
            d.check(b("RESTORE"), b("k2"), b("0"), good, b("IDLETIME"), b("1"), b("FREQ"), b("1"));
            d.check(b("RESTORE"), b("k"), b("0"), good, b("FOO"));
            d.check(b("RESTORE"), b("k"), b("-5"), good, b("REPLACE"));
            d.check(b("RESTORE"), b("k2"), b("0"), good);
            d.check("GET", "k2");
            d.check(b("RESTORE"), b("k"), b("0"), good, b("REPLACE"), b("IDLETIME"), b("5"));
            d.check(b("RESTORE"), b("k3"), b("4102444800000"), good, b("ABSTTL"));
            d.check("PEXPIRETIME", "k3");
            d.check(b("RESTORE"), b("k4"), b("1"), good, b("ABSTTL"));
            d.check("EXISTS", "k4");
            d.check(b("RESTORE"), b("k3"), b("1"), good, b("ABSTTL"), b("REPLACE"));
            d.check("EXISTS", "k3");
            d.check(b("RESTORE"), b("k5"), b("100000"), good);
            d.check("TTL", "k5");
            d.check("HSET", "h", "f", "v");
            d.check("DUMP", "h");
            d.assertSameDigest();
        }
    }

    @Test
    void commandTableAsRedis() {
        try (Differential d = new Differential()) {
            d.check("COMMAND", "INFO", "dump", "restore");
            for (String name : List.of("dump", "restore")) {
                // the table does not model arguments and history: compare the documented fields it has
                List<?> docs = (List<?>) ((List<?>) d.redisClient().call("COMMAND", "DOCS", name)).get(1);
                List<?> ours = (List<?>) ((List<?>) d.meridianClient().call("COMMAND", "DOCS", name)).get(1);
                for (String field : List.of("summary", "since", "group", "complexity")) {
                    assertEquals(docs.get(docs.indexOf(field) + 1), ours.get(ours.indexOf(field) + 1), name + " " + field);
                }
            }
            d.resp3();
            d.check("COMMAND", "INFO", "dump", "restore");
            d.check("COMMAND", "GETKEYS", "RESTORE", "k", "0", "x", "REPLACE");
        }
    }

    @Test
    void payloadBytesEqualRedis() {
        Random rnd = new Random(7);
        byte[] noise = new byte[100];
        rnd.nextBytes(noise);
        try (Differential d = new Differential()) {
            String[][] strings = {{"s", "hello"}, {"i", "12345"}, {"n", "-1"}, {"i64", "4294967296"}, {"z", "007"}, {"e", ""},
                    {"big", "9223372036854775807"}, {"long", "abcdefghij".repeat(30)}, {"twentyone", "aaaaaaaaaaaaaaaaaaaaa"}};
            for (String[] kv : strings) {
                d.check("SET", kv[0], kv[1]);
                d.check("DUMP", kv[0]);
            }
            d.check(b("SET"), b("noise"), noise);
            d.check("DUMP", "noise");
            d.check("SADD", "ints", "1", "5", "-3", "100");
            d.check("DUMP", "ints");
            d.check("SADD", "ints32", "70000", "-2", "5");
            d.check("DUMP", "ints32");
            d.check("SADD", "ints64", "5000000000", "1");
            d.check("DUMP", "ints64");
            List<String> many = new ArrayList<>(List.of("SADD", "manyints"));
            for (int i = 0; i < 300; i++) many.add(Integer.toString(i * 7));
            d.check(many.toArray(new String[0]));
            d.check("DUMP", "manyints");
            d.check("HSET", "h", "field", "value", "n", "12", "neg", "-100000", "long", "x".repeat(60));
            d.check("DUMP", "h");
            d.check("HSET", "h2", "a", "1");
            d.check("HDEL", "h", "n");
            d.check("DUMP", "h");
            d.assertSameDigest();
        }
    }

    /**
     * Every type and encoding made in the real server: its DUMP restored into Meridian, Meridian's
     * own DUMP restored back into Redis must have the same DIGEST-VALUE; where both hold the
     * value in the same deterministic encoding, the payload bytes are equal.
     */
    @Test
    void crossRestoreEveryEncoding() {
        try (Differential d = new Differential()) {
            RespClient r = d.redisClient();
            RespClient m = d.meridianClient();
            Dataset.varied().applyTo(r);
            List<Object> keys = (List<Object>) r.call("KEYS", "*");
            assertTrue(keys.size() > 15);
            int byteEqual = 0;
            for (Object k : keys) {
                String key = (String) k;
                byte[] real = bytes(r.call("DUMP", key));
                long at = (Long) r.call("PEXPIRETIME", key);
                byte[] ttl = b(Long.toString(Math.max(at, 0)));
                assertEquals(new RespClient.Simple("OK"), m.call(b("RESTORE"), b(key), ttl, real, b("ABSTTL")));
                byte[] mine = bytes(m.call("DUMP", key));
                assertEquals(new RespClient.Simple("OK"), r.call(b("RESTORE"), b(key + ":back"), ttl, mine, b("ABSTTL")));
                Object dv = r.call("DEBUG", "DIGEST-VALUE", key, key + ":back");
                List<?> digests = (List<?>) dv;
                assertEquals(digests.get(0), digests.get(1), key);
                Object realEnc = r.call("OBJECT", "ENCODING", key);
                Object myEnc = m.call("OBJECT", "ENCODING", key);
                String enc = String.valueOf(((Object) realEnc));
                boolean deterministic = !enc.equals("hashtable");
                if (deterministic && realEnc.equals(myEnc)) {
                    assertArrayEquals(real, mine, () -> key + " (" + enc + ")");
                    byteEqual++;
                }
            }
            assertTrue(byteEqual >= 8, "byte-equal payloads: " + byteEqual);
        }
    }

    /** With list-compress-depth, interior quicklist nodes travel LZF-compressed as quicklist holds them. */
    @Test
    void compressedQuicklistNodesAsRedis() {
        try (io.meridian.node.testing.RealRedis real = io.meridian.node.testing.RealRedis.start("--list-compress-depth", "1");
             RespClient r = new RespClient(real.host(), real.port());
             TestNode n = TestNode.start("--list-compress-depth", "1");
             RespClient m = new RespClient(n.host(), n.port())) {
            new Dataset().list("l", Dataset.strings("element-", 3000)).list("short", Dataset.strings("e", 10))
                    .list("two", Dataset.strings("abcdefghijklmnopqrstuvwxyz-", 300)).applyTo(r);
            for (String k : List.of("l", "short", "two")) {
                byte[] real1 = bytes(r.call("DUMP", k));
                assertEquals(new RespClient.Simple("OK"), m.call(b("RESTORE"), b(k), b("0"), real1));
                assertArrayEquals(real1, bytes(m.call("DUMP", k)), k);
            }
        }
    }

    @Test
    void restorePropagatesAbsoluteTtl() {
        try (TestNode n = TestNode.start(); RespClient c = new RespClient(n.host(), n.port())) {
            ByteArrayOutputStream stream = new ByteArrayOutputStream();
            n.node().stream().addListener((start, data) -> {
                synchronized (stream) {
                    stream.writeBytes(data);
                }
            });
            byte[] payload = RdbWriter.dumpPayload(b("value"), RdbWriter.Options.defaults());
            assertEquals(new RespClient.Simple("OK"), c.call(b("RESTORE"), b("a"), b("100000"), payload));
            assertEquals(new RespClient.Simple("OK"), c.call(b("RESTORE"), b("b"), b("0"), payload));
            assertEquals(new RespClient.Simple("OK"), c.call(b("RESTORE"), b("gone"), b("1"), payload, b("ABSTTL")));
            assertEquals(new RespClient.Simple("OK"), c.call(b("RESTORE"), b("b"), b("1"), payload, b("ABSTTL"), b("REPLACE")));
            c.call("PING");
            String s;
            synchronized (stream) {
                s = stream.toString(StandardCharsets.ISO_8859_1);
            }
            assertTrue(s.matches("(?s).*\\*5\r\n\\$7\r\nRESTORE\r\n\\$1\r\na\r\n\\$13\r\n\\d{13}\r\n\\$\\d+\r\n.*\r\n\\$6\r\nABSTTL\r\n.*"), s);
            assertTrue(s.contains("*4\r\n$7\r\nRESTORE\r\n$1\r\nb\r\n$1\r\n0\r\n"), s);
            assertTrue(s.contains("*2\r\n$3\r\nDEL\r\n$1\r\nb\r\n"), s);
            assertTrue(!s.contains("gone"), s);
        }
    }

    @Test
    void lettuceDumpAndRestore() {
        try (TestNode n = TestNode.start()) {
            io.lettuce.core.RedisClient client = io.lettuce.core.RedisClient.create("redis://" + n.host() + ":" + n.port());
            try (var conn = client.connect(io.lettuce.core.codec.ByteArrayCodec.INSTANCE)) {
                var sync = conn.sync();
                sync.set(b("k"), b("x".repeat(200)));
                byte[] p = sync.dump(b("k"));
                assertEquals("OK", sync.restore(b("k2"), 60_000, p));
                assertArrayEquals(b("x".repeat(200)), sync.get(b("k2")));
                assertTrue(sync.pttl(b("k2")) > 50_000);
                assertArrayEquals(p, RdbWriter.dumpPayload(b("x".repeat(200)), RdbWriter.Options.defaults()));
            } finally {
                client.shutdown();
            }
        }
    }

    @Test
    void jedisDumpAndRestore() {
        try (TestNode n = TestNode.start(); Jedis j = new Jedis(n.host(), n.port())) {
            j.set("k", "some value");
            j.hset("h", "f", "v");
            j.sadd("s", "1", "2", "3");
            for (String k : List.of("k", "h", "s")) {
                byte[] p = j.dump(k);
                assertEquals("OK", j.restore(k + "2", 0, p));
                assertArrayEquals(p, j.dump(k + "2"));
            }
            assertEquals("some value", j.get("k2"));
            assertEquals("v", j.hget("h2", "f"));
            assertEquals(3, j.scard("s2"));
            assertEquals(Digest.value(n.node().keyspace().db(0).find(b("h"))), Digest.value(n.node().keyspace().db(0).find(b("h2"))));
        }
    }
}
