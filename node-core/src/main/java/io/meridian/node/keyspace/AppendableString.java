package io.meridian.node.keyspace;

import java.util.Arrays;

/**
 * A string value being built by APPEND: a buffer with spare room, so appending n bytes costs
 * O(n) amortised instead of copying the whole value every time (Redis's sds greedy growth:
 * double up to 1 MB, then 1 MB more). Only APPEND sees this form
 * ({@link Database#findAppendable}); every other lookup ({@link Database#find}) turns it back
 * into an exact byte array first, so the rest of the code base deals with {@code byte[]} only.
 * Code that walks entries without a lookup (RDB writer, digest, memory estimate) calls
 * {@link #bytesOf}.
 */
public final class AppendableString {
    /** Redis's SDS_MAX_PREALLOC. */
    static final int MAX_PREALLOC = 1024 * 1024;

    private byte[] buf;
    private int len;

    public AppendableString(byte[] initial, int extra) {
        buf = Arrays.copyOf(initial, grow(initial.length + extra));
        len = initial.length;
    }

    public void append(byte[] more) {
        int need = len + more.length;
        if (need > buf.length) buf = Arrays.copyOf(buf, grow(need));
        System.arraycopy(more, 0, buf, len, more.length);
        len = need;
    }

    private static int grow(int need) {
        long cap = need < MAX_PREALLOC ? (long) need * 2 : (long) need + MAX_PREALLOC;
        return (int) Math.min(cap, Integer.MAX_VALUE - 8);
    }

    public int length() {
        return len;
    }

    public int capacity() {
        return buf.length;
    }

    /** An exact copy of the value. */
    public byte[] toBytes() {
        return Arrays.copyOf(buf, len);
    }

    /** A string value's bytes, whichever form it is in; null for other types. */
    public static byte[] bytesOf(Object v) {
        if (v instanceof byte[] b) return b;
        if (v instanceof AppendableString s) return s.toBytes();
        return null;
    }

    // ---- OBJECT ENCODING "raw" ------------------------------------------------------------

    /** Arrays APPEND/SETRANGE produced (identity keys: arrays do not override equals); weak, so they go with the value. */
    private static final java.util.Map<byte[], Boolean> UNSHARED =
            java.util.Collections.synchronizedMap(new java.util.WeakHashMap<>());

    /**
     * Records that this stored value was modified in place by APPEND/SETRANGE: Redis reports
     * "raw" for it from then on (dbUnshareStringValue), whatever its length.
     */
    public static byte[] markRaw(byte[] v) {
        UNSHARED.put(v, Boolean.TRUE);
        return v;
    }

    public static boolean isRaw(byte[] v) {
        return UNSHARED.containsKey(v);
    }
}
