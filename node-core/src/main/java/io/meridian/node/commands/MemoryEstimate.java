package io.meridian.node.commands;

import io.meridian.node.keyspace.Entry;

/** MEMORY USAGE's estimate of what a key costs on the JVM heap (headers, arrays, table slots). */
final class MemoryEstimate {
    private MemoryEstimate() {}

    /** A byte[] of n bytes: 16-byte header, length rounded up to 8. */
    static long array(int n) {
        return 16 + ((n + 7L) & ~7L);
    }

    static long entry(Entry e, long samples) {
        // Entry object (header, key/value refs, expiry, version, lru, next) and its table slot
        long size = 48 + 8 + array(e.key.length);
        return size + value(e.value, samples);
    }

    private static long value(Object v, long samples) {
        if (v instanceof byte[] s) return array(s.length);
        if (v instanceof io.meridian.node.keyspace.AppendableString s) return array(s.capacity());
        int n;
        try {
            n = ((Number) v.getClass().getMethod("size").invoke(v)).intValue();
        } catch (ReflectiveOperationException ex) {
            return 64;
        }
        // per element: an array for each string plus a node or slot of about 48 bytes
        return 64 + n * (48L + array(16));
    }
}
