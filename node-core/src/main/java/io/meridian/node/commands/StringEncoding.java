package io.meridian.node.commands;

import io.meridian.node.util.Bytes;

/**
 * What Redis 7.0 reports for a string value in OBJECT ENCODING and OBJECT REFCOUNT. Redis
 * re-encodes every string it stores through tryObjectEncoding: a decimal that fits a long
 * (at most 20 characters) becomes "int", at most 44 bytes "embstr", longer "raw".
 * Redis also leaves a string "raw" after APPEND or SETRANGE modified it in place
 * (dbUnshareStringValue): those commands mark the array they store, by identity.
 */
public final class StringEncoding {
    private StringEncoding() {}

    /** Redis's OBJ_ENCODING_EMBSTR_SIZE_LIMIT. */
    static final int EMBSTR_LIMIT = 44;
    /** Redis's OBJ_SHARED_INTEGERS: 0..9999 are shared objects. */
    static final long SHARED_INTEGERS = 10000;
    /** Redis's OBJ_SHARED_REFCOUNT, what OBJECT REFCOUNT says of a shared object. */
    static final long SHARED_REFCOUNT = Integer.MAX_VALUE;

    /** Records that this stored value was modified in place by APPEND/SETRANGE: "raw" from now on. */
    static byte[] markRaw(byte[] v) {
        return io.meridian.node.keyspace.AppendableString.markRaw(v);
    }

    public static String of(byte[] v) {
        if (io.meridian.node.keyspace.AppendableString.isRaw(v)) return "raw";
        if (v.length <= 20 && Bytes.parseLong(v) != null) return "int";
        return v.length <= EMBSTR_LIMIT ? "embstr" : "raw";
    }

    /**
     * Whether Redis would store this value as one of its shared integers (refcount INT_MAX):
     * a small non-negative integer, unless maxmemory with an LRU/LFU policy needs a private
     * LRU field per object.
     */
    public static boolean shared(byte[] v, long maxmemory, String policy) {
        if (v.length > 20) return false;
        Long n = Bytes.parseLong(v);
        if (n == null || n < 0 || n >= SHARED_INTEGERS) return false;
        return maxmemory == 0 || !(policy.contains("lru") || policy.contains("lfu"));
    }
}
