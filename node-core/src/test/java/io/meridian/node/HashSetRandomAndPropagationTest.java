package io.meridian.node;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The random hash and set commands (SPOP, SRANDMEMBER, HRANDFIELD) by their properties:
 * membership, counts, distinctness, repetition, RESP shapes; and the exact effect every hash
 * and set write puts on the replication stream (SPOP as the SREMs of what it popped, or DEL
 * when the whole set goes; HINCRBYFLOAT as HSET; no-ops as nothing), as Redis 7.0 does.
 */
class HashSetRandomAndPropagationTest {
    private ManualClockNode n;

    @BeforeEach
    void start() throws Exception {
        n = new ManualClockNode(1_893_456_000_000L);
    }

    @AfterEach
    void stop() {
        n.close();
    }

    /** The commands propagated since the last call, SELECT left out, each as one line. */
    private List<String> propagated() {
        List<String> out = new ArrayList<>();
        for (List<String> c : n.propagated()) {
            if (!c.get(0).equals("SELECT")) out.add(String.join(" ", c));
        }
        return out;
    }

    private void expect(String command, String... effects) {
        n.call(command.split(" "));
        assertEquals(List.of(effects), propagated(), () -> "propagation of " + command);
    }

    private void fill(String cmd, String key, int from, int count, String prefix) {
        List<String> a = new ArrayList<>(List.of(cmd, key));
        for (int i = from; i < from + count; i++) {
            a.add(prefix + i);
            if (cmd.equals("HSET")) a.add("v" + i);
        }
        n.call(a.toArray(new String[0]));
        propagated();
    }

    @SuppressWarnings("unchecked")
    private Set<String> members(String key) {
        return new HashSet<>((List<String>) n.call("SMEMBERS", key));
    }

    @Test
    void hashWrites() {
        expect("HSET h a 1 b 2", "HSET h a 1 b 2");
        expect("HSET h a 1", "HSET h a 1");
        expect("HMSET h a 1", "HMSET h a 1");
        expect("HSETNX h a 9");
        expect("HSETNX h c 3", "HSETNX h c 3");
        expect("HDEL h nofield");
        expect("HDEL nokey a");
        expect("HDEL h a nofield", "HDEL h a nofield");
        expect("HINCRBY h n 5", "HINCRBY h n 5");
        expect("HINCRBY h b abc");
        expect("HINCRBYFLOAT h f 1.5", "HSET h f 1.5");
        expect("HINCRBYFLOAT h f 10000000000.1", "HSET h f 10000000001.59999999962747097");
        expect("HINCRBYFLOAT h f inf");
        expect("HINCRBYFLOAT h b x");
        expect("HGET h a");
        expect("HRANDFIELD h 2 WITHVALUES");
        expect("HSCAN h 0");
        expect("HDEL h b c n f", "HDEL h b c n f");
        expect("HLEN h");
    }

    @Test
    void setWrites() {
        expect("SADD s 1 2", "SADD s 1 2");
        expect("SADD s 1 2");
        expect("SADD s 2 3", "SADD s 2 3");
        expect("SREM s 9");
        expect("SREM s 1 9", "SREM s 1 9");
        expect("SMOVE s s 2");
        expect("SMOVE s t 9");
        expect("SMOVE nokey t 2");
        expect("SMOVE s t 2", "SMOVE s t 2");
        expect("SINTERSTORE d s nokey");
        expect("SINTERSTORE t s nokey", "SINTERSTORE t s nokey");
        expect("SUNIONSTORE d s", "SUNIONSTORE d s");
        expect("SDIFFSTORE d s s", "SDIFFSTORE d s s");
        expect("SDIFFSTORE d s s");
        expect("SINTERCARD 1 s");
        expect("SRANDMEMBER s 5");
        expect("SPOP nokey");
        expect("SPOP nokey 3");
        expect("SPOP s 0");
        expect("SPOP s -1");
    }

    @Test
    @SuppressWarnings("unchecked")
    void spopPropagatesWhatItPopped() {
        // one member: SREM of it, even for the last member (the key goes, the SREM stays)
        fill("SADD", "s", 0, 3, "m");
        String one = (String) n.call("SPOP", "s");
        assertEquals(List.of("SREM s " + one), propagated());
        assertFalse(members("s").contains(one));
        n.call("SPOP", "s");
        propagated();
        String last = (String) n.call("SPOP", "s");
        assertEquals(List.of("SREM s " + last), propagated());
        assertEquals(0L, n.call("EXISTS", "s"));

        // a few of many: one SREM per member, wrapped in MULTI/EXEC, in reply order
        for (String encoding : new String[]{"intset", "hashtable"}) {
            String prefix = encoding.equals("intset") ? "" : "m";
            fill("SADD", "s", 0, 100, prefix);
            List<String> popped = (List<String>) n.call("SPOP", "s", "7");
            assertEquals(7, new HashSet<>(popped).size());
            List<String> want = new ArrayList<>(List.of("MULTI"));
            for (String m : popped) want.add("SREM s " + m);
            want.add("EXEC");
            assertEquals(want, propagated());
            Set<String> left = members("s");
            assertEquals(93, left.size());
            for (String m : popped) assertFalse(left.contains(m));

            // most of them (the remaining members are drawn instead): still SREMs of what was returned
            popped = (List<String>) n.call("SPOP", "s", "90");
            assertEquals(90, new HashSet<>(popped).size());
            want = new ArrayList<>(List.of("MULTI"));
            for (String m : popped) want.add("SREM s " + m);
            want.add("EXEC");
            assertEquals(want, propagated());
            Set<String> rest = members("s");
            assertEquals(3, rest.size());
            for (String m : popped) assertFalse(rest.contains(m));
            assertEquals(encoding.equals("intset") ? "intset" : "hashtable", n.call("OBJECT", "ENCODING", "s"));

            // all of them: DEL
            List<String> all = (List<String>) n.call("SPOP", "s", "3");
            assertEquals(rest, new HashSet<>(all));
            assertEquals(List.of("DEL s"), propagated());
            assertEquals(0L, n.call("EXISTS", "s"));
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void srandmemberProperties() {
        for (String prefix : new String[]{"", "m"}) {
            n.call("DEL", "s");
            fill("SADD", "s", 0, 40, prefix);
            Set<String> set = members("s");
            for (int count : new int[]{1, 5, 13, 14, 39, 40, 100}) {
                List<String> r = (List<String>) n.call("SRANDMEMBER", "s", Integer.toString(count));
                assertEquals(Math.min(count, 40), r.size(), "SRANDMEMBER " + count);
                assertEquals(r.size(), new HashSet<>(r).size(), "distinct");
                assertTrue(set.containsAll(r));
            }
            List<String> r = (List<String>) n.call("SRANDMEMBER", "s", "-200");
            assertEquals(200, r.size());
            assertTrue(set.containsAll(r));
            assertTrue(new HashSet<>(r).size() < 200, "repetitions");
            Set<String> seen = new HashSet<>();
            for (int i = 0; i < 1000; i++) seen.add((String) n.call("SRANDMEMBER", "s"));
            assertEquals(set, seen, "every member is drawn eventually");
            assertEquals(set, members("s"), "SRANDMEMBER changes nothing");
        }
        n.call("SADD", "one", "x");
        propagated();
        assertEquals(List.of("x", "x", "x"), n.call("SRANDMEMBER", "one", "-3"));
        assertEquals(List.of(), propagated());
    }

    @Test
    @SuppressWarnings("unchecked")
    void hrandfieldProperties() {
        for (int size : new int[]{10, 600}) {
            n.call("DEL", "h");
            fill("HSET", "h", 0, size, "f");
            Map<String, String> hash = new HashMap<>();
            List<String> flat = (List<String>) n.call("HGETALL", "h");
            for (int i = 0; i < flat.size(); i += 2) hash.put(flat.get(i), flat.get(i + 1));
            for (int count : new int[]{1, 3, 4, 9, 10, 199, 200, 1000}) {
                List<String> r = (List<String>) n.call("HRANDFIELD", "h", Integer.toString(count));
                assertEquals(Math.min(count, size), r.size());
                assertEquals(r.size(), new HashSet<>(r).size());
                assertTrue(hash.keySet().containsAll(r));
                List<String> wv = (List<String>) n.call("HRANDFIELD", "h", Integer.toString(count), "WITHVALUES");
                assertEquals(2 * Math.min(count, size), wv.size());
                Set<String> fields = new HashSet<>();
                for (int i = 0; i < wv.size(); i += 2) {
                    assertEquals(hash.get(wv.get(i)), wv.get(i + 1));
                    fields.add(wv.get(i));
                }
                assertEquals(Math.min(count, size), fields.size());
            }
            List<String> rep = (List<String>) n.call("HRANDFIELD", "h", "-30", "WITHVALUES");
            assertEquals(60, rep.size());
            for (int i = 0; i < rep.size(); i += 2) assertEquals(hash.get(rep.get(i)), rep.get(i + 1));
            Set<String> seen = new HashSet<>();
            for (int i = 0; i < 200 && size == 10; i++) seen.add((String) n.call("HRANDFIELD", "h"));
            if (size == 10) assertEquals(hash.keySet(), seen);
        }
        // RESP3: WITHVALUES pairs are nested arrays
        n.call("HELLO", "3");
        List<List<String>> pairs = (List<List<String>>) n.call("HRANDFIELD", "h", "-5", "WITHVALUES");
        assertEquals(5, pairs.size());
        for (List<String> p : pairs) assertEquals("v" + p.get(0).substring(1), p.get(1));
        assertEquals(List.of(), propagated());
    }
}
