package io.meridian.node.keyspace;

import io.meridian.node.util.Bytes;

import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;

/**
 * A set of byte strings in one of Redis 7.0's two encodings. "intset" is a sorted array of
 * 64-bit integers, kept while every member is an integer in canonical form (string2ll) and
 * there are at most set-max-intset-entries of them; it iterates in ascending order as Redis's
 * intset does. Otherwise the set is a "hashtable" ({@link ByteDict}) and stays one.
 */
public final class SetValue {
    /** Redis's default of set-max-intset-entries. */
    public static final int DEFAULT_MAX_INTSET_ENTRIES = 512;
    /** Redis caps the intset at 2^30 entries whatever the configuration says. */
    private static final long INTSET_HARD_LIMIT = 1L << 30;

    /** intset: ascending, {@link #count} used; null once a hashtable. */
    private long[] ints = new long[2];
    private int count;
    private ByteDict dict;

    public int size() {
        return dict != null ? dict.size() : count;
    }

    /** OBJECT ENCODING and the RDB type: "intset" or "hashtable". */
    public String encoding() {
        return dict == null ? "intset" : "hashtable";
    }

    public boolean isIntset() {
        return dict == null;
    }

    /** Members in the encoding's order (ascending integers for an intset). */
    public void forEach(Consumer<byte[]> member) {
        if (dict != null) {
            dict.forEach((k, v) -> member.accept(k));
            return;
        }
        for (int i = 0; i < count; i++) member.accept(Bytes.fromLong(ints[i]));
    }

    /** Visits members in order until the visitor returns false (SINTERCARD's LIMIT). */
    public void forEachWhile(java.util.function.Predicate<byte[]> member) {
        if (dict != null) {
            dict.forEachKeyWhile(member);
            return;
        }
        for (int i = 0; i < count; i++) {
            if (!member.test(Bytes.fromLong(ints[i]))) return;
        }
    }

    /** The i-th integer of an intset (ascending). */
    public long intAt(int i) {
        return ints[i];
    }

    public boolean contains(byte[] member) {
        if (dict != null) return dict.contains(member);
        Long v = Bytes.parseLong(member);
        return v != null && Arrays.binarySearch(ints, 0, count, v) >= 0;
    }

    /** Membership of an integer (intset fast path for SINTER). */
    public boolean containsLong(long v) {
        if (dict != null) return dict.contains(Bytes.fromLong(v));
        return Arrays.binarySearch(ints, 0, count, v) >= 0;
    }

    /** Adds a member with Redis's default limit (RDB load, RESTORE); false when present. */
    public boolean add(byte[] member) {
        return add(member, DEFAULT_MAX_INTSET_ENTRIES);
    }

    /** Redis's setTypeAdd: a non-integer, or more than maxIntsetEntries integers, makes it a hashtable. */
    public boolean add(byte[] member, long maxIntsetEntries) {
        if (dict != null) return dict.add(member);
        Long v = Bytes.parseLong(member);
        if (v == null) {
            toHashtable();
            return dict.add(member);
        }
        int i = Arrays.binarySearch(ints, 0, count, v);
        if (i >= 0) return false;
        i = -i - 1;
        if (count == ints.length) ints = Arrays.copyOf(ints, count + Math.max(4, count >> 1));
        System.arraycopy(ints, i, ints, i + 1, count - i);
        ints[i] = v;
        count++;
        if (count > Math.min(maxIntsetEntries, INTSET_HARD_LIMIT)) toHashtable();
        return true;
    }

    /** Removes a member; true when it was present. */
    public boolean remove(byte[] member) {
        if (dict != null) return dict.remove(member);
        Long v = Bytes.parseLong(member);
        if (v == null) return false;
        int i = Arrays.binarySearch(ints, 0, count, v);
        if (i < 0) return false;
        System.arraycopy(ints, i + 1, ints, i, count - i - 1);
        count--;
        if (ints.length > 8 && 4 * count < ints.length) ints = Arrays.copyOf(ints, ints.length / 2);
        return true;
    }

    /** Converts an intset to a hashtable (a no-op when it is one). */
    public void toHashtable() {
        if (dict != null) return;
        ByteDict d = new ByteDict(count);
        for (int i = 0; i < count; i++) d.add(Bytes.fromLong(ints[i]));
        dict = d;
        ints = null;
        count = 0;
    }

    /** A random member; null when empty. */
    public byte[] random() {
        if (dict != null) {
            ByteDict.Node n = dict.random();
            return n == null ? null : n.key;
        }
        if (count == 0) return null;
        return Bytes.fromLong(ints[ThreadLocalRandom.current().nextInt(count)]);
    }

    /**
     * One SSCAN step of a hashtable set (see {@link ByteDict#scan}); an intset is visited
     * whole and returns 0, as Redis answers small encodings in one call.
     */
    public long scan(long cursor, Consumer<byte[]> visitor) {
        if (dict != null) return dict.scan(cursor, (k, v) -> visitor.accept(k));
        forEach(visitor);
        return 0;
    }

    /** A copy in the same encoding (COPY, snapshots). */
    public SetValue copy() {
        SetValue s = new SetValue();
        if (dict != null) {
            s.dict = dict.copy();
            s.ints = null;
        } else {
            s.ints = Arrays.copyOf(ints, Math.max(4, count));
            s.count = count;
        }
        return s;
    }
}
