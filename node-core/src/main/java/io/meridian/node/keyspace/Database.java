package io.meridian.node.keyspace;

import java.util.function.Consumer;

/**
 * One of the numbered databases. All access goes through here so that expiry, WATCH,
 * blocked clients and snapshots see every write: handlers {@link #find} a key, check its
 * type, call {@link #mutating} and then change the value in place, or use {@link #put},
 * {@link #add}, {@link #delete}.
 */
public final class Database {
    public final int index;
    private final Keyspace ks;
    Dict dict = new Dict();
    /** Keys with a TTL, for INFO keyspace and to skip active expiry of databases without any. */
    int volatileKeys;
    /** Resumable cursor of the active expiry cycle. */
    long expireCursor;

    Database(Keyspace ks, int index) {
        this.ks = ks;
        this.index = index;
    }

    public int size() {
        return dict.size();
    }

    public int expires() {
        return volatileKeys;
    }

    public Keyspace keyspace() {
        return ks;
    }

    /** The live entry, or null when absent or logically expired. Does not count hits. */
    public Entry find(byte[] key) {
        Entry e = dict.get(key);
        if (e == null) return null;
        if (e.expireAt >= 0 && e.expireAt <= ks.now() && !ks.masterContext) {
            ks.expire(this, e);
            return null;
        }
        // an APPENDed string turns back into exact bytes: the same value, so no write, no new version
        if (e.value instanceof AppendableString s) e.value = AppendableString.markRaw(s.toBytes());
        return e;
    }

    /** {@link #find} for APPEND: a string value may stay an {@link AppendableString}. */
    public Entry findAppendable(byte[] key) {
        Entry e = dict.get(key);
        if (e == null) return null;
        if (e.value instanceof AppendableString) {
            if (e.expireAt >= 0 && e.expireAt <= ks.now() && !ks.masterContext) {
                ks.expire(this, e);
                return null;
            }
            return e;
        }
        return find(key);
    }

    /** {@link #find} for a read command: counts keyspace_hits/misses and touches the LRU clock. */
    public Entry lookupRead(byte[] key) {
        Entry e = find(key);
        if (e == null) {
            ks.misses++;
        } else {
            ks.hits++;
            e.lru = ks.lruClock();
        }
        return e;
    }

    /** Must be called before an entry's value or TTL changes in place. */
    public void mutating(Entry e) {
        ks.beforeWrite(this, e);
        e.version = ++ks.version;
        e.lru = ks.lruClock();
        ks.events.modified(index, e.key);
    }

    /** Sets a key's value, removing any TTL (what SET does). */
    public Entry put(byte[] key, Object value) {
        Entry e = find(key);
        if (e == null) return add(key, value);
        mutating(e);
        e.value = value;
        if (e.expireAt >= 0) {
            e.expireAt = -1;
            volatileKeys--;
        }
        signalReady(e);
        return e;
    }

    /** Sets a key's value and keeps its TTL (SET KEEPTTL, SETRANGE, ...). */
    public Entry putKeepTtl(byte[] key, Object value) {
        Entry e = find(key);
        if (e == null) return add(key, value);
        mutating(e);
        e.value = value;
        signalReady(e);
        return e;
    }

    /** Adds a key that {@link #find} just said is absent. */
    public Entry add(byte[] key, Object value) {
        Entry stale = dict.get(key);
        if (stale != null) removeEntry(stale); // logically expired on a replica
        Entry e = dict.insert(key, value);
        e.version = ++ks.version;
        e.lru = ks.lruClock();
        ks.events.modified(index, key);
        signalReady(e);
        return e;
    }

    private void signalReady(Entry e) {
        if (e.value instanceof ListValue || e.value instanceof ZSetValue) ks.events.ready(index, e.key);
    }

    /** Deletes a live key; false when it was absent or expired. */
    public boolean delete(byte[] key) {
        Entry e = find(key);
        if (e == null) return false;
        mutating(e);
        removeEntry(e);
        return true;
    }

    /** Removes the entry unconditionally, after {@link #mutating} (or by expiry). */
    void removeEntry(Entry e) {
        ks.beforeWrite(this, e);
        dict.remove(e.key);
        if (e.expireAt >= 0) volatileKeys--;
    }

    /** Deletes a collection that a write just emptied. */
    public void deleteIfEmpty(Entry e) {
        boolean empty = (e.value instanceof ListValue l && l.isEmpty())
                || (e.value instanceof HashValue h && h.size() == 0)
                || (e.value instanceof SetValue s && s.size() == 0)
                || (e.value instanceof ZSetValue z && z.size() == 0);
        if (empty) removeEntry(e);
    }

    public void setExpire(Entry e, long when) {
        mutating(e);
        if (e.expireAt < 0) volatileKeys++;
        e.expireAt = when;
    }

    public boolean persist(Entry e) {
        if (e.expireAt < 0) return false;
        mutating(e);
        e.expireAt = -1;
        volatileKeys--;
        return true;
    }

    /** Removes every key (FLUSHDB), after telling the snapshot and WATCH. */
    public void clear() {
        if (dict.size() == 0) return;
        ks.beforeClear(this);
        ks.events.flushed(index);
        dict = new Dict();
        volatileKeys = 0;
    }

    /** One SCAN step over the raw table; the visitor checks expiry itself via {@link #isExpired}. */
    public long scan(long cursor, Consumer<Entry> visitor) {
        return dict.scan(cursor, visitor);
    }

    public boolean isExpired(Entry e) {
        return e.expireAt >= 0 && e.expireAt <= ks.now() && !ks.masterContext;
    }

    public Entry randomEntry() {
        return dict.random();
    }

    /** Every entry, expired or not: for SAVE, DEBUG DIGEST and KEYS (which filter). */
    public void forEach(Consumer<Entry> c) {
        dict.forEach(c);
    }

    public Dict dict() {
        return dict;
    }

    /** Takes over other's contents (a dataset loaded aside); other is left empty. */
    void adopt(Database other) {
        dict = other.dict;
        volatileKeys = other.volatileKeys;
        expireCursor = 0;
        other.dict = new Dict();
        other.volatileKeys = 0;
    }

    /** SWAPDB: exchanges contents with another database. */
    void swapWith(Database other) {
        Dict d = dict;
        dict = other.dict;
        other.dict = d;
        int v = volatileKeys;
        volatileKeys = other.volatileKeys;
        other.volatileKeys = v;
    }
}
