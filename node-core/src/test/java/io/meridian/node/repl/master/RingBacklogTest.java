package io.meridian.node.repl.master;

import io.meridian.node.repl.ReplicationStream;
import io.netty.buffer.ByteBuf;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The in-memory backlog: size bound, what a reader pins, reads across blocks from any offset, a jumped stream. */
class RingBacklogTest {
    private final ReplicationStream stream = new ReplicationStream();
    private final AtomicLong size = new AtomicLong(200_000);
    private final AtomicLong clock = new AtomicLong(1000);
    private final RingBacklog ring = new RingBacklog(stream, size::get, clock::get);
    private final ByteArrayOutputStream all = new ByteArrayOutputStream();

    RingBacklogTest() {
        stream.addListener(ring);
    }

    private void append(int n, Random r) {
        byte[] b = new byte[n];
        r.nextBytes(b);
        all.write(b, 0, n);
        stream.append(b);
    }

    private byte[] readAll(long from) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (Backlog.Reader rd = ring.read(from)) {
            for (ByteBuf b; (b = rd.next(10_000)) != null; ) {
                byte[] x = new byte[b.readableBytes()];
                b.readBytes(x);
                out.write(x, 0, x.length);
            }
            assertEquals(ring.endOffset(), rd.position());
        }
        return out.toByteArray();
    }

    @Test
    void keepsAboutItsSizeAndReadsFromAnyOffset() {
        Random r = new Random(1);
        for (int i = 0; i < 500; i++) append(1 + r.nextInt(5000), r);
        long end = stream.offset();
        assertEquals(end, ring.endOffset());
        long first = ring.firstOffset();
        assertTrue(end - first >= size.get() - 1 && end - first <= size.get(), "holds repl-backlog-size bytes: " + (end - first));
        assertTrue(ring.memory() <= size.get() + 2L * RingBacklog.BLOCK, "whole blocks beyond the size are dropped: " + ring.memory());
        byte[] whole = all.toByteArray();
        for (long from : new long[]{first, first + 1, first + RingBacklog.BLOCK - 1, end - 1, end}) {
            byte[] want = java.util.Arrays.copyOfRange(whole, (int) from, whole.length);
            assertArrayEquals(want, readAll(from), "from " + from);
        }
        assertThrows(IllegalArgumentException.class, () -> ring.read(end + 1));
    }

    @Test
    void aReaderPinsWhatItStillNeeds() {
        Random r = new Random(2);
        append(10_000, r);
        long pinned = stream.offset();
        ring.retainFrom(pinned);
        for (int i = 0; i < 200; i++) append(4000, r);
        assertTrue(ring.firstOffset() <= pinned, "pinned bytes stay past the size");
        byte[] whole = all.toByteArray();
        assertArrayEquals(java.util.Arrays.copyOfRange(whole, (int) pinned, whole.length), readAll(pinned));
        ring.retainFrom(Long.MAX_VALUE);
        append(1, r);
        assertTrue(ring.firstOffset() > pinned, "released: trimmed back to its size");
    }

    @Test
    void aJumpedStreamStartsAnewAndAgeIsTheOldestBlocks() {
        Random r = new Random(3);
        append(100, r);
        clock.set(5000);
        assertEquals(4000, ring.oldestAgeMillis(5000));
        stream.reset("c".repeat(40), 1_000_000, 0);
        assertEquals(1_000_000, ring.firstOffset());
        assertEquals(1_000_000, ring.endOffset());
        stream.append(new byte[]{'x'});
        assertEquals(1_000_001, ring.endOffset());
        assertEquals(0, ring.oldestAgeMillis(5000));
    }
}
