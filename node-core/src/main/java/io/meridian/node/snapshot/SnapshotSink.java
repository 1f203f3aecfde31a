package io.meridian.node.snapshot;

/**
 * A consumer of a snapshot's RDB bytes: a file, a replica's socket, the Kafka bridge. Chunks
 * arrive on the command thread in order and must not block it; the sink reports back through
 * {@link Feedback} from whatever thread does its I/O.
 */
public interface SnapshotSink {
    /** Called once, before the first chunk. */
    void attach(Feedback feedback);

    /** The next bytes of the image; the array is never modified afterwards. */
    void chunk(byte[] bytes);

    /** No more chunks: error is null when the image is complete, else why it was aborted. */
    void end(Throwable error);

    /** How a sink tells the snapshot about its progress. */
    interface Feedback {
        /** These many bytes of earlier chunks are written out (lets a paused walk resume). */
        void consumed(long bytes);

        /** Everything is durable / delivered (after end(null)). */
        void finished();

        /** The sink gave up; the snapshot goes on for the others. */
        void failed(Throwable error);
    }
}
