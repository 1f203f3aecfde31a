package io.meridian.node.keyspace;

import io.meridian.node.util.Bytes;

import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BiConsumer;

/**
 * The "hashtable" encoding of hashes and sets: a chained hash table of byte-string keys with
 * an optional value, shaped like Redis's dict (power-of-two buckets, load factor 1, shrinks
 * below 10% fill) so that HSCAN and SSCAN can use Redis's reverse-binary cursor and keep its
 * guarantee: an element present for the whole scan is returned at least once, across resizes.
 */
public final class ByteDict {
    private static final int MIN_SIZE = 4;

    /** One element; sets leave value null. */
    static final class Node {
        final byte[] key;
        final int hash;
        byte[] value;
        Node next;

        Node(byte[] key, int hash, byte[] value) {
            this.key = key;
            this.hash = hash;
            this.value = value;
        }
    }

    private Node[] table;
    private int size;

    public ByteDict() {
        this(MIN_SIZE);
    }

    /** A table presized for n elements (a conversion from a small encoding). */
    public ByteDict(int n) {
        int cap = MIN_SIZE;
        while (cap < n) cap <<= 1;
        table = new Node[cap];
    }

    public int size() {
        return size;
    }

    Node find(byte[] key) {
        int h = Bytes.hash(key);
        for (Node e = table[h & (table.length - 1)]; e != null; e = e.next) {
            if (e.hash == h && Arrays.equals(e.key, key)) return e;
        }
        return null;
    }

    public boolean contains(byte[] key) {
        return find(key) != null;
    }

    /** The value of key, or null when absent. */
    public byte[] get(byte[] key) {
        Node e = find(key);
        return e == null ? null : e.value;
    }

    /** Sets key's value; true when the key was added, false when an existing value was replaced. */
    public boolean put(byte[] key, byte[] value) {
        int h = Bytes.hash(key);
        int i = h & (table.length - 1);
        for (Node e = table[i]; e != null; e = e.next) {
            if (e.hash == h && Arrays.equals(e.key, key)) {
                e.value = value;
                return false;
            }
        }
        Node n = new Node(key, h, value);
        n.next = table[i];
        table[i] = n;
        if (++size > table.length) resize(table.length * 2);
        return true;
    }

    /** Adds a key (set member); false when present. */
    public boolean add(byte[] key) {
        if (find(key) != null) return false;
        put(key, null);
        return true;
    }

    public boolean remove(byte[] key) {
        int h = Bytes.hash(key);
        int i = h & (table.length - 1);
        Node prev = null;
        for (Node e = table[i]; e != null; prev = e, e = e.next) {
            if (e.hash == h && Arrays.equals(e.key, key)) {
                if (prev == null) table[i] = e.next;
                else prev.next = e.next;
                size--;
                if (table.length > MIN_SIZE && size * 10 < table.length) {
                    int n = MIN_SIZE;
                    while (n < size) n <<= 1;
                    resize(n);
                }
                return true;
            }
        }
        return false;
    }

    private void resize(int n) {
        Node[] t = new Node[n];
        int mask = n - 1;
        for (Node head : table) {
            for (Node e = head; e != null; ) {
                Node next = e.next;
                int i = e.hash & mask;
                e.next = t[i];
                t[i] = e;
                e = next;
            }
        }
        table = t;
    }

    /** Visits every key and value (null for sets). */
    public void forEach(BiConsumer<byte[], byte[]> visitor) {
        for (Node head : table) {
            for (Node e = head; e != null; e = e.next) visitor.accept(e.key, e.value);
        }
    }

    /** Visits keys until the visitor returns false; false when stopped early. */
    public boolean forEachKeyWhile(java.util.function.Predicate<byte[]> visitor) {
        for (Node head : table) {
            for (Node e = head; e != null; e = e.next) {
                if (!visitor.test(e.key)) return false;
            }
        }
        return true;
    }

    /**
     * Visits one bucket and returns the next cursor, 0 when the walk is complete: Redis's
     * dictScan, which increments the bit-reversed cursor so that growing or shrinking the
     * table between calls neither skips nor (much) repeats buckets.
     */
    public long scan(long cursor, BiConsumer<byte[], byte[]> visitor) {
        if (size == 0) return 0;
        Node[] t = table;
        long mask = t.length - 1;
        for (Node e = t[(int) (cursor & mask)]; e != null; e = e.next) visitor.accept(e.key, e.value);
        long v = cursor | ~mask;
        v = Long.reverse(v);
        v++;
        return Long.reverse(v);
    }

    /** A random element (a random non-empty bucket, then a random node of its chain). */
    Node random() {
        if (size == 0) return null;
        ThreadLocalRandom r = ThreadLocalRandom.current();
        Node[] t = table;
        while (true) {
            Node e = t[r.nextInt(t.length)];
            if (e == null) continue;
            int len = 0;
            for (Node x = e; x != null; x = x.next) len++;
            for (int k = r.nextInt(len); k > 0; k--) e = e.next;
            return e;
        }
    }

    public ByteDict copy() {
        ByteDict d = new ByteDict(size);
        forEach(d::put);
        return d;
    }
}
