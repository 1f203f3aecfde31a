package io.meridian.node.keyspace;

import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BiConsumer;

/**
 * A hash: fields to values, in one of Redis 7.0's two encodings. "listpack" keeps the pairs
 * in one flat array in insertion order (what Redis's listpack shows: HDEL closes the gap, an
 * update keeps the field's place); it holds while the hash has at most
 * hash-max-listpack-entries fields and no field or value longer than hash-max-listpack-value.
 * Past either limit the hash becomes a "hashtable" ({@link ByteDict}) and never goes back.
 */
public final class HashValue {
    /** Redis 7.0.15's compiled defaults of hash-max-listpack-entries (512, not redis.conf's 128) and hash-max-listpack-value. */
    public static final int DEFAULT_MAX_ENTRIES = 512;
    public static final int DEFAULT_MAX_VALUE = 64;

    /** listpack: field0, value0, field1, value1, ... ; null once a hashtable. */
    private byte[][] pairs = new byte[2][];
    /** Fields in {@link #pairs}. */
    private int count;
    private ByteDict dict;

    public int size() {
        return dict != null ? dict.size() : count;
    }

    /** OBJECT ENCODING and the RDB type: "listpack" or "hashtable". */
    public String encoding() {
        return dict == null ? "listpack" : "hashtable";
    }

    public boolean isListpack() {
        return dict == null;
    }

    /** Fields and values in the encoding's order (insertion order for listpack). */
    public void forEach(BiConsumer<byte[], byte[]> fieldValue) {
        if (dict != null) {
            dict.forEach(fieldValue);
            return;
        }
        for (int i = 0; i < count; i++) fieldValue.accept(pairs[2 * i], pairs[2 * i + 1]);
    }

    private int indexOf(byte[] field) {
        for (int i = 0; i < count; i++) {
            if (Arrays.equals(pairs[2 * i], field)) return i;
        }
        return -1;
    }

    /** The value of field, or null. */
    public byte[] get(byte[] field) {
        if (dict != null) return dict.get(field);
        int i = indexOf(field);
        return i < 0 ? null : pairs[2 * i + 1];
    }

    public boolean contains(byte[] field) {
        return get(field) != null;
    }

    /** Sets a field with Redis's default limits (RDB load, RESTORE); true when the field is new. */
    public boolean put(byte[] field, byte[] value) {
        return put(field, value, DEFAULT_MAX_ENTRIES, DEFAULT_MAX_VALUE);
    }

    /**
     * Redis's hashTypeSet: converts to a hashtable first when field or value is longer than
     * maxValue, and after adding when the hash has more than maxEntries fields. True when
     * the field is new.
     */
    public boolean put(byte[] field, byte[] value, long maxEntries, long maxValue) {
        if (dict == null && (field.length > maxValue || value.length > maxValue)) toHashtable();
        if (dict != null) return dict.put(field, value);
        int i = indexOf(field);
        if (i >= 0) {
            pairs[2 * i + 1] = value;
            return false;
        }
        if (2 * count + 2 > pairs.length) pairs = Arrays.copyOf(pairs, Math.max(4, pairs.length * 2));
        pairs[2 * count] = field;
        pairs[2 * count + 1] = value;
        count++;
        if (count > maxEntries) toHashtable();
        return true;
    }

    /** Removes a field; true when it was present. */
    public boolean remove(byte[] field) {
        if (dict != null) return dict.remove(field);
        int i = indexOf(field);
        if (i < 0) return false;
        System.arraycopy(pairs, 2 * i + 2, pairs, 2 * i, 2 * (count - i - 1));
        count--;
        pairs[2 * count] = null;
        pairs[2 * count + 1] = null;
        if (pairs.length > 8 && 4 * count < pairs.length) pairs = Arrays.copyOf(pairs, pairs.length / 2);
        return true;
    }

    /** Converts a listpack hash to a hashtable (a no-op when it is one). */
    public void toHashtable() {
        if (dict != null) return;
        ByteDict d = new ByteDict(count);
        for (int i = 0; i < count; i++) d.put(pairs[2 * i], pairs[2 * i + 1]);
        dict = d;
        pairs = null;
        count = 0;
    }

    /** The i-th field of a listpack hash. */
    public byte[] fieldAt(int i) {
        return pairs[2 * i];
    }

    /** The i-th value of a listpack hash. */
    public byte[] valueAt(int i) {
        return pairs[2 * i + 1];
    }

    /** A random field and its value, {field, value}; null when empty. */
    public byte[][] randomPair() {
        if (dict != null) {
            ByteDict.Node n = dict.random();
            return n == null ? null : new byte[][]{n.key, n.value};
        }
        if (count == 0) return null;
        int i = ThreadLocalRandom.current().nextInt(count);
        return new byte[][]{pairs[2 * i], pairs[2 * i + 1]};
    }

    /**
     * One HSCAN step of a hashtable hash (see {@link ByteDict#scan}); a listpack hash is
     * visited whole and returns 0, as Redis answers small encodings in one call.
     */
    public long scan(long cursor, BiConsumer<byte[], byte[]> visitor) {
        if (dict != null) return dict.scan(cursor, visitor);
        forEach(visitor);
        return 0;
    }

    /** A copy in the same encoding (COPY, snapshots). */
    public HashValue copy() {
        HashValue h = new HashValue();
        if (dict != null) {
            h.dict = dict.copy();
            h.pairs = null;
        } else {
            h.pairs = Arrays.copyOf(pairs, Math.max(4, 2 * count));
            h.count = count;
        }
        return h;
    }
}
