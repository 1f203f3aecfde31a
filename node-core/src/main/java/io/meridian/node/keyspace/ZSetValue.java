package io.meridian.node.keyspace;

/**
 * A sorted set: members with double scores, ordered by (score, member bytes), held in a
 * {@link ZSkipList} (skiplist with spans for O(log n) ranks, hashed by member for O(1)
 * scores). The encoding Redis 7.0 would report is tracked as a flag: "listpack" while the set
 * is small (size and member lengths within zset-max-listpack-entries/-value), "skiplist"
 * once it outgrew them, and it does not go back on deletions, as in Redis.
 */
public final class ZSetValue {
    /** Redis's defaults for zset-max-listpack-entries and zset-max-listpack-value. */
    public static final long DEFAULT_MAX_LISTPACK_ENTRIES = 128;
    public static final long DEFAULT_MAX_LISTPACK_VALUE = 64;

    private final ZSkipList list = new ZSkipList();
    private boolean listpack = true;

    public int size() {
        return list.size();
    }

    /** OBJECT ENCODING and the RDB type: "listpack" or "skiplist". */
    public String encoding() {
        return listpack ? "listpack" : "skiplist";
    }

    public boolean isListpack() {
        return listpack;
    }

    /** The ordered, hashed body: ranges, ranks, iteration. Change scores through this class. */
    public ZSkipList list() {
        return list;
    }

    /**
     * Adds or updates a member (RDB load, RESTORE), switching to "skiplist" past Redis's
     * default limits; {@link #add(byte[], double, long, long)} takes the configured ones.
     */
    public void add(byte[] member, double score) {
        add(member, score, DEFAULT_MAX_LISTPACK_ENTRIES, DEFAULT_MAX_LISTPACK_VALUE);
    }

    /** Adds or updates a member, switching to "skiplist" when the set outgrows the limits. */
    public void add(byte[] member, double score, long maxEntries, long maxValue) {
        ZSkipList.Node n = list.get(member);
        if (n != null) {
            setScore(n, score);
        } else {
            insert(member, score, maxEntries, maxValue);
        }
    }

    /**
     * Inserts an absent member (Redis's zsetAdd for a new element): a listpack that would
     * exceed maxEntries or hold a member longer than maxValue becomes a skiplist first.
     */
    public ZSkipList.Node insert(byte[] member, double score, long maxEntries, long maxValue) {
        if (listpack && (list.size() + 1 > maxEntries || member.length > maxValue)) listpack = false;
        return list.insert(member, listpackScore(score));
    }

    /** Changes a member's score; a listpack stores -0 as the integer 0 (t_zset.c zzlInsertAt). */
    public void setScore(ZSkipList.Node n, double score) {
        // C's != : -0 and 0 are the same score, the stored one stays
        if (score != n.score()) list.updateScore(n, listpackScore(score));
    }

    private double listpackScore(double score) {
        return listpack && score == 0 ? 0.0 : score;
    }

    public ZSkipList.Node get(byte[] member) {
        return list.get(member);
    }

    /** Removes a member; false when absent. */
    public boolean remove(byte[] member) {
        return list.remove(member);
    }

    // ---- lex ranges: a listpack is scanned, a skiplist walked (they differ only on mixed scores)

    public ZSkipList.Node firstInLexRange(ZSkipList.LexRange r) {
        return listpack ? list.firstInLexRangeScanning(r) : list.firstInLexRange(r);
    }

    public ZSkipList.Node lastInLexRange(ZSkipList.LexRange r) {
        return listpack ? list.lastInLexRangeScanning(r) : list.lastInLexRange(r);
    }

    /** ZLEXCOUNT: a listpack counts from the first match while within max; a skiplist subtracts ranks. */
    public long lexCount(ZSkipList.LexRange r) {
        ZSkipList.Node first = firstInLexRange(r);
        if (first == null) return 0;
        if (listpack) {
            long n = 0;
            for (ZSkipList.Node x = first; x != null && r.lteMax(x.member()); x = x.next()) n++;
            return n;
        }
        return list.rank(list.lastInLexRange(r)) - list.rank(first) + 1;
    }

    /** ZREMRANGEBYLEX's deletion; returns how many members went. */
    public long deleteRangeByLex(ZSkipList.LexRange r) {
        if (!listpack) return list.deleteRangeByLex(r);
        ZSkipList.Node first = list.firstInLexRangeScanning(r);
        return first == null ? 0 : list.deleteLexFrom(first, r);
    }

    /** Whether this set fits a listpack under the given limits (size and longest member). */
    public boolean fitsListpack(long maxEntries, long maxValue) {
        if (list.size() > maxEntries) return false;
        for (ZSkipList.Node n = list.first(); n != null; n = n.next()) {
            if (n.member().length > maxValue) return false;
        }
        return true;
    }

    /** Marks the set "skiplist" (RDB load of a large listpack, limits lowered). */
    public void convertToSkiplist() {
        listpack = false;
    }

    /** Marks the set "listpack" (zsetConvertToListpackIfNeeded, RDB load of a small set): -0 becomes 0. */
    public void convertToListpack() {
        if (listpack) return;
        listpack = true;
        for (ZSkipList.Node n = list.first(); n != null; n = n.next()) {
            if (n.score == 0) n.score = 0.0; // same place in the order: -0 == 0
        }
    }

    /** Members in order (score, then member bytes): what ZRANGE, RDB and DEBUG DIGEST walk. */
    public void forEachInOrder(MemberScore visitor) {
        for (ZSkipList.Node n = list.first(); n != null; n = n.next()) visitor.accept(n.member(), n.score());
    }

    /** A deep copy with the same encoding (COPY). */
    public ZSetValue copy() {
        ZSetValue z = new ZSetValue();
        z.listpack = listpack;
        for (ZSkipList.Node n = list.first(); n != null; n = n.next()) z.list.insert(n.member(), n.score());
        return z;
    }

    @FunctionalInterface
    public interface MemberScore {
        void accept(byte[] member, double score);
    }
}
