package io.meridian.node.keyspace;

import io.meridian.node.util.Bytes;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** HashValue, SetValue and ByteDict: encoding rules, order, copies and the SCAN guarantee. */
class HashSetValueTest {
    private static byte[] b(String s) {
        return Bytes.utf8(s);
    }

    private static List<String> fields(HashValue h) {
        List<String> out = new ArrayList<>();
        h.forEach((f, v) -> out.add(Bytes.str(f) + "=" + Bytes.str(v)));
        return out;
    }

    @Test
    void listpackHashKeepsInsertionOrderAndConvertsOnce() {
        HashValue h = new HashValue();
        assertTrue(h.put(b("a"), b("1"), 3, 5));
        assertTrue(h.put(b("b"), b("2"), 3, 5));
        assertTrue(h.put(b("c"), b("3"), 3, 5));
        assertFalse(h.put(b("a"), b("11"), 3, 5));
        assertTrue(h.remove(b("b")));
        assertFalse(h.remove(b("b")));
        assertTrue(h.put(b("d"), b("4"), 3, 5));
        assertEquals(List.of("a=11", "c=3", "d=4"), fields(h));
        assertEquals("listpack", h.encoding());
        HashValue copy = h.copy();
        assertTrue(h.put(b("e"), b("5"), 3, 5));
        assertEquals("hashtable", h.encoding());
        assertEquals("listpack", copy.encoding());
        assertEquals(3, copy.size());
        h.remove(b("e"));
        h.remove(b("d"));
        assertEquals("hashtable", h.encoding());
        assertArrayEquals(b("11"), h.get(b("a")));
        assertNull(h.get(b("zz")));
        // a long value converts before it is set
        HashValue l = new HashValue();
        l.put(b("f"), b("123456"), 3, 5);
        assertEquals("hashtable", l.encoding());
        // the RDB-load overload uses Redis 7.0.15's defaults (512 fields, 64 bytes)
        HashValue d = new HashValue();
        for (int i = 0; i < 512; i++) d.put(b("f" + i), b("v"));
        assertEquals("listpack", d.encoding());
        d.put(b("x"), b("v"));
        assertEquals("hashtable", d.encoding());
        assertEquals(513, d.copy().size());
    }

    @Test
    void intsetIsSortedAndConvertsOnce() {
        SetValue s = new SetValue();
        for (String m : new String[]{"5", "-3", "100", "0", "5"}) s.add(b(m), 4);
        List<String> order = new ArrayList<>();
        s.forEach(m -> order.add(Bytes.str(m)));
        assertEquals(List.of("-3", "0", "5", "100"), order);
        assertEquals("intset", s.encoding());
        assertTrue(s.contains(b("5")));
        assertFalse(s.contains(b("05")));
        assertFalse(s.remove(b("05")));
        SetValue copy = s.copy();
        assertTrue(s.add(b("7"), 4));
        assertEquals("hashtable", s.encoding());
        assertEquals("intset", copy.encoding());
        assertTrue(s.remove(b("7")));
        assertEquals("hashtable", s.encoding());
        SetValue t = new SetValue();
        t.add(b("1"));
        t.add(b("01"));
        assertEquals("hashtable", t.encoding());
        assertEquals(2, t.size());
        SetValue u = new SetValue();
        for (long v : new long[]{Long.MIN_VALUE, Long.MAX_VALUE, 0}) u.add(Bytes.fromLong(v));
        assertEquals("intset", u.encoding());
        assertTrue(u.containsLong(Long.MIN_VALUE));
        u.add(b("9223372036854775808"));
        assertEquals("hashtable", u.encoding());
        assertTrue(u.containsLong(Long.MIN_VALUE));
    }

    @Test
    void scanReturnsEveryElementPresentThroughoutAcrossResizes() {
        for (boolean grow : new boolean[]{true, false}) {
            ByteDict d = new ByteDict();
            Set<String> stable = new HashSet<>();
            for (int i = 0; i < 1000; i++) {
                d.add(b("s" + i));
                stable.add("s" + i);
            }
            List<String> removable = new ArrayList<>();
            for (int i = 0; i < 5000; i++) {
                d.add(b("r" + i));
                removable.add("r" + i);
            }
            Set<String> seen = new HashSet<>();
            long cursor = 0;
            int step = 0, extra = 0;
            do {
                cursor = d.scan(cursor, (k, v) -> seen.add(Bytes.str(k)));
                step++;
                if (step % 7 == 0) {
                    if (grow && extra < 20_000) {
                        for (int i = 0; i < 200; i++) d.add(b("g" + extra++));
                    } else if (!grow && !removable.isEmpty()) {
                        for (int i = 0; i < 400 && !removable.isEmpty(); i++) d.remove(b(removable.remove(removable.size() - 1)));
                    }
                }
            } while (cursor != 0);
            assertTrue(seen.containsAll(stable), "grow=" + grow);
        }
    }

    @Test
    void randomPicksEveryElement() {
        SetValue s = new SetValue();
        for (int i = 0; i < 20; i++) s.add(b("m" + i));
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 2000; i++) seen.add(Bytes.str(s.random()));
        assertEquals(20, seen.size());
        HashValue h = new HashValue();
        for (int i = 0; i < 20; i++) h.put(b("f" + i), b("v" + i));
        h.toHashtable();
        Set<String> fields = new HashSet<>();
        for (int i = 0; i < 2000; i++) {
            byte[][] p = h.randomPair();
            assertEquals("v" + Bytes.str(p[0]).substring(1), Bytes.str(p[1]));
            fields.add(Bytes.str(p[0]));
        }
        assertEquals(20, fields.size());
    }
}
