package io.meridian.node.repl.master;

import io.meridian.node.Node;
import io.meridian.node.commands.Errors;
import io.meridian.node.config.Config;
import io.meridian.node.persist.WriteAheadLog;
import io.meridian.node.rdb.RdbWriter;
import io.meridian.node.repl.ReplicationStream;
import io.meridian.node.repl.UpstreamLink;
import io.meridian.node.repl.replica.Failover;
import io.meridian.node.repl.replica.ReplicaOf;
import io.meridian.node.server.Client;
import io.meridian.node.snapshot.FileSink;
import io.meridian.node.snapshot.Snapshot;
import io.meridian.node.snapshot.SnapshotSink;
import io.meridian.node.util.Bytes;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The master side of Redis 7 replication (Redis's replication.c, master half): SYNC and
 * PSYNC, full syncs from shared fork-less snapshots (disk-backed or diskless), partial
 * resyncs from the backlog, the live stream to replicas that caught up, REPLCONF, heartbeats
 * and timeouts, WAIT / WAITAOF and min-replicas-to-write.
 *
 * <p>Unlike Redis, the writes made during a full sync are not held in memory for each
 * replica: once a replica has the snapshot at offset O it reads the stream back from the
 * {@link Backlog} (the persisted log) from O, paced by its socket. So a busy master never
 * drops a syncing replica for an output-buffer overrun, and never loops on full syncs.
 * Only a replica that has caught up is fed live, and client-output-buffer-limit replica
 * bounds what it may owe; past it, it is dropped and resumes with a partial resync.
 *
 * <p>Everything runs on the command thread. The node holds one ({@code node.master()})
 * whatever its role: a replica serves its own sub-replicas from the stream it relays.
 */
public final class ReplicationMaster implements ReplicationStream.Listener {
    private static final Logger LOG = LoggerFactory.getLogger("meridian");
    private static final byte[] PING = "*1\r\n$4\r\nPING\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] GETACK = "*3\r\n$8\r\nREPLCONF\r\n$6\r\nGETACK\r\n$1\r\n*\r\n".getBytes(StandardCharsets.US_ASCII);
    public static final String NOREPLICAS = "NOREPLICAS Not enough good replicas to write.";

    private final Node node;
    private final Config config;
    private final Backlog backlog;
    /** Replicas in the order they connected (Redis's server.slaves). */
    private final List<ReplicaSession> replicas = new ArrayList<>();
    private final Map<Client, ReplicaSession> byClient = new IdentityHashMap<>();
    /** REPLCONF settings of connections that have not sent SYNC/PSYNC yet. */
    private final Map<Client, ReplicaConf> handshakes = new IdentityHashMap<>();
    private final WaitRegistry waits = new WaitRegistry(this);
    /** The snapshot being made for replicas (one at a time, as Redis's one child). */
    private FullSync running;
    /** The newest finished disk-target snapshot, reused while the backlog covers it. */
    private FullSync lastDisk;
    /** Finished snapshot files still being sent. */
    private final List<FullSync> retired = new ArrayList<>();
    private long syncSeq;
    // the live feed: this turn's stream bytes, sent to live replicas at the end of the turn
    private ByteBuf pending;
    private long pendingStart;
    private boolean flushScheduled;
    private int liveCount;
    /** The stream offset the next append should start at; another means the stream jumped. */
    private long expectedNext = -1;
    private String seenReplid;
    private boolean ackRequested;
    private int goodReplicas;
    private long lastSecondMillis;
    private long lastPingMillis;
    private long lastProgressLogMillis;
    /** The replica side's answer to REPLCONF GETACK from its master. */
    private volatile Consumer<Client> getAckHandler;
    private boolean stopped;

    public ReplicationMaster(Node node) {
        this.node = node;
        this.config = node.config();
        if (config.getBool("repl-log-enabled")) {
            this.backlog = new LogBacklog(node);
        } else {
            // created with the first replica (or the node's own master link), as Redis's backlog: until then writes are not encoded
            RingBacklog ring = new RingBacklog(node.stream(), () -> config.getLong("repl-backlog-size"), () -> node.clock().millis(),
                    () -> node.isReplica() || !replicas.isEmpty() || !handshakes.isEmpty());
            node.stream().addListener(ring);
            this.backlog = ring;
        }
        node.stream().addListener(this);
        node.addCron(this::cron);
        node.setWriteGuard(this::writeRefusal);
        node.onStop(this::stop);
        this.lastSecondMillis = node.clock().millis();
        this.lastPingMillis = lastSecondMillis;
    }

    public Node node() {
        return node;
    }

    long now() {
        return node.clock().millis();
    }

    public Backlog backlog() {
        return backlog;
    }

    /** The replicas connected to this node, in connection order (INFO slaveN, ROLE). */
    public List<ReplicaSession> replicas() {
        return Collections.unmodifiableList(replicas);
    }

    /** Replicas ONLINE with lag within min-replicas-max-lag (min_slaves_good_slaves). */
    public int goodReplicas() {
        return goodReplicas;
    }

    /** The snapshot being made for replicas now: "keys written/total,bytes,offset,target", or null (INFO). */
    public String fullSyncProgress() {
        FullSync fs = running;
        if (fs == null || fs.snapshot == null) return null;
        return "keys=" + fs.snapshot.keysWritten() + "/" + fs.snapshot.info().keys() + ",bytes=" + fs.snapshot.bytesWritten()
                + ",offset=" + fs.offset + ",target=" + (fs.target == FullSync.Target.DISK ? "disk" : "sockets");
    }

    /** The same list under the name FAILOVER's wiring (ReplicaofCommands) reads. */
    public List<ReplicaSession> sessions() {
        return replicas();
    }

    /** A connection closed (Node.removeClient): forget its REPLCONF settings; a replica's session ends through its channel. */
    public void forget(Client c) {
        handshakes.remove(c);
        ReplicaSession s = byClient.get(c);
        if (s != null) lost(s);
    }

    /** The replica side registers what REPLCONF GETACK from its master does (send REPLCONF ACK). */
    public void setGetAckHandler(Consumer<Client> handler) {
        this.getAckHandler = handler;
    }

    /** REPLCONF GETACK: on a replica, acknowledge to the master now (Redis's replicationSendAck). */
    public void onGetAck(Client from) {
        Consumer<Client> h = getAckHandler;
        if (h != null && node.isReplica()) h.accept(from);
    }

    void countOutput(long bytes) {
        node.stats().netReplOutputBytes.addAndGet(bytes);
    }

    // ---- SYNC / PSYNC ----------------------------------------------------------------------

    /** SYNC, or PSYNC replid offset (Redis's syncCommand). */
    public void sync(Client c, byte[][] argv, boolean psync) {
        if (c.kind == 'S') return; // already a replica: ignored, as Redis does
        if (psync && argv.length > 3 && Bytes.eqIgnoreCase(argv[3], "failover")) {
            // PSYNC <replid> <offset> FAILOVER: our master hands over to us (FAILOVER on its side)
            String refused = ReplicaOf.failoverRequested(node, Bytes.latin1(argv[1]), clientInfo(c));
            if (refused != null) {
                c.error(refused);
                return;
            }
        }
        if (Failover.of(node).state() != Failover.State.NO_FAILOVER) {
            c.error("NOMASTERLINK Can't SYNC while failing over");
            return;
        }
        if (node.isReplica()) {
            UpstreamLink up = node.upstream();
            if (up == null || !up.linkUp()) {
                c.error("NOMASTERLINK Can't SYNC while not connected with my master");
                return;
            }
        }
        if (c.hasPendingReplies()) {
            c.error("ERR SYNC and PSYNC are invalid with pending output");
            return;
        }
        if (c.channel() == null) {
            c.error("ERR SYNC needs a connection");
            return;
        }
        ReplicaConf conf = handshakes.remove(c);
        if (conf == null) conf = new ReplicaConf();
        ReplicaSession s = new ReplicaSession(this, c, conf);
        LOG.info("Replica {} asks for synchronization", s.name());
        if (psync) {
            Long offset = Bytes.parseLong(argv[2]);
            if (offset == null) {
                LOG.warn("Replica {} asks for synchronization but with a wrong offset", s.name());
                handshakes.put(c, conf);
                c.error(Errors.NOT_INTEGER);
                return;
            }
            ReplicationStream st = node.stream();
            PsyncDecision d = PsyncDecision.decide(Bytes.latin1(argv[1]), offset, st.replid(), st.replid2(),
                    st.secondReplOffset(), st::historyLimit, backlog.active(), backlog.firstOffset(), backlog.endOffset(), s.name());
            if (d.partial()) {
                continuePartial(s, d.from());
                node.stats().syncPartialOk++;
                return;
            }
            LOG.info(d.reason());
            if (d.counts()) node.stats().syncPartialErr++;
        } else {
            s.prePsync = true;
        }
        node.stats().syncFull++;
        s.state = ReplicaState.WAIT_BGSAVE_START;
        s.waitSinceMillis = now();
        register(s);
        startOrAttach(s);
    }

    private void register(ReplicaSession s) {
        checkStream();
        if (replicas.isEmpty()) {
            seenReplid = node.stream().replid();
            expectedNext = node.stream().offset();
        }
        replicas.add(s);
        byClient.put(s.client, s);
        s.attach();
    }

    /** +CONTINUE: the replica resumes from the backlog at from (0-based). */
    private void continuePartial(ReplicaSession s, long from) {
        s.state = ReplicaState.ONLINE;
        s.ackMillis = now();
        s.position = from;
        register(s);
        s.writeNow(s.conf.capaPsync2 ? "+CONTINUE " + node.stream().replid() + "\r\n" : "+CONTINUE\r\n");
        LOG.info("Partial resynchronization request from {} accepted. Sending {} bytes of backlog starting from offset {}.",
                s.name(), backlog.endOffset() - from, from + 1);
        updatePin();
        refreshGoodReplicas();
        s.startStream();
    }

    /** Redis's syncCommand cases: join a disk snapshot being made, reuse a finished one, wait, or start one. */
    private void startOrAttach(ReplicaSession s) {
        ReplicationStream st = node.stream();
        if (resumeTransfer(s)) return;
        boolean socket = config.getBool("repl-diskless-sync") && s.conf.capaEof;
        if (running != null && running.target == FullSync.Target.DISK && running.replid.equals(st.replid())
                && running.offset >= backlog.firstOffset()) {
            join(s, running);
            LOG.info("Waiting for end of BGSAVE for SYNC");
            return;
        }
        if (!socket && lastDisk != null && lastDisk.reusable(st.replid(), backlog.firstOffset())) {
            join(s, lastDisk);
            LOG.info("Reusing the snapshot made {} s ago at offset {} for SYNC with replica {} (the backlog still holds its writes)",
                    (now() - lastDisk.startedMillis) / 1000, lastDisk.offset, s.name());
            s.startBulk(lastDisk.file, lastDisk.fileLength);
            return;
        }
        if (running != null) {
            LOG.info("Current BGSAVE has socket target. Waiting for next BGSAVE for SYNC");
            return;
        }
        if (socket && config.getInt("repl-diskless-sync-delay") > 0) {
            LOG.info("Delay next BGSAVE for diskless SYNC");
            return;
        }
        startFullSync();
    }

    /**
     * A replica whose transfer of the kept snapshot file was cut offers the bytes it holds
     * (REPLCONF rdb-resume): when that file is still valid (same history, the backlog still
     * covers its offset) and its first bytes are the replica's, the transfer goes on from
     * there instead of from zero ({@code $RESUME:<from>:<size>} framing, Meridian replicas only).
     */
    private boolean resumeTransfer(ReplicaSession s) {
        io.meridian.node.repl.RdbResume r = s.conf.resume;
        if (r == null) return false;
        s.conf.resume = null;
        ReplicationStream st = node.stream();
        FullSync fs = lastDisk;
        String refused = null;
        if (fs == null || !fs.reusable(st.replid(), backlog.firstOffset())) {
            refused = "no snapshot file is kept any more (or the backlog no longer covers it)";
        } else if (!fs.replid.equals(r.replid()) || fs.offset != r.offset() || fs.fileLength != r.size()) {
            refused = "the kept snapshot is " + fs.replid + ":" + fs.offset + " (" + fs.fileLength + " bytes), the replica's "
                    + r.replid() + ":" + r.offset() + " (" + r.size() + " bytes)";
        } else {
            try {
                if (!r.matches(fs.file)) refused = "the first bytes the replica holds differ from the kept snapshot's";
            } catch (IOException e) {
                refused = "reading the kept snapshot failed: " + e.getMessage();
            }
        }
        if (refused != null) {
            LOG.info("Replica {} offers to resume a cut transfer at byte {} of {}:{}, not possible: {}", s.name(), r.received(),
                    r.replid(), r.offset(), refused);
            return false;
        }
        join(s, fs);
        node.stats().syncFullResumed++;
        LOG.info("Resuming the transfer of the snapshot at offset {} to replica {} from byte {} of {} ({} bytes the replica already holds)",
                fs.offset, s.name(), r.received(), fs.fileLength, r.received());
        s.startBulk(fs.file, fs.fileLength, r.received());
        return true;
    }

    private void join(ReplicaSession s, FullSync fs) {
        fs.sessions.add(s);
        s.sync = fs;
        s.position = fs.offset;
        s.state = ReplicaState.WAIT_BGSAVE_END;
        if (!s.prePsync) s.writeNow("+FULLRESYNC " + fs.replid + " " + fs.offset + "\r\n");
        updatePin();
    }

    /** Starts one snapshot for every replica waiting for one (startBgsaveForReplication). */
    private void startFullSync() {
        List<ReplicaSession> waiting = new ArrayList<>();
        boolean allEof = true;
        for (ReplicaSession s : replicas) {
            if (s.state == ReplicaState.WAIT_BGSAVE_START && !s.closed()) {
                waiting.add(s);
                allEof &= s.conf.capaEof;
            }
        }
        if (waiting.isEmpty()) return;
        FullSync.Target target = config.getBool("repl-diskless-sync") && allEof ? FullSync.Target.SOCKETS : FullSync.Target.DISK;
        LOG.info("Starting BGSAVE for SYNC with target: {}", target.logName);
        ReplicationStream st = node.stream();
        long offset = st.offset();
        int db = Math.max(0, st.streamDb());
        // the writes after the image start with a SELECT, whatever db the replica's link assumes;
        // a replica relays its master's stream verbatim (no SELECT of its own to send): its image
        // names the db that stream is in, and stays right for the next image
        if (!node.isReplica()) st.forceSelect();
        Path file = target == FullSync.Target.DISK
                ? Path.of(config.getString("dir")).resolve("replica-sync-" + ProcessHandle.current().pid() + "-" + (++syncSeq) + ".rdb")
                : null;
        FullSync fs = new FullSync(target, st.replid(), offset, now(), file);
        for (ReplicaSession s : waiting) join(s, fs);
        List<SnapshotSink> sinks = new ArrayList<>();
        if (target == FullSync.Target.DISK) {
            sinks.add(new FileSink(file));
        } else {
            for (ReplicaSession s : waiting) sinks.add(s.sink());
        }
        running = fs;
        Runtime rt = Runtime.getRuntime();
        Snapshot snap = Snapshot.start(node.keyspace(), fs.replid, offset, db, rt.totalMemory() - rt.freeMemory(),
                RdbWriter.Options.from(config), sinks, node.loop());
        fs.snapshot = snap;
        LOG.info("{} (fork-less snapshot at version {}, {} keys, repl offset {})",
                target == FullSync.Target.DISK ? "Background saving started for SYNC" : "Background RDB transfer started",
                snap.info().version(), snap.info().keys(), offset);
        snap.done().whenComplete((info, error) -> node.execute(() -> fullSyncDone(fs, error)));
    }

    private void fullSyncDone(FullSync fs, Throwable error) {
        if (running == fs) running = null;
        Throwable cause = error instanceof java.util.concurrent.CompletionException && error.getCause() != null ? error.getCause() : error;
        long ms = now() - fs.startedMillis;
        fs.keys = fs.snapshot.keysWritten();
        if (fs.target == FullSync.Target.DISK) {
            if (cause == null && !stopped) {
                try {
                    fs.fileLength = Files.size(fs.file);
                    fs.done = true;
                } catch (IOException e) {
                    cause = e;
                }
            }
            if (cause == null && !stopped) {
                LOG.info("Background saving for SYNC terminated with success ({} keys, {} bytes, {} ms)", fs.keys, fs.fileLength, ms);
                FullSync old = lastDisk;
                lastDisk = fs;
                if (old != null) retire(old);
                for (ReplicaSession s : new ArrayList<>(fs.sessions)) {
                    if (!s.closed() && s.state == ReplicaState.WAIT_BGSAVE_END) s.startBulk(fs.file, fs.fileLength);
                }
            } else {
                fs.failed = true;
                LOG.warn("Background saving for SYNC error: {}", cause == null ? "stopped" : cause.toString());
                for (ReplicaSession s : new ArrayList<>(fs.sessions)) {
                    if (!s.closed() && s.state == ReplicaState.WAIT_BGSAVE_END) drop(s, "SYNC failed. BGSAVE child returned an error");
                }
                deleteQuietly(fs.file);
            }
        } else {
            fs.done = cause == null;
            if (cause == null) {
                LOG.info("Background RDB transfer terminated with success ({} keys, {} bytes, {} ms)", fs.keys, fs.snapshot.bytesWritten(), ms);
            } else {
                LOG.warn("Background RDB transfer error: {}", cause.toString());
            }
            for (ReplicaSession s : new ArrayList<>(fs.sessions)) {
                if (!s.closed() && s.state == ReplicaState.WAIT_BGSAVE_END) drop(s, "the snapshot transfer did not complete");
            }
        }
        startPendingFullSync();
    }

    /** A superseded snapshot file goes once no replica reads it. */
    private void retire(FullSync fs) {
        retired.add(fs);
        collectRetired();
    }

    private void collectRetired() {
        for (var it = retired.iterator(); it.hasNext(); ) {
            FullSync fs = it.next();
            boolean inUse = false;
            for (ReplicaSession s : fs.sessions) inUse |= !s.closed() && s.state == ReplicaState.SEND_BULK && s.sync == fs;
            if (!inUse) {
                deleteQuietly(fs.file);
                it.remove();
            }
        }
    }

    private static void deleteQuietly(Path p) {
        if (p == null) return;
        try {
            Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // a leftover sync file is harmless
        }
    }

    /** The diskless image reached this replica completely. */
    void rdbStreamed(ReplicaSession s) {
        if (s.closed()) return;
        LOG.info("Streamed RDB transfer with replica {} succeeded (socket). Waiting for REPLCONF ACK from slave to enable streaming", s.name());
        if (!putOnline(s)) return;
        // the replica finds the end mark by looking at the last bytes read: nothing may follow until it ACKs
        if (s.prePsync) s.startStream();
        else s.waitingFirstAck = true;
    }

    /** The snapshot file went out completely: the stream follows at once. */
    void bulkSent(ReplicaSession s) {
        if (s.closed()) return;
        if (!putOnline(s)) return;
        s.startStream();
        collectRetired();
    }

    /** Redis's replicaPutOnline; false for an rdb-only replica, which is closed instead. */
    private boolean putOnline(ReplicaSession s) {
        if (s.conf.rdbOnly) {
            LOG.info("RDB transfer completed, rdb only replica ({}) should be disconnected asap", s.name());
            s.closeAfterSent();
            return false;
        }
        s.state = ReplicaState.ONLINE;
        s.ackMillis = now();
        refreshGoodReplicas();
        LOG.info("Synchronization with replica {} succeeded", s.name());
        return true;
    }

    /** Diskless syncs waiting for more replicas start when the delay passed or enough arrived (replicationStartPendingFork). */
    private void startPendingFullSync() {
        if (running != null) return;
        int waiting = 0;
        long maxIdle = 0;
        long now = now();
        for (ReplicaSession s : replicas) {
            if (s.state == ReplicaState.WAIT_BGSAVE_START && !s.closed()) {
                waiting++;
                maxIdle = Math.max(maxIdle, (now - s.waitSinceMillis) / 1000);
            }
        }
        if (waiting == 0) return;
        int max = config.getInt("repl-diskless-sync-max-replicas");
        if (!config.getBool("repl-diskless-sync") || (max > 0 && waiting >= max) || maxIdle >= config.getInt("repl-diskless-sync-delay")) {
            startFullSync();
        }
    }

    // ---- REPLCONF --------------------------------------------------------------------------

    /** The REPLCONF settings of c (its replica session's, or kept until its SYNC). */
    ReplicaConf conf(Client c) {
        ReplicaSession s = byClient.get(c);
        if (s != null) return s.conf;
        ReplicaConf conf = handshakes.get(c);
        if (conf == null) {
            conf = new ReplicaConf();
            handshakes.put(c, conf);
            if (c.channel() != null) c.channel().closeFuture().addListener(f -> node.execute(() -> handshakes.remove(c)));
        }
        return conf;
    }

    public void setListeningPort(Client c, long port) {
        conf(c).listeningPort = port;
    }

    public void setAnnouncedIp(Client c, String ip) {
        conf(c).announcedIp = ip;
    }

    public void setCapa(Client c, String capa) {
        if (capa.equalsIgnoreCase("eof")) conf(c).capaEof = true;
        else if (capa.equalsIgnoreCase("psync2")) conf(c).capaPsync2 = true;
    }

    public void setRdbOnly(Client c, boolean on) {
        conf(c).rdbOnly = on;
    }

    /** REPLCONF rdb-resume token (Meridian): false when the token is malformed. */
    public boolean setResume(Client c, String token) {
        io.meridian.node.repl.RdbResume r = io.meridian.node.repl.RdbResume.parse(token);
        if (r == null) return false;
        conf(c).resume = r;
        return true;
    }

    /** REPLCONF ACK offset [FACK aofoffset] from a replica (ignored from anyone else). */
    public void ack(Client c, long offset, long fack) {
        ReplicaSession s = byClient.get(c);
        if (s == null) return;
        if (offset > s.ackOffset) s.ackOffset = offset;
        if (fack > s.aofOffset) s.aofOffset = fack;
        s.ackMillis = now();
        if (s.waitingFirstAck && s.state == ReplicaState.ONLINE) {
            s.waitingFirstAck = false;
            s.startStream();
        }
        waits.check();
    }

    /** The session of a replica connection, or null. */
    public ReplicaSession session(Client c) {
        return byClient.get(c);
    }

    // ---- WAIT / WAITAOF ------------------------------------------------------------------------

    /** WAIT numreplicas timeout (the client's own last write's offset). */
    public void waitFor(Client c, long numReplicas, long timeoutMs) {
        waits.waitReplicas(c, c.woff, numReplicas, timeoutMs);
    }

    /** WAITAOF numlocal numreplicas timeout. */
    public void waitAof(Client c, long numLocal, long numReplicas, long timeoutMs) {
        waits.waitAof(c, c.woff, numLocal, numReplicas, timeoutMs);
    }

    /** ONLINE replicas that acknowledged offset (replicationCountAcksByOffset). */
    long acked(long offset) {
        long n = 0;
        for (ReplicaSession s : replicas) if (s.state == ReplicaState.ONLINE && s.ackOffset >= offset) n++;
        return n;
    }

    /** ONLINE replicas that fsynced offset (REPLCONF ACK ... FACK). */
    long aofAcked(long offset) {
        long n = 0;
        for (ReplicaSession s : replicas) if (s.state == ReplicaState.ONLINE && s.aofOffset >= offset) n++;
        return n;
    }

    /** 1 when the local replication log is fsynced up to offset, else 0. */
    long localFsynced(long offset) {
        WriteAheadLog w = node.wal();
        return w != null && w.durableOffset() >= offset ? 1 : 0;
    }

    /** A client blocked in WAIT: ask replicas for an ACK at the end of this turn (beforeSleep). */
    void requestAcks() {
        if (ackRequested) return;
        ackRequested = true;
        node.loop().execute(() -> {
            if (!ackRequested) return;
            if (node.isPaused()) {
                node.loop().schedule(() -> {
                    ackRequested = false;
                    requestAcks();
                }, 100, TimeUnit.MILLISECONDS);
                return;
            }
            ackRequested = false;
            sendGetAck();
            node.server().flushAll();
        });
    }

    private void sendGetAck() {
        if (!node.propagates() || replicas.isEmpty()) return;
        node.stream().append(GETACK);
    }

    // ---- min-replicas-to-write -------------------------------------------------------------------

    /** NOREPLICAS while fewer good replicas than min-replicas-to-write are attached (checkGoodReplicasStatus). */
    private String writeRefusal() {
        if (node.isReplica()) return null;
        int min = config.getInt("min-replicas-to-write");
        if (min == 0 || config.getInt("min-replicas-max-lag") == 0) return null;
        return goodReplicas >= min ? null : NOREPLICAS;
    }

    /** refreshGoodSlavesCount: ONLINE replicas whose last ACK is recent enough (and, if set, close enough in bytes). */
    private void refreshGoodReplicas() {
        long maxLag = config.getLong("min-replicas-max-lag");
        long maxBytes = config.getLong("min-replicas-max-lag-bytes");
        long now = now();
        long end = node.stream().offset();
        int good = 0;
        for (ReplicaSession s : replicas) {
            if (s.state != ReplicaState.ONLINE) continue;
            long lag = now / 1000 - s.ackMillis / 1000;
            if (lag <= maxLag && (maxBytes == 0 || end - s.ackOffset <= maxBytes)) good++;
        }
        goodReplicas = good;
    }

    // ---- the live stream --------------------------------------------------------------------------

    @Override
    public boolean wantsBytes() {
        return !replicas.isEmpty(); // register() re-aligns expectedNext when the first replica comes
    }

    @Override
    public void onAppend(long start, byte[] data) {
        if (replicas.isEmpty()) {
            expectedNext = start + data.length;
            seenReplid = node.stream().replid();
            return;
        }
        if (start != expectedNext || !node.stream().replid().equals(seenReplid)) {
            expectedNext = start + data.length;
            seenReplid = node.stream().replid();
            disconnectReplicas("the replication stream changed (offset " + start + ", replid " + seenReplid + ")");
            return;
        }
        expectedNext = start + data.length;
        if (liveCount > 0) {
            if (pending == null) {
                // one direct copy per turn, shared by every live replica's socket
                pending = io.netty.buffer.PooledByteBufAllocator.DEFAULT.directBuffer(Math.max(4096, data.length));
                pendingStart = start;
            }
            pending.writeBytes(data);
        }
        if (!flushScheduled) {
            flushScheduled = true;
            node.loop().execute(this::flushLive);
        }
    }

    /** End of a turn: every live replica gets the turn's bytes in one write; catching-up ones read on. */
    private void flushLive() {
        flushScheduled = false;
        for (ReplicaSession s : new ArrayList<>(replicas)) if (s.streaming && !s.live && !s.closed()) s.pump();
        ByteBuf chunk = pending;
        pending = null;
        if (chunk == null) return;
        WriteAheadLog wal = node.wal();
        if (wal != null) wal.writeTurn(); // the log has it before any replica does
        try {
            for (ReplicaSession s : new ArrayList<>(replicas)) if (s.live) s.feedLive(chunk, pendingStart);
            for (ReplicaSession s : new ArrayList<>(replicas)) {
                if (!s.live) continue;
                s.flush();
                checkLimits(s);
            }
        } finally {
            chunk.release();
        }
    }

    /**
     * The stream got a new identity (promotion: new replid) or jumped without appending (a
     * replica's full sync from its master): replicas must PSYNC again to learn it.
     */
    private void checkStream() {
        if (replicas.isEmpty()) return;
        ReplicationStream st = node.stream();
        if (!st.replid().equals(seenReplid)) {
            seenReplid = st.replid();
            expectedNext = st.offset();
            disconnectReplicas("the replication ID changed to " + seenReplid);
        } else if (pending == null && expectedNext != st.offset()) {
            expectedNext = st.offset();
            disconnectReplicas("the replication stream restarted at offset " + expectedNext);
        }
    }

    /** A catching-up replica reached the end of the stream: fed live from now on. */
    void wentLive(ReplicaSession s) {
        liveCount++;
        updatePin();
    }

    // ---- limits, heartbeats, timeouts ------------------------------------------------------------

    /**
     * client-output-buffer-limit replica: a live replica owes what its socket has not taken;
     * with the in-memory backlog, a replica that reads it owes what it keeps there. Past the
     * hard limit, or the soft one for longer than its seconds, the replica is dropped (it
     * comes back with a partial resync). Replicas reading the persisted log owe nothing.
     */
    private void checkLimits(ReplicaSession s) {
        if (s.closed()) return;
        long owed;
        if (s.live) owed = s.socketBacklog();
        else if (backlog instanceof RingBacklog && s.position >= 0) owed = Math.max(0, backlog.endOffset() - s.position);
        else return;
        long[] limit = config.outputBufferLimit("slave");
        boolean hard = limit[0] > 0 && owed >= limit[0];
        boolean soft = limit[1] > 0 && owed >= limit[1];
        long now = now();
        if (soft) {
            if (s.softLimitSince == 0) {
                s.softLimitSince = now;
                soft = false;
            } else if (now / 1000 - s.softLimitSince / 1000 <= limit[2]) {
                soft = false;
            }
        } else {
            s.softLimitSince = 0;
        }
        if (hard || soft) {
            LOG.warn("Client {} scheduled to be closed ASAP for overcoming of output buffer limits.", clientInfo(s.client));
            drop(s, null);
        }
    }

    private void cron() {
        if (stopped) return;
        long now = now();
        checkStream();
        startPendingFullSync();
        for (ReplicaSession s : new ArrayList<>(replicas)) {
            checkLimits(s);
            if (s.streaming && !s.live && !s.closed()) s.schedulePump(); // a backlog that lagged the stream
        }
        refreshGoodReplicas();
        updatePin();
        if (waits.anyAof()) waits.check();
        if (now - lastSecondMillis >= 1000) {
            lastSecondMillis = now;
            everySecond(now);
        }
    }

    /** replicationCron: PING, keep-alive newlines, timeouts. */
    private void everySecond(long now) {
        long period = config.getLong("repl-ping-replica-period") * 1000;
        if (now - lastPingMillis >= period) {
            lastPingMillis = now;
            // a replica relays its master's pings and adds none (its offsets are its master's)
            boolean anyOnline = false;
            for (ReplicaSession s : replicas) anyOnline |= s.state == ReplicaState.ONLINE;
            if (anyOnline && node.propagates() && !Failover.of(node).pingsSuspended()) node.stream().append(PING);
        }
        long timeout = config.getLong("repl-timeout") * 1000;
        for (ReplicaSession s : new ArrayList<>(replicas)) {
            if (s.closed()) continue;
            boolean presync = s.state == ReplicaState.WAIT_BGSAVE_START
                    || (s.state == ReplicaState.WAIT_BGSAVE_END && s.sync != null && s.sync.target == FullSync.Target.DISK);
            if (presync) s.writeNow("\n");
            if (s.state == ReplicaState.ONLINE && !s.prePsync && now - s.ackMillis > timeout) {
                LOG.warn("Disconnecting timedout replica (streaming sync): {}", s.name());
                drop(s, null);
                continue;
            }
            boolean transferring = s.state == ReplicaState.SEND_BULK
                    || (s.state == ReplicaState.WAIT_BGSAVE_END && s.sync != null && s.sync.target == FullSync.Target.SOCKETS);
            if (transferring && now - s.progressMillis > timeout) {
                LOG.warn("Disconnecting timedout replica (full sync): {}", s.name());
                drop(s, null);
            }
        }
        FullSync fs = running;
        if (fs != null && fs.snapshot != null && now - lastProgressLogMillis >= 5000 && now - fs.startedMillis >= 5000) {
            lastProgressLogMillis = now;
            long total = Math.max(1, fs.snapshot.info().keys());
            LOG.info("Full sync for {} replica(s) at offset {}: {}% ({} of {} keys, {} bytes, target {})", fs.sessions.size(), fs.offset,
                    Math.min(100, fs.snapshot.keysWritten() * 100 / total), fs.snapshot.keysWritten(), fs.snapshot.info().keys(),
                    fs.snapshot.bytesWritten(), fs.target.logName);
        }
        if (lastDisk != null && !lastDisk.reusable(node.stream().replid(), backlog.firstOffset())) {
            retire(lastDisk);
            lastDisk = null;
        }
    }

    /** What the backlog must keep: the oldest offset a replica still has to read from it. */
    private void updatePin() {
        long min = Long.MAX_VALUE;
        for (ReplicaSession s : replicas) {
            if (!s.closed() && !s.live && s.position >= 0) min = Math.min(min, s.position);
        }
        backlog.retainFrom(min);
    }

    // ---- ends -----------------------------------------------------------------------------------

    /** Closes a replica's connection; reason (when given) is logged. */
    void drop(ReplicaSession s, String reason) {
        if (s.closed()) return;
        if (reason != null) LOG.warn("Dropping replica {}: {}", s.name(), reason);
        s.close();
        lost(s);
    }

    /** The connection of a replica closed (freeClient of a slave). */
    void lost(ReplicaSession s) {
        if (!byClient.remove(s.client, s)) return;
        replicas.remove(s);
        if (s.live) liveCount--;
        s.close();
        LOG.info("Connection with replica {} lost.", s.name());
        if (s.sync != null) s.sync.sessions.remove(s);
        collectRetired();
        updatePin();
        refreshGoodReplicas();
        waits.check();
    }

    /** A replica's link produced a reply: a rogue replica, dropped as Redis does. */
    public void replicaReplied(Client c) {
        String cmd = c.lastCommand == null || c.lastCommand.equals("NULL") ? "<unknown>" : c.lastCommand;
        LOG.warn("Replica generated a reply to command '{}', disconnecting it: {}", cmd, clientInfo(c));
        ReplicaSession s = byClient.get(c);
        if (s != null) drop(s, null);
        else c.close();
    }

    /** Disconnects every replica (the stream's identity changed: they must PSYNC again). */
    public void disconnectReplicas(String why) {
        if (replicas.isEmpty()) return;
        LOG.info("Disconnecting {} replica(s): {}", replicas.size(), why);
        for (ReplicaSession s : new ArrayList<>(replicas)) drop(s, null);
    }

    static String clientInfo(Client c) {
        return "id=" + c.id + " addr=" + c.remoteAddress() + " laddr=" + c.localAddress() + " name="
                + (c.name == null ? "" : new String(c.name, StandardCharsets.ISO_8859_1)) + " flags=" + (c.kind == 'S' ? "S" : "N")
                + " cmd=" + c.lastCommand;
    }

    private void stop() {
        Runnable r = () -> {
            stopped = true;
            for (ReplicaSession s : new ArrayList<>(replicas)) drop(s, null);
            if (running != null && running.snapshot != null) running.snapshot.abort(new IOException("shutdown"));
            if (lastDisk != null) deleteQuietly(lastDisk.file);
            for (FullSync fs : retired) deleteQuietly(fs.file);
            if (pending != null) {
                pending.release();
                pending = null;
            }
        };
        try {
            if (node.loop().inEventLoop()) r.run();
            else if (!node.loop().isShuttingDown()) node.loop().submit(r).get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.debug("Stopping replication: {}", e.toString());
        }
    }
}
