package io.meridian.node.keyspace;

import io.meridian.node.keyspace.ZSkipList.LexRange;
import io.meridian.node.keyspace.ZSkipList.Node;
import io.meridian.node.keyspace.ZSkipList.ScoreRange;
import io.meridian.node.util.ByteString;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The skiplist against a TreeSet model, under random inserts, score updates, removals and range deletions. */
class ZSkipListTest {
    /** The model's element: (score, member) ordered as Redis orders them. */
    record Item(double score, ByteString member) implements Comparable<Item> {
        @Override
        public int compareTo(Item o) {
            if (score < o.score) return -1;
            if (score > o.score) return 1;
            return member.compareTo(o.member);
        }
    }

    private static final double[] SCORES = {Double.NEGATIVE_INFINITY, -2.5, -1, 0, 1, 1.5, 2, 3, 100, Double.POSITIVE_INFINITY};

    private static byte[] randomMember(Random r) {
        int len = r.nextInt(4);
        byte[] b = new byte[len];
        for (int i = 0; i < len; i++) b[i] = (byte) ("ab\u00ff\u0000".charAt(r.nextInt(4)));
        return b;
    }

    private static List<Item> listed(ZSkipList l) {
        List<Item> out = new ArrayList<>();
        for (Node n = l.first(); n != null; n = n.next()) out.add(new Item(n.score(), ByteString.of(n.member())));
        return out;
    }

    @Test
    void randomOperationsMatchTheModel() {
        for (long seed = 1; seed <= 40; seed++) {
            Random r = new Random(seed);
            ZSkipList l = new ZSkipList();
            TreeSet<Item> model = new TreeSet<>();
            Map<ByteString, Double> scores = new HashMap<>();
            for (int step = 0; step < 600; step++) {
                byte[] m = randomMember(r);
                ByteString key = ByteString.of(m);
                double s = SCORES[r.nextInt(SCORES.length)];
                int op = r.nextInt(10);
                if (op < 5) {
                    Node n = l.get(m);
                    if (n == null) {
                        l.insert(m, s);
                    } else {
                        model.remove(new Item(scores.get(key), key));
                        l.updateScore(n, s);
                    }
                    model.add(new Item(s, key));
                    scores.put(key, s);
                } else if (op < 8) {
                    boolean had = scores.containsKey(key);
                    assertEquals(had, l.remove(m));
                    if (had) model.remove(new Item(scores.remove(key), key));
                } else if (op == 8) {
                    double a = SCORES[r.nextInt(SCORES.length)], b = SCORES[r.nextInt(SCORES.length)];
                    ScoreRange range = new ScoreRange(Math.min(a, b), r.nextBoolean(), Math.max(a, b), r.nextBoolean());
                    long expected = model.stream().filter(i -> range.gteMin(i.score) && range.lteMax(i.score)).count();
                    model.removeIf(i -> range.gteMin(i.score) && range.lteMax(i.score) && scores.remove(i.member) != null);
                    assertEquals(expected, l.deleteRangeByScore(range));
                } else if (!model.isEmpty()) {
                    int size = model.size();
                    long start = 1 + r.nextInt(size), end = start + r.nextInt(size - (int) start + 1);
                    List<Item> all = new ArrayList<>(model);
                    for (long k = start; k <= end; k++) {
                        Item i = all.get((int) k - 1);
                        model.remove(i);
                        scores.remove(i.member);
                    }
                    assertEquals(end - start + 1, l.deleteRangeByRank(start, end));
                }
                l.verify();
                assertEquals(model.size(), l.size());
            }
            List<Item> expected = new ArrayList<>(model);
            assertEquals(expected, listed(l), "seed " + seed);
            for (int i = 0; i < expected.size(); i++) {
                Node n = l.get(expected.get(i).member.bytes());
                assertEquals(i + 1, l.rank(n));
                assertSame(n, l.byRank(i + 1));
            }
            if (!expected.isEmpty()) {
                assertEquals(expected.get(expected.size() - 1).member, ByteString.of(l.last().member()));
                assertNull(l.last().next());
            }
        }
    }

    @Test
    void rangesFindTheirEnds() {
        ZSkipList l = new ZSkipList();
        for (int i = 0; i < 300; i++) l.insert(("m" + (1000 + i)).getBytes(), i / 3);
        l.verify();
        ScoreRange r = new ScoreRange(10, false, 20, true);
        assertEquals(30, l.rank(l.firstInRange(r)) - 1);
        assertEquals(59, l.rank(l.lastInRange(r)) - 1);
        assertNull(l.firstInRange(new ScoreRange(5, true, 5, false)));
        assertNull(l.firstInRange(new ScoreRange(200, false, 300, false)));
        assertNull(l.lastInRange(new ScoreRange(-5, false, -1, false)));
        LexRange lex = new LexRange("m1010".getBytes(), true, LexRange.MAX_STRING, true);
        assertEquals("m1011", new String(l.firstInLexRange(lex).member()));
        assertEquals("m1299", new String(l.lastInLexRange(lex).member()));
        assertNull(l.firstInLexRange(new LexRange(LexRange.MAX_STRING, true, LexRange.MIN_STRING, true)));
    }

    @Test
    void scanSeesEveryMemberAcrossResizes() {
        ZSkipList l = new ZSkipList();
        for (int i = 0; i < 1000; i++) l.insert(("k" + i).getBytes(), i);
        Set<String> seen = new HashSet<>();
        long cursor = 0;
        int steps = 0;
        do {
            cursor = l.scan(cursor, n -> seen.add(new String(n.member())));
            // shrink and grow the table mid-walk: members present all along must still be seen
            if (steps == 50) for (int i = 50; i < 1000; i++) l.remove(("k" + i).getBytes());
            if (steps == 60) for (int i = 50; i < 3000; i++) l.insert(("k" + i).getBytes(), i);
            steps++;
        } while (cursor != 0);
        for (int i = 0; i < 50; i++) assertTrue(seen.contains("k" + i), "k" + i);
        l.verify();
    }

    @Test
    void zsetValueEncodingRules() {
        ZSetValue z = new ZSetValue();
        for (int i = 0; i < 128; i++) z.insert(("m" + i).getBytes(), i, 128, 64);
        assertEquals("listpack", z.encoding());
        z.insert("one-more".getBytes(), 0, 128, 64);
        assertEquals("skiplist", z.encoding());
        z.remove("one-more".getBytes());
        assertEquals("skiplist", z.encoding());

        ZSetValue small = new ZSetValue();
        small.add("a".getBytes(), -0.0);
        assertEquals(0, Double.doubleToRawLongBits(small.get("a".getBytes()).score()), "a listpack keeps -0 as 0");
        small.add(new byte[65], 1);
        assertEquals("skiplist", small.encoding());

        ZSetValue big = new ZSetValue();
        big.convertToSkiplist();
        big.add("z".getBytes(), -0.0);
        assertTrue(Double.doubleToRawLongBits(big.get("z".getBytes()).score()) != 0, "a skiplist keeps -0");
        assertTrue(big.fitsListpack(128, 64));
        big.convertToListpack();
        assertEquals(0, Double.doubleToRawLongBits(big.get("z".getBytes()).score()));
        assertTrue(z.fitsListpack(128, 64), "128 members fit again, yet the encoding stays");
        z.insert("x".getBytes(), 1, 128, 64);
        assertFalse(z.fitsListpack(128, 64));
        ZSetValue copy = z.copy();
        assertEquals(z.size(), copy.size());
        assertEquals(z.encoding(), copy.encoding());
        copy.list().verify();
    }
}
