package io.meridian.node.repl.master;

/**
 * Where a replica connected to this node stands, in order (Redis's SLAVE_STATE_* of
 * server.h). The name INFO replication shows is Redis's: both waiting states read
 * "wait_bgsave".
 */
public enum ReplicaState {
    /** Asked for a full sync; waits for a snapshot to start (diskless delay, or one with a socket target running). */
    WAIT_BGSAVE_START("wait_bgsave"),
    /** +FULLRESYNC sent; the snapshot is being made (disk target) or streamed to it (diskless). */
    WAIT_BGSAVE_END("wait_bgsave"),
    /** Receiving the snapshot file ($len framing). */
    SEND_BULK("send_bulk"),
    /** Has the dataset; receives the stream (from the backlog while behind, then live). */
    ONLINE("online");

    private final String infoName;

    ReplicaState(String infoName) {
        this.infoName = infoName;
    }

    /** The state= word of INFO replication's slaveN lines. */
    public String infoName() {
        return infoName;
    }

    /** Before the replica holds a full dataset (a full sync is under way). */
    public boolean inFullSync() {
        return compareTo(ONLINE) < 0;
    }
}
