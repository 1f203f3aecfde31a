package io.meridian.node.keyspace;

import java.util.Arrays;

/** A list: a growable ring buffer of byte strings with O(1) push/pop at both ends and O(1) index. */
public final class ListValue {
    private byte[][] items = new byte[8][];
    private int head;
    private int size;

    /** OBJECT ENCODING and the RDB type: Redis 7.0 lists are always "quicklist" (of listpack nodes). */
    public String encoding() {
        return "quicklist";
    }

    public int size() {
        return size;
    }

    public boolean isEmpty() {
        return size == 0;
    }

    public byte[] get(int i) {
        return items[(head + i) & (items.length - 1)];
    }

    public void set(int i, byte[] v) {
        items[(head + i) & (items.length - 1)] = v;
    }

    public void addFirst(byte[] v) {
        grow();
        head = (head - 1) & (items.length - 1);
        items[head] = v;
        size++;
    }

    public void addLast(byte[] v) {
        grow();
        items[(head + size) & (items.length - 1)] = v;
        size++;
    }

    public byte[] removeFirst() {
        if (size == 0) return null;
        byte[] v = items[head];
        items[head] = null;
        head = (head + 1) & (items.length - 1);
        size--;
        return v;
    }

    public byte[] removeLast() {
        if (size == 0) return null;
        int i = (head + size - 1) & (items.length - 1);
        byte[] v = items[i];
        items[i] = null;
        size--;
        return v;
    }

    /** Removes the element at index i, shifting the tail left. */
    public byte[] removeAt(int i) {
        byte[] v = get(i);
        for (int j = i; j < size - 1; j++) set(j, get(j + 1));
        set(size - 1, null);
        size--;
        return v;
    }

    /** Inserts before index i (i == size appends). */
    public void insert(int i, byte[] v) {
        if (i == 0) {
            addFirst(v);
            return;
        }
        addLast(null);
        for (int j = size - 1; j > i; j--) set(j, get(j - 1));
        set(i, v);
    }

    public ListValue copy() {
        ListValue c = new ListValue();
        for (int i = 0; i < size; i++) c.addLast(get(i));
        return c;
    }

    private void grow() {
        if (size < items.length) return;
        byte[][] n = new byte[items.length * 2][];
        for (int i = 0; i < size; i++) n[i] = get(i);
        items = n;
        head = 0;
    }

    /** Keeps only [start, end] inclusive (indexes already clamped). */
    public void trim(int start, int end) {
        if (start > end || start >= size) {
            Arrays.fill(items, null);
            head = 0;
            size = 0;
            return;
        }
        int n = end - start + 1;
        byte[][] k = new byte[Math.max(8, Integer.highestOneBit(Math.max(n, 1) - 1 << 1))][];
        if (k.length < n) k = new byte[Integer.highestOneBit(n) << 1][];
        for (int i = 0; i < n; i++) k[i] = get(start + i);
        items = k;
        head = 0;
        size = n;
    }
}
