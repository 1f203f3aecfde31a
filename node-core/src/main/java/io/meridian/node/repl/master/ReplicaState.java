package io.meridian.node.repl.master;

/**
 * Where a replica connection is in its life on the master, in order (Redis's SLAVE_STATE_*).
 * The names are what INFO replication prints in slaveN:...,state=.
 */
public enum ReplicaState {
    /** Asked for a full sync; its snapshot has not started. */
    WAIT_BGSAVE_START("wait_bgsave"),
    /** Its snapshot is being taken (disk-backed: to a file first). */
    WAIT_BGSAVE_END("wait_bgsave"),
    /** The RDB is being sent. */
    SEND_BULK("send_bulk"),
    /** Receiving the stream. */
    ONLINE("online");

    private final String infoName;

    ReplicaState(String infoName) {
        this.infoName = infoName;
    }

    public String infoName() {
        return infoName;
    }
}
