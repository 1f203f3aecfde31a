package io.meridian.node.keyspace;

/**
 * One key of a database: its bytes, its value and its metadata, chained in its {@link Dict}
 * bucket. The value is a {@code byte[]} (string) or one of the collection types.
 */
public final class Entry {
    public final byte[] key;
    final int hash;
    /** byte[] for strings, else ListValue, HashValue, SetValue, ZSetValue. */
    public Object value;
    /** Absolute unix time in ms when the key expires, or -1. */
    public long expireAt = -1;
    /** Keyspace version of the last write: a snapshot at version V serialises older entries before they change. */
    public long version;
    /** Seconds clock of the last access, for OBJECT IDLETIME. */
    public int lru;
    Entry next;

    Entry(byte[] key, int hash, Object value) {
        this.key = key;
        this.hash = hash;
        this.value = value;
    }

    public ValueType type() {
        return ValueType.of(value);
    }

    public boolean hasExpire() {
        return expireAt >= 0;
    }
}
