package io.meridian.node.keyspace;

import java.util.Arrays;
import java.util.function.Consumer;

/**
 * A list: a growable ring buffer of byte strings with O(1) push/pop at both ends and O(1)
 * index. Removals and inserts in the middle shift whichever side is shorter; bulk removals
 * (LREM, LTRIM, LPOP count) compact in one pass.
 */
public final class ListValue {
    private static final int MIN_CAPACITY = 8;
    /** Capacity is always a power of two so that an index wraps with a mask. */
    private byte[][] items = new byte[MIN_CAPACITY][];
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

    /** Appends at the tail (RDB load, RESTORE): the same as {@link #addLast}. */
    public void add(byte[] v) {
        addLast(v);
    }

    /** Every element from head to tail: what RDB, DUMP and DEBUG DIGEST walk. */
    public void forEach(Consumer<byte[]> element) {
        for (int i = 0; i < size; i++) element.accept(get(i));
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
        shrink();
        return v;
    }

    public byte[] removeLast() {
        if (size == 0) return null;
        int i = (head + size - 1) & (items.length - 1);
        byte[] v = items[i];
        items[i] = null;
        size--;
        shrink();
        return v;
    }

    /** Removes the element at index i, shifting the shorter side. */
    public byte[] removeAt(int i) {
        byte[] v = get(i);
        if (i < size / 2) {
            for (int j = i; j > 0; j--) set(j, get(j - 1));
            set(0, null);
            head = (head + 1) & (items.length - 1);
        } else {
            for (int j = i; j < size - 1; j++) set(j, get(j + 1));
            set(size - 1, null);
        }
        size--;
        shrink();
        return v;
    }

    /** Inserts before index i (i == size appends), shifting the shorter side. */
    public void insert(int i, byte[] v) {
        if (i == 0) {
            addFirst(v);
            return;
        }
        if (i == size) {
            addLast(v);
            return;
        }
        grow();
        if (i < size / 2) {
            head = (head - 1) & (items.length - 1);
            size++;
            for (int j = 0; j < i; j++) set(j, get(j + 1));
        } else {
            size++;
            for (int j = size - 1; j > i; j--) set(j, get(j - 1));
        }
        set(i, v);
    }

    /** Removes count elements starting at index start (both already within bounds). */
    public void removeRange(int start, int count) {
        if (count <= 0) return;
        if (start == 0 && count == size) {
            clear();
            return;
        }
        if (start == 0) {
            for (int j = 0; j < count; j++) set(j, null);
            head = (head + count) & (items.length - 1);
            size -= count;
        } else if (start + count == size) {
            for (int j = start; j < size; j++) set(j, null);
            size -= count;
        } else {
            for (int j = start; j + count < size; j++) set(j, get(j + count));
            for (int j = size - count; j < size; j++) set(j, null);
            size -= count;
        }
        shrink();
    }

    /**
     * Removes elements equal to v (LREM): at most limit of them (0 = all), searching from
     * the tail when fromTail. Returns how many were removed.
     */
    public long removeEqual(byte[] v, long limit, boolean fromTail) {
        boolean[] drop = null;
        long found = 0;
        for (int k = 0; k < size; k++) {
            int i = fromTail ? size - 1 - k : k;
            if (Arrays.equals(get(i), v)) {
                if (drop == null) drop = new boolean[size];
                drop[i] = true;
                found++;
                if (limit != 0 && found == limit) break;
            }
        }
        if (found == 0) return 0;
        int w = 0;
        for (int r = 0; r < size; r++) {
            if (!drop[r]) set(w++, get(r));
        }
        for (int j = w; j < size; j++) set(j, null);
        size = w;
        shrink();
        return found;
    }

    /** The index of the first element equal to v from the head, or -1. */
    public int indexOf(byte[] v) {
        for (int i = 0; i < size; i++) if (Arrays.equals(get(i), v)) return i;
        return -1;
    }

    public ListValue copy() {
        ListValue c = new ListValue();
        c.items = new byte[items.length][];
        for (int i = 0; i < size; i++) c.items[i] = get(i);
        c.size = size;
        return c;
    }

    private void grow() {
        if (size < items.length) return;
        resize(items.length * 2);
    }

    /** Gives memory back after big removals, keeping room for a quarter-full buffer. */
    private void shrink() {
        if (items.length > MIN_CAPACITY && size < items.length / 4) {
            int cap = MIN_CAPACITY;
            while (cap < size * 2) cap <<= 1;
            resize(cap);
        }
    }

    private void resize(int capacity) {
        byte[][] n = new byte[capacity][];
        for (int i = 0; i < size; i++) n[i] = get(i);
        items = n;
        head = 0;
    }

    private void clear() {
        items = new byte[MIN_CAPACITY][];
        head = 0;
        size = 0;
    }

    /** Keeps only [start, end] inclusive (indexes already clamped). */
    public void trim(int start, int end) {
        if (start > end || start >= size) {
            clear();
            return;
        }
        int keepEnd = Math.min(end, size - 1);
        int tail = size - 1 - keepEnd;
        removeRange(keepEnd + 1, tail);
        removeRange(0, start);
    }
}
