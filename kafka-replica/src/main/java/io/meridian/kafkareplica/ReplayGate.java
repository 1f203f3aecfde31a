package io.meridian.kafkareplica;

import io.meridian.replog.StreamRecord;

import java.io.ByteArrayOutputStream;

/**
 * Decides, record by record, what of the stream topic a Kafka-sourced replica applies: only
 * bytes past what it has (duplicates skipped, never applied twice), nothing across a gap,
 * nothing of a lower region epoch than it has seen, continuation fragments held until the
 * command is whole, and a replid change either followed (PSYNC2 continuity: the new history
 * starts exactly where this one is) or reported as a new history that needs a snapshot.
 * Pure logic, no I/O: {@link KafkaUpstream} acts on its decisions.
 */
final class ReplayGate {
    /** What to do with a record. */
    enum Kind {
        /** Apply {@link Decision#bytes}, stream offsets [start, end). */
        APPLY,
        /** Wholly at or before what this replica has. */
        DUPLICATE,
        /** A continuation fragment: held until the command's last fragment. */
        HELD,
        /** Of a lower region epoch than this replica has seen: a fenced old primary's. */
        REJECTED_EPOCH,
        /** Starts after what this replica has: bytes are missing; nothing past here may be applied. */
        GAP,
        /** Another history (a replid that does not continue this one): only a snapshot of it can follow. */
        NEW_HISTORY
    }

    /** The gate's answer; {@code replidChanged} on an APPLY that continues under a new replid (PSYNC2). */
    record Decision(Kind kind, long start, long end, byte[] bytes, String replid, long epoch, boolean replidChanged, String detail) {
        static Decision of(Kind k, StreamRecord r, String detail) {
            return new Decision(k, r.start(), r.end(), null, r.replid(), r.epoch(), false, detail);
        }
    }

    private String replid;
    /** The previous replid (before a PSYNC2 change): records of it up to here are duplicates. */
    private String replid2;
    /** The next stream byte needed: everything before it was handed over to apply. */
    private long next;
    private long epoch;
    /** A command whose fragments are being collected: bytes from pendingStart. */
    private ByteArrayOutputStream pending;
    private long pendingStart;
    private long pendingEnd;
    /** The held command is the first of a new replid. */
    private boolean pendingChanged;

    ReplayGate(String replid, long next, long epoch) {
        this.replid = replid;
        this.next = next;
        this.epoch = epoch;
    }

    String replid() {
        return replid;
    }

    long next() {
        return next;
    }

    long epoch() {
        return epoch;
    }

    /** Bytes of an unfinished command held (fragments). */
    long held() {
        return pending == null ? 0 : pending.size();
    }

    Decision offer(StreamRecord r) {
        if (r.epoch() < epoch) {
            return Decision.of(Kind.REJECTED_EPOCH, r, "record of region epoch " + r.epoch() + " after epoch " + epoch
                    + " (replid " + r.replid() + ", offsets " + r.start() + ".." + r.end() + ")");
        }
        long have = pending == null ? next : pendingEnd;
        boolean changed = false;
        if (!r.replid().equals(replid)) {
            if (r.end() <= next && r.replid().equals(replid2)) return Decision.of(Kind.DUPLICATE, r, null);
            if (pending != null || r.start() != next) {
                return Decision.of(Kind.NEW_HISTORY, r, "replid " + r.replid() + " at offset " + r.start()
                        + " does not continue replid " + replid + " at offset " + next);
            }
            changed = true; // PSYNC2: the new history starts exactly where this one is
        }
        if (r.end() <= have) return Decision.of(Kind.DUPLICATE, r, null);
        if (r.start() > have) {
            return Decision.of(Kind.GAP, r, "record starts at repl offset " + r.start() + " but the replica has "
                    + have + " (" + (r.start() - have) + " bytes missing)");
        }
        int skip = (int) (have - r.start());
        if (pending == null && !r.more()) {
            byte[] b = skip == 0 ? r.payload() : java.util.Arrays.copyOfRange(r.payload(), skip, r.payload().length);
            accept(r, changed);
            next = r.end();
            return new Decision(Kind.APPLY, have, r.end(), b, r.replid(), r.epoch(), changed, null);
        }
        if (pending == null) {
            pending = new ByteArrayOutputStream();
            pendingStart = have;
            pendingChanged = changed;
        }
        pending.write(r.payload(), skip, r.payload().length - skip);
        pendingEnd = r.end();
        accept(r, changed);
        if (r.more()) return Decision.of(Kind.HELD, r, null);
        byte[] b = pending.toByteArray();
        long start = pendingStart;
        pending = null;
        next = pendingEnd;
        return new Decision(Kind.APPLY, start, next, b, r.replid(), r.epoch(), pendingChanged, null);
    }

    private void accept(StreamRecord r, boolean changed) {
        if (changed) {
            replid2 = replid;
            replid = r.replid();
        }
        epoch = Math.max(epoch, r.epoch());
    }
}
