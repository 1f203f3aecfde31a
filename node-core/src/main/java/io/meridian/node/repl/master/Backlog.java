package io.meridian.node.repl.master;

import io.netty.buffer.ByteBuf;

/**
 * The history of the replication stream a master can replay to a replica: partial resyncs
 * (PSYNC +CONTINUE) and the writes made during a full sync are read back from it, never
 * buffered per replica. Offsets are 0-based stream positions (the number of bytes before);
 * Redis's 1-based repl_backlog_first_byte_offset is {@code firstOffset() + 1}.
 *
 * <p>Two kinds: the persisted replication log ({@link LogBacklog}, repl-log-enabled yes)
 * and an in-memory ring of repl-backlog-size bytes ({@link RingBacklog}) otherwise. Used on
 * the command thread.
 */
public interface Backlog {
    /** Whether it holds anything a replica could continue from (INFO repl_backlog_active). */
    boolean active();

    /** The oldest offset it can replay from. */
    long firstOffset();

    /** The offset it reaches now (the stream's end, counting this turn's writes). */
    long endOffset();

    /** "log" or "memory": what INFO's Meridian fields name. */
    String kind();

    /** Milliseconds since the oldest byte it holds was written, or -1 when unknown or empty. */
    long oldestAgeMillis(long now);

    /** Reads from offset (firstOffset..endOffset) up to the end as it is now. Close it. */
    Reader read(long from);

    /**
     * The oldest offset someone still reads: never dropped while set (Long.MAX_VALUE for
     * none). Read by the trimming of the log from its own thread.
     */
    void retainFrom(long offset);

    /** A reader of the stream history; slices are views, valid after later appends. */
    interface Reader extends AutoCloseable {
        /** The next bytes (at most about max), or null at the end this reader stops at. */
        ByteBuf next(int max);

        /** The offset of the next byte next() returns. */
        long position();

        @Override
        void close();
    }
}
