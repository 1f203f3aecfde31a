package io.meridian.node.repl.replica;

import io.meridian.node.Node;
import io.meridian.node.config.Config;
import io.meridian.node.keyspace.Keyspace;
import io.meridian.node.persist.WriteAheadLog;
import io.meridian.node.rdb.RdbLoader;
import io.meridian.node.rdb.RdbReader;
import io.meridian.node.repl.ReplicationStream;
import io.meridian.node.repl.UpstreamLink;
import io.meridian.node.server.Client;
import io.netty.buffer.ByteBuf;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;

/**
 * This node's link to its master while it is a replica (Redis's {@code server.master},
 * {@code cached_master} and {@code repl_state} together): connects through a
 * {@link ReplicationClient}, loads a full sync with an {@link RdbTransfer} and swaps the
 * loaded dataset in whole, applies the stream with a {@link StreamApplier}, acknowledges
 * the applied offset every second, reconnects with a partial resync after the link drops
 * and backs off while the master is unreachable or refuses us. INFO replication and ROLE
 * read it as the node's {@link UpstreamLink}.
 *
 * <p>Everything runs on the command thread: the connection is registered on the node's
 * event loop, the RDB loader hands its outcome back there.
 */
public final class MasterLink implements UpstreamLink {
    private static final Logger LOG = LoggerFactory.getLogger("meridian");
    private static final String NO_REPLID2 = "0000000000000000000000000000000000000000";
    private static final byte[] EMPTY = new byte[0];
    private static final byte[] NEWLINE = {'\n'};
    /** First retry delay after a failed attempt; doubles up to {@link #BACKOFF_MAX_MILLIS}. */
    static final long BACKOFF_INITIAL_MILLIS = 1000;
    static final long BACKOFF_MAX_MILLIS = 10_000;

    private final Node node;
    private final String host;
    private final int port;
    private final Backoff backoff = new Backoff(BACKOFF_INITIAL_MILLIS, BACKOFF_MAX_MILLIS);
    private ReplState state = ReplState.CONNECT;
    /** The current attempt or live connection, null in CONNECT and NONE. */
    private ReplicationClient conn;
    /** The full sync being received or loaded. */
    private RdbTransfer transfer;
    private String fullReplid;
    private long fullOffset;
    /** A cut transfer to disk kept for a resume (REPLCONF rdb-resume), across attempts and restarts. */
    private final KeptTransfer kept;
    /** What {@link #kept} held when the current attempt started: a cut that got further retries at once. */
    private long keptAtAttempt;
    /** The whole RDB arrived; the stream waits (reading paused) until it is loaded. */
    private boolean payloadComplete;
    /** While CONNECTED: the master's client and what applies its stream. */
    private Client master;
    private StreamApplier applier;
    /**
     * Redis's cached master: the node's replid and offset describe its dataset, so PSYNC can
     * ask to continue from there. False only for a node that never had a history to offer
     * (a fresh replica: {@code PSYNC ? -1}).
     */
    private boolean cached;
    /** Send PSYNC ... FAILOVER (this node is handing its role over to the master it connects to). */
    private boolean psyncFailover;
    private Runnable onPsyncAccepted;
    private java.util.function.Consumer<String> onPsyncRefused;
    /** Clock millis the link went down (repl_down_since), 0 when it never was up. */
    private long downSince;
    private long lastIo;
    private long transferLastIo;
    private long lastAck;
    private long lastNewline;
    private String lastError;
    private boolean stopped;

    /**
     * A link in state CONNECT: the node's cron starts connecting.
     *
     * @param cached whether the node's replid and offset describe its data (PSYNC them), or
     *               it must ask for a full sync ({@code PSYNC ? -1})
     */
    public MasterLink(Node node, String host, int port, boolean cached) {
        this.node = node;
        this.host = host;
        this.port = port;
        this.cached = cached;
        Path dir = Path.of(node.config().getString("dir"));
        this.kept = new KeptTransfer(dir, dir.resolve(node.config().getString("dbfilename")));
    }

    // ---- UpstreamLink -------------------------------------------------------------------

    @Override
    public String roleState() {
        return state.roleName();
    }

    @Override
    public String masterHost() {
        return host;
    }

    @Override
    public int masterPort() {
        return port;
    }

    @Override
    public boolean linkUp() {
        return state == ReplState.CONNECTED;
    }

    @Override
    public long lastIoSecondsAgo() {
        return master == null ? -1 : (now() - lastIo) / 1000;
    }

    @Override
    public boolean syncInProgress() {
        return state == ReplState.TRANSFER;
    }

    @Override
    public long syncTotalBytes() {
        return transfer == null ? -1 : transfer.totalBytes();
    }

    @Override
    public long syncReadBytes() {
        return transfer == null ? 0 : transfer.readBytes();
    }

    @Override
    public long syncLastIoSecondsAgo() {
        return (now() - transferLastIo) / 1000;
    }

    @Override
    public long linkDownSinceSeconds() {
        if (state == ReplState.CONNECTED || downSince == 0) return -1;
        return (now() - downSince) / 1000;
    }

    @Override
    public long readReplOffset() {
        if (applier != null) return applier.readOffset();
        return cached ? node.stream().offset() : 1;
    }

    @Override
    public long replOffset() {
        if (applier != null) return applier.appliedOffset();
        return cached ? node.stream().offset() : 1;
    }

    // ---- more state -----------------------------------------------------------------------

    public ReplState state() {
        return state;
    }

    /** Why the last attempt failed (for tests and the log), or null. */
    public String lastError() {
        return lastError;
    }

    /** The master's client while the stream flows, else null. */
    public Client masterClient() {
        return master;
    }

    public Backoff backoff() {
        return backoff;
    }

    /** Whether PSYNC will offer the node's replid and offset (a cached master). */
    public boolean cached() {
        return cached;
    }

    void setCached(boolean b) {
        cached = b;
    }

    /**
     * The next PSYNC carries FAILOVER (Redis's FAILOVER_IN_PROGRESS): the master that receives
     * it becomes a master of its own. accepted runs when it answers +CONTINUE or +FULLRESYNC,
     * refused (with the reason) when it refuses or the attempt fails before its answer.
     */
    public void requestFailover(Runnable accepted, java.util.function.Consumer<String> refused) {
        psyncFailover = true;
        onPsyncAccepted = accepted;
        onPsyncRefused = refused;
    }

    // ---- lifecycle ------------------------------------------------------------------------

    /** Called by the node's cron (hz): timeouts, reconnection, the ACK every second. */
    public void cron() {
        if (stopped) return;
        long now = now();
        long timeout = node.config().getLong("repl-timeout") * 1000;
        switch (state) {
            case CONNECT -> {
                if (backoff.ready(now)) {
                    LOG.info("Connecting to MASTER {}:{}", host, port);
                    connect();
                }
            }
            case TRANSFER -> {
                if (payloadComplete || (transfer != null && transfer.loaderBehind())) {
                    // loading (or the loader is behind and reading waits): tell the master we are alive
                    // (replicationSendNewlineToMaster) and do not take the silence for a dead master
                    transferLastIo = now;
                    if (now - lastNewline >= 1000 && conn != null) {
                        lastNewline = now;
                        conn.write(NEWLINE);
                    }
                } else if (now - transferLastIo > timeout) {
                    fail("Timeout receiving bulk data from MASTER... If the problem persists try to set the 'repl-timeout' parameter in redis.conf to a larger value.");
                }
            }
            case CONNECTED -> {
                if (applier.waiting()) {
                    // a command postponed by CLIENT PAUSE: the master is not silent, we are not reading
                    lastIo = now;
                    if (applier.resumeIfReady() && conn != null) conn.resumeReading();
                }
                if (conn != null && conn.held()) lastIo = now; // not reading by choice: the master is not silent
                if (now - lastIo > timeout) {
                    LOG.warn("MASTER timeout: no data nor PING received...");
                    master.close();
                    return;
                }
                if (now - lastAck >= 1000) sendAck();
            }
            default -> {
                if (state.linking() && conn != null && now - conn.lastReadAt() > timeout) {
                    fail("Timeout connecting to the MASTER...");
                }
            }
        }
    }

    /** Starts connecting now (REPLICAOF, a lost link). */
    public void connect() {
        if (stopped) return;
        Config cfg = node.config();
        ReplicationStream s = node.stream();
        String announceIp = cfg.getString("replica-announce-ip");
        if (announceIp != null && announceIp.isEmpty()) announceIp = null;
        io.netty.handler.ssl.SslContext tls = null;
        if (cfg.getBool("tls-replication")) {
            try {
                tls = node.server().tlsSupport().client();
            } catch (RuntimeException e) {
                transferLastIo = now();
                attemptFailed("Unable to connect to MASTER: TLS configuration error: " + e.getMessage());
                return;
            }
        }
        ReplicationClient.Options o = new ReplicationClient.Options(host, port, emptyToNull(cfg.getString("masteruser")),
                emptyToNull(cfg.getString("masterauth")), listeningPort(), announceIp,
                cached ? s.replid() : null, cached ? s.offset() + 1 : -1, psyncFailover,
                (int) Math.min(Integer.MAX_VALUE, cfg.getLong("repl-timeout") * 1000),
                !cfg.getBool("repl-disable-tcp-nodelay"), tls, kept::token);
        keptAtAttempt = kept.received();
        Events events = new Events();
        ReplicationClient c = new ReplicationClient(node.loop(), node.server().clientChannelClass(), node.clock(), o, events);
        events.self = c;
        conn = c;
        transferLastIo = now();
        setState(ReplState.CONNECTING, "connecting to " + host + ":" + port);
        LOG.info("MASTER <-> REPLICA sync started");
        c.connect();
    }

    /** Ends the link for good (REPLICAOF elsewhere or NO ONE): nothing is applied after this. */
    public void stop() {
        stop(false);
    }

    /**
     * The node stops: as {@link #stop()}, but a disk transfer in progress or cut earlier is kept
     * (file and record), so the node offers to resume it when it starts again.
     */
    public void shutdown() {
        stop(true);
    }

    private void stop(boolean keepTransfer) {
        if (stopped) return;
        stopped = true;
        RdbTransfer.Partial cut = keepTransfer && transfer != null ? transfer.cut("the node stops") : null;
        if (cut != null) {
            LOG.info("MASTER <-> REPLICA sync: keeping the {} of {} bytes received for a resume after the restart", cut.received(), cut.size());
        } else if (keepTransfer && kept.held()) {
            kept.keepForRestart();
        } else {
            kept.drop("replication stopped");
            if (transfer != null) {
                transfer.abort("replication cancelled");
                kept.ended();
            }
        }
        transfer = null;
        dropMaster();
        if (conn != null) {
            ReplicationClient c = conn;
            conn = null;
            c.close("replication cancelled");
        }
        setState(ReplState.NONE, "replication stopped");
    }

    public boolean stopped() {
        return stopped;
    }

    private int listeningPort() {
        Config cfg = node.config();
        int announced = cfg.getInt("replica-announce-port");
        if (announced > 0) return announced;
        if (cfg.getBool("tls-replication") && cfg.getInt("tls-port") > 0) return cfg.getInt("tls-port");
        return node.server().port();
    }

    private void sendAck() {
        lastAck = now();
        if (applier != null) ack(applier.appliedOffset());
    }

    /**
     * Caps what a node acknowledges to its master (a node whose stream is published to Kafka
     * acknowledges only what Kafka holds, so WAIT on the master waits for Kafka); null removes it.
     */
    public static void setAckCeiling(Node node, java.util.function.LongSupplier ceiling) {
        if (ceiling == null) ACK_CEILINGS.remove(node);
        else ACK_CEILINGS.put(node, ceiling);
    }

    /**
     * Stops (true) or resumes (false) reading the master's stream, from any thread: a consumer
     * of this node's stream that cannot keep up (the DR bridge while Kafka is slow or down)
     * leaves the bytes in the master's log instead of buffering them without bound.
     */
    public static void holdStream(Node node, boolean hold) {
        node.execute(() -> {
            MasterLink l = ReplicaOf.link(node);
            if (l == null || l.conn == null || l.state != ReplState.CONNECTED) return;
            l.conn.hold(hold);
            if (!hold && l.applier != null && l.applier.waiting()) l.conn.pauseReading(); // CLIENT PAUSE's own wait goes on
        });
    }

    /** Whether the link to the master is held by {@link #holdStream}. */
    public static boolean streamHeld(Node node) {
        MasterLink l = ReplicaOf.link(node);
        return l != null && l.conn != null && l.conn.held();
    }

    /** Sends an ACK now (the ceiling moved), from any thread. */
    public static void ackNow(Node node) {
        node.execute(() -> {
            MasterLink l = ReplicaOf.link(node);
            if (l != null && l.state == ReplState.CONNECTED) l.sendAck();
        });
    }

    private static final java.util.Map<Node, java.util.function.LongSupplier> ACK_CEILINGS =
            java.util.Collections.synchronizedMap(new java.util.WeakHashMap<>());

    /** REPLCONF ACK of the applied offset, with FACK (what the replication log has on disk) when the node keeps one. */
    private void ack(long applied) {
        if (conn == null) return;
        java.util.function.LongSupplier ceiling = ACK_CEILINGS.get(node);
        if (ceiling != null) applied = Math.min(applied, ceiling.getAsLong());
        WriteAheadLog w = node.wal();
        if (w == null || w.failure() != null) {
            conn.ack(applied);
            return;
        }
        // appendfsync no: written counts as safe, as the log never syncs on its own
        long fsynced = w.policy() == io.meridian.node.persist.FsyncPolicy.NO ? applied : Math.min(applied, w.durableOffset());
        conn.ack(applied, fsynced);
    }

    private void setState(ReplState s, String why) {
        if (state == s) return;
        LOG.debug("Replication state {} -> {}: {}", state, s, why);
        state = s;
    }

    /** The attempt failed (handshake, transfer, timeout): close it and retry after the backoff. */
    private void fail(String reason) {
        ReplicationClient c = conn;
        conn = null;
        if (c != null) c.close(reason); // its closed() sees conn != c and stays quiet
        attemptFailed(reason);
    }

    private void attemptFailed(String reason) {
        lastError = reason;
        LOG.warn("{}", reason);
        boolean progressed = false;
        if (transfer != null) {
            RdbTransfer.Partial p = transfer.cut(reason);
            progressed = p != null && p.received() > keptAtAttempt;
            kept.cut(p, fullReplid, fullOffset);
            transfer = null;
            LOG.info("MASTER <-> REPLICA sync: the dataset in use is kept (nothing of the failed sync is served)");
        }
        payloadComplete = false;
        // a FAILOVER's PSYNC that was answered otherwise ends the failover; a connection that failed earlier is retried
        boolean psyncRefused = psyncFailover && state == ReplState.RECEIVE_PSYNC_REPLY;
        long delay = backoff.failed(now());
        if (progressed && !psyncRefused) {
            // the transfer got further than the last one before it was cut: resume it now (a master that keeps
            // cutting at the same point, or never resumes, makes no progress and backs off as usual)
            backoff.retryNow();
            delay = 0;
        }
        setState(ReplState.CONNECT, reason);
        LOG.info("MASTER <-> REPLICA sync: next attempt in {} ms", delay);
        if (psyncRefused) failoverRefused(reason); // may end this link (the node becomes a master again)
    }

    /** The established link dropped: reconnect at once, asking to continue where we are. */
    private void linkLost(String reason) {
        LOG.warn("{}", reason);
        lastError = reason;
        LOG.info("Caching the disconnected master state.");
        dropMaster();
        downSince = now();
        node.setMasterLinkUp(false);
        setState(ReplState.CONNECT, reason);
        LOG.info("Reconnecting to MASTER {}:{}", host, port);
        connect();
    }

    /** Forgets the master's client (the cached master keeps its db and our offset). */
    private void dropMaster() {
        if (master != null) {
            Client m = master;
            master = null;
            node.removeClient(m);
        }
        applier = null;
    }

    /** The stream flows: the master's client applies it from offset. */
    private void streamStarts(long offset) {
        master = node.newClient(conn.channel());
        master.kind = 'M';
        master.authenticated = true;
        master.replyOff = true;
        // the database the stream is in: kept with the node's stream (across restarts too, by its log)
        int db = node.stream().streamDb();
        master.select(db >= 0 && db < node.keyspace().size() ? db : 0);
        applier = new StreamApplier(node, master, offset, this::ack);
        cached = true;
        downSince = 0;
        lastIo = now();
        lastError = null;
        backoff.succeeded();
        node.setMasterLinkUp(true);
        setState(ReplState.CONNECTED, "stream from offset " + offset);
    }

    private void failoverAccepted() {
        psyncFailover = false;
        Runnable r = onPsyncAccepted;
        onPsyncAccepted = null;
        onPsyncRefused = null;
        if (r != null) r.run();
    }

    private void failoverRefused(String reason) {
        psyncFailover = false;
        var r = onPsyncRefused;
        onPsyncAccepted = null;
        onPsyncRefused = null;
        if (r != null) r.accept(reason);
    }

    // ---- full sync --------------------------------------------------------------------------

    private RdbTransfer.Mode loadMode() {
        String m = node.config().getString("repl-diskless-load");
        if (m.equals("swapdb")) return RdbTransfer.Mode.SOCKET;
        if (m.equals("on-empty-db") && node.keyspace().totalKeys() == 0) return RdbTransfer.Mode.SOCKET;
        return RdbTransfer.Mode.DISK;
    }

    private void payloadStart(long size, RdbTransfer.Partial resume) {
        RdbTransfer.Mode mode = resume != null ? RdbTransfer.Mode.DISK : loadMode();
        if (resume != null) {
            LOG.info("MASTER <-> REPLICA sync: resuming the cut transfer: receiving bytes {} to {} from master {} ({} bytes not sent again)",
                    resume.received(), size, mode.logName, resume.received());
        } else if (size < 0) {
            LOG.info("MASTER <-> REPLICA sync: receiving streamed RDB from master with EOF {}", mode.logName);
        } else {
            LOG.info("MASTER <-> REPLICA sync: receiving {} bytes from master {}", size, mode.logName);
        }
        Config cfg = node.config();
        Path dir = Path.of(cfg.getString("dir"));
        RdbTransfer.Settings settings = new RdbTransfer.Settings(node.keyspace().size(), node.clock(),
                cfg.getBool("rdbchecksum"), RdbReader.Limits.from(cfg), dir, node.persistence().rdbPath());
        ReplicationClient c = conn;
        RdbTransfer[] self = new RdbTransfer[1];
        RdbTransfer t = new RdbTransfer(mode, size, settings, new RdbTransfer.Flow() {
            @Override
            public void pause() {
                c.pauseReading();
            }

            @Override
            public void resume() {
                node.execute(() -> {
                    if (conn == c && !payloadComplete) c.resumeReading();
                });
            }
        }, outcome -> node.execute(() -> transferDone(self[0], outcome)));
        if (resume != null) t.resuming(resume);
        self[0] = t;
        transfer = t;
        payloadComplete = false;
        if (t.start() && mode == RdbTransfer.Mode.DISK && size > 0) kept.started(t.tempFile(), fullReplid, fullOffset, size);
    }

    private void transferDone(RdbTransfer t, RdbTransfer.Outcome outcome) {
        if (t != transfer || stopped) return; // cancelled meanwhile: its dataset is dropped
        transfer = null;
        kept.ended();
        if (!outcome.ok()) {
            fail(outcome.error());
            return;
        }
        RdbLoader.Result r = outcome.result();
        swapIn(r.keyspace, t.mode() == RdbTransfer.Mode.DISK, r.replStreamDb);
        payloadComplete = false;
        LOG.info("MASTER <-> REPLICA sync: Finished with success");
        streamStarts(fullOffset);
        sendAck(); // as Redis after a diskless load: the master starts the stream on this first ACK
        conn.resumeReading();
    }

    /** The loaded dataset replaces the served one, and the master's history becomes ours. */
    private void swapIn(Keyspace loaded, boolean fromFile, int streamDb) {
        // replicationAttachToNewMaster: sub-replicas must resync with the new history
        ReplicaOf.disconnectReplicas(node);
        LOG.info("MASTER <-> REPLICA sync: Swapping active DB with loaded DB");
        long dirty = node.stats().dirty;
        node.keyspace().replaceWith(loaded);
        node.stats().dirty = dirty + 1; // a change of the dataset, as Redis's server.dirty++ after a diskless load
        ReplicationStream s = node.stream();
        s.reset(fullReplid, fullOffset, streamDb);
        s.setSecondary(NO_REPLID2, -1);
        WriteAheadLog w = node.wal();
        if (w != null) {
            // the log restarts at the master's offset (an empty append shows it the jump)
            s.append(EMPTY);
            if (fromFile) w.markSnapshot(fullOffset);
        }
        LOG.info("MASTER <-> REPLICA sync: Discarding old DB in background");
    }

    // ---- the connection's events --------------------------------------------------------------

    /** Callbacks of one attempt: ignored once that attempt is no longer the current one. */
    private final class Events implements ReplicationClient.Listener {
        /** The attempt these events belong to. */
        private ReplicationClient self;

        private boolean live() {
            return self != null && self == conn && !stopped;
        }

        @Override
        public void stateChanged(ReplState from, ReplState to) {
            if (!live()) return;
            // TRANSFER lasts until the RDB is loaded; CONNECTED is set by the link itself
            if (to == ReplState.CONNECTED) return;
            setState(to, "handshake");
        }

        @Override
        public void bytesRead(int n) {
            if (!live()) return;
            long now = now();
            lastIo = now;
            transferLastIo = now;
        }

        @Override
        public void fullResync(String replid, long offset) {
            if (!live()) return;
            fullReplid = replid;
            fullOffset = offset;
            if (psyncFailover) failoverAccepted();
        }

        @Override
        public void payloadStart(long size) {
            if (!live()) return;
            kept.drop("the master sends a snapshot from its start");
            MasterLink.this.payloadStart(size, null);
        }

        @Override
        public void payloadResumed(long from, long size) {
            if (!live()) return;
            RdbTransfer.Partial p = kept.take(fullReplid, fullOffset, from, size);
            if (p == null) {
                fail("MASTER resumed a transfer this replica does not hold (" + fullReplid + ":" + fullOffset + " from byte " + from + " of " + size + ")");
                return;
            }
            MasterLink.this.payloadStart(size, p);
        }

        @Override
        public void payload(ByteBuf data) {
            if (!live() || transfer == null) return;
            transfer.chunk(data);
        }

        @Override
        public void payloadEnd() {
            if (!live() || transfer == null) return;
            payloadComplete = true;
            lastNewline = now();
            self.pauseReading(); // the stream waits in the socket until the dataset is swapped in
            transfer.end();
        }

        @Override
        public void partialResync(String newReplid) {
            if (!live()) return;
            kept.drop("the master continues the stream (partial resync)");
            ReplicationStream s = node.stream();
            if (newReplid != null) {
                // PSYNC2: the master's old id is our id2 up to here, its new id is ours
                String old = s.replid();
                long at = s.offset();
                s.reset(newReplid, at, s.streamDb());
                s.setSecondary(old, at + 1);
                ReplicaOf.disconnectReplicas(node); // they must learn the new id
            }
            if (psyncFailover) failoverAccepted();
            streamStarts(s.offset());
        }

        @Override
        public void stream(long start, ByteBuf data) {
            if (!live() || applier == null) return;
            try {
                applier.apply(data);
                if (applier.waiting()) self.pauseReading();
            } catch (StreamApplier.ProtocolException e) {
                LOG.warn("{}", e.getMessage());
                self.close(e.getMessage());
            }
        }

        @Override
        public void closed(String reason) {
            if (!live()) return;
            conn = null;
            if (state == ReplState.CONNECTED) linkLost(reason);
            else attemptFailed(reason);
        }
    }

    private long now() {
        return node.clock().millis();
    }

    private static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }
}
