package io.meridian.node.repl.master;

/**
 * Whether a {@code PSYNC <replid> <offset>} can continue from the backlog (Redis's
 * masterTryPartialResynchronization): the replid must be the current one, or the previous
 * one (replid2) for offsets up to second_repl_offset, and the requested offset (1-based: the
 * next byte the replica needs) must lie in [first byte held, last byte held + 1]. Otherwise
 * a full resync, with the reason Redis logs.
 *
 * @param partial  +CONTINUE from the backlog
 * @param from     the 0-based stream offset to send from (asked offset - 1), for a partial resync
 * @param reason   the log line explaining a refusal (null when partial)
 * @param counts   whether a refusal counts as sync_partial_err (not for "PSYNC ? -1")
 */
public record PsyncDecision(boolean partial, long from, String reason, boolean counts) {

    /**
     * @param askedReplid  the replica's replid ("?" forces a full resync)
     * @param askedOffset  the replica's offset + 1
     * @param backlogFirst the backlog's first 0-based offset
     * @param backlogEnd   the backlog's end (the stream offset)
     * @param replica      the replica's name for the log lines
     */
    public static PsyncDecision decide(String askedReplid, long askedOffset, String replid, String replid2,
                                       long secondReplOffset, boolean backlogActive, long backlogFirst, long backlogEnd,
                                       String replica) {
        return decide(askedReplid, askedOffset, replid, replid2, secondReplOffset, id -> -1, backlogActive, backlogFirst,
                backlogEnd, replica);
    }

    /**
     * {@link #decide} with the node's older replids (Meridian's PSYNC2 history beyond replid2):
     * {@code history} gives, for a past replid, the offset (1-based) up to which it is a prefix
     * of the current stream, or -1. A replica that missed two failovers asks with a replid two
     * promotions old and still continues.
     */
    public static PsyncDecision decide(String askedReplid, long askedOffset, String replid, String replid2,
                                       long secondReplOffset, java.util.function.ToLongFunction<String> history,
                                       boolean backlogActive, long backlogFirst, long backlogEnd, String replica) {
        long pastLimit = askedReplid.startsWith("?") ? -1 : history.applyAsLong(askedReplid);
        boolean fromHistory = pastLimit >= 0 && askedOffset <= pastLimit;
        if (!fromHistory && !askedReplid.equalsIgnoreCase(replid)
                && (!askedReplid.equalsIgnoreCase(replid2) || askedOffset > secondReplOffset)) {
            if (askedReplid.startsWith("?")) {
                return new PsyncDecision(false, -1, "Full resync requested by replica " + replica, false);
            }
            if (pastLimit >= 0) {
                return new PsyncDecision(false, -1, "Partial resynchronization not accepted: Requested offset for past ID "
                        + askedReplid + " was " + askedOffset + ", but it is valid up to " + pastLimit, true);
            }
            if (!askedReplid.equalsIgnoreCase(replid) && !askedReplid.equalsIgnoreCase(replid2)) {
                return new PsyncDecision(false, -1, "Partial resynchronization not accepted: Replication ID mismatch (Replica asked for '"
                        + askedReplid + "', my replication IDs are '" + replid + "' and '" + replid2 + "')", true);
            }
            return new PsyncDecision(false, -1, "Partial resynchronization not accepted: Requested offset for second ID was "
                    + askedOffset + ", but I can reply up to " + secondReplOffset, true);
        }
        // Redis's repl_backlog->offset is 1-based: the first byte held is backlogFirst + 1
        if (!backlogActive || askedOffset < backlogFirst + 1 || askedOffset > backlogEnd + 1) {
            String why = "Unable to partial resync with replica " + replica + " for lack of backlog (Replica request was: " + askedOffset + ").";
            if (askedOffset > backlogEnd) {
                why += " Warning: replica " + replica + " tried to PSYNC with an offset that is greater than the master replication offset.";
            }
            return new PsyncDecision(false, -1, why, true);
        }
        return new PsyncDecision(true, askedOffset - 1, null, false);
    }
}
