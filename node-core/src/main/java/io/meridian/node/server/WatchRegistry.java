package io.meridian.node.server;

import io.meridian.node.keyspace.Database;
import io.meridian.node.keyspace.Entry;
import io.meridian.node.keyspace.Keyspace;
import io.meridian.node.util.ByteString;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * WATCHed keys (Redis's multi.c): a write to one flags its watchers so their EXEC aborts.
 * Each database maps a key to its watches in WATCH order; each client lists its own.
 * A key that was already logically expired when watched is remembered as such, so that
 * its deletion by expiry is not a change, while its later expiry of a live key is.
 */
public final class WatchRegistry {
    /** One client watching one key of one database. */
    public static final class Watch {
        final int db;
        final ByteString key;
        final Client client;
        /** The key was already expired when WATCH ran. */
        boolean expired;

        Watch(int db, ByteString key, Client client, boolean expired) {
            this.db = db;
            this.key = key;
            this.client = client;
            this.expired = expired;
        }
    }

    private final Map<Integer, Map<ByteString, List<Watch>>> byDb = new HashMap<>();
    private Keyspace keyspace;

    /** The keyspace whose entries decide "exists" and "expired" (set once by the node). */
    public void setKeyspace(Keyspace keyspace) {
        this.keyspace = keyspace;
    }

    public void watch(Client c, int db, byte[] key) {
        ByteString k = ByteString.of(key);
        Map<ByteString, List<Watch>> m = byDb.computeIfAbsent(db, x -> new HashMap<>());
        List<Watch> list = m.get(k);
        if (list != null) {
            for (Watch w : list) if (w.client == c) return; // already watched
        } else {
            list = new ArrayList<>(2);
            m.put(k, list);
        }
        Watch w = new Watch(db, k, c, isExpired(db, key));
        list.add(w);
        c.watched.add(w);
    }

    /** Forgets c's watches; the dirty flag is the caller's to clear (as unwatchAllKeys). */
    public void unwatchAll(Client c) {
        if (c.watched.isEmpty()) return;
        for (Watch w : c.watched) {
            Map<ByteString, List<Watch>> m = byDb.get(w.db);
            if (m == null) continue;
            List<Watch> list = m.get(w.key);
            if (list == null) continue;
            list.remove(w);
            if (list.isEmpty()) m.remove(w.key);
        }
        c.watched.clear();
    }

    /** At EXEC: a watched key, live when watched, has expired since (isWatchedKeyExpired). */
    public boolean anyExpired(Client c) {
        for (Watch w : c.watched) {
            if (!w.expired && isExpired(w.db, w.key.bytes())) return true;
        }
        return false;
    }

    public boolean isEmpty() {
        for (Map<ByteString, List<Watch>> m : byDb.values()) if (!m.isEmpty()) return false;
        return true;
    }

    /** A key was written (touchWatchedKey). */
    public void touched(int db, byte[] key) {
        Map<ByteString, List<Watch>> m = byDb.get(db);
        if (m == null || m.isEmpty()) return;
        List<Watch> list = m.get(ByteString.of(key));
        if (list == null) return;
        List<Client> dirty = new ArrayList<>();
        for (Watch w : list) {
            if (w.expired) {
                if (raw(db, key) == null) {
                    // the expired key is now deleted: logically no change
                    w.expired = false;
                    continue;
                }
                break; // as Redis 7.0's touchWatchedKey: stops at an expired watch of a present key
            }
            dirty.add(w.client);
        }
        for (Client c : dirty) {
            c.dirtyCas = true;
            // no point in watching further keys: EXEC will fail anyway
            unwatchAll(c);
        }
    }

    /** FLUSHDB / FLUSHALL: called before the database is emptied (touchAllWatchedKeysInDb(db, NULL)). */
    public void flushed(int db) {
        touchAll(db, -1);
    }

    /** SWAPDB: called before the databases exchange contents. */
    public void swapped(int a, int b) {
        touchAll(a, b);
        touchAll(b, a);
    }

    private void touchAll(int emptied, int replacedWith) {
        Map<ByteString, List<Watch>> m = byDb.get(emptied);
        if (m == null || m.isEmpty()) return;
        for (Map.Entry<ByteString, List<Watch>> e : m.entrySet()) {
            byte[] key = e.getKey().bytes();
            boolean existsInEmptied = raw(emptied, key) != null;
            boolean existsInReplacement = replacedWith >= 0 && raw(replacedWith, key) != null;
            if (!existsInEmptied && !existsInReplacement) continue;
            for (Watch w : e.getValue()) {
                if (w.expired) {
                    if (!existsInReplacement) {
                        w.expired = false; // expired key now deleted: no logical change
                        continue;
                    } else if (isExpired(replacedWith, key)) {
                        continue; // expired key remains expired
                    }
                } else if (!existsInEmptied && isExpired(replacedWith, key)) {
                    w.expired = true; // a missing key replaced by an expired one
                    continue;
                }
                w.client.dirtyCas = true;
            }
        }
    }

    private Entry raw(int db, byte[] key) {
        if (keyspace == null || db < 0 || db >= keyspace.size()) return null;
        return keyspace.db(db).dict().get(key);
    }

    /** Redis's keyIsExpired: present in the table with a past expiry time. */
    private boolean isExpired(int db, byte[] key) {
        Entry e = raw(db, key);
        if (e == null) return false;
        Database d = keyspace.db(db);
        return d.isExpired(e);
    }

    public int watchingClients() {
        java.util.Set<Client> all = new java.util.HashSet<>();
        for (Map<ByteString, List<Watch>> m : byDb.values()) {
            for (List<Watch> l : m.values()) for (Watch w : l) all.add(w.client);
        }
        return all.size();
    }

    public int watchedKeys() {
        int n = 0;
        for (Map<ByteString, List<Watch>> m : byDb.values()) n += m.size();
        return n;
    }
}
