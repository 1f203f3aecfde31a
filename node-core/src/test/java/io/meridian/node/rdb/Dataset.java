package io.meridian.node.rdb;

import io.meridian.node.keyspace.Entry;
import io.meridian.node.keyspace.HashValue;
import io.meridian.node.keyspace.Keyspace;
import io.meridian.node.keyspace.ListValue;
import io.meridian.node.keyspace.SetValue;
import io.meridian.node.keyspace.ZSetValue;
import io.meridian.node.testing.RespClient;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * A dataset built once and applied twice: straight into a Meridian {@link Keyspace} (no
 * command code involved) and, as commands, into a real redis-server, so digests and RDB
 * files can be compared without depending on other command families.
 */
final class Dataset {
    final Keyspace ks = new Keyspace(16, Clock.systemUTC());
    final List<byte[][]> commands = new ArrayList<>();
    private int db;

    static byte[] b(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    Dataset select(int db) {
        this.db = db;
        commands.add(new byte[][]{b("SELECT"), b(Integer.toString(db))});
        return this;
    }

    Dataset string(String key, byte[] value) {
        ks.db(db).put(b(key), value);
        commands.add(new byte[][]{b("SET"), b(key), value});
        return this;
    }

    Dataset string(String key, String value) {
        return string(key, b(value));
    }

    Dataset list(String key, byte[]... items) {
        ListValue l = new ListValue();
        for (byte[] i : items) l.addLast(i);
        ks.db(db).put(b(key), l);
        for (int i = 0; i < items.length; i += 500) {
            int n = Math.min(500, items.length - i);
            byte[][] c = new byte[2 + n][];
            c[0] = b("RPUSH");
            c[1] = b(key);
            System.arraycopy(items, i, c, 2, n);
            commands.add(c);
        }
        return this;
    }

    Dataset set(String key, byte[]... members) {
        SetValue s = new SetValue();
        for (byte[] m : members) s.add(m);
        ks.db(db).put(b(key), s);
        for (int i = 0; i < members.length; i += 500) {
            int n = Math.min(500, members.length - i);
            byte[][] c = new byte[2 + n][];
            c[0] = b("SADD");
            c[1] = b(key);
            System.arraycopy(members, i, c, 2, n);
            commands.add(c);
        }
        return this;
    }

    /** members and scores alternate: m1, s1, m2, s2... scores as Redis parses them. */
    Dataset zset(String key, Object... memberScore) {
        ZSetValue z = new ZSetValue();
        List<byte[]> cmd = new ArrayList<>();
        for (int i = 0; i < memberScore.length; i += 2) {
            byte[] m = memberScore[i] instanceof byte[] bb ? bb : b((String) memberScore[i]);
            double s = ((Number) memberScore[i + 1]).doubleValue();
            z.add(m, s);
            cmd.add(b(scoreText(s)));
            cmd.add(m);
        }
        ks.db(db).put(b(key), z);
        for (int i = 0; i < cmd.size(); i += 500) {
            List<byte[]> part = cmd.subList(i, Math.min(cmd.size(), i + 500));
            byte[][] c = new byte[2 + part.size()][];
            c[0] = b("ZADD");
            c[1] = b(key);
            for (int j = 0; j < part.size(); j++) c[2 + j] = part.get(j);
            commands.add(c);
        }
        return this;
    }

    private static String scoreText(double s) {
        if (s == Double.POSITIVE_INFINITY) return "inf";
        if (s == Double.NEGATIVE_INFINITY) return "-inf";
        return Double.toString(s);
    }

    /** fields and values alternate. */
    Dataset hash(String key, byte[]... fieldValue) {
        HashValue h = new HashValue();
        for (int i = 0; i < fieldValue.length; i += 2) h.put(fieldValue[i], fieldValue[i + 1]);
        ks.db(db).put(b(key), h);
        for (int i = 0; i < fieldValue.length; i += 500) {
            int n = Math.min(500, fieldValue.length - i);
            byte[][] c = new byte[2 + n][];
            c[0] = b("HSET");
            c[1] = b(key);
            System.arraycopy(fieldValue, i, c, 2, n);
            commands.add(c);
        }
        return this;
    }

    Dataset expireAt(String key, long ms) {
        Entry e = ks.db(db).find(b(key));
        ks.db(db).setExpire(e, ms);
        commands.add(new byte[][]{b("PEXPIREAT"), b(key), b(Long.toString(ms))});
        return this;
    }

    /** Applies the commands to a real server; fails on an error reply. */
    void applyTo(RespClient c) {
        for (byte[][] cmd : commands) c.sendBytes(cmd);
        for (byte[][] cmd : commands) {
            Object r = c.read();
            if (r instanceof RespClient.Err e) throw new AssertionError(new String(cmd[0]) + ": " + e.text());
        }
        c.call("SELECT", "0");
    }

    static byte[][] strings(String prefix, int n) {
        byte[][] r = new byte[n][];
        for (int i = 0; i < n; i++) r[i] = b(prefix + i);
        return r;
    }

    static byte[][] ints(int from, int n) {
        byte[][] r = new byte[n][];
        for (int i = 0; i < n; i++) r[i] = b(Integer.toString(from + i));
        return r;
    }

    static byte[][] fieldValues(String prefix, int n, int valueLen) {
        byte[][] r = new byte[2 * n][];
        for (int i = 0; i < n; i++) {
            r[2 * i] = b(prefix + i);
            r[2 * i + 1] = b(("v" + i + "x".repeat(valueLen)).substring(0, Math.max(1, valueLen)));
        }
        return r;
    }

    /** Every type and the sizes that give each Redis 7.0 encoding, several dbs, expiries, binary. */
    static Dataset varied() {
        long future = System.currentTimeMillis() + 3_600_000;
        byte[] binary = new byte[300];
        for (int i = 0; i < binary.length; i++) binary[i] = (byte) (i * 7);
        Object[] smallZ = {"a", 1.0, "b", 2.5, "c", 0.0, "d", Double.POSITIVE_INFINITY, "e", Double.NEGATIVE_INFINITY,
                "f", 0.1, "g", 1e-300, "h", 12345678901234.0, "i", 3.0};
        Object[] bigZ = new Object[400];
        for (int i = 0; i < 200; i++) {
            bigZ[2 * i] = "m" + i;
            bigZ[2 * i + 1] = i * 1.5 - 37;
        }
        bigZ[399] = -0.0; // inserted after the conversion to skiplist: a listpack would keep 0
        Dataset d = new Dataset();
        d.string("str", "hello")
                .string("int", "12345")
                .string("neg", "-9223372036854775808")
                .string("notint", "007")
                .string("empty", "")
                .string("long", "abcdefghij".repeat(20))
                .string("bin", binary)
                .list("list-small", b("a"), b("1"), b("-5"), b(""), b("xyz"))
                .list("list-big", strings("element-", 1000))
                .list("list-wide", b("x".repeat(10000)), b("y"), b("z".repeat(70000)))
                .set("set-int", ints(-5, 20))
                .set("set-str", b("a"), b("b"), b("c"))
                .set("set-bigint", ints(100000, 600))
                .zset("z-small", smallZ)
                .zset("z-big", bigZ)
                .hash("h-small", b("f1"), b("v1"), b("f2"), b("123"), b("n"), b("-1"))
                .hash("h-big", fieldValues("field", 300, 10))
                .hash("h-longval", b("f"), b("v".repeat(100)))
                .expireAt("str", future)
                .expireAt("list-small", future + 1000)
                .select(3)
                .string("str", "in db 3")
                .set("s", b("x"))
                .expireAt("s", future + 5000)
                .select(15)
                .zset("z", "only", 42)
                .select(0);
        return d;
    }
}
