package io.meridian.node.rdb;

import io.meridian.node.keyspace.HashValue;
import io.meridian.node.keyspace.Keyspace;
import io.meridian.node.keyspace.ListValue;
import io.meridian.node.keyspace.SetValue;
import io.meridian.node.keyspace.ZSetValue;
import io.meridian.node.testing.RealRedis;
import io.meridian.node.testing.RespClient;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

import static io.meridian.node.rdb.Dataset.b;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Files of older Redis versions, built byte by byte here (ziplist lists, hashes and zsets,
 * quicklist v1, zipmap hashes, text-score zsets, plain lists, second-precision expiries): the
 * real redis-server 7.0 loads the same file and must end with the same DEBUG DIGEST.
 */
class LegacyRdbTest {

    // ---- fixture encoders (the old formats, as Redis up to 6.2 wrote them) ----------------------

    /** A ziplist as ziplist.c lays it out, integers in the narrowest encoding Redis picks. */
    static byte[] ziplist(byte[]... entries) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        int prevlen = 0;
        int tail = 10;
        for (byte[] e : entries) {
            ByteArrayOutputStream x = new ByteArrayOutputStream();
            if (prevlen < 254) {
                x.write(prevlen);
            } else {
                x.write(0xFE);
                le(x, prevlen, 4);
            }
            long[] v = new long[1];
            if (e.length <= 20 && IntegerText.parse(e, 0, e.length, v)) {
                long n = v[0];
                if (n >= 0 && n <= 12) {
                    x.write(0xF1 + (int) n);
                } else if (n >= Byte.MIN_VALUE && n <= Byte.MAX_VALUE) {
                    x.write(0xFE);
                    le(x, n, 1);
                } else if (n >= Short.MIN_VALUE && n <= Short.MAX_VALUE) {
                    x.write(0xC0);
                    le(x, n, 2);
                } else if (n >= -(1 << 23) && n <= (1 << 23) - 1) {
                    x.write(0xF0);
                    le(x, n, 3);
                } else if (n >= Integer.MIN_VALUE && n <= Integer.MAX_VALUE) {
                    x.write(0xD0);
                    le(x, n, 4);
                } else {
                    x.write(0xE0);
                    le(x, n, 8);
                }
            } else if (e.length < 64) {
                x.write(e.length);
                x.writeBytes(e);
            } else if (e.length < 16384) {
                x.write(0x40 | (e.length >>> 8));
                x.write(e.length & 0xff);
                x.writeBytes(e);
            } else {
                x.write(0x80);
                x.write(e.length >>> 24);
                x.write(e.length >>> 16);
                x.write(e.length >>> 8);
                x.write(e.length);
                x.writeBytes(e);
            }
            tail = 10 + body.size();
            prevlen = x.size();
            body.writeBytes(x.toByteArray());
        }
        ByteArrayOutputStream zl = new ByteArrayOutputStream();
        le(zl, 10 + body.size() + 1, 4);
        le(zl, entries.length == 0 ? 10 : tail, 4);
        le(zl, entries.length, 2);
        zl.writeBytes(body.toByteArray());
        zl.write(0xFF);
        return zl.toByteArray();
    }

    /** A zipmap (Redis 2.4 small hashes); free bytes after each value as zipmap.c leaves them. */
    static byte[] zipmap(byte[]... fieldValues) {
        ByteArrayOutputStream z = new ByteArrayOutputStream();
        z.write(fieldValues.length / 2);
        for (int i = 0; i < fieldValues.length; i += 2) {
            zmLen(z, fieldValues[i].length);
            z.writeBytes(fieldValues[i]);
            zmLen(z, fieldValues[i + 1].length);
            int free = i % 4 == 0 ? 2 : 0;
            z.write(free);
            z.writeBytes(fieldValues[i + 1]);
            for (int k = 0; k < free; k++) z.write('#');
        }
        z.write(0xFF);
        return z.toByteArray();
    }

    private static void zmLen(ByteArrayOutputStream z, int len) {
        if (len < 254) {
            z.write(len);
        } else {
            z.write(254);
            le(z, len, 4);
        }
    }

    static void le(ByteArrayOutputStream o, long v, int n) {
        for (int i = 0; i < n; i++) o.write((int) (v >>> (8 * i)));
    }

    /** Old text-score double (rdbSaveDoubleValue). */
    static void textDouble(RdbWriter w, double d) throws Exception {
        if (Double.isInfinite(d)) {
            w.type(d > 0 ? 254 : 255);
            return;
        }
        byte[] t = io.meridian.node.util.DoubleFormat.g17(d).getBytes(StandardCharsets.US_ASCII);
        w.type(t.length);
        for (byte x : t) w.type(x & 0xff);
    }

    // ---- the fixture file -------------------------------------------------------------------

    static final long EXPIRE_SECONDS = System.currentTimeMillis() / 1000 + 7200;

    static byte[] legacyFile(int version, boolean checksum) throws Exception {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        RdbWriter w = new RdbWriter(bos, new RdbWriter.Options(true, checksum, -2));
        w.header(version);
        w.aux("redis-ver", "5.0.14");
        w.aux("redis-bits", "64");
        w.selectDb(0);
        w.resizeDb(9, 1);
        // list as one ziplist (RDB_TYPE_LIST_ZIPLIST)
        w.type(RdbType.LIST_ZIPLIST);
        w.string(b("zl-list"));
        w.string(ziplist(b("a"), b("12"), b("7"), b("-100"), b("30000"), b("-70000"), b("3000000000"), b("x".repeat(300)), b(""), b("007")));
        // quicklist v1: ziplist nodes
        w.type(RdbType.LIST_QUICKLIST);
        w.string(b("ql-v1"));
        w.length(2);
        w.string(ziplist(b("n1"), b("n2"), b("3")));
        w.string(ziplist(b("n4"), b("y".repeat(20000))));
        // zset ziplist
        w.type(RdbType.ZSET_ZIPLIST);
        w.string(b("zl-zset"));
        w.string(ziplist(b("low"), b("-2.5"), b("one"), b("1"), b("high"), b("1e+20")));
        // hash ziplist
        w.type(RdbType.HASH_ZIPLIST);
        w.string(b("zl-hash"));
        w.string(ziplist(b("f1"), b("v1"), b("n"), b("42"), b("long"), b("z".repeat(100))));
        // zipmap hash
        w.type(RdbType.HASH_ZIPMAP);
        w.string(b("zm-hash"));
        w.string(zipmap(b("field"), b("value"), b("k2"), b("12345"), b("big"), b("q".repeat(300))));
        // zset with text scores (RDB_TYPE_ZSET)
        w.type(RdbType.ZSET);
        w.string(b("text-zset"));
        w.length(3);
        w.string(b("a"));
        textDouble(w, 0.1);
        w.string(b("b"));
        textDouble(w, Double.POSITIVE_INFINITY);
        w.string(b("c"));
        textDouble(w, -3);
        // plain list (RDB_TYPE_LIST) with a second-precision expiry
        w.type(RdbType.OPCODE_EXPIRETIME);
        w.le(EXPIRE_SECONDS, 4);
        w.type(RdbType.LIST);
        w.string(b("plain-list"));
        w.length(3);
        w.string(b("p"));
        w.string(b("1"));
        w.string(b("r".repeat(50)));
        // plain set and intset
        w.type(RdbType.SET);
        w.string(b("plain-set"));
        w.length(2);
        w.string(b("m"));
        w.string(b("77"));
        w.type(RdbType.SET_INTSET);
        w.string(b("intset"));
        w.string(Intset.encode(new long[]{3, -1, 70000}));
        w.selectDb(2);
        w.type(RdbType.STRING);
        w.string(b("db2"));
        w.string(b("in db 2"));
        w.finish();
        return bos.toByteArray();
    }

    @Test
    void ziplistEraFileLoadsAsRedisLoadsIt() throws Exception {
        byte[] file = legacyFile(9, true);
        Keyspace ks = new Keyspace(16, Clock.systemUTC());
        RdbLoader.Result res = RdbLoader.load(new ByteArrayInputStream(file), ks, System.currentTimeMillis(), true);
        assertEquals(9, res.version);
        assertEquals(10, res.keysLoaded);

        ListValue l = (ListValue) ks.db(0).find(b("zl-list")).value;
        List<String> items = new ArrayList<>();
        for (int i = 0; i < l.size(); i++) items.add(new String(l.get(i), StandardCharsets.ISO_8859_1));
        assertEquals(List.of("a", "12", "7", "-100", "30000", "-70000", "3000000000", "x".repeat(300), "", "007"), items);
        assertEquals(5, ((ListValue) ks.db(0).find(b("ql-v1")).value).size());
        ZSetValue z = (ZSetValue) ks.db(0).find(b("zl-zset")).value;
        assertEquals(-2.5, z.get(b("low")).score());
        assertEquals(1e20, z.get(b("high")).score());
        HashValue zm = (HashValue) ks.db(0).find(b("zm-hash")).value;
        assertArrayEquals(b("12345"), zm.get(b("k2")));
        assertEquals(300, zm.get(b("big")).length);
        assertEquals(EXPIRE_SECONDS * 1000, ks.db(0).find(b("plain-list")).expireAt);
        assertEquals(3, ((SetValue) ks.db(0).find(b("intset")).value).size());

        // the real server loads the very same bytes: same digest
        Path dir = Files.createTempDirectory("legacy");
        Files.write(dir.resolve("old.rdb"), file);
        try (RealRedis r = RealRedis.start("--dir", dir.toString(), "--dbfilename", "old.rdb");
             RespClient c = new RespClient(r.host(), r.port())) {
            assertEquals(9L, c.call("DBSIZE"));
            assertEquals(((RespClient.Simple) c.call("DEBUG", "DIGEST")).text(), Digest.dataset(ks));
        }
    }

    @Test
    void oldVersionsAndChecksumOff() throws Exception {
        for (int v : new int[]{4, 6, 7, 8}) {
            Keyspace ks = new Keyspace(16, Clock.systemUTC());
            RdbLoader.load(new ByteArrayInputStream(legacyFile(v, v >= 5)), ks, -1, true);
            assertEquals(10, ks.totalKeys(), "version " + v);
        }
        byte[] noSum = legacyFile(9, false);
        Keyspace ks = new Keyspace(16, Clock.systemUTC());
        RdbLoader.load(new ByteArrayInputStream(noSum), ks, -1, true);
        assertEquals(10, ks.totalKeys());
    }

    @Test
    void unsupportedRecordsAreClearErrors() throws Exception {
        assertThrows(RdbException.class, () -> RdbLoader.load(new ByteArrayInputStream(b("REDIS0013")), new Keyspace(16, Clock.systemUTC()), -1, true));
        assertThrows(RdbException.class, () -> RdbLoader.load(new ByteArrayInputStream(b("RODIS0010")), new Keyspace(16, Clock.systemUTC()), -1, true));
        for (int[] rec : new int[][]{{RdbType.STREAM_LISTPACKS_2}, {RdbType.MODULE_2}, {RdbType.HASH_LISTPACK_EX}, {RdbType.OPCODE_FUNCTION2},
                {RdbType.OPCODE_MODULE_AUX}, {8}, {240}}) {
            ByteArrayOutputStream bos = new ByteArrayOutputStream();
            RdbWriter w = new RdbWriter(bos, RdbWriter.Options.defaults());
            w.header(12);
            w.selectDb(0);
            w.type(rec[0]);
            w.string(b("key"));
            w.string(b("payload"));
            w.finish();
            RdbException e = assertThrows(RdbException.class,
                    () -> RdbLoader.load(new ByteArrayInputStream(bos.toByteArray()), new Keyspace(16, Clock.systemUTC()), -1, true));
            assertEquals(11, e.offset(), e.getMessage());
            assertTrue(e.getMessage().contains("not supported") || e.getMessage().contains("unknown"), e.getMessage());
        }
    }

    @Test
    void rdb11SetListpackAndSlotInfoAreRead() throws Exception {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        RdbWriter w = new RdbWriter(bos, RdbWriter.Options.defaults());
        w.header(12);
        w.selectDb(0);
        w.type(RdbType.OPCODE_SLOT_INFO);
        w.length(5);
        w.length(1);
        w.length(0);
        w.type(RdbType.SET_LISTPACK);
        w.string(b("s"));
        w.string(new Listpack.Builder().add(b("a")).add(b("12")).add(b("b")).build());
        w.finish();
        Keyspace ks = new Keyspace(16, Clock.systemUTC());
        RdbLoader.load(new ByteArrayInputStream(bos.toByteArray()), ks, -1, true);
        assertEquals(3, ((SetValue) ks.db(0).find(b("s")).value).size());
    }
}
