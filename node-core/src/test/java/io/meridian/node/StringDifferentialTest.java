package io.meridian.node;

import io.meridian.node.testing.Differential;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

/**
 * String commands against the real redis-server: replies, error texts and edge cases
 * (wrong type, arity, bad numbers, overflow, binary data, empty strings, negative ranges).
 * Fresh servers for each test.
 */
class StringDifferentialTest {
    private static Differential d;

    @BeforeEach
    void start() {
        d = new Differential();
        // lists to provoke WRONGTYPE
        for (String k : new String[]{"l", "l2", "list"}) TypedKeys.list(d, 0, k, "a");
    }

    @AfterEach
    void stop() {
        try {
            DigestCheck.assertSameDigest(d);
        } finally {
            d.close();
        }
    }

    /** Each line is one command, split on spaces. */
    static void lines(String... lines) {
        for (String l : lines) d.check(l.split(" "));
    }

    @Test
    void getAndSetOptions() {
        lines("SET k v", "GET k", "SET k v2 NX", "SET k v2 XX GET", "GET k", "SET nokey v XX", "GET nokey",
                "SET k v EX 0", "SET k v EX -5", "SET k v PX 0", "SET k v EXAT 0", "SET k v EX abc",
                "SET k v NX XX", "SET k v XX NX", "SET k v EX 10 KEEPTTL", "SET k v KEEPTTL EX 10",
                "SET k v EX 10 PX 100", "SET k v EX", "SET k v PXAT", "SET k v foo",
                "SET k v EX 10 EX 20", "TTL k", "SET k v KEEPTTL", "TTL k", "SET k v", "TTL k",
                "SET k v EX abc NX XX", "SET k v NX EX 9223372036854775", "SET k v EX 9223372036854776",
                "SET k v PX 9223372036854775807", "SET k v EXAT 9223372036854775", "SET k v EXAT 9223372036854776",
                "SET k v PXAT 9223372036854775807", "PEXPIRETIME k", "SET k v PXAT 4102444800000", "PEXPIRETIME k",
                "SET k v2 EXAT 4102444800 GET", "EXPIRETIME k", "SET k v3 XX KEEPTTL GET", "EXPIRETIME k",
                "SET k v PXAT 1", "GET k", "EXISTS k",
                "SET n 1 NX GET", "SET n 2 NX GET", "GET n", "SET n 3 get get", "GET n",
                "SET k", "GET", "GET a b", "SET", "NOSUCHCOMMAND a b");
        lines("SET list v GET", "GET list", "SET list v NX GET", "SET list v", "GET list");
        d.check("SET", "", "");
        d.check("GET", "");
        d.check("SET", "e", "");
        d.check("GET", "e");
        d.check("STRLEN", "e");
    }

    @Test
    void binaryKeysAndValues() {
        byte[] key = {0, 1, 2, (byte) 0xff, '\r', '\n', ' '};
        byte[] value = new byte[300];
        for (int i = 0; i < value.length; i++) value[i] = (byte) i;
        d.check(b("SET"), key, value);
        d.check(b("GET"), key);
        d.check(b("STRLEN"), key);
        d.check(b("APPEND"), key, new byte[]{0, (byte) 0x80});
        d.check(b("GETRANGE"), key, b("250"), b("-1"));
        d.check(b("SETRANGE"), key, b("3"), new byte[]{(byte) 0xfe, 0});
        d.check(b("GET"), key);
        d.check(b("MSET"), key, b("x"), new byte[]{(byte) 0xc3}, new byte[]{(byte) 0xe9});
        d.check(b("MGET"), key, new byte[]{(byte) 0xc3}, b("nokey"));
        d.check(b("LCS"), key, new byte[]{(byte) 0xc3});
        d.check(b("GETDEL"), key);
        d.check(b("EXISTS"), key);
        d.check(b("INCR"), new byte[]{(byte) 0xc3});
    }

    @Test
    void getexGetdelGetset() {
        lines("SET k v", "GETEX k", "TTL k", "GETEX k EX 100", "TTL k", "GETEX k PERSIST", "TTL k",
                "GETEX k PX 100000", "TTL k", "GETEX k EXAT 4102444800", "EXPIRETIME k", "GETEX k PXAT 4102444800123",
                "PEXPIRETIME k", "GETEX k PERSIST", "GETEX k PERSIST", "PEXPIRETIME k",
                "GETEX k EX 0", "GETEX k EX -1", "GETEX k PX abc", "GETEX k EX 10 PX 10", "GETEX k PERSIST EX 10",
                "GETEX k EX 10 PERSIST", "GETEX k NX", "GETEX k KEEPTTL", "GETEX k EX", "GETEX k foo",
                "GETEX k EX 9223372036854776", "GETEX k EXAT 9223372036854775807",
                "GETEX nokey EX 10", "GETEX nokey EX 0", "GETEX nokey foo",
                "GETEX k EXAT 1", "EXISTS k", "SET k v", "GETEX k PXAT 1000", "GET k", "GETEX",
                "GETEX l", "GETEX l EX 10", "GETEX l EX 0", "GETEX l foo");
        lines("SET k v EX 100", "GETDEL k", "GETDEL k", "EXISTS k", "GETDEL l", "GETDEL", "GETDEL a b");
        lines("GETSET k v1", "GETSET k v2", "GET k", "SET k v EX 100", "GETSET k v3", "TTL k",
                "GETSET l x", "GETSET k", "GETSET k a b");
    }

    @Test
    void multiKey() {
        lines("MSET a 1 b 2 c 3", "MGET a b c d", "MSET a 1 b", "MSET a", "MSET", "MGET",
                "SET e v EX 100", "MSET e w", "TTL e", "MSET x 1 x 2", "GET x",
                "MGET a l b", "MSET l v", "GET l",
                "MSETNX a 1 z 2", "EXISTS z", "MSETNX y 1 z 2", "MGET y z", "MSETNX y", "MSETNX p 1 p 2", "GET p",
                "MSETNX l2 v q w", "EXISTS q");
    }

    @Test
    void counters() {
        lines("INCR n", "INCR n", "DECR n", "DECR n", "DECR n", "INCRBY n 10", "DECRBY n 20", "GET n",
                "INCRBY n abc", "INCRBY n 1.5", "INCRBY n ''", "DECRBY n 9223372036854775808",
                "SET big 9223372036854775806", "INCR big", "INCR big", "INCRBY big -1", "GET big",
                "SET small -9223372036854775807", "DECR small", "DECR small", "DECRBY small 1",
                "SET small -1", "DECRBY small -9223372036854775808", "DECRBY small 9223372036854775807",
                "DECRBY small 1", "INCRBY small -9223372036854775808", "INCRBY small 9223372036854775807",
                "SET s abc", "INCR s", "SET s 01", "INCR s", "SET s +1", "INCR s",
                "SET s -0", "INCR s", "SET s 1.0", "INCR s", "SET s 99999999999999999999", "INCR s",
                "SET t 10 EX 100", "INCR t", "TTL t", "DECRBY t 5", "TTL t",
                "INCR l", "DECR l", "INCRBY l 1", "DECRBY l 1", "INCR", "INCR a b", "INCRBY a",
                "DECRBY a", "DECR");
        d.check("SET", "e", "");
        d.check("INCR", "e");
        d.check("SET", "s", " 1");
        d.check("INCR", "s");
        d.check("SET", "s", "1 ");
        d.check("INCRBY", "s", "1");
        d.check("INCRBY", "s", " 1");
    }

    @Test
    void incrbyfloat() {
        String[][] cases = {
                {"0.1"}, {"0.2"}, {"1e20"}, {"1"}, {"-1e20"}, {"3.0e3"}, {"1.5"}, {"-2.5"}, {"0x10"}, {"0x1.8p1"},
                {"1e-20"}, {"5.0e-18"}, {"1e308"}, {"1e400"}, {"-1e400"}, {"inf"}, {"-inf"}, {"+inf"}, {"nan"},
                {"abc"}, {""}, {" 1"}, {"1 "}, {"1e"}, {"."}, {"+.5"}, {"-5."}, {"1e5000"}, {"1e-5000"}, {"0x"},
                {"1.23456789012345678901234567890"}, {"10.5"}, {"-10.5"}, {"3"}, {"1.1e4931"}, {"1.2e4932"},
                {"12345678901234567890"}, {"0.000000000000000005"}, {"7E-3"}, {"INF"}, {"Infinity"}, {"infinit"}};
        for (String key : new String[]{"f", "g"}) {
            for (String[] c : cases) d.check("INCRBYFLOAT", key, c[0]);
            d.check("GET", key);
        }
        lines("SET h 5.0e3", "INCRBYFLOAT h 1", "SET h 0x1p3", "INCRBYFLOAT h 0", "SET h inf", "INCRBYFLOAT h 1",
                "SET h abc", "INCRBYFLOAT h 1", "SET h 1e4932", "INCRBYFLOAT h 1e4932", "INCRBYFLOAT h -1e4932",
                "SET h 10 EX 100", "INCRBYFLOAT h 0.5", "TTL h", "SET h 1", "INCRBYFLOAT h -1", "GET h",
                "SET h 0.1", "INCRBYFLOAT h -0.1", "GET h", "SET h 3.0e3", "INCRBYFLOAT h 0.000000000000000001",
                "INCRBYFLOAT l 1", "INCRBYFLOAT h", "INCRBYFLOAT");
        // a chain that accumulates rounding
        for (int i = 0; i < 30; i++) d.check("INCRBYFLOAT", "chain", "0.1");
        for (int i = 0; i < 10; i++) d.check("INCRBYFLOAT", "chain2", "1.7976931348623157e300");
    }

    @Test
    void incrbyfloatRandomized() {
        java.util.Random rnd = new java.util.Random(20261123);
        for (int i = 0; i < 400; i++) {
            String key = "r" + (i % 7);
            if (i % 50 == 0) d.check("SET", key, randomFloat(rnd));
            d.check("INCRBYFLOAT", key, randomFloat(rnd));
        }
        for (int i = 0; i < 7; i++) d.check("GET", "r" + i);
    }

    /** Decimal, scientific and hex floats of all magnitudes, with and without signs. */
    private static String randomFloat(java.util.Random rnd) {
        String sign = switch (rnd.nextInt(4)) {
            case 0 -> "-";
            case 1 -> "+";
            default -> "";
        };
        return sign + switch (rnd.nextInt(6)) {
            case 0 -> Long.toString(rnd.nextLong() >>> rnd.nextInt(64));
            case 1 -> rnd.nextInt(100000) + "." + rnd.nextInt(1000000);
            case 2 -> rnd.nextInt(10) + "." + Math.abs(rnd.nextLong()) + "e" + (rnd.nextInt(80) - 40);
            case 3 -> "0." + "0".repeat(rnd.nextInt(20)) + rnd.nextInt(1000);
            case 4 -> "0x" + Long.toHexString(rnd.nextLong() >>> rnd.nextInt(64)) + "p" + (rnd.nextInt(40) - 20);
            default -> Double.toString(rnd.nextDouble() * Math.pow(10, rnd.nextInt(40) - 20));
        };
    }

    @Test
    void appendStrlenRanges() {
        lines("APPEND a hello", "APPEND a _world", "GET a", "STRLEN a", "STRLEN nokey", "SET a 5 EX 100",
                "APPEND a 6", "TTL a", "GET a", "APPEND l x", "STRLEN l", "APPEND a", "STRLEN",
                "SET s 'Hello World'", "GETRANGE s 0 4", "GETRANGE s -3 -1", "GETRANGE s 0 -1", "GETRANGE s 5 3",
                "GETRANGE s -1 -5", "GETRANGE s -100 100", "GETRANGE s 100 200", "GETRANGE s 0 0",
                "GETRANGE s -1 -1", "GETRANGE s 3 -100", "GETRANGE s -9223372036854775808 9223372036854775807",
                "GETRANGE nokey 0 -1", "GETRANGE s a 1", "GETRANGE s 0 b", "GETRANGE l 0 1", "GETRANGE l x 1",
                "GETRANGE s 0", "SUBSTR s 0 4", "SUBSTR s -3 -1", "SUBSTR nokey 0 1", "SUBSTR l 0 1", "SUBSTR s 1",
                "SET i 12345", "GETRANGE i 1 2", "APPEND i 6", "GET i",
                "SETRANGE s 6 Redis", "GET s", "SETRANGE s 20 !", "GET s", "STRLEN s", "SETRANGE new 5 x", "GET new",
                "SETRANGE new2 0 abc", "GET new2", "SETRANGE s -1 x", "SETRANGE s abc x", "SETRANGE l 0 x",
                "SETRANGE s 536870911 x", "SETRANGE s 536870912 x", "SETRANGE nokey 536870912 x",
                "SETRANGE s 9223372036854775807 x", "SETRANGE s 0", "SETRANGE",
                "SET t abc EX 100", "SETRANGE t 1 X", "TTL t", "GET t");
        d.check("SETRANGE", "nokey2", "5", "");
        d.check("EXISTS", "nokey2");
        d.check("SETRANGE", "s", "1000", "");
        d.check("SETRANGE", "l", "0", "");
        d.check("SETRANGE", "nokey2", "-1", "");
        d.check("APPEND", "emp", "");
        d.check("EXISTS", "emp");
        d.check("STRLEN", "emp");
    }

    @Test
    void setnxSetexPsetex() {
        lines("SETNX k v", "SETNX k w", "GET k", "SETNX k", "SETNX l v",
                "SETEX e 100 v", "TTL e", "GET e", "SETEX e 0 v", "SETEX e -1 v", "SETEX e abc v",
                "SETEX e 9223372036854776 v", "SETEX e 9223372036854775 v", "SETEX e 10", "SETEX l 100 v", "GET l",
                "PSETEX p 100000 v", "TTL p", "GET p", "PSETEX p 0 v", "PSETEX p -5 v", "PSETEX p 1.5 v",
                "PSETEX p 9223372036854775807 v", "PSETEX p 10");
    }

    @Test
    void lcs() {
        lines("MSET key1 ohmytext key2 mynewtext", "LCS key1 key2", "LCS key1 key2 LEN", "LCS key1 key2 IDX",
                "LCS key1 key2 IDX MINMATCHLEN 4", "LCS key1 key2 IDX MINMATCHLEN 4 WITHMATCHLEN",
                "LCS key1 key2 IDX WITHMATCHLEN", "LCS key1 key2 LEN IDX", "LCS key1 key2 IDX LEN",
                "LCS key1 key2 MINMATCHLEN", "LCS key1 key2 MINMATCHLEN x", "LCS key1 key2 MINMATCHLEN -5 IDX",
                "LCS key1 key2 foo", "LCS key1 nokey", "LCS nokey nokey", "LCS nokey nokey IDX", "LCS nokey key1 LEN",
                "LCS key1 l", "LCS l key1 LEN", "LCS l nokey foo", "LCS key1",
                "MSET a ABCBDAB b BDCABA", "LCS a b", "LCS a b IDX WITHMATCHLEN", "LCS b a IDX",
                "MSET x aaaa y aa", "LCS x y IDX", "MSET p 'abc' q abc", "LCS p q IDX WITHMATCHLEN",
                "MSET r 1234567890 s 0987654321", "LCS r s IDX WITHMATCHLEN", "LCS r r IDX MINMATCHLEN 10 WITHMATCHLEN");
    }

    @Test
    void resp3Replies() {
        d.resp3();
        lines("GET nokey", "SET k v NX", "SET k v XX GET", "SET k2 v XX", "MGET k nokey l", "GETEX nokey",
                "GETDEL nokey", "INCRBYFLOAT f 1.5", "GETRANGE nokey 0 1", "SET k v NX GET", "SETNX k v", "INCR n",
                "MSET a ohmytext b mynewtext", "LCS a b", "LCS a b LEN", "LCS a b IDX", "LCS a b IDX MINMATCHLEN 2 WITHMATCHLEN",
                "LCS a nokey IDX", "GETEX k PERSIST", "STRLEN k", "APPEND k x", "GET l");
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
