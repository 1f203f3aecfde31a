package io.meridian.node.lists;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Every list command against the real redis-server 7.0.15, reply bytes compared exactly. */
class ListDifferentialTest {
    /** One pair of servers for the class; each test starts from empty datasets on RESP2. */
    static ExactDiff x;

    @BeforeAll
    static void start() {
        x = new ExactDiff();
    }

    @AfterAll
    static void stop() {
        x.close();
    }

    @BeforeEach
    void reset() {
        x.both("HELLO", "2");
        x.both("FLUSHALL");
    }

    @Test
    void pushesLengthsAndRanges() {
        x.check("LPUSH", "k", "a", "b", "c");
        x.check("RPUSH", "k", "d", "e");
        x.check("LLEN", "k");
        x.check("LRANGE", "k", "0", "-1");
        x.check("LPUSHX", "k", "x", "y");
        x.check("RPUSHX", "k", "z");
        x.check("LPUSHX", "missing", "x");
        x.check("RPUSHX", "missing", "x");
        x.check("EXISTS", "missing");
        x.check("LLEN", "missing");
        for (String[] r : new String[][]{{"0", "0"}, {"0", "2"}, {"-3", "-1"}, {"-100", "100"}, {"5", "2"},
                {"8", "10"}, {"9", "9"}, {"-1", "-2"}, {"2", "-3"}, {"-9223372036854775808", "9223372036854775807"},
                {"9223372036854775807", "-9223372036854775808"}, {"1", "-100"}}) {
            x.check("LRANGE", "k", r[0], r[1]);
        }
        x.check("LRANGE", "missing", "0", "-1");
        x.check("LRANGE", "k", "a", "1");
        x.check("LRANGE", "k", "0", "1.5");
        x.check("LRANGE", "k", "0", "9223372036854775808");
        x.check("LRANGE", "missing", "x", "1");
        x.check("SET", "s", "str");
        x.check("LPUSH", "s", "a");
        x.check("RPUSH", "s", "a");
        x.check("LPUSHX", "s", "a");
        x.check("RPUSHX", "s", "a");
        x.check("LLEN", "s");
        x.check("LRANGE", "s", "0", "-1");
        x.check("LRANGE", "s", "x", "-1");
        x.check("LPUSH", "k");
        x.check("RPUSH");
        x.check("LPUSHX", "k");
        x.check("LLEN");
        x.check("LLEN", "k", "k");
        x.check("LRANGE", "k", "0");
        x.check("TYPE", "k");
        x.check("OBJECT", "ENCODING", "k");
        x.assertSameDigest();
    }

    @Test
    void popsWithAndWithoutCount() {
        x.check("RPUSH", "k", "1", "2", "3", "4", "5", "6", "7");
        x.check("LPOP", "k");
        x.check("RPOP", "k");
        x.check("LPOP", "k", "2");
        x.check("RPOP", "k", "2");
        x.check("LPOP", "k", "0");
        x.check("RPOP", "k", "0");
        x.check("LPOP", "k", "-1");
        x.check("LPOP", "k", "abc");
        x.check("RPOP", "k", "1.5");
        x.check("LPOP", "k", "9223372036854775808");
        x.check("LPOP", "k", "1", "2");
        x.check("RPOP", "k", "1", "2", "3");
        x.check("RPOP", "k", "10");
        x.check("EXISTS", "k");
        x.check("LPOP", "k");
        x.check("LPOP", "k", "1");
        x.check("RPOP", "k", "0");
        x.check("LPOP", "k", "x");
        x.check("RPUSH", "k", "a", "b", "c");
        x.check("RPOP", "k", "9223372036854775807");
        x.check("RPUSH", "one", "a");
        x.check("LPOP", "one");
        x.check("LLEN", "one");
        x.check("SET", "s", "str");
        x.check("LPOP", "s");
        x.check("RPOP", "s", "1");
        x.check("LPOP", "s", "0");
        x.check("LPOP", "s", "-1");
        x.check("LPOP");
        x.assertSameDigest();
    }

    @Test
    void nullShapesInResp3() {
        x.resp3();
        x.check("LPOP", "missing");
        x.check("LPOP", "missing", "2");
        x.check("RPOP", "missing", "0");
        x.check("LINDEX", "missing", "0");
        x.check("RPUSH", "k", "a", "b");
        x.check("LINDEX", "k", "5");
        x.check("LPOS", "k", "zz");
        x.check("LPOS", "k", "zz", "COUNT", "0");
        x.check("LPOS", "missing", "zz");
        x.check("LPOS", "missing", "zz", "COUNT", "1");
        x.check("LMPOP", "2", "m1", "m2", "LEFT");
        x.check("LMOVE", "missing", "k", "LEFT", "LEFT");
        x.check("RPOPLPUSH", "missing", "k");
        x.check("LPOP", "k", "5");
        x.check("BLPOP", "missing", "0.01");
        x.check("BLMOVE", "missing", "k", "LEFT", "RIGHT", "0.01");
        x.check("BLMPOP", "0.01", "1", "missing", "LEFT");
        x.check("RPUSH", "k", "a", "b");
        x.check("LMPOP", "1", "k", "RIGHT", "COUNT", "5");
        x.check("RPUSH", "k", "a", "b");
        x.check("BLMPOP", "0", "1", "k", "LEFT", "COUNT", "1");
        x.assertSameDigest();
    }

    @Test
    void indexSetAndInsert() {
        x.check("RPUSH", "k", "a", "b", "c", "d");
        for (String i : new String[]{"0", "3", "4", "-1", "-4", "-5", "100", "-100", "9223372036854775807",
                "-9223372036854775808"}) {
            x.check("LINDEX", "k", i);
        }
        x.check("LINDEX", "k", "x");
        x.check("LINDEX", "k", "1.0");
        x.check("LINDEX", "missing", "x");
        x.check("LSET", "k", "0", "A");
        x.check("LSET", "k", "-1", "D");
        x.check("LSET", "k", "4", "E");
        x.check("LSET", "k", "-5", "E");
        x.check("LSET", "k", "x", "E");
        x.check("LSET", "missing", "0", "E");
        x.check("LSET", "missing", "x", "E");
        x.check("LRANGE", "k", "0", "-1");
        x.check("LINSERT", "k", "BEFORE", "b", "x");
        x.check("LINSERT", "k", "after", "c", "y");
        x.check("LINSERT", "k", "AFTER", "D", "tail");
        x.check("LINSERT", "k", "before", "A", "head");
        x.check("LINSERT", "k", "before", "nope", "z");
        x.check("LINSERT", "k", "middle", "A", "z");
        x.check("LINSERT", "missing", "before", "A", "z");
        x.check("LINSERT", "missing", "middle", "A", "z");
        x.check("LLEN", "missing");
        x.check("RPUSH", "dup", "p", "q", "p");
        x.check("LINSERT", "dup", "AFTER", "p", "r");
        x.check("LRANGE", "dup", "0", "-1");
        x.check("LRANGE", "k", "0", "-1");
        x.check("SET", "s", "str");
        x.check("LINDEX", "s", "0");
        x.check("LINDEX", "s", "x");
        x.check("LSET", "s", "0", "v");
        x.check("LSET", "s", "x", "v");
        x.check("LINSERT", "s", "before", "a", "b");
        x.check("LINSERT", "s", "bad", "a", "b");
        x.check("LINSERT", "k", "before", "a");
        x.check("LSET", "k", "0");
        x.assertSameDigest();
    }

    @Test
    void removeAndTrim() {
        x.check("RPUSH", "k", "a", "b", "a", "c", "a", "b", "a");
        x.check("LREM", "k", "1", "a");
        x.check("LRANGE", "k", "0", "-1");
        x.check("LREM", "k", "-2", "a");
        x.check("LRANGE", "k", "0", "-1");
        x.check("LREM", "k", "0", "b");
        x.check("LRANGE", "k", "0", "-1");
        x.check("LREM", "k", "0", "zz");
        x.check("LREM", "k", "x", "a");
        x.check("LREM", "k", "0", "a");
        x.check("LREM", "k", "0", "c");
        x.check("LLEN", "k");
        x.check("LREM", "k", "0", "c");
        x.check("RPUSH", "k", "a", "a", "a");
        x.check("LREM", "k", "-9223372036854775808", "a");
        x.check("LLEN", "k");
        x.check("RPUSH", "k", "a", "a", "a", "b");
        x.check("LREM", "k", "9223372036854775807", "a");
        x.check("LRANGE", "k", "0", "-1");
        x.check("LTRIM", "k", "1", "0");
        for (String[] r : new String[][]{{"1", "-2"}, {"0", "-1"}, {"-3", "-1"}, {"-100", "1"}, {"2", "100"},
                {"5", "2"}, {"100", "200"}, {"0", "0"}, {"-1", "-1"}}) {
            x.check("RPUSH", "t", "1", "2", "3", "4", "5", "6");
            x.check("LTRIM", "t", r[0], r[1]);
            x.check("LRANGE", "t", "0", "-1");
            x.check("LLEN", "t");
            x.check("LTRIM", "t", "1", "0");
        }
        x.check("LTRIM", "missing", "0", "1");
        x.check("LTRIM", "missing", "x", "1");
        x.check("LTRIM", "t", "0", "x");
        x.check("SET", "s", "str");
        x.check("LREM", "s", "0", "a");
        x.check("LREM", "s", "x", "a");
        x.check("LTRIM", "s", "0", "1");
        x.check("LTRIM", "s", "0");
        x.check("LREM", "s", "0");
        x.assertSameDigest();
    }

    @Test
    void lposOptions() {
        x.check("RPUSH", "k", "a", "b", "c", "1", "2", "3", "c", "c", "a");
        String[][] cases = {
                {"c"}, {"zz"}, {"a"}, {"c", "RANK", "1"}, {"c", "RANK", "2"}, {"c", "RANK", "3"}, {"c", "RANK", "4"},
                {"c", "RANK", "-1"}, {"c", "RANK", "-3"}, {"c", "RANK", "-4"}, {"c", "RANK", "0"},
                {"c", "RANK", "x"}, {"c", "COUNT", "0"}, {"c", "COUNT", "2"}, {"c", "COUNT", "10"},
                {"c", "COUNT", "-1"}, {"c", "COUNT", "x"}, {"c", "MAXLEN", "3"}, {"c", "MAXLEN", "2"},
                {"c", "MAXLEN", "-1"}, {"c", "MAXLEN", "x"}, {"c", "MAXLEN", "0"},
                {"c", "RANK", "2", "COUNT", "0"}, {"c", "RANK", "-1", "COUNT", "2"},
                {"c", "RANK", "-2", "COUNT", "0", "MAXLEN", "3"}, {"c", "RANK", "4", "COUNT", "0"},
                {"c", "COUNT", "0", "MAXLEN", "7"}, {"a", "RANK", "-1", "MAXLEN", "1"},
                {"c", "RANK"}, {"c", "COUNT"}, {"c", "BOGUS", "1"}, {"c", "rank", "1", "count", "1", "maxlen", "100"},
                {"c", "RANK", "-9223372036854775808"}, {"c", "RANK", "-9223372036854775808", "COUNT", "2"},
                {"c", "RANK", "9223372036854775807"}, {"c", "RANK", "1", "RANK", "2"},
                {"c", "COUNT", "9223372036854775807"}, {"c", "RANK", "0", "COUNT", "-1"},
        };
        for (String[] cs : cases) {
            String[] cmd = new String[cs.length + 2];
            cmd[0] = "LPOS";
            cmd[1] = "k";
            System.arraycopy(cs, 0, cmd, 2, cs.length);
            x.check(cmd);
        }
        x.check("LPOS", "missing", "a");
        x.check("LPOS", "missing", "a", "COUNT", "0");
        x.check("LPOS", "missing", "a", "RANK", "0");
        x.check("SET", "s", "str");
        x.check("LPOS", "s", "a");
        x.check("LPOS", "s", "a", "RANK", "0");
        x.check("LPOS", "k");
        x.assertSameDigest();
    }

    @Test
    void movesBetweenLists() {
        x.check("RPUSH", "src", "1", "2", "3", "4", "5");
        x.check("RPOPLPUSH", "src", "dst");
        x.check("LMOVE", "src", "dst", "LEFT", "RIGHT");
        x.check("LMOVE", "src", "dst", "right", "right");
        x.check("LMOVE", "src", "dst", "Left", "Left");
        x.check("LRANGE", "dst", "0", "-1");
        x.check("LRANGE", "src", "0", "-1");
        x.check("LMOVE", "src", "dst", "LEFT", "UP");
        x.check("LMOVE", "src", "dst", "DOWN", "LEFT");
        x.check("LMOVE", "missing", "dst", "UP", "LEFT");
        x.check("LMOVE", "src", "src", "LEFT", "RIGHT");
        x.check("LRANGE", "src", "0", "-1");
        x.check("RPOPLPUSH", "dst", "dst");
        x.check("LRANGE", "dst", "0", "-1");
        x.check("LMOVE", "src", "dst", "LEFT", "LEFT");
        x.check("LLEN", "src");
        x.check("LMOVE", "src", "dst", "LEFT", "LEFT");
        x.check("RPOPLPUSH", "src", "dst");
        x.check("RPUSH", "one", "x");
        x.check("RPOPLPUSH", "one", "one");
        x.check("LRANGE", "one", "0", "-1");
        x.check("SET", "s", "str");
        x.check("RPOPLPUSH", "dst", "s");
        x.check("LMOVE", "dst", "s", "LEFT", "LEFT");
        x.check("LRANGE", "dst", "0", "-1");
        x.check("RPOPLPUSH", "s", "dst");
        x.check("RPOPLPUSH", "missing", "s");
        x.check("LMOVE", "s", "dst", "LEFT", "LEFT");
        x.check("RPOPLPUSH", "dst");
        x.check("LMOVE", "dst", "x", "LEFT");
        x.assertSameDigest();
    }

    @Test
    void lmpopArgumentsAndKeys() {
        x.check("RPUSH", "b", "1", "2", "3");
        x.check("RPUSH", "c", "x");
        x.check("LMPOP", "3", "a", "b", "c", "LEFT");
        x.check("LMPOP", "3", "a", "b", "c", "RIGHT", "COUNT", "10");
        x.check("LLEN", "b");
        x.check("LMPOP", "3", "a", "b", "c", "left", "count", "1");
        x.check("LMPOP", "3", "a", "b", "c", "LEFT");
        x.check("RPUSH", "b", "1", "2", "3");
        String[][] bad = {
                {"0", "b", "LEFT"}, {"-1", "b", "LEFT"}, {"x", "b", "LEFT"}, {"2", "b", "LEFT"},
                {"1", "b", "UP"}, {"1", "b", "LEFT", "COUNT"}, {"1", "b", "LEFT", "COUNT", "0"},
                {"1", "b", "LEFT", "COUNT", "-1"}, {"1", "b", "LEFT", "COUNT", "x"},
                {"1", "b", "LEFT", "COUNT", "1", "COUNT", "1"}, {"1", "b", "LEFT", "EXTRA"},
                {"9223372036854775807", "b", "LEFT"}, {"9223372036854775808", "b", "LEFT"},
                {"2", "b", "LEFT", "RIGHT"}, {"1", "b", "b", "LEFT"},
        };
        for (String[] a : bad) {
            String[] cmd = new String[a.length + 1];
            cmd[0] = "LMPOP";
            System.arraycopy(a, 0, cmd, 1, a.length);
            x.check(cmd);
        }
        x.check("LMPOP", "1", "b");
        x.check("SET", "s", "str");
        x.check("LMPOP", "2", "missing", "s", "LEFT");
        x.check("LMPOP", "2", "b", "s", "LEFT");
        x.check("LMPOP", "2", "s", "b", "LEFT");
        x.check("LRANGE", "b", "0", "-1");
        x.assertSameDigest();
    }

    @Test
    void blockingCommandsThatNeedNotBlock() {
        x.check("RPUSH", "k", "a", "b", "c", "d", "e", "f", "g");
        x.check("BLPOP", "missing", "k", "0");
        x.check("BRPOP", "k", "missing", "0");
        x.check("BLMOVE", "k", "dst", "LEFT", "RIGHT", "0");
        x.check("BRPOPLPUSH", "k", "dst", "0");
        x.check("BLMPOP", "0", "2", "missing", "k", "RIGHT", "COUNT", "1");
        x.check("BLMPOP", "0", "1", "k", "LEFT");
        x.check("LRANGE", "dst", "0", "-1");
        x.check("BLPOP", "k", "k", "0");
        x.check("LLEN", "k");
        x.check("SET", "s", "str");
        x.check("BLPOP", "missing", "s", "0");
        x.check("BLPOP", "dst", "s", "0");
        x.check("BLMOVE", "s", "dst", "LEFT", "RIGHT", "0");
        x.check("BLMOVE", "dst", "s", "LEFT", "RIGHT", "0");
        x.check("BRPOPLPUSH", "dst", "s", "0");
        x.check("BLMPOP", "0", "2", "missing", "s", "LEFT");
        for (String t : new String[]{"-1", "-0.002", "abc", "nan", "inf", "-inf", "+inf", "1e300", "",
                " 1", "1 ", "9223372036854776", "1e16", "0x", "1e", "--1", "1e4933", "1e-4960", "1e4932",
                "-0x1p-9", "9223372036854775.808", ".", "0x1p", "1_0"}) {
            x.check("BLPOP", "missing", t);
            x.check("BRPOP", "dst", t);
            x.check("BLMOVE", "missing", "dst", "LEFT", "LEFT", t);
            x.check("BRPOPLPUSH", "missing", "dst", t);
            x.check("BLMPOP", t, "1", "missing", "LEFT");
        }
        // short timeouts that do time out: the same null array on both
        for (String t : new String[]{"0.01", "0.001", "0.0001", "1e-9", "0x1p-7", "0x.08", "1e-4940", "+.5e-3"}) {
            x.check("BLPOP", "missing", t);
            x.check("BLMOVE", "missing", "dst", "RIGHT", "LEFT", t);
            x.check("BLMPOP", t, "1", "missing", "RIGHT", "COUNT", "2");
        }
        x.check("BLMPOP", "abc", "0", "k", "LEFT");
        x.check("BLMPOP", "abc", "1", "k", "UP");
        x.check("BLMPOP", "abc", "1", "k", "LEFT");
        x.check("BLMPOP", "-1", "1", "k", "LEFT", "COUNT", "0");
        x.check("BLMPOP", "0", "2", "k", "LEFT");
        x.check("BLMOVE", "k", "dst", "UP", "LEFT", "abc");
        x.check("BLMOVE", "k", "dst", "LEFT", "UP", "abc");
        x.check("BLPOP", "k");
        x.check("BLMPOP", "0", "1", "k");
        x.check("BLMOVE", "k", "dst", "LEFT", "LEFT");
        x.assertSameDigest();
    }

    @Test
    void binaryElementsAndLargeLists() {
        byte[] k = bytes(0, 'k', 0xff, '\r', '\n');
        byte[] e1 = bytes(0, 1, 2, 0xfe, 0xff);
        byte[] e2 = bytes('\r', '\n', '$', '*', '-', '1');
        byte[] e3 = new byte[0];
        x.check(b("RPUSH"), k, e1, e2, e3, e1);
        x.check(b("LRANGE"), k, b("0"), b("-1"));
        x.check(b("LPOS"), k, e1, b("COUNT"), b("0"));
        x.check(b("LPOS"), k, e3);
        x.check(b("LINSERT"), k, b("AFTER"), e3, e2);
        x.check(b("LREM"), k, b("-1"), e1);
        x.check(b("LINDEX"), k, b("-1"));
        x.check(b("LSET"), k, b("0"), e3);
        x.check(b("LMOVE"), k, e2, b("RIGHT"), b("LEFT"));
        x.check(b("BLPOP"), e2, b("0"));
        x.check(b("LMPOP"), b("2"), e2, k, b("LEFT"), b("COUNT"), b("2"));
        x.check(b("RPOP"), k, b("5"));
        x.check(b("LLEN"), k);

        byte[] big = new byte[100_000];
        for (int i = 0; i < big.length; i++) big[i] = (byte) (i * 31);
        x.check(b("RPUSH"), b("big"), big, big);
        x.check(b("LINDEX"), b("big"), b("1"));

        // a 20 000-element list, built in chunks
        for (int chunk = 0; chunk < 20; chunk++) {
            List<String> cmd = new ArrayList<>(List.of(chunk % 2 == 0 ? "RPUSH" : "LPUSH", "large"));
            for (int i = 0; i < 1000; i++) cmd.add("v" + (chunk * 1000 + i) + (i % 7 == 0 ? "" : "-" + (i % 13)));
            x.check(cmd.toArray(new String[0]));
        }
        x.check("LLEN", "large");
        x.check("LRANGE", "large", "0", "-1");
        x.check("LRANGE", "large", "9990", "10010");
        x.check("LINDEX", "large", "12345");
        x.check("LINDEX", "large", "-12345");
        x.check("LSET", "large", "10000", "mid");
        x.check("LINSERT", "large", "BEFORE", "mid", "before-mid");
        x.check("LINSERT", "large", "AFTER", "v19999-1", "near-tail");
        x.check("LPOS", "large", "v7", "RANK", "-1", "COUNT", "0");
        x.check("LPOS", "large", "v14000");
        x.check("LREM", "large", "0", "v7000");
        x.check("LREM", "large", "-3", "mid");
        x.check("LPOP", "large", "500");
        x.check("RPOP", "large", "500");
        x.check("LTRIM", "large", "1000", "-1000");
        x.check("LRANGE", "large", "0", "-1");
        x.check("LMPOP", "1", "large", "RIGHT", "COUNT", "100000");
        x.check("LLEN", "large");
        x.assertSameDigest();
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static byte[] bytes(int... v) {
        byte[] r = new byte[v.length];
        for (int i = 0; i < v.length; i++) r[i] = (byte) v[i];
        return r;
    }
}
