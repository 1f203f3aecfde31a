package io.meridian.node.repl.master;

import io.meridian.node.Node;
import io.meridian.node.persist.LogReader;
import io.meridian.node.persist.LogRecord;
import io.meridian.node.persist.WriteAheadLog;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/**
 * The replication log (RocksDB, {@link WriteAheadLog}) as the backlog: gigabytes of history,
 * kept across restarts, so a replica whose offset is still in it never needs a full sync.
 */
final class LogBacklog implements Backlog {
    private final Node node;
    /** What trimming must keep (volatile: the log trims on its own thread). */
    private volatile long retain = Long.MAX_VALUE;
    private WriteAheadLog attached;

    LogBacklog(Node node) {
        this.node = node;
    }

    /** The log once the node has opened it (start-up), else null. */
    private WriteAheadLog wal() {
        WriteAheadLog w = node.wal();
        if (w != null && w != attached) {
            attached = w;
            w.setRetention(() -> retain);
        }
        return w != null && w.failure() == null ? w : null;
    }

    @Override
    public boolean active() {
        return wal() != null;
    }

    @Override
    public long firstOffset() {
        WriteAheadLog w = wal();
        return w == null ? node.stream().offset() : w.firstOffset();
    }

    @Override
    public long endOffset() {
        WriteAheadLog w = wal();
        return w == null ? node.stream().offset() : w.lastOffset();
    }

    @Override
    public String kind() {
        return "log";
    }

    @Override
    public long oldestAgeMillis(long now) {
        WriteAheadLog w = wal();
        if (w == null || w.firstOffset() >= w.lastOffset()) return -1;
        try {
            long first = w.firstOffset();
            byte[] raw = w.log().rawRecord(first);
            if (raw == null) return -1;
            return Math.max(0, now - LogRecord.decode(first, raw).appendTime());
        } catch (RuntimeException e) {
            return -1;
        }
    }

    @Override
    public Reader read(long from) {
        WriteAheadLog w = wal();
        if (w == null) throw new IllegalStateException("the replication log is not open");
        LogReader r = w.read(from);
        return new Reader() {
            private LogRecord slice;
            private int used;

            @Override
            public ByteBuf next(int max) {
                if (slice == null || used >= slice.payloadLength()) {
                    slice = r.nextSlice();
                    used = 0;
                    if (slice == null) return null;
                }
                int n = Math.min(max, slice.payloadLength() - used);
                ByteBuf b = Unpooled.wrappedBuffer(slice.payload(), slice.payloadStart() + used, n);
                used += n;
                return b;
            }

            @Override
            public long position() {
                return slice == null ? r.position() : slice.offset() + used;
            }

            @Override
            public void close() {
                r.close();
            }
        };
    }

    @Override
    public void retainFrom(long offset) {
        wal();
        retain = offset;
    }
}
