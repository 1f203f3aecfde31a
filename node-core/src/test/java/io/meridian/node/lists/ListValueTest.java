package io.meridian.node.lists;

import io.meridian.node.keyspace.ListValue;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** ListValue's ring buffer against a plain ArrayList model, under random operations that wrap, grow and shrink it. */
class ListValueTest {

    @Test
    void randomOperationsMatchAnArrayListModel() {
        Random rnd = new Random(42);
        for (int round = 0; round < 200; round++) {
            ListValue l = new ListValue();
            List<byte[]> model = new ArrayList<>();
            for (int step = 0; step < 400; step++) {
                byte[] v = {(byte) rnd.nextInt(6)};
                int size = model.size();
                switch (rnd.nextInt(11)) {
                    case 0 -> { l.addFirst(v); model.add(0, v); }
                    case 1 -> { l.addLast(v); model.add(v); }
                    case 2 -> assertArrayEquals(size == 0 ? null : model.remove(0), l.removeFirst());
                    case 3 -> assertArrayEquals(size == 0 ? null : model.remove(size - 1), l.removeLast());
                    case 4 -> {
                        if (size > 0) {
                            int i = rnd.nextInt(size);
                            assertArrayEquals(model.remove(i), l.removeAt(i));
                        }
                    }
                    case 5 -> {
                        int i = rnd.nextInt(size + 1);
                        l.insert(i, v);
                        model.add(i, v);
                    }
                    case 6 -> {
                        int start = size == 0 ? 0 : rnd.nextInt(size);
                        int count = size == 0 ? 0 : rnd.nextInt(size - start + 1);
                        l.removeRange(start, count);
                        model.subList(start, start + count).clear();
                    }
                    case 7 -> {
                        long limit = rnd.nextInt(4);
                        boolean fromTail = rnd.nextBoolean();
                        long removed = l.removeEqual(v, limit, fromTail);
                        long expected = removeModel(model, v, limit, fromTail);
                        assertEquals(expected, removed);
                    }
                    case 8 -> {
                        int start = rnd.nextInt(size + 2) - 1;
                        int end = rnd.nextInt(size + 2) - 1;
                        if (start >= 0 && end >= 0) {
                            l.trim(start, end);
                            List<byte[]> kept = start > end || start >= size ? List.of()
                                    : new ArrayList<>(model.subList(start, Math.min(end, size - 1) + 1));
                            model.clear();
                            model.addAll(kept);
                        }
                    }
                    case 9 -> {
                        if (size > 0) {
                            int i = rnd.nextInt(size);
                            l.set(i, v);
                            model.set(i, v);
                        }
                    }
                    default -> {
                        ListValue copy = l.copy();
                        assertSame(model, copy);
                        copy.addFirst(v); // the copy is independent
                    }
                }
                assertSame(model, l);
                int idx = -1;
                for (int i = 0; i < model.size(); i++) if (Arrays.equals(model.get(i), v)) { idx = i; break; }
                assertEquals(idx, l.indexOf(v));
            }
        }
    }

    @Test
    void emptiedListsGiveTheirMemoryBackAndStillWork() {
        ListValue l = new ListValue();
        for (int i = 0; i < 100_000; i++) l.addLast(new byte[]{(byte) i});
        for (int i = 0; i < 99_990; i++) l.removeFirst();
        assertEquals(10, l.size());
        l.removeRange(0, 10);
        assertTrue(l.isEmpty());
        assertNull(l.removeFirst());
        l.addFirst(new byte[]{1});
        List<byte[]> seen = new ArrayList<>();
        l.forEach(seen::add);
        assertEquals(1, seen.size());
        assertEquals("quicklist", l.encoding());
    }

    private static long removeModel(List<byte[]> model, byte[] v, long limit, boolean fromTail) {
        long removed = 0;
        if (fromTail) {
            for (int i = model.size() - 1; i >= 0 && (limit == 0 || removed < limit); i--) {
                if (Arrays.equals(model.get(i), v)) { model.remove(i); removed++; }
            }
        } else {
            for (int i = 0; i < model.size() && (limit == 0 || removed < limit); ) {
                if (Arrays.equals(model.get(i), v)) { model.remove(i); removed++; } else i++;
            }
        }
        return removed;
    }

    private static void assertSame(List<byte[]> model, ListValue l) {
        assertEquals(model.size(), l.size());
        for (int i = 0; i < model.size(); i++) assertArrayEquals(model.get(i), l.get(i), "index " + i);
        List<byte[]> walked = new ArrayList<>();
        l.forEach(walked::add);
        assertEquals(model.size(), walked.size());
    }
}
