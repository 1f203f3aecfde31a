package io.meridian.node.keyspace;

import java.time.Clock;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The numbered databases, the keyspace clock and the write version. Single-writer: only the
 * node's command thread touches it (snapshots observe writes through {@link WriteObserver}).
 */
public final class Keyspace {
    private final Database[] dbs;
    private final Clock clock;
    /** Command time: fixed for the duration of one command, as Redis's commandTimeSnapshot. */
    private long now;
    /** Incremented by every write; a snapshot remembers the value it started at. */
    long version;
    public long hits;
    public long misses;
    public long expiredKeys;
    KeyspaceEvents events = KeyspaceEvents.NONE;
    /** Replicas do not delete expired keys themselves: the master's DEL does (Redis 7). */
    private volatile boolean expireLocally = true;
    private final List<WriteObserver> observers = new CopyOnWriteArrayList<>();
    /**
     * A replica is applying its master's stream: no key is expired for these commands (Redis's
     * expireIfNeeded for the master client), the master's DELs say what expired.
     */
    boolean masterContext;

    public Keyspace(int databases, Clock clock) {
        this.clock = clock;
        this.dbs = new Database[databases];
        for (int i = 0; i < databases; i++) dbs[i] = new Database(this, i);
        this.now = clock.millis();
    }

    public void setEvents(KeyspaceEvents events) {
        this.events = events;
    }

    public void setExpireLocally(boolean b) {
        expireLocally = b;
    }

    /** Set while a replica runs a command of its master's stream (see {@link #masterContext}). */
    public void setMasterContext(boolean b) {
        masterContext = b;
    }

    public boolean expiresLocally() {
        return expireLocally;
    }

    public Database db(int i) {
        return dbs[i];
    }

    public int size() {
        return dbs.length;
    }

    public Clock clock() {
        return clock;
    }

    /** Fixes the command time; called before each command and each background cycle. */
    public long tick() {
        now = clock.millis();
        return now;
    }

    public long now() {
        return now;
    }

    public long version() {
        return version;
    }

    int lruClock() {
        return (int) (now / 1000);
    }

    public void addObserver(WriteObserver o) {
        observers.add(o);
    }

    public void removeObserver(WriteObserver o) {
        observers.remove(o);
    }

    void beforeWrite(Database db, Entry e) {
        if (observers.isEmpty()) return;
        for (WriteObserver o : observers) o.beforeWrite(db, e);
    }

    void beforeClear(Database db) {
        for (WriteObserver o : observers) o.beforeClear(db);
    }

    /** A key found logically expired: the master deletes it and propagates DEL; a replica only hides it. */
    void expire(Database db, Entry e) {
        if (!expireLocally) return;
        db.removeEntry(e);
        expiredKeys++;
        events.modified(db.index, e.key);
        events.expired(db.index, e.key);
    }

    public void swap(int a, int b) {
        for (WriteObserver o : observers) {
            o.beforeClear(dbs[a]);
            o.beforeClear(dbs[b]);
        }
        events.swapped(a, b);
        dbs[a].swapWith(dbs[b]);
    }

    /**
     * Replaces every database's contents with those of loaded (a keyspace built aside, e.g. a
     * replica's full sync), all at once: a running snapshot keeps the tables it captured, WATCH
     * sees each database flushed. loaded must have as many databases and is left empty.
     */
    public void replaceWith(Keyspace loaded) {
        if (loaded.dbs.length != dbs.length) throw new IllegalArgumentException("database count differs");
        for (int i = 0; i < dbs.length; i++) {
            for (WriteObserver o : observers) o.beforeClear(dbs[i]);
            events.flushed(i);
            dbs[i].adopt(loaded.dbs[i]);
        }
        version = Math.max(version, loaded.version) + 1;
    }

    public long totalKeys() {
        long n = 0;
        for (Database d : dbs) n += d.size();
        return n;
    }

    /** The database the next active-expiry cycle starts with (Redis's current_db). */
    private int expireDb;

    /**
     * Redis's activeExpireCycle (slow cycle): for each database in turn, sample keys with a
     * TTL (Redis's keys-per-loop, 20 at effort 1) walking the table from a saved cursor,
     * delete those expired, and sample again while more than 10% of a sample were expired,
     * until the time budget is spent. Redis samples its table of volatile keys; Meridian has
     * one table, so a sample also walks over keys without a TTL (at most 20 buckets per key
     * wanted), and a database is left once a whole pass over it is done. Returns the number
     * of keys expired.
     */
    public int activeExpireCycle(int effort, long budgetNanos) {
        if (!expireLocally) return 0;
        int keysPerLoop = 20 + 20 / 4 * (effort - 1);
        int acceptableStale = 10 - (effort - 1);
        long start = System.nanoTime();
        int total = 0;
        int iteration = 0;
        for (int n = 0; n < dbs.length; n++) {
            Database db = dbs[expireDb];
            expireDb = (expireDb + 1) % dbs.length;
            boolean repeat = true;
            while (repeat && db.volatileKeys > 0) {
                int wanted = Math.min(db.volatileKeys, keysPerLoop);
                int[] sampledExpired = {0, 0};
                long cursor = db.expireCursor;
                for (int buckets = 0; sampledExpired[0] < wanted && buckets < wanted * 20; buckets++) {
                    cursor = db.dict.scan(cursor, e -> {
                        if (e.expireAt < 0) return;
                        sampledExpired[0]++;
                        if (e.expireAt <= now) {
                            expire(db, e);
                            sampledExpired[1]++;
                        }
                    });
                    if (cursor == 0) break;
                }
                db.expireCursor = cursor;
                total += sampledExpired[1];
                if ((++iteration & 0xf) == 0 && System.nanoTime() - start > budgetNanos) return total;
                repeat = cursor != 0 && (sampledExpired[0] == 0
                        || sampledExpired[1] * 100 / sampledExpired[0] > acceptableStale);
            }
        }
        return total;
    }

    /**
     * One active-expiry step over a database, as Redis's activeExpireCycle: sample volatile
     * keys by walking buckets from a saved cursor; returns the number expired.
     */
    public int activeExpire(Database db, int maxBuckets) {
        if (!expireLocally || db.volatileKeys == 0) return 0;
        int[] expired = {0};
        long cursor = db.expireCursor;
        for (int i = 0; i < maxBuckets; i++) {
            cursor = db.dict.scan(cursor, e -> {
                if (e.expireAt >= 0 && e.expireAt <= now) {
                    expire(db, e);
                    expired[0]++;
                }
            });
            if (cursor == 0) break;
        }
        db.expireCursor = cursor;
        return expired[0];
    }
}
