package io.meridian.node.repl.master;

import io.meridian.node.repl.ReplicationStream;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

import java.util.Arrays;
import java.util.function.LongSupplier;

/**
 * The backlog in memory, for nodes without the replication log (repl-log-enabled no): the
 * last repl-backlog-size bytes of the stream in fixed-size blocks, as Redis 7's shared
 * replication buffer. Blocks that a replica still reads (after a full sync) are kept past
 * that size; the output-buffer limit for replicas bounds how far (the master drops a
 * replica that owes more, as Redis does). Command thread only.
 */
final class RingBacklog implements Backlog, ReplicationStream.Listener {
    static final int BLOCK = 64 * 1024;
    private final ReplicationStream stream;
    private final LongSupplier size;
    private final LongSupplier clock;
    /** Blocks in order; blocks[head] starts at start. Each is full except the last. */
    private byte[][] blocks = new byte[16][];
    private long[] times = new long[16];
    private int head;
    private int count;
    /** Stream offset of the first byte of blocks[head]. */
    private long start;
    /** Stream offset just past the last byte held. */
    private long end;
    private long retain = Long.MAX_VALUE;
    /** Whether the node needs a backlog now (it has or had replicas, or is itself a replica). */
    private final java.util.function.BooleanSupplier needed;
    /** Created on first need and kept, as Redis's repl_backlog (created with the first replica, or by a replica's link). */
    private boolean active;

    RingBacklog(ReplicationStream stream, LongSupplier size, LongSupplier clock) {
        this(stream, size, clock, () -> true);
    }

    RingBacklog(ReplicationStream stream, LongSupplier size, LongSupplier clock, java.util.function.BooleanSupplier needed) {
        this.stream = stream;
        this.start = stream.offset();
        this.end = start;
        this.size = size;
        this.clock = clock;
        this.needed = needed;
    }

    @Override
    public boolean wantsBytes() {
        return active || needed.getAsBoolean();
    }

    /** Starts holding the stream from where it is now (nothing before is kept: a PSYNC for it gets a full sync). */
    private boolean activate() {
        if (!active && needed.getAsBoolean()) {
            active = true;
            restart(stream.offset());
        }
        return active;
    }

    @Override
    public void onAppend(long at, byte[] data) {
        if (!active) {
            if (!needed.getAsBoolean()) return;
            active = true;
            restart(at);
        }
        if (at != end) restart(at);
        int off = 0;
        while (off < data.length) {
            int used = (int) ((end - start) % BLOCK);
            if (count == 0 || (used == 0 && end > start)) addBlock();
            byte[] last = blocks[(head + count - 1) % blocks.length];
            int n = Math.min(BLOCK - used, data.length - off);
            System.arraycopy(data, off, last, used, n);
            off += n;
            end += n;
        }
        trim();
    }

    /** The stream jumped (loaded at start, a replica's full resync): the old history is not this stream's. */
    private void restart(long at) {
        Arrays.fill(blocks, null);
        head = 0;
        count = 0;
        start = at;
        end = at;
    }

    /** Follows a stream that was reset without appending. */
    private void sync() {
        if (!active) return;
        long now = stream.offset();
        if (now != end) restart(now);
    }

    private void addBlock() {
        if (count == blocks.length) {
            byte[][] nb = new byte[blocks.length * 2][];
            long[] nt = new long[blocks.length * 2];
            for (int i = 0; i < count; i++) {
                nb[i] = blocks[(head + i) % blocks.length];
                nt[i] = times[(head + i) % blocks.length];
            }
            blocks = nb;
            times = nt;
            head = 0;
        }
        int i = (head + count) % blocks.length;
        blocks[i] = new byte[BLOCK];
        times[i] = clock.getAsLong();
        count++;
    }

    /** Drops whole blocks beyond repl-backlog-size that nobody still reads. */
    private void trim() {
        long keep = size.getAsLong();
        while (count > 1) {
            long blockEnd = start + BLOCK;
            if (end - blockEnd < keep || blockEnd > retain) break;
            blocks[head] = null;
            head = (head + 1) % blocks.length;
            count--;
            start = blockEnd;
        }
    }

    @Override
    public boolean active() {
        return activate();
    }

    @Override
    public long firstOffset() {
        sync();
        // what Redis would hold: at most repl-backlog-size bytes (more only while a replica reads them)
        return Math.max(start, Math.min(end - size.getAsLong(), retain));
    }

    @Override
    public long endOffset() {
        sync();
        return end;
    }

    @Override
    public String kind() {
        return "memory";
    }

    @Override
    public long oldestAgeMillis(long now) {
        return count == 0 ? -1 : Math.max(0, now - times[head]);
    }

    @Override
    public void retainFrom(long offset) {
        retain = offset;
        trim();
    }

    /** Bytes held in memory now. */
    long memory() {
        return (long) count * BLOCK;
    }

    @Override
    public Reader read(long from) {
        sync();
        if (from < start || from > end) {
            throw new IllegalArgumentException("offset " + from + " is outside the backlog [" + start + ", " + end + "]");
        }
        final long until = end;
        return new Reader() {
            private long pos = from;

            @Override
            public ByteBuf next(int max) {
                if (pos >= until) return null;
                if (pos < start) throw new IllegalStateException("backlog trimmed past offset " + pos + " while it was read");
                long rel = pos - start;
                byte[] b = blocks[(int) ((head + rel / BLOCK) % blocks.length)];
                int inBlock = (int) (rel % BLOCK);
                int n = (int) Math.min(Math.min(max, BLOCK - inBlock), until - pos);
                pos += n;
                return Unpooled.wrappedBuffer(b, inBlock, n);
            }

            @Override
            public long position() {
                return pos;
            }

            @Override
            public void close() {
                // nothing held
            }
        };
    }
}
