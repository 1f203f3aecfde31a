package io.meridian.node.repl.master;

/**
 * Where a master reads past stream bytes for a partial resync or a replica catching up: the
 * persisted replication log when it is on, else an in-memory ring of repl-backlog-size.
 */
public interface Backlog {
    /** Offset (0-based stream position) of the oldest byte still held. */
    long firstOffset();

    /** Offset just past the newest byte readable now. */
    long endOffset();

    /** Copies bytes from stream position from into buf; returns how many (0 when none yet). */
    int read(long from, byte[] buf);
}
