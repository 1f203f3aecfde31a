package io.meridian.node.repl.replica;

/**
 * A replica's link to its master, Redis's {@code repl_state} values in Redis's order: the
 * handshake is the range {@link #RECEIVE_PING_REPLY}..{@link #RECEIVE_PSYNC_REPLY}, a full
 * sync is {@link #TRANSFER}, and {@link #CONNECTED} means the stream flows.
 */
public enum ReplState {
    /** Not a replica (or the link was cancelled). */
    NONE("none"),
    /** Must (re)connect: the cron starts a connection when the backoff allows. */
    CONNECT("connect"),
    /** A TCP connection is being established. */
    CONNECTING("connecting"),
    RECEIVE_PING_REPLY("handshake"),
    SEND_HANDSHAKE("handshake"),
    RECEIVE_AUTH_REPLY("handshake"),
    RECEIVE_PORT_REPLY("handshake"),
    RECEIVE_IP_REPLY("handshake"),
    RECEIVE_CAPA_REPLY("handshake"),
    /** Meridian: the reply to REPLCONF rdb-resume (a cut transfer offered for resuming). */
    RECEIVE_RESUME_REPLY("handshake"),
    SEND_PSYNC("handshake"),
    RECEIVE_PSYNC_REPLY("handshake"),
    /** Receiving (and loading) the RDB of a full resynchronization. */
    TRANSFER("sync"),
    /** Applying the master's stream. */
    CONNECTED("connected");

    private final String roleName;

    ReplState(String roleName) {
        this.roleName = roleName;
    }

    /** The state as ROLE shows it: none, connect, connecting, handshake, sync, connected. */
    public String roleName() {
        return roleName;
    }

    /** slaveIsInHandshakeState: between the PING and the PSYNC reply. */
    public boolean inHandshake() {
        return compareTo(RECEIVE_PING_REPLY) >= 0 && compareTo(RECEIVE_PSYNC_REPLY) <= 0;
    }

    /** A connection to the master exists or is being made (everything but NONE and CONNECT). */
    public boolean linking() {
        return compareTo(CONNECTING) >= 0;
    }
}
