package io.meridian.node.keyspace;

import io.meridian.node.util.Bytes;

import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;

/**
 * A chained hash table of {@link Entry}, shaped like Redis's dict so that SCAN can use
 * Redis's reverse-binary cursor and keep its guarantee (every key present for the whole
 * scan is returned, across resizes). Entries are the chain nodes: no wrapper per key.
 */
public final class Dict {
    private static final int MIN_SIZE = 4;
    private Entry[] table = new Entry[MIN_SIZE];
    private int size;
    /** While a snapshot walks this table its buckets must not move: resizing waits (as Redis during a fork). */
    private int resizePaused;

    public int size() {
        return size;
    }

    public Entry get(byte[] key) {
        int h = Bytes.hash(key);
        for (Entry e = table[h & (table.length - 1)]; e != null; e = e.next) {
            if (e.hash == h && Arrays.equals(e.key, key)) return e;
        }
        return null;
    }

    /** Inserts a key known to be absent. */
    public Entry insert(byte[] key, Object value) {
        int h = Bytes.hash(key);
        Entry e = new Entry(key, h, value);
        int i = h & (table.length - 1);
        e.next = table[i];
        table[i] = e;
        if (++size > table.length && resizePaused == 0) resize(table.length * 2);
        return e;
    }

    public Entry remove(byte[] key) {
        int h = Bytes.hash(key);
        int i = h & (table.length - 1);
        Entry prev = null;
        for (Entry e = table[i]; e != null; prev = e, e = e.next) {
            if (e.hash == h && Arrays.equals(e.key, key)) {
                if (prev == null) table[i] = e.next;
                else prev.next = e.next;
                e.next = null;
                size--;
                if (resizePaused == 0 && table.length > MIN_SIZE && size * 10 < table.length) resize(Math.max(MIN_SIZE, Integer.highestOneBit(Math.max(size, 1)) * 2));
                return e;
            }
        }
        return null;
    }

    public void clear() {
        table = new Entry[MIN_SIZE];
        size = 0;
    }

    private void resize(int n) {
        Entry[] old = table;
        Entry[] t = new Entry[n];
        int mask = n - 1;
        for (Entry head : old) {
            Entry e = head;
            while (e != null) {
                Entry next = e.next;
                int i = e.hash & mask;
                e.next = t[i];
                t[i] = e;
                e = next;
            }
        }
        table = t;
    }

    /**
     * Visits one bucket (all its chain) and returns the next cursor, 0 when done. The cursor
     * advances by incrementing its bit-reversed value, as Redis's dictScan.
     */
    public long scan(long cursor, Consumer<Entry> visitor) {
        if (size == 0) return 0;
        Entry[] t = table;
        long mask = t.length - 1;
        // copy the chain first: the visitor may delete (lazy expiry)
        Entry e = t[(int) (cursor & mask)];
        if (e != null) {
            Entry[] chain = new Entry[8];
            int n = 0;
            for (; e != null; e = e.next) {
                if (n == chain.length) chain = Arrays.copyOf(chain, n * 2);
                chain[n++] = e;
            }
            for (int i = 0; i < n; i++) visitor.accept(chain[i]);
        }
        long v = cursor | ~mask;
        v = Long.reverse(v);
        v++;
        v = Long.reverse(v);
        return v;
    }

    /** A uniformly chosen random bucket's random entry, as Redis's dictGetFairRandomKey approximately. */
    public Entry random() {
        if (size == 0) return null;
        Entry[] t = table;
        ThreadLocalRandom r = ThreadLocalRandom.current();
        while (true) {
            Entry e = t[r.nextInt(t.length)];
            if (e == null) continue;
            int len = 0;
            for (Entry x = e; x != null; x = x.next) len++;
            int k = r.nextInt(len);
            while (k-- > 0) e = e.next;
            return e;
        }
    }

    public void forEach(Consumer<Entry> c) {
        for (Entry head : table) {
            for (Entry e = head; e != null; ) {
                Entry next = e.next;
                c.accept(e);
                e = next;
            }
        }
    }

    /** Stops resizing so bucket positions stay put while a snapshot walks them. */
    public void pauseResize() {
        resizePaused++;
    }

    public void resumeResize() {
        if (--resizePaused == 0 && size > table.length) resize(Integer.highestOneBit(size) * 2);
    }

    /** The bucket an entry of this table is in. */
    public int bucketOf(Entry e) {
        return e.hash & (table.length - 1);
    }

    /** Buckets in the table: INFO and DEBUG HTSTATS-like reports, snapshot walk bounds. */
    public int capacity() {
        return table.length;
    }

    /** Entries of bucket i, for a walk that must be resumable (snapshots, active expiry). */
    public Entry bucket(int i) {
        Entry[] t = table;
        return i < t.length ? t[i] : null;
    }

    public static Entry next(Entry e) {
        return e.next;
    }
}
