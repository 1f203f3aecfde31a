package io.meridian.node;

import io.meridian.node.testing.Differential;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Hash commands against the real redis-server: replies, error texts, encodings (listpack in
 * insertion order, hashtable past the limits) and edge cases (wrong type, arity, bad numbers,
 * overflow, long double arithmetic, binary data, empty strings). Fresh servers for each test.
 */
class HashDifferentialTest {
    private Differential d;

    @BeforeEach
    void start() {
        d = new Differential();
        d.check("SET", "str", "x");
    }

    @AfterEach
    void stop() {
        d.close();
    }

    /** Each line is one command, split on spaces. */
    private void lines(String... lines) {
        for (String l : lines) d.check(l.split(" "));
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void setAndGet() {
        lines("HSET h f v", "HSET h f v2 g w", "HGET h f", "HGET h nofield", "HGET nokey f",
                "HMGET h f g nofield", "HMGET nokey a b", "HLEN h", "HLEN nokey", "HSTRLEN h f", "HSTRLEN h nofield",
                "HSTRLEN nokey f", "HEXISTS h f", "HEXISTS h nofield", "HEXISTS nokey f",
                "HGETALL h", "HKEYS h", "HVALS h", "HGETALL nokey", "HKEYS nokey", "HVALS nokey",
                "HSET h f", "HSET h f v g", "HSET h", "HSET", "HMSET h a 1 b", "HMSET h a 1 b 2", "HMSET h a",
                "HGETALL h", "HSETNX h a x", "HSETNX h c 3", "HSETNX n1 f v", "HGETALL n1", "HSETNX h c", "HSETNX h c 3 4",
                "HGET h", "HGET h a b", "HMGET h", "HLEN", "HLEN h h", "HSTRLEN h", "HEXISTS h", "HKEYS", "HVALS h h",
                "HGETALL", "HSET h f v f v2", "HGET h f", "HSET h a 1 a 2 a 3", "HGETALL h", "HLEN h");
        // wrong type everywhere
        lines("HSET str f v", "HSETNX str f v", "HMSET str f v", "HGET str f", "HMGET str f", "HDEL str f",
                "HLEN str", "HSTRLEN str f", "HEXISTS str f", "HKEYS str", "HVALS str", "HGETALL str",
                "HINCRBY str f 1", "HINCRBYFLOAT str f 1", "HRANDFIELD str", "HRANDFIELD str 2",
                "HRANDFIELD str -2 WITHVALUES", "HSCAN str 0", "GET str", "TYPE h", "OBJECT ENCODING h");
        // empty field and value
        d.check("HSET", "e", "", "");
        d.check("HGET", "e", "");
        d.check("HSTRLEN", "e", "");
        d.check("HEXISTS", "e", "");
        d.check("HGETALL", "e");
        d.check("HSETNX", "e", "", "x");
        d.assertSameDigest();
    }

    @Test
    void deleteKeepsOrderAndRemovesEmptyKeys() {
        lines("HSET h a 1 b 2 c 3 d 4 e 5", "HDEL h c", "HGETALL h", "HSET h c 33", "HSET h a 11", "HGETALL h",
                "HDEL h nofield", "HDEL h a a b", "HGETALL h", "HDEL h d e c x", "EXISTS h", "TYPE h",
                "HDEL h a", "HDEL nokey a", "HDEL h", "HDEL", "HSET h x 1", "HDEL h x y", "EXISTS h",
                "HSET t a 1 b 2", "EXPIRE t 100", "HDEL t a", "TTL t", "HSET t c 3", "TTL t");
        d.assertSameDigest();
    }

    @Test
    void binaryFieldsAndValues() {
        byte[] key = {0, 1, (byte) 0xff, '\r', '\n'};
        byte[] field = {0, (byte) 0x80, ' ', '\n'};
        byte[] value = new byte[300];
        for (int i = 0; i < value.length; i++) value[i] = (byte) i;
        d.check(b("HSET"), key, field, new byte[]{0});
        d.check(b("HSET"), key, new byte[]{(byte) 0xc3, (byte) 0xa9}, b("x"));
        d.check(b("HGET"), key, field);
        d.check(b("HGETALL"), key);
        d.check(b("OBJECT"), b("ENCODING"), key);
        d.check(b("HSET"), key, field, value);
        d.check(b("OBJECT"), b("ENCODING"), key);
        d.check(b("HGET"), key, field);
        d.check(b("HSTRLEN"), key, field);
        d.check(b("HMGET"), key, field, new byte[]{0}, new byte[]{(byte) 0xc3, (byte) 0xa9});
        d.check(b("HEXISTS"), key, new byte[]{0, (byte) 0x80, ' '});
        d.check(b("HDEL"), key, field);
        d.check(b("HLEN"), key);
        d.check(b("HINCRBY"), key, new byte[]{(byte) 0xff}, b("-3"));
        d.check(b("HSTRLEN"), key, new byte[]{(byte) 0xff});
        d.assertSameDigest();
    }

    @Test
    void encodingsFollowTheLimits() {
        // 512 fields (Redis 7.0.15's default) stay listpack, the 513th converts, and deleting does not convert back
        List<String> args = new ArrayList<>(List.of("HSET", "big"));
        for (int i = 0; i < 512; i++) {
            args.add("f" + i);
            args.add("v" + i);
        }
        d.check(args.toArray(new String[0]));
        lines("OBJECT ENCODING big", "HGETALL big", "HSET big f0 changed", "OBJECT ENCODING big", "HSET big new 1",
                "OBJECT ENCODING big", "HLEN big", "HDEL big new f1 f2 f3", "OBJECT ENCODING big", "HLEN big");
        HashSetChecks.sameHash(d, "big");
        d.checkUnordered("HKEYS", "big");
        d.checkUnordered("HVALS", "big");
        // one HSET of 514 pairs converts in the middle of the command
        args.add("g1");
        args.add("1");
        args.add("g2");
        args.add("2");
        args.set(1, "big2");
        d.check(args.toArray(new String[0]));
        lines("OBJECT ENCODING big2", "HLEN big2");
        HashSetChecks.sameHash(d, "big2");
        // value and field lengths: 64 stays, 65 converts (before setting, even if HSETNX finds the field absent)
        String v64 = "v".repeat(64), v65 = "v".repeat(65);
        lines("HSET l1 f " + v64, "OBJECT ENCODING l1", "HSET l1 " + v64 + " x", "OBJECT ENCODING l1",
                "HSET l1 g " + v65, "OBJECT ENCODING l1", "HDEL l1 g", "OBJECT ENCODING l1",
                "HSET l2 " + v65 + " x", "OBJECT ENCODING l2",
                "HSET l3 a 1", "HSETNX l3 a " + v65, "OBJECT ENCODING l3", "HSETNX l3 b " + v65, "OBJECT ENCODING l3",
                "HSETNX l4 " + v65 + " 1", "OBJECT ENCODING l4",
                "HSET l5 a 1", "HINCRBY l5 " + v65 + " 1", "OBJECT ENCODING l5",
                "HSET l6 a 1", "HINCRBYFLOAT l6 a 1e70", "OBJECT ENCODING l6", "HGET l6 a",
                "HSET l7 a 1", "HINCRBYFLOAT l7 a 1e60", "OBJECT ENCODING l7", "HGET l7 a");
        // a long value in a failing HSET still converts? (arity error comes first)
        lines("HSET l8 a 1", "HSET l8 b " + v65 + " c", "OBJECT ENCODING l8");
        d.assertSameDigest();
    }

    @Test
    void hincrby() {
        lines("HINCRBY h f 1", "HINCRBY h f 10", "HINCRBY h f -100", "HGET h f", "HINCRBY h f abc", "HINCRBY h f 1.5",
                "HINCRBY h f 9223372036854775808", "HINCRBY h f ''",
                "HSET h big 9223372036854775806", "HINCRBY h big 1", "HINCRBY h big 1", "HINCRBY h big -1",
                "HSET h small -9223372036854775807", "HINCRBY h small -1", "HINCRBY h small -1",
                "HINCRBY h small 9223372036854775807", "HINCRBY h small 9223372036854775807",
                "HSET h s abc", "HINCRBY h s 1", "HSET h s 01", "HINCRBY h s 1", "HSET h s +1", "HINCRBY h s 1",
                "HSET h s -0", "HINCRBY h s 1", "HSET h s 1.0", "HINCRBY h s 1", "HINCRBY h s2 -9223372036854775808",
                "HINCRBY nokey f 5", "HGETALL nokey", "HINCRBY h f", "HINCRBY h f 1 2", "HINCRBY str f 1",
                "HINCRBY str f abc", "HINCRBY nokey2 f abc", "EXISTS nokey2", "HGETALL h");
        d.check("HSET", "h", "e", "");
        d.check("HINCRBY", "h", "e", "1");
        d.check("HSET", "h", "sp", " 1");
        d.check("HINCRBY", "h", "sp", "1");
        d.check("HINCRBY", "h", "sp2", " 1");
        d.assertSameDigest();
    }

    @Test
    void hincrbyfloat() {
        String[] cases = {"0.1", "0.2", "1e20", "1", "-1e20", "3.0e3", "1.5", "-2.5", "0x10", "0x1.8p1",
                "1e-20", "5.0e-18", "1e308", "1e400", "-1e400", "inf", "-inf", "+inf", "nan", "abc", "", " 1", "1 ",
                "1e", ".", "+.5", "-5.", "1e5000", "1e-5000", "0x", "1.23456789012345678901234567890", "10.5",
                "-10.5", "3", "1.1e4931", "1.2e4932", "12345678901234567890", "0.000000000000000005", "7E-3", "INF",
                "Infinity", "infinit", "10000000000.1", "3.0e-4950", "-0", "0"};
        for (String field : new String[]{"f", "g"}) {
            for (String c : cases) d.check("HINCRBYFLOAT", "h", field, c);
            d.check("HGET", "h", field);
        }
        lines("HSET h a 5.0e3", "HINCRBYFLOAT h a 1", "HSET h a 0x1p3", "HINCRBYFLOAT h a 0", "HSET h a inf",
                "HINCRBYFLOAT h a 1", "HSET h a abc", "HINCRBYFLOAT h a 1", "HSET h a 1e4932", "HINCRBYFLOAT h a 1e4932",
                "HINCRBYFLOAT h a -1e4932", "HSET h a 1", "HINCRBYFLOAT h a -1", "HGET h a", "HSET h a 0.1",
                "HINCRBYFLOAT h a -0.1", "HGET h a", "HSET h a 3.0e3", "HINCRBYFLOAT h a 0.000000000000000001",
                "HSET h a -inf", "HINCRBYFLOAT h a 1", "HSET h a 1", "HINCRBYFLOAT h a", "HINCRBYFLOAT h a 1 2",
                "HINCRBYFLOAT nokey f 2.5", "HGETALL nokey", "HINCRBYFLOAT nokey2 f nan", "EXISTS nokey2",
                "HINCRBYFLOAT str f 1", "HINCRBYFLOAT str f abc", "OBJECT ENCODING h");
        HashSetChecks.sameHash(d, "h");
        d.check("HSET", "h", "nul", "1\u0000x");
        d.check("HINCRBYFLOAT", "h", "nul", "1");
        d.check("HSET", "h", "sp", " 1");
        d.check("HINCRBYFLOAT", "h", "sp", "1");
        d.check("HINCRBYFLOAT", "h", "sp", "1\u0000");
        d.assertSameDigest();
    }

    @Test
    void hrandfieldDeterministicShapes() {
        lines("HSET h a 1 b 2 c 3", "HRANDFIELD nokey", "HRANDFIELD nokey 5", "HRANDFIELD nokey -5 WITHVALUES",
                "HRANDFIELD h 0", "HRANDFIELD h 0 WITHVALUES", "HRANDFIELD h 3", "HRANDFIELD h 10", "HRANDFIELD h 10 WITHVALUES",
                "HRANDFIELD h abc", "HRANDFIELD h 1.5", "HRANDFIELD h -9223372036854775808",
                "HRANDFIELD h 9223372036854775807",
                "HRANDFIELD h 5 WITHVALUE", "HRANDFIELD h 5 WITHVALUES x", "HRANDFIELD h 4611686018427387904 WITHVALUES",
                "HRANDFIELD h -4611686018427387904 WITHVALUES", "HRANDFIELD h abc WITHVALUES",
                "HRANDFIELD nokey 4611686018427387904 WITHVALUES", "HRANDFIELD nokey 1 x", "HRANDFIELD",
                "HRANDFIELD str 0", "HRANDFIELD str abc", "HRANDFIELD str 1 x");
        d.assertSameDigest();
    }

    @Test
    void hscanSmallAndErrors() {
        lines("HSET h a 1 b 2 c 3 ab 4", "HSCAN h 0", "HSCAN h 123", "HSCAN h 0 COUNT 1", "HSCAN h 0 MATCH a*",
                "HSCAN h 0 MATCH * COUNT 100", "HSCAN h 0 MATCH z*", "HSCAN h 0 COUNT 0", "HSCAN h 0 COUNT -1",
                "HSCAN h 0 COUNT abc", "HSCAN h 0 MATCH", "HSCAN h 0 foo bar", "HSCAN h 0 TYPE string",
                "HSCAN h abc", "HSCAN h -1", "HSCAN h +5", "HSCAN h 18446744073709551615", "HSCAN h 18446744073709551616",
                "HSCAN h 007", "HSCAN h 0x1", "HSCAN h 1.5", "HSCAN nokey 0", "HSCAN nokey 0 COUNT 0",
                "HSCAN nokey abc", "HSCAN str 0", "HSCAN str abc", "HSCAN h", "HSCAN",
                "HSCAN h 0 MATCH a* MATCH b*", "HSCAN h 0 COUNT 5 COUNT 0", "HSCAN h 0 match [ab] count 2");
        d.check("HSCAN", "h", "");
        d.check("HSCAN", "h", " 0");
        d.check("HSCAN", "h", "0 ");
        d.check("HSCAN", "h", "-");
        d.assertSameDigest();
    }

    @Test
    void hscanHashtableReturnsEverything() {
        List<String> args = new ArrayList<>(List.of("HSET", "big"));
        for (int i = 0; i < 1000; i++) {
            args.add("field:" + i);
            args.add("value:" + i);
        }
        d.check(args.toArray(new String[0]));
        d.check("OBJECT", "ENCODING", "big");
        for (String count : new String[]{"1", "10", "97", "5000"}) {
            Map<Object, Object> r = fullScan(d.redisClient()::call, "big", count, null);
            Map<Object, Object> m = fullScan(d.meridianClient()::call, "big", count, null);
            assertEquals(r, m, "HSCAN COUNT " + count);
            assertEquals(1000, m.size());
        }
        Map<Object, Object> r = fullScan(d.redisClient()::call, "big", "20", "field:1*");
        Map<Object, Object> m = fullScan(d.meridianClient()::call, "big", "20", "field:1*");
        assertEquals(r, m);
        assertEquals(111, m.size());
    }

    interface Caller {
        Object call(String... args);
    }

    @SuppressWarnings("unchecked")
    static Map<Object, Object> fullScan(Caller client, String key, String count, String match) {
        Map<Object, Object> all = new HashMap<>();
        String cursor = "0";
        Set<String> seenCursors = new HashSet<>();
        do {
            List<String> cmd = new ArrayList<>(List.of("HSCAN", key, cursor, "COUNT", count));
            if (match != null) {
                cmd.add("MATCH");
                cmd.add(match);
            }
            List<Object> reply = (List<Object>) client.call(cmd.toArray(new String[0]));
            cursor = (String) reply.get(0);
            List<Object> items = (List<Object>) reply.get(1);
            assertTrue(items.size() % 2 == 0);
            for (int i = 0; i < items.size(); i += 2) all.put(items.get(i), items.get(i + 1));
            assertTrue(seenCursors.add(cursor) || cursor.equals("0"), "cursor repeats: " + cursor);
        } while (!cursor.equals("0"));
        return all;
    }
}
