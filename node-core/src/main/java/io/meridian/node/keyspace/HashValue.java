package io.meridian.node.keyspace;

import io.meridian.node.util.ByteString;

import java.util.LinkedHashMap;

/** A hash: fields to values, in insertion order (what a Redis listpack-encoded hash shows). */
public final class HashValue {
    public final LinkedHashMap<ByteString, byte[]> map = new LinkedHashMap<>();

    public int size() {
        return map.size();
    }

    /** OBJECT ENCODING and the RDB type: "listpack" or "hashtable" (Redis 7.0 rules, owned by HashCommands). */
    public String encoding() {
        return "hashtable";
    }

    public void forEach(java.util.function.BiConsumer<byte[], byte[]> fieldValue) {
        for (var e : map.entrySet()) fieldValue.accept(e.getKey().bytes(), e.getValue());
    }

    /** Sets a field (RDB load, RESTORE). */
    public void put(byte[] field, byte[] value) {
        map.put(ByteString.of(field), value);
    }

    public HashValue copy() {
        HashValue h = new HashValue();
        h.map.putAll(map);
        return h;
    }
}
