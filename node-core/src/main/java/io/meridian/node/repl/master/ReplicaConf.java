package io.meridian.node.repl.master;

/**
 * What a connection told the master with REPLCONF before (and after) its SYNC/PSYNC:
 * where it listens, what it understands, what it wants.
 */
final class ReplicaConf {
    /** REPLCONF listening-port (0 = unknown). */
    long listeningPort;
    /** REPLCONF ip-address (replica-announce-ip), or null to use the peer address. */
    String announcedIp;
    /** REPLCONF capa eof: understands the $EOF:<mark> framing of diskless syncs. */
    boolean capaEof;
    /** REPLCONF capa psync2: understands +CONTINUE <replid>. */
    boolean capaPsync2;
    /** REPLCONF rdb-only 1: wants the snapshot and nothing after it (redis-cli --rdb). */
    boolean rdbOnly;
    /** REPLCONF rdb-resume (Meridian): the replica holds the first bytes of a snapshot file whose transfer was cut. */
    io.meridian.node.repl.RdbResume resume;
}
