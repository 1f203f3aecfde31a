package io.meridian.node.repl;

/**
 * What a replica knows of its link to its master, as INFO replication and ROLE show it. The
 * replica side of replication implements it; the node holds one while it is a replica
 * ({@code Node.upstream()}, null on a master), and INFO / ROLE read it.
 */
public interface UpstreamLink {
    /** Redis's repl_state as ROLE names it: "connect", "connecting", "handshake", "sync", "connected". */
    String roleState();

    String masterHost();

    int masterPort();

    /** "up" once the stream flows, else "down". */
    boolean linkUp();

    /** Seconds since the last byte from the master (master_last_io_seconds_ago), -1 when never. */
    long lastIoSecondsAgo();

    /** master_sync_in_progress and the master_sync_* fields while a full sync is loading. */
    boolean syncInProgress();

    long syncTotalBytes();

    long syncReadBytes();

    long syncLastIoSecondsAgo();

    /** Seconds since the link went down (master_link_down_since_seconds), -1 while up. */
    long linkDownSinceSeconds();

    /** slave_read_repl_offset: bytes received from the master; slave_repl_offset: bytes applied. */
    long readReplOffset();

    long replOffset();

    /**
     * Fields a link of another kind (a Kafka-sourced replica) adds at the end of the replica's
     * part of INFO replication, in order; a RESP link adds none, so the section stays Redis's.
     */
    default java.util.Map<String, Object> extraInfo() {
        return java.util.Map.of();
    }

    /**
     * Ends a link that is not a {@code MasterLink} for good (REPLICAOF NO ONE promotes the node,
     * REPLICAOF host port replaces the link): nothing is applied after it returns. Called on
     * the command thread, before the node's stream shifts its replid.
     */
    default void stop() {
    }
}
