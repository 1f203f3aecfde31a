package io.meridian.node;

import io.meridian.node.testing.Differential;
import io.meridian.node.testing.RespClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Generic key and expiry commands against the real redis-server, edge cases included. */
class KeyDifferentialTest {
    private Differential d;

    @BeforeEach
    void start() {
        d = new Differential();
    }

    @AfterEach
    void stop() {
        try {
            DigestCheck.assertSameDigest(d);
        } finally {
            d.close();
        }
    }

    private void lines(String... lines) {
        for (String l : lines) d.check(l.split(" "));
    }

    @Test
    void delUnlinkExistsTypeTouch() {
        TypedKeys.list(d, 0, "list", "a", "b");
        TypedKeys.hash(d, 0, "hash", "f", "v");
        TypedKeys.set(d, 0, "set", "m");
        TypedKeys.zset(d, 0, "zset", "1", "m");
        lines("MSET a 1 b 2 c 3", "EXISTS a", "EXISTS a a b nokey", "EXISTS nokey", "EXISTS list hash set zset",
                "TYPE a", "TYPE list", "TYPE hash", "TYPE set", "TYPE zset", "TYPE nokey",
                "TOUCH a b nokey a", "TOUCH nokey", "TOUCH list",
                "DEL a a", "DEL a", "DEL b c nokey", "EXISTS a b c", "DEL list", "TYPE list",
                "MSET x 1 y 2", "UNLINK x y y z", "UNLINK x", "UNLINK hash set zset", "EXISTS hash set zset",
                "DEL", "UNLINK", "EXISTS", "TYPE", "TYPE a b", "TOUCH");
        d.check("SET", "", "empty-key");
        d.check("EXISTS", "");
        d.check("TYPE", "");
        d.check("DEL", "");
        byte[] bin = {0, (byte) 0xff, '\n'};
        d.check(b("SET"), bin, bin);
        d.check(b("EXISTS"), bin, bin);
        d.check(b("TYPE"), bin);
        d.check(b("DEL"), bin);
    }

    @Test
    void renameKeepsTtl() {
        TypedKeys.list(d, 0, "list", "a");
        lines("RENAME nokey x", "RENAMENX nokey x", "RENAME nokey nokey", "RENAMENX nokey nokey",
                "SET a 1", "RENAME a a", "RENAMENX a a", "GET a",
                "SET a v EX 1000", "RENAME a b", "EXISTS a", "GET b", "TTL b",
                "SET c other", "RENAME b c", "GET c", "TTL c", "EXISTS b",
                "SET d dv", "RENAMENX c d", "GET c", "GET d", "RENAMENX c e", "TTL e", "EXISTS c",
                "RENAME list d", "TYPE d", "EXISTS list", "RENAME e d", "TYPE d", "TTL d",
                "SET p v", "PEXPIREAT p 4102444800123", "RENAME p q", "PEXPIRETIME q",
                "SET r v", "RENAME q r", "PEXPIRETIME r",
                "RENAME a", "RENAME a b c", "RENAMENX a");
    }

    @Test
    void copyAndMove() {
        TypedKeys.list(d, 0, "list", "a", "b", "c");
        TypedKeys.hash(d, 0, "hash", "f1", "v1", "f2", "v2");
        lines("SET a hello", "COPY a b", "GET b", "COPY a b", "COPY a b REPLACE", "COPY nokey b", "COPY nokey b REPLACE",
                "COPY a a", "COPY a a DB 0", "COPY a a DB 1", "SELECT 1", "GET a", "SELECT 0",
                "COPY a x DB 16", "COPY a x DB -1", "COPY a x DB abc", "COPY a x DB 99999999999", "COPY a x DB",
                "COPY a x FOO", "COPY a x REPLACE REPLACE", "COPY a x DB 2 DB 3", "SELECT 3", "GET x", "SELECT 0",
                "APPEND a _world", "GET a", "GET b",
                "SET t v EX 1000", "COPY t t2", "TTL t2", "SET p v", "PEXPIREAT p 4102444800123", "COPY p p2",
                "PEXPIRETIME p2", "COPY p b REPLACE", "PEXPIRETIME b",
                "COPY list list2", "TYPE list2", "COPY hash a REPLACE", "TYPE a", "COPY list hash", "COPY hash list2 DB 5 REPLACE",
                "COPY a", "COPY");
        lines("SET m v", "MOVE m 1", "EXISTS m", "SELECT 1", "GET m", "MOVE m 0", "SELECT 0", "GET m",
                "MOVE m 0", "MOVE m 16", "MOVE m -1", "MOVE m abc", "MOVE m 4294967296", "MOVE nokey 1",
                "SET m2 v EX 1000", "MOVE m2 2", "SELECT 2", "TTL m2", "SELECT 0", "SET m2 other", "SELECT 2",
                "MOVE m2 0", "GET m2", "SELECT 0", "GET m2", "MOVE list 3", "SELECT 3", "TYPE list", "SELECT 0",
                "MOVE m", "MOVE m 1 2");
    }

    @Test
    void copyIsDeepAndKeepsEncodings() {
        List<String> big = new ArrayList<>(List.of("HSET", "bighash"));
        for (int i = 0; i < 200; i++) {
            big.add("f" + i);
            big.add("v" + i);
        }
        d.check(big.toArray(new String[0]));
        lines("HSET h a 1 b 2", "SADD ints 1 2 3", "SADD strs a b c", "ZADD z 1 a 2 b", "RPUSH l a b c",
                "ZADD bigz 1 " + "x".repeat(100), "SET s 12345");
        for (String k : new String[]{"bighash", "h", "ints", "strs", "z", "l", "bigz", "s"}) {
            d.check("COPY", k, k + ":copy");
            d.check("OBJECT", "ENCODING", k + ":copy");
            d.check("COPY", k, k + ":db2", "DB", "2");
        }
        // changing the originals leaves the copies as they were
        lines("HSET bighash f1 changed", "HSET h a changed", "SADD ints 4", "SREM strs a", "ZADD z 5 a", "RPUSH l d",
                "ZREM bigz " + "x".repeat(100), "APPEND s 6", "HGET bighash:copy f1", "HGETALL h:copy", "SMEMBERS ints:copy",
                "ZRANGE z:copy 0 -1 WITHSCORES", "LRANGE l:copy 0 -1", "ZCARD bigz:copy", "GET s:copy");
        d.checkUnordered("SMEMBERS", "strs:copy");
    }

    @Test
    void keysPatterns() {
        lines("MSET hello 1 hallo 2 hxllo 3 hllo 4 heeello 5 h*llo 6 'x y' 7 h\\llo 8 foo 9");
        for (String p : new String[]{"*", "h?llo", "h*llo", "h[ae]llo", "h[^e]llo", "h[a-e]llo", "h\\*llo",
                "*llo", "nomatch", "", "f*", "[", "h[", "*o", "?", "h[!e]llo", "h[\\]]llo", "H*"}) {
            d.checkUnordered("KEYS", p);
        }
        lines("KEYS", "KEYS a b");
        byte[] bin = {'k', 0, (byte) 0xfe};
        d.check(b("SET"), bin, b("v"));
        d.check(b("KEYS"), new byte[]{'k', 0, '*'});
        d.check(b("KEYS"), new byte[]{'k', '?', '?'});
    }

    @Test
    void scanIteratesEverything() {
        TypedKeys.list(d, 0, "list:1", "a");
        TypedKeys.list(d, 0, "list:2", "a");
        TypedKeys.hash(d, 0, "hash:1", "f", "v");
        for (int i = 0; i < 300; i += 10) {
            List<String> cmd = new ArrayList<>(List.of("MSET"));
            for (int j = i; j < i + 10; j++) {
                cmd.add("key:" + j);
                cmd.add("v");
            }
            d.check(cmd.toArray(new String[0]));
        }
        assertEquals(scanAll(d.redisClient(), "COUNT", "7"), scanAll(d.meridianClient(), "COUNT", "7"));
        assertEquals(scanAll(d.redisClient()), scanAll(d.meridianClient()));
        assertEquals(scanAll(d.redisClient(), "MATCH", "key:1*"), scanAll(d.meridianClient(), "MATCH", "key:1*"));
        assertEquals(scanAll(d.redisClient(), "TYPE", "list"), scanAll(d.meridianClient(), "TYPE", "list"));
        assertEquals(scanAll(d.redisClient(), "TYPE", "LIST", "MATCH", "*:2"), scanAll(d.meridianClient(), "TYPE", "LIST", "MATCH", "*:2"));
        assertEquals(scanAll(d.redisClient(), "TYPE", "nosuchtype"), scanAll(d.meridianClient(), "TYPE", "nosuchtype"));
        assertEquals(scanAll(d.redisClient(), "COUNT", "1000", "TYPE", "hash"), scanAll(d.meridianClient(), "COUNT", "1000", "TYPE", "hash"));
        assertEquals(303, scanAll(d.meridianClient()).size());
        lines("SCAN abc", "SCAN 1.5", "SCAN 18446744073709551616", "SCAN 0 COUNT 0", "SCAN 0 COUNT -1", "SCAN 0 COUNT abc",
                "SCAN 0 MATCH", "SCAN 0 COUNT", "SCAN 0 TYPE", "SCAN 0 FOO bar", "SCAN 0 MATCH * COUNT", "SCAN", "SCAN +",
                "SCAN -");
        // cursors the parser accepts (their next cursor depends on the table): both reply with a two-element array
        for (String cursor : new String[]{"", "+0", "-0", "007", "-1", "18446744073709551615"}) {
            for (RespClient client : new RespClient[]{d.redisClient(), d.meridianClient()}) {
                Object r = client.call("SCAN", cursor);
                assertInstanceOf(List.class, r, () -> "SCAN '" + cursor + "' -> " + r);
                assertEquals(2, ((List<?>) r).size());
            }
        }
        d.check("SCAN", " 1");
        d.check("SCAN", "1 ");
    }

    /** Every key a full SCAN returns (sorted; a key may legitimately come twice, so a set). */
    static TreeSet<String> scanAll(RespClient c, String... options) {
        TreeSet<String> keys = new TreeSet<>();
        String cursor = "0";
        int rounds = 0;
        do {
            List<String> cmd = new ArrayList<>(List.of("SCAN", cursor));
            cmd.addAll(List.of(options));
            List<?> r = (List<?>) c.call(cmd.toArray(new String[0]));
            cursor = (String) r.get(0);
            for (Object k : (List<?>) r.get(1)) keys.add((String) k);
            assertTrue(++rounds < 10_000, "SCAN does not terminate");
        } while (!cursor.equals("0"));
        return keys;
    }

    @Test
    void randomkey() {
        lines("RANDOMKEY", "SET only v", "RANDOMKEY", "RANDOMKEY x", "SELECT 5", "RANDOMKEY", "SELECT 0");
        d.check("SET", "gone", "v", "PX", "1");
        sleep(20);
        for (int i = 0; i < 20; i++) d.check("RANDOMKEY");
        d.check("DEL", "only");
        d.check("SET", "gone", "v", "PX", "1");
        sleep(20);
        d.check("RANDOMKEY");
        d.check("EXISTS", "gone");
    }

    @Test
    void object() {
        TypedKeys.list(d, 0, "list", "a");
        lines("SET i 12345", "SET neg -5", "SET big 9223372036854775807", "SET over 9223372036854775808",
                "SET shared 9999", "SET unshared 10000", "SET zero 0", "SET lead 0123", "SET s hello",
                "SET e44 12345678901234567890123456789012345678901234", "SET r45 123456789012345678901234567890123456789012345");
        for (String k : new String[]{"i", "neg", "big", "over", "shared", "unshared", "zero", "lead", "s", "e44", "r45", "list", "nokey"}) {
            d.check("OBJECT", "ENCODING", k);
            d.check("OBJECT", "REFCOUNT", k);
        }
        lines("INCR unshared", "OBJECT ENCODING unshared", "INCRBYFLOAT f 1.5", "OBJECT ENCODING f", "SET n 5", "INCR n",
                "OBJECT REFCOUNT n", "OBJECT ENCODING n", "GETSET g 77", "OBJECT REFCOUNT g", "MSET m1 1 m2 abc",
                "OBJECT ENCODING m1", "OBJECT ENCODING m2", "OBJECT IDLETIME s", "OBJECT IDLETIME nokey",
                "OBJECT FREQ s", "OBJECT FREQ nokey", "OBJECT HELP", "object help", "OBJECT", "OBJECT ENCODING",
                "OBJECT ENCODING a b", "OBJECT FOO", "OBJECT FOO bar", "OBJECT HELP x", "OBJECT REFCOUNT");
        config("maxmemory-policy", "allkeys-lfu");
        lines("OBJECT IDLETIME s", "OBJECT IDLETIME nokey", "OBJECT FREQ nokey");
        config("maxmemory", "100mb");
        lines("SET shared2 9999", "OBJECT REFCOUNT shared2", "OBJECT ENCODING shared2");
        config("maxmemory-policy", "volatile-ttl");
        lines("SET shared3 9999", "OBJECT REFCOUNT shared3");
        d.check("SET", "empty", "");
        d.check("OBJECT", "ENCODING", "empty");
        d.check("SET", "space", " 1");
        d.check("OBJECT", "ENCODING", "space");
    }

    @Test
    void expireCommands() {
        lines("SET k v", "EXPIRE k 100", "TTL k", "EXPIRE k 200 NX", "EXPIRE k 200 XX", "TTL k", "EXPIRE k 100 GT",
                "EXPIRE k 300 GT", "TTL k", "EXPIRE k 400 LT", "EXPIRE k 50 LT", "TTL k", "PERSIST k", "PERSIST k", "TTL k",
                "EXPIRE k 100 XX", "EXPIRE k 100 GT", "EXPIRE k 100 LT", "TTL k", "PERSIST k", "EXPIRE k 100 NX", "TTL k",
                "EXPIRE k 10 NX XX", "EXPIRE k 10 NX GT", "EXPIRE k 10 LT NX", "EXPIRE k 10 GT LT", "EXPIRE k 10 XX GT",
                "EXPIRE k 10 FOO", "EXPIRE k 10 nx FOO", "EXPIRE k abc", "EXPIRE k abc FOO", "EXPIRE k 1.5", "EXPIRE nokey 10",
                "EXPIRE nokey abc", "EXPIRE nokey 10 FOO", "EXPIRE k", "EXPIRE",
                "EXPIRE k 9223372036854775", "EXPIRE k 9223372036854776", "EXPIRE k -9223372036854775",
                "EXPIRE k -9223372036854776", "PEXPIRE k 9223372036854775807", "PEXPIRE k 9223372036854775806",
                "EXPIREAT k 9223372036854775808", "EXPIREAT k 9223372036854776", "PEXPIREAT k 9223372036854775807",
                "PEXPIRETIME k", "EXPIRETIME k", "TTL k",
                "PEXPIREAT k 4102444800123", "PEXPIRETIME k", "EXPIRETIME k", "EXPIREAT k 4102444801", "PEXPIRETIME k",
                "PEXPIREAT k 4102444800123 GT", "PEXPIREAT k 4102444800123 LT", "PEXPIRETIME k",
                "PEXPIRE k 100000", "TTL k", "EXPIRE k 0", "EXISTS k",
                "SET k v", "EXPIRE k -1", "GET k", "SET k v", "PEXPIRE k -100", "EXISTS k", "SET k v", "EXPIREAT k 1", "EXISTS k",
                "SET k v", "PEXPIREAT k 0", "EXISTS k", "SET k v EX 100", "EXPIRE k -1 GT", "EXPIRE k -1 LT", "EXISTS k",
                "SET k v", "EXPIRE k -1 NX", "EXISTS k", "SET k v", "EXPIRE k -1 XX", "EXISTS k", "EXPIRE k -1 GT",
                "TTL nokey", "PTTL nokey", "EXPIRETIME nokey", "PEXPIRETIME nokey", "SET p v", "TTL p", "PTTL p",
                "EXPIRETIME p", "PEXPIRETIME p", "PERSIST nokey", "PERSIST p", "TTL", "PTTL a b", "PERSIST", "EXPIRETIME",
                "PEXPIRETIME");
        TypedKeys.list(d, 0, "list", "a");
        lines("EXPIRE list 100", "TTL list", "PERSIST list", "TTL list", "PEXPIREAT list 4102444800123", "PEXPIRETIME list");
    }

    @Test
    void lazyExpiry() {
        lines("SET a v PX 1", "SET b v PX 1", "SET c v PX 1", "SET d v PX 1", "SET keep v EX 1000", "MSET e v f v");
        lines("PEXPIRE e 1");
        sleep(30);
        lines("GET a", "EXISTS b", "TTL c", "TYPE d", "STRLEN e");
        d.checkUnordered("KEYS", "*");
        assertEquals(scanAll(d.redisClient()), scanAll(d.meridianClient()));
        lines("SET g v PX 1");
        sleep(30);
        lines("RENAME g h", "COPY g h", "MOVE g 1", "EXPIRE g 10", "PERSIST g", "INCR g", "APPEND g x", "GET g");
    }

    @Test
    void resp3Replies() {
        d.resp3();
        lines("RANDOMKEY", "OBJECT ENCODING nokey", "OBJECT REFCOUNT nokey", "OBJECT IDLETIME nokey", "SET k v",
                "TYPE k", "TYPE nokey", "EXISTS k k", "KEYS *", "SCAN 0", "RANDOMKEY", "OBJECT ENCODING k", "OBJECT HELP",
                "TTL k", "EXPIRE k 100", "PERSIST k", "COPY k k2", "RENAME k2 k3", "MOVE k3 1", "DEL k nokey");
    }

    /** keyspace_hits/misses and expired_keys move as in Redis: reads count, writes do not. */
    @Test
    void statsCountLikeRedis() {
        TypedKeys.list(d, 0, "list", "a");
        d.both("CONFIG", "RESETSTAT");
        lines("SET a 1", "SET b 2 GET", "GET a", "GET nokey", "MGET a b nokey list", "EXISTS a nokey", "TYPE a", "TYPE nokey",
                "TTL a", "PTTL nokey", "EXPIRETIME a", "OBJECT ENCODING a", "OBJECT ENCODING nokey", "STRLEN a", "GETRANGE nokey 0 1",
                "GETEX a", "GETEX nokey", "GETSET b 3", "GETDEL b", "LCS a nokey", "TOUCH a nokey", "COPY a c", "COPY nokey c",
                "INCR a", "APPEND a x", "SETRANGE a 0 y", "MSETNX a 1", "RENAME a a2", "MOVE a2 1", "DEL c", "KEYS *",
                "RANDOMKEY", "EXPIRE list 100", "PERSIST list", "SETNX s 1", "SCAN 0 TYPE string", "INCRBYFLOAT f 1");
        lines("SET gone v PX 1");
        sleep(20);
        lines("GET gone");
        for (String field : new String[]{"keyspace_hits", "keyspace_misses", "expired_keys"}) {
            String real = infoField(d.redisClient(), field);
            assertTrue(real != null && !real.endsWith(":0"), field + " " + real);
            assertEquals(real, infoField(d.meridianClient(), field), field);
        }
    }

    private static String infoField(RespClient c, String field) {
        for (String line : ((String) c.call("INFO", "stats")).split("\r\n")) {
            if (line.startsWith(field + ":")) return line;
        }
        return null;
    }

    /** CONFIG SET on both (set directly on Meridian's config: CONFIG is another family's). */
    private void config(String name, String value) {
        d.redisClient().call("CONFIG", "SET", name, value);
        d.meridian().node().config().setFromString(name, value);
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
