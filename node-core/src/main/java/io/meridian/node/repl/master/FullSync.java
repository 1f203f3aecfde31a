package io.meridian.node.repl.master;

import io.meridian.node.snapshot.Snapshot;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One snapshot made for replicas (Redis's BGSAVE for SYNC): a point-in-time image at
 * {@link #offset} of stream {@link #replid}, shared by every replica attached to it. The
 * writes made after it are not buffered here: each replica reads them back from the backlog
 * from {@link #offset} once it has the image. A disk-target image stays on disk after it is
 * made, so later replicas (or one whose transfer broke) reuse it while the backlog still
 * holds its offset instead of a new snapshot being made.
 */
final class FullSync {
    /** Where the image goes, with Redis's word for it in "Starting BGSAVE for SYNC with target: ...". */
    enum Target {
        DISK("disk"),
        SOCKETS("replicas sockets");

        final String logName;

        Target(String logName) {
            this.logName = logName;
        }
    }

    final Target target;
    final String replid;
    final long offset;
    final long startedMillis;
    /** The image on disk (disk target), else null. */
    final Path file;
    /** The replicas it was made for or that joined it, in order. */
    final List<ReplicaSession> sessions = new ArrayList<>();
    Snapshot snapshot;
    /** The image is complete (the file renamed in place, or every socket got it). */
    boolean done;
    boolean failed;
    long fileLength;
    long keys;

    FullSync(Target target, String replid, long offset, long startedMillis, Path file) {
        this.target = target;
        this.replid = replid;
        this.offset = offset;
        this.startedMillis = startedMillis;
        this.file = file;
    }

    /** Whether a replica asking now can take this image: same history, and the backlog still covers it. */
    boolean reusable(String currentReplid, long backlogFirst) {
        return target == Target.DISK && done && !failed && replid.equals(currentReplid) && offset >= backlogFirst
                && file != null && java.nio.file.Files.exists(file);
    }
}
