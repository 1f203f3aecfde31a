package io.meridian.node;

import io.meridian.node.testing.Differential;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Set commands against the real redis-server: replies, error texts, encodings (intset in
 * ascending order, hashtable otherwise; the encodings the set algebra builds) and edge cases
 * (wrong type, arity, bad counts, binary data, empty strings). Fresh servers for each test.
 */
class SetDifferentialTest {
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

    /** Commands whose reply is a hashtable-ordered set: compared sorted. */
    private void unordered(String... lines) {
        for (String l : lines) d.checkUnordered(l.split(" "));
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String[] ints(String cmd, String key, int from, int n) {
        return HashSetChecks.command(List.of(cmd, key), n, i -> new String[]{Integer.toString(from + i)});
    }

    @Test
    void addRemoveAndMembership() {
        lines("SADD s 3 1 2", "SADD s 2 4", "SMEMBERS s", "SCARD s", "SISMEMBER s 1", "SISMEMBER s 9",
                "SMISMEMBER s 1 9 2", "SMISMEMBER nokey a b", "SISMEMBER nokey a", "SCARD nokey", "SMEMBERS nokey",
                "SREM s 1 9", "SREM s 9", "SREM nokey a", "SMEMBERS s", "SREM s 2 3 4", "EXISTS s", "TYPE s",
                "SADD t a b", "EXPIRE t 100", "SREM t a", "TTL t", "SADD t c", "TTL t",
                "SADD", "SADD s", "SREM s", "SISMEMBER s", "SISMEMBER s a b", "SMISMEMBER s", "SCARD", "SCARD a b",
                "SMEMBERS", "SMEMBERS a b");
        unordered("SMEMBERS t");
        lines("SADD str a", "SREM str a", "SMEMBERS str", "SISMEMBER str a", "SMISMEMBER str a", "SCARD str",
                "SPOP str", "SPOP str 2", "SRANDMEMBER str", "SRANDMEMBER str 2", "SMOVE str t a", "SINTER str",
                "SINTERCARD 1 str", "SINTERSTORE d str", "SUNION str", "SUNIONSTORE d str", "SDIFF str",
                "SDIFFSTORE d str", "SSCAN str 0", "GET str");
        d.check("SADD", "e", "");
        d.check("SISMEMBER", "e", "");
        d.check("SMEMBERS", "e");
        d.check("OBJECT", "ENCODING", "e");
        d.assertSameDigest();
    }

    @Test
    void binaryMembers() {
        byte[] key = {0, 1, (byte) 0xff, '\r', '\n'};
        byte[] m1 = {0, (byte) 0x80, ' ', '\n'};
        byte[] m2 = new byte[300];
        for (int i = 0; i < m2.length; i++) m2[i] = (byte) i;
        d.check(b("SADD"), key, m1, m2, b("12"));
        d.check(b("SISMEMBER"), key, m1);
        d.check(b("SMISMEMBER"), key, m2, new byte[]{0}, b("12"));
        d.check(b("SCARD"), key);
        d.check(b("OBJECT"), b("ENCODING"), key);
        d.check(b("SREM"), key, m2);
        d.check(b("SMOVE"), key, new byte[]{(byte) 0xc3}, m1);
        d.check(b("SMEMBERS"), new byte[]{(byte) 0xc3});
        d.check(b("SINTERCARD"), b("2"), key, new byte[]{(byte) 0xc3});
        d.assertSameDigest();
    }

    @Test
    void intsetEncodingAndOrder() {
        // canonical 64-bit integers only; ascending order
        lines("SADD i 5 -3 100 0 -9223372036854775808 9223372036854775807", "OBJECT ENCODING i", "SMEMBERS i",
                "SADD j 01", "OBJECT ENCODING j", "SADD k -0", "OBJECT ENCODING k", "SADD l 9223372036854775808",
                "OBJECT ENCODING l", "SADD m 1.0", "OBJECT ENCODING m", "SADD n +1", "OBJECT ENCODING n",
                "SADD o 1 2 a", "OBJECT ENCODING o", "SREM o a", "OBJECT ENCODING o",
                "SISMEMBER i 05", "SISMEMBER i 5", "SREM i 05", "SREM i 5 100", "SMEMBERS i",
                "SADD p a 1", "OBJECT ENCODING p", "SADD q 1 a", "OBJECT ENCODING q");
        d.check("SADD", "sp", " 1");
        d.check("OBJECT", "ENCODING", "sp");
        unordered("SMEMBERS o", "SMEMBERS p");
        // 512 integers stay an intset, the 513th converts, and removing does not convert back
        d.check(ints("SADD", "big", 1000, 512));
        lines("OBJECT ENCODING big", "SMEMBERS big", "SADD big 2000", "OBJECT ENCODING big", "SREM big 2000 1000",
                "OBJECT ENCODING big", "SCARD big");
        unordered("SMEMBERS big");
        d.check(ints("SADD", "big2", 0, 600));
        lines("OBJECT ENCODING big2", "SCARD big2");
        d.assertSameDigest();
    }

    @Test
    void smove() {
        lines("SADD a 1 2 x", "SADD b 3", "SMOVE a b 1", "SMEMBERS b", "SMOVE a b 9", "SMOVE a a 2", "SMOVE a a 9",
                "SMOVE nokey b 1", "SMOVE nokey str 1", "SMOVE a str 2", "SMOVE str a 1", "SMOVE a c x",
                "OBJECT ENCODING c", "SMOVE a d 2", "OBJECT ENCODING d", "EXISTS a", "SMOVE c b x", "EXISTS c",
                "OBJECT ENCODING b", "SMOVE d b 2", "SMOVE b e 3", "SMEMBERS e", "SADD f 3", "SMOVE e f 3",
                "SMEMBERS f", "EXISTS e", "SMOVE a b", "SMOVE a b c d");
        unordered("SMEMBERS b");
        d.assertSameDigest();
    }

    @Test
    void intersection() {
        lines("SADD a 1 2 3 4 5", "SADD b 2 3 4 9", "SADD c 4 3 x", "SADD e 1",
                "SINTER a b", "SINTER b a", "SINTER a nokey", "SINTER nokey a", "SINTER a",
                "SINTER nokey str", "SINTER str nokey", "SINTER a a", "SINTER",
                "SINTERCARD 2 a b", "SINTERCARD 3 a b c", "SINTERCARD 2 a b LIMIT 1", "SINTERCARD 2 a b LIMIT 0",
                "SINTERCARD 2 a b LIMIT 10", "SINTERCARD 2 a nokey", "SINTERCARD 1 a", "SINTERCARD 0 a",
                "SINTERCARD -1 a", "SINTERCARD abc a", "SINTERCARD 3 a b", "SINTERCARD 2 a b LIMIT -1",
                "SINTERCARD 2 a b LIMIT abc", "SINTERCARD 2 a b LIMIT", "SINTERCARD 2 a b foo", "SINTERCARD 1 a b",
                "SINTERCARD 2 a str", "SINTERCARD 2 nokey str", "SINTERCARD 1", "SINTERCARD",
                "SINTERCARD 2 a b LIMIT 1 LIMIT 2", "SINTERCARD 9223372036854775807 a",
                "SINTERSTORE d a b", "SMEMBERS d", "OBJECT ENCODING d", "SINTERSTORE d a c", "SMEMBERS d",
                "SINTERSTORE d a nokey", "EXISTS d", "SINTERSTORE d a e", "SINTERSTORE str a b", "TYPE str",
                "SINTERSTORE str2 a str", "SINTERSTORE a a b", "SMEMBERS a", "SET s2 v", "EXPIRE s2 100",
                "SINTERSTORE s2 a b", "TTL s2", "SINTERSTORE d nokey", "SINTERSTORE d", "SINTERSTORE");
        // string members: hashtable result, compared unordered
        lines("SADD x a b c 1", "SADD y b c d 1", "SINTERSTORE z x y", "OBJECT ENCODING z", "SCARD z",
                "SADD w 1 2", "SINTERSTORE v x y w", "OBJECT ENCODING v", "SMEMBERS v");
        unordered("SINTER x y", "SMEMBERS z", "SINTER a b c");
        // an intersection that stays all integers beyond 512 members is a hashtable
        d.check(ints("SADD", "big1", 0, 700));
        d.check(ints("SADD", "big2", 100, 700));
        lines("SINTERSTORE r big1 big2", "OBJECT ENCODING r", "SCARD r", "SINTERCARD 2 big1 big2 LIMIT 7",
                "SINTER big1 b");
        d.assertSameDigest();
    }

    @Test
    void unionAndDifference() {
        lines("SADD a 1 2 3", "SADD b 3 4", "SADD c 5", "SUNION a b c", "SUNION a nokey", "SUNION nokey",
                "SUNION nokey str", "SUNION a a", "SUNIONSTORE d a b", "SMEMBERS d", "OBJECT ENCODING d",
                "SUNIONSTORE d nokey", "EXISTS d", "SUNIONSTORE str a", "TYPE str", "SUNIONSTORE a a c", "SMEMBERS a",
                "SDIFF a b", "SDIFF a b c", "SDIFF a nokey", "SDIFF nokey a", "SDIFF a a", "SDIFF a b a", "SDIFF nokey str",
                "SDIFFSTORE d a b", "SMEMBERS d", "SDIFFSTORE d a a", "EXISTS d", "SDIFFSTORE d nokey a",
                "SDIFFSTORE d2 a str", "SUNION", "SUNIONSTORE d", "SDIFF", "SDIFFSTORE d",
                "SADD x a b 1", "SUNIONSTORE u x a", "OBJECT ENCODING u", "SDIFFSTORE v x a", "OBJECT ENCODING v",
                "SDIFFSTORE v2 a x", "OBJECT ENCODING v2", "SMEMBERS v2");
        unordered("SUNION x a", "SDIFF x a", "SMEMBERS u", "SMEMBERS v");
        // Redis picks its diff algorithm by sizes, and algorithm 2 can pass 512 members on the way
        d.check(ints("SADD", "big", 0, 600));
        d.check(ints("SADD", "small", 0, 300));
        lines("SDIFFSTORE r1 big small", "OBJECT ENCODING r1", "SCARD r1", "SDIFFSTORE r2 small big", "EXISTS r2",
                "SADD tiny 1 2", "SDIFFSTORE r3 big small tiny", "OBJECT ENCODING r3",
                "SDIFFSTORE r4 big tiny", "OBJECT ENCODING r4", "SUNIONSTORE r5 small tiny", "OBJECT ENCODING r5",
                "SUNIONSTORE r6 big tiny", "OBJECT ENCODING r6");
        d.check(ints("SADD", "mid", 0, 500));
        d.check(ints("SADD", "other", 450, 100));
        lines("SDIFFSTORE r7 mid other", "OBJECT ENCODING r7", "SMEMBERS r7", "SDIFF mid other nokey small",
                "SDIFFSTORE r8 other small tiny", "OBJECT ENCODING r8", "SMEMBERS r8");
        unordered("SMEMBERS r1");
        d.assertSameDigest();
    }

    @Test
    void popAndRandomDeterministicShapes() {
        lines("SADD s 1 2 3", "SPOP nokey", "SPOP nokey 3", "SPOP s 0", "SPOP s -1", "SPOP s abc", "SPOP s 1 2",
                "SPOP nokey 0", "SPOP nokey -1", "SPOP str 0", "SPOP str -1", "SPOP", "SMEMBERS s",
                "SRANDMEMBER nokey", "SRANDMEMBER nokey 5", "SRANDMEMBER nokey -5", "SRANDMEMBER s 0",
                "SRANDMEMBER s 3", "SRANDMEMBER s 10", "SRANDMEMBER s abc", "SRANDMEMBER s 1 2",
                "SRANDMEMBER s -9223372036854775808", "SRANDMEMBER str abc", "SRANDMEMBER str 0",
                "SRANDMEMBER nokey abc", "SRANDMEMBER",
                "SPOP s 3", "EXISTS s", "SADD s 5 4 6", "SPOP s 10", "EXISTS s",
                "SADD one x", "SPOP one", "EXISTS one", "SADD one 7", "SPOP one 1", "EXISTS one",
                "SADD t 1 2 3 4 5 6 7 8 9 10");
        popSize("t", 9);
        lines("SCARD t", "OBJECT ENCODING t");
        // SPOP that keeps few members of a big hashtable of integers rebuilds it as an intset
        d.check(ints("SADD", "big", 0, 600));
        popSize("big", 595);
        lines("OBJECT ENCODING big", "SCARD big");
        popSize("big", 5);
        lines("EXISTS big");
        d.check(ints("SADD", "big", 0, 600));
        popSize("big", 10);
        lines("OBJECT ENCODING big", "SCARD big", "DEL big t");
        d.assertSameDigest();
    }

    /** SPOP key count on both, asserting only the number of members (which ones is random). */
    private void popSize(String key, int count) {
        assertEquals(count, ((List<?>) d.redisClient().call("SPOP", key, Integer.toString(count))).size());
        assertEquals(count, ((List<?>) d.meridianClient().call("SPOP", key, Integer.toString(count))).size());
    }

    @Test
    void sscanSmallAndErrors() {
        lines("SADD s 3 1 2 10", "SSCAN s 0", "SSCAN s 7", "SSCAN s 0 COUNT 1", "SSCAN s 0 MATCH 1*",
                "SSCAN s 0 MATCH * COUNT 100", "SSCAN s 0 COUNT 0", "SSCAN s 0 COUNT -1", "SSCAN s 0 COUNT abc",
                "SSCAN s 0 MATCH", "SSCAN s 0 foo bar", "SSCAN s abc", "SSCAN s -1", "SSCAN s 18446744073709551616",
                "SSCAN nokey 0", "SSCAN nokey 0 COUNT 0", "SSCAN nokey abc", "SSCAN str 0", "SSCAN s", "SSCAN",
                "SADD t a b c", "SSCAN t 0 MATCH z*", "SADD u 1 2 3 4 5 6 7 8 9 10 11 12", "SSCAN u 0 COUNT 2 MATCH 1*");
        d.assertSameDigest();
    }

    @Test
    @SuppressWarnings("unchecked")
    void sscanHashtableReturnsEverything() {
        d.check(HashSetChecks.command(List.of("SADD", "big"), 2000, i -> new String[]{"m:" + i}));
        for (String count : new String[]{"1", "10", "333", "5000"}) {
            for (String match : new String[]{null, "m:1*"}) {
                Set<Object> r = new HashSet<>(), m = new HashSet<>();
                for (var pair : List.of(List.of(d.redisClient(), r), List.of(d.meridianClient(), m))) {
                    var client = (io.meridian.node.testing.RespClient) pair.get(0);
                    Set<Object> into = (Set<Object>) pair.get(1);
                    String cursor = "0";
                    int calls = 0;
                    do {
                        List<String> cmd = new ArrayList<>(List.of("SSCAN", "big", cursor, "COUNT", count));
                        if (match != null) cmd.addAll(List.of("MATCH", match));
                        List<Object> reply = (List<Object>) client.call(cmd.toArray(new String[0]));
                        cursor = (String) reply.get(0);
                        into.addAll((List<Object>) reply.get(1));
                        calls++;
                    } while (!cursor.equals("0") && calls < 100_000);
                }
                assertEquals(r, m, "SSCAN COUNT " + count + " MATCH " + match);
                assertEquals(match == null ? 2000 : 1111, m.size());
            }
        }
    }
}
