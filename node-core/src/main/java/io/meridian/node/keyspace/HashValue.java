package io.meridian.node.keyspace;

import io.meridian.node.util.ByteString;

import java.util.LinkedHashMap;

/** A hash: fields to values, in insertion order (what a Redis listpack-encoded hash shows). */
public final class HashValue {
    public final LinkedHashMap<ByteString, byte[]> map = new LinkedHashMap<>();

    public int size() {
        return map.size();
    }

    public HashValue copy() {
        HashValue h = new HashValue();
        h.map.putAll(map);
        return h;
    }
}
