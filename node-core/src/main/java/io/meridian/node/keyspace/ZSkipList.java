package io.meridian.node.keyspace;

import io.meridian.node.util.Bytes;

import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;

/**
 * The body of a sorted set: Redis's zskiplist (levels whose links carry spans, so a rank is
 * found in O(log n)) ordered by (score, member bytes), whose nodes are also the chain nodes
 * of a hash table by member (Redis's zset dict: ZSCORE in O(1), SCAN with the reverse-binary
 * cursor). One object per member, no boxing.
 */
public final class ZSkipList {
    static final int MAX_LEVEL = 32;
    private static final int MIN_BUCKETS = 4;

    /** A member with its score: a skiplist node and a hash chain node at once. */
    public static final class Node {
        final byte[] member;
        double score;
        final int hash;
        Node backward;
        Node[] forward;
        /** span[i]: how many level-0 steps forward[i] jumps (0 when forward[i] is null at the tail). */
        int[] span;
        Node nextInBucket;

        Node(byte[] member, double score, int hash, int level) {
            this.member = member;
            this.score = score;
            this.hash = hash;
            this.forward = new Node[level];
            this.span = new int[level];
        }

        public byte[] member() {
            return member;
        }

        public double score() {
            return score;
        }

        /** The next node in (score, member) order, or null. */
        public Node next() {
            return forward[0];
        }

        /** The previous node, or null. */
        public Node prev() {
            return backward;
        }
    }

    /** A score interval, each end inclusive or exclusive (Redis's zrangespec). */
    public record ScoreRange(double min, boolean minEx, double max, boolean maxEx) {
        public boolean gteMin(double v) {
            return minEx ? v > min : v >= min;
        }

        public boolean lteMax(double v) {
            return maxEx ? v < max : v <= max;
        }

        /** Ranges that are empty whatever the set holds. */
        public boolean isEmpty() {
            return min > max || (min == max && (minEx || maxEx));
        }
    }

    /**
     * A lexicographic interval (Redis's zlexrangespec): ends are byte strings, or the
     * identity sentinels {@link #MIN_STRING} ("-") and {@link #MAX_STRING} ("+").
     */
    public record LexRange(byte[] min, boolean minEx, byte[] max, boolean maxEx) {
        public static final byte[] MIN_STRING = new byte[0];
        public static final byte[] MAX_STRING = new byte[0];

        /** Redis's sdscmplex: memcmp order with "-" below and "+" above every string. */
        static int compare(byte[] a, byte[] b) {
            if (a == b) return 0;
            if (a == MIN_STRING || b == MAX_STRING) return -1;
            if (a == MAX_STRING || b == MIN_STRING) return 1;
            return Arrays.compareUnsigned(a, b);
        }

        public boolean gteMin(byte[] v) {
            return minEx ? compare(v, min) > 0 : compare(v, min) >= 0;
        }

        public boolean lteMax(byte[] v) {
            return maxEx ? compare(v, max) < 0 : compare(v, max) <= 0;
        }

        public boolean isEmpty() {
            int cmp = compare(min, max);
            return cmp > 0 || (cmp == 0 && (minEx || maxEx));
        }
    }

    private Node header = new Node(null, 0, 0, 1);
    private Node tail;
    private int level = 1;
    private int length;
    private Node[] buckets = new Node[MIN_BUCKETS];

    public int size() {
        return length;
    }

    public Node first() {
        return header.forward[0];
    }

    public Node last() {
        return tail;
    }

    // ---- ordering --------------------------------------------------------------------

    /** Whether a node sorts before (score, member): score first, then memcmp of members. */
    private static boolean before(Node x, double score, byte[] member) {
        return x.score < score || (x.score == score && Arrays.compareUnsigned(x.member, member) < 0);
    }

    private static int randomLevel() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        int level = 1;
        // Redis's ZSKIPLIST_P = 0.25
        while ((r.nextInt() & 0xFFFF) < 0x4000 && level < MAX_LEVEL) level++;
        return level;
    }

    private void growHeader(int lvl) {
        if (header.forward.length < lvl) {
            header.forward = Arrays.copyOf(header.forward, lvl);
            header.span = Arrays.copyOf(header.span, lvl);
        }
    }

    // ---- hash index ------------------------------------------------------------------

    /** The node of a member, or null. */
    public Node get(byte[] member) {
        int h = Bytes.hash(member);
        for (Node n = buckets[h & (buckets.length - 1)]; n != null; n = n.nextInBucket) {
            if (n.hash == h && Arrays.equals(n.member, member)) return n;
        }
        return null;
    }

    private void hashAdd(Node n) {
        int i = n.hash & (buckets.length - 1);
        n.nextInBucket = buckets[i];
        buckets[i] = n;
        if (length > buckets.length) rehash(buckets.length * 2);
    }

    private void hashRemove(Node n) {
        int i = n.hash & (buckets.length - 1);
        Node prev = null;
        for (Node x = buckets[i]; x != null; prev = x, x = x.nextInBucket) {
            if (x == n) {
                if (prev == null) buckets[i] = x.nextInBucket;
                else prev.nextInBucket = x.nextInBucket;
                x.nextInBucket = null;
                return;
            }
        }
        throw new IllegalStateException("zset node missing from its hash bucket");
    }

    /** Shrinks the table when under 10% full, as Redis's htNeedsResize after deletions. */
    private void maybeShrink() {
        if (buckets.length > MIN_BUCKETS && (long) length * 10 < buckets.length) {
            rehash(Math.max(MIN_BUCKETS, Integer.highestOneBit(Math.max(length, 1)) * 2));
        }
    }

    private void rehash(int n) {
        Node[] t = new Node[n];
        int mask = n - 1;
        for (Node head : buckets) {
            for (Node x = head; x != null; ) {
                Node next = x.nextInBucket;
                int i = x.hash & mask;
                x.nextInBucket = t[i];
                t[i] = x;
                x = next;
            }
        }
        buckets = t;
    }

    /**
     * Visits one bucket and returns the next cursor (0 when the walk is over): Redis's
     * dictScan cursor, so every member present for the whole walk is seen at least once.
     */
    public long scan(long cursor, Consumer<Node> visitor) {
        if (length == 0) return 0;
        Node[] t = buckets;
        long mask = t.length - 1;
        for (Node x = t[(int) (cursor & mask)]; x != null; x = x.nextInBucket) visitor.accept(x);
        long v = cursor | ~mask;
        v = Long.reverse(v);
        v++;
        return Long.reverse(v);
    }

    // ---- insertion and removal -------------------------------------------------------

    /** Inserts a member known to be absent (Redis's zslInsert plus dictAdd). */
    public Node insert(byte[] member, double score) {
        Node x = new Node(member, score, Bytes.hash(member), randomLevel());
        link(x);
        hashAdd(x);
        return x;
    }

    /** Links a node (new, or unlinked by a score update) at its place in the order. */
    private void link(Node x) {
        int lvl = x.forward.length;
        int top = Math.max(level, lvl);
        growHeader(top);
        Node[] update = new Node[top];
        int[] rank = new int[top];
        Node p = header;
        for (int i = level - 1; i >= 0; i--) {
            rank[i] = i == level - 1 ? 0 : rank[i + 1];
            while (p.forward[i] != null && before(p.forward[i], x.score, x.member)) {
                rank[i] += p.span[i];
                p = p.forward[i];
            }
            update[i] = p;
        }
        if (lvl > level) {
            for (int i = level; i < lvl; i++) {
                rank[i] = 0;
                update[i] = header;
                header.span[i] = length;
            }
            level = lvl;
        }
        for (int i = 0; i < lvl; i++) {
            x.forward[i] = update[i].forward[i];
            update[i].forward[i] = x;
            x.span[i] = update[i].span[i] - (rank[0] - rank[i]);
            update[i].span[i] = (rank[0] - rank[i]) + 1;
        }
        for (int i = lvl; i < level; i++) update[i].span[i]++;
        x.backward = update[0] == header ? null : update[0];
        if (x.forward[0] != null) x.forward[0].backward = x;
        else tail = x;
        length++;
    }

    /** The nodes that precede x at each level: Redis's update[] vector. */
    private Node[] predecessors(Node x) {
        Node[] update = new Node[level];
        Node p = header;
        for (int i = level - 1; i >= 0; i--) {
            while (p.forward[i] != null && p.forward[i] != x && before(p.forward[i], x.score, x.member)) {
                p = p.forward[i];
            }
            update[i] = p;
        }
        return update;
    }

    /** Redis's zslDeleteNode: unlinks x given its predecessors. */
    private void unlink(Node x, Node[] update) {
        for (int i = 0; i < level; i++) {
            if (update[i].forward[i] == x) {
                update[i].span[i] += x.span[i] - 1;
                update[i].forward[i] = x.forward[i];
            } else {
                update[i].span[i] -= 1;
            }
        }
        if (x.forward[0] != null) x.forward[0].backward = x.backward;
        else tail = x.backward;
        while (level > 1 && header.forward[level - 1] == null) level--;
        length--;
    }

    /** Removes a node of this list. */
    public void remove(Node x) {
        unlink(x, predecessors(x));
        hashRemove(x);
        clearLinks(x);
        maybeShrink();
    }

    /** Removes a member; false when absent. */
    public boolean remove(byte[] member) {
        Node x = get(member);
        if (x == null) return false;
        remove(x);
        return true;
    }

    private static void clearLinks(Node x) {
        Arrays.fill(x.forward, null);
        x.backward = null;
    }

    /**
     * Changes a node's score (Redis's zslUpdateScore): in place when the order is kept,
     * otherwise the node is unlinked and linked again at its new place.
     */
    public void updateScore(Node x, double newScore) {
        Node prev = x.backward, next = x.forward[0];
        if ((prev == null || prev.score < newScore) && (next == null || next.score > newScore)) {
            x.score = newScore;
            return;
        }
        unlink(x, predecessors(x));
        Arrays.fill(x.forward, null);
        Arrays.fill(x.span, 0);
        x.backward = null;
        x.score = newScore;
        link(x);
    }

    // ---- ranks -----------------------------------------------------------------------

    /** The 1-based rank of a node (Redis's zslGetRank). */
    public long rank(Node target) {
        long rank = 0;
        Node p = header;
        for (int i = level - 1; i >= 0; i--) {
            while (p.forward[i] != null && (p.forward[i] == target || before(p.forward[i], target.score, target.member))) {
                rank += p.span[i];
                p = p.forward[i];
                if (p == target) return rank;
            }
        }
        throw new IllegalStateException("zset node not in its skiplist");
    }

    /** The node at a 1-based rank, or null (Redis's zslGetElementByRank). */
    public Node byRank(long rank) {
        if (rank < 1 || rank > length) return null;
        long traversed = 0;
        Node p = header;
        for (int i = level - 1; i >= 0; i--) {
            while (p.forward[i] != null && traversed + p.span[i] <= rank) {
                traversed += p.span[i];
                p = p.forward[i];
            }
            if (traversed == rank) return p;
        }
        return null;
    }

    /** A uniformly chosen node, or null when empty. */
    public Node random() {
        if (length == 0) return null;
        return byRank(1 + ThreadLocalRandom.current().nextInt(length));
    }

    // ---- score ranges ----------------------------------------------------------------

    private boolean isInRange(ScoreRange r) {
        if (r.isEmpty()) return false;
        Node x = tail;
        if (x == null || !r.gteMin(x.score)) return false;
        x = header.forward[0];
        return x != null && r.lteMax(x.score);
    }

    /** The first node whose score is in the range, or null (Redis's zslFirstInRange). */
    public Node firstInRange(ScoreRange r) {
        if (!isInRange(r)) return null;
        Node p = header;
        for (int i = level - 1; i >= 0; i--) {
            while (p.forward[i] != null && !r.gteMin(p.forward[i].score)) p = p.forward[i];
        }
        p = p.forward[0];
        return p != null && r.lteMax(p.score) ? p : null;
    }

    /** The last node whose score is in the range, or null (Redis's zslLastInRange). */
    public Node lastInRange(ScoreRange r) {
        if (!isInRange(r)) return null;
        Node p = header;
        for (int i = level - 1; i >= 0; i--) {
            while (p.forward[i] != null && r.lteMax(p.forward[i].score)) p = p.forward[i];
        }
        return p != header && r.gteMin(p.score) ? p : null;
    }

    // ---- lex ranges ------------------------------------------------------------------

    private boolean isInLexRange(LexRange r) {
        if (r.isEmpty()) return false;
        Node x = tail;
        if (x == null || !r.gteMin(x.member)) return false;
        x = header.forward[0];
        return x != null && r.lteMax(x.member);
    }

    public Node firstInLexRange(LexRange r) {
        if (!isInLexRange(r)) return null;
        Node p = header;
        for (int i = level - 1; i >= 0; i--) {
            while (p.forward[i] != null && !r.gteMin(p.forward[i].member)) p = p.forward[i];
        }
        p = p.forward[0];
        return p != null && r.lteMax(p.member) ? p : null;
    }

    public Node lastInLexRange(LexRange r) {
        if (!isInLexRange(r)) return null;
        Node p = header;
        for (int i = level - 1; i >= 0; i--) {
            while (p.forward[i] != null && r.lteMax(p.forward[i].member)) p = p.forward[i];
        }
        return p != header && r.gteMin(p.member) ? p : null;
    }

    /**
     * {@link #firstInLexRange} the way a listpack finds it: scanning from the head. The two
     * differ only when scores differ, where a lex range is unspecified and Redis's answer
     * follows its encoding.
     */
    public Node firstInLexRangeScanning(LexRange r) {
        if (!isInLexRange(r)) return null;
        for (Node x = header.forward[0]; x != null; x = x.forward[0]) {
            if (r.gteMin(x.member)) return r.lteMax(x.member) ? x : null;
        }
        return null;
    }

    /** {@link #lastInLexRange} the way a listpack finds it: scanning from the tail. */
    public Node lastInLexRangeScanning(LexRange r) {
        if (!isInLexRange(r)) return null;
        for (Node x = tail; x != null; x = x.backward) {
            if (r.lteMax(x.member)) return r.gteMin(x.member) ? x : null;
        }
        return null;
    }

    // ---- range deletion --------------------------------------------------------------

    /** Deletes nodes from x onwards while keep(x) holds, x's predecessors given; returns how many. */
    private long deleteFrom(Node x, Node[] update, java.util.function.Predicate<Node> keep, long max) {
        long removed = 0;
        while (x != null && removed < max && keep.test(x)) {
            Node next = x.forward[0];
            unlink(x, update);
            hashRemove(x);
            clearLinks(x);
            removed++;
            x = next;
        }
        maybeShrink();
        return removed;
    }

    /** Redis's zslDeleteRangeByScore. */
    public long deleteRangeByScore(ScoreRange r) {
        Node[] update = new Node[level];
        Node p = header;
        for (int i = level - 1; i >= 0; i--) {
            while (p.forward[i] != null && !r.gteMin(p.forward[i].score)) p = p.forward[i];
            update[i] = p;
        }
        return deleteFrom(p.forward[0], update, n -> r.lteMax(n.score), Long.MAX_VALUE);
    }

    /** Redis's zslDeleteRangeByLex. */
    public long deleteRangeByLex(LexRange r) {
        Node[] update = new Node[level];
        Node p = header;
        for (int i = level - 1; i >= 0; i--) {
            while (p.forward[i] != null && !r.gteMin(p.forward[i].member)) p = p.forward[i];
            update[i] = p;
        }
        return deleteFrom(p.forward[0], update, n -> r.lteMax(n.member), Long.MAX_VALUE);
    }

    /** Deletes from x on while the members stay within max (t_zset.c zzlDeleteRangeByLex's walk). */
    public long deleteLexFrom(Node x, LexRange r) {
        long removed = 0;
        while (x != null && r.lteMax(x.member)) {
            Node next = x.forward[0];
            remove(x);
            removed++;
            x = next;
        }
        return removed;
    }

    /** Deletes ranks start..end, 1-based inclusive (Redis's zslDeleteRangeByRank). */
    public long deleteRangeByRank(long start, long end) {
        if (start < 1 || end < start) return 0;
        Node[] update = new Node[level];
        long traversed = 0;
        Node p = header;
        for (int i = level - 1; i >= 0; i--) {
            while (p.forward[i] != null && traversed + p.span[i] < start) {
                traversed += p.span[i];
                p = p.forward[i];
            }
            update[i] = p;
        }
        return deleteFrom(p.forward[0], update, n -> true, end - start + 1);
    }

    /** Checks every invariant (order, spans, backward links, hash index): for tests. */
    void verify() {
        int n = 0;
        Node prev = null;
        for (Node x = header.forward[0]; x != null; x = x.forward[0]) {
            if (x.backward != prev) throw new AssertionError("backward link");
            if (prev != null && !before(prev, x.score, x.member)) throw new AssertionError("order");
            if (get(x.member) != x) throw new AssertionError("hash index");
            prev = x;
            n++;
        }
        if (n != length || tail != prev) throw new AssertionError("length/tail");
        for (int i = 0; i < level; i++) {
            long pos = 0;
            Node p = header;
            while (p != null) {
                Node f = p.forward[i];
                if (f != null) {
                    long fpos = pos;
                    for (Node y = p == header ? header.forward[0] : p.forward[0]; ; y = y.forward[0]) {
                        fpos++;
                        if (y == f) break;
                    }
                    if (p.span[i] != fpos - pos) throw new AssertionError("span at level " + i);
                    pos = fpos;
                }
                p = f;
            }
        }
        int hashed = 0;
        for (Node head : buckets) for (Node x = head; x != null; x = x.nextInBucket) hashed++;
        if (hashed != length) throw new AssertionError("hash size");
    }
}
