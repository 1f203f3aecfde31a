package io.meridian.node.repl.master;

import io.meridian.node.Node;
import io.meridian.node.config.Config;
import io.meridian.node.persist.LogReader;
import io.meridian.node.persist.WriteAheadLog;
import io.meridian.node.rdb.RdbWriter;
import io.meridian.node.repl.ReplicationStream;
import io.meridian.node.server.Client;
import io.meridian.node.snapshot.Snapshot;
import io.meridian.node.snapshot.SnapshotSink;
import io.meridian.node.util.Bytes;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The master side of Redis replication for one node: PSYNC decisions, full syncs from a
 * fork-less snapshot, the stream to every replica, ACKs, WAIT, min-replicas and the master's
 * INFO fields. Runs on the command thread.
 *
 * <p>Replicas never get a per-replica memory buffer of the stream: a replica that is behind
 * (sending its RDB, or slower than the writes) is fed from the backlog, which is the persisted
 * replication log when it is on. So a busy master never drops a syncing replica for an
 * output-buffer overrun and never loops on full syncs; only a replica that falls behind what
 * the backlog still holds must sync again.
 */
public final class MasterReplication implements ReplicationStream.Listener {
    private static final Logger LOG = LoggerFactory.getLogger("meridian");
    /** Bytes read from the backlog per pump of a lagging replica. */
    private static final int PUMP_CHUNK = 64 * 1024;

    private final Node node;
    private final Config config;
    private final List<ReplicaSession> sessions = new ArrayList<>();
    private final List<Waiter> waiters = new ArrayList<>();
    private MemoryBacklog memoryBacklog;
    private boolean getAckPending;
    private long lastPing;

    public MasterReplication(Node node) {
        this.node = node;
        this.config = node.config();
        node.stream().addListener(this);
        node.addCron(this::cron);
        node.setWriteGuard(this::minReplicasRefusal);
    }

    public List<ReplicaSession> sessions() {
        return sessions;
    }

    // ---- PSYNC / SYNC ---------------------------------------------------------------------

    /** PSYNC replid offset (offset = the replica's processed offset + 1), or SYNC when replid is null. */
    public void psync(Client c, String replid, long psyncOffset, boolean legacySync) {
        if (node.isReplica() && !node.masterLinkUp()) {
            c.error("NOMASTERLINK Can't SYNC while not connected with my master");
            return;
        }
        ReplicaSession s = session(c);
        c.kind = 'S';
        ReplicationStream stream = node.stream();
        if (!legacySync && replid != null && !replid.equals("?")) {
            if (tryContinue(c, s, replid, psyncOffset)) return;
            node.stats().syncPartialErr++;
        }
        fullSync(c, s, legacySync);
    }

    private boolean tryContinue(Client c, ReplicaSession s, String replid, long psyncOffset) {
        ReplicationStream stream = node.stream();
        boolean idOk = replid.equals(stream.replid())
                || (replid.equals(stream.replid2()) && psyncOffset <= stream.secondReplOffset());
        long from = psyncOffset - 1; // 0-based stream position of the first byte it needs
        Backlog b = backlog();
        if (!idOk) {
            LOG.info("Partial resynchronization not accepted: Replication ID mismatch (Replica asked for '{}', my replication IDs are '{}' and '{}')",
                    replid, stream.replid(), stream.replid2());
            return false;
        }
        if (b == null || from < b.firstOffset() || from > stream.offset()) {
            LOG.info("Unable to partial resync with replica {} for lack of backlog (Replica request was: {}).", s.name(), psyncOffset);
            return false;
        }
        writeLine(c, "+CONTINUE " + stream.replid());
        s.state = ReplicaState.ONLINE;
        s.sentOffset = from;
        s.ackOffset = from;
        s.ackMillis = node.clock().millis();
        node.stats().syncPartialOk++;
        LOG.info("Partial resynchronization request from {} accepted. Sending {} bytes of backlog starting from offset {}.",
                s.name(), stream.offset() - from, psyncOffset);
        pump(s);
        return true;
    }

    private void fullSync(Client c, ReplicaSession s, boolean legacySync) {
        ReplicationStream stream = node.stream();
        node.stats().syncFull++;
        ensureBacklog();
        stream.forceSelect(); // the replica loads the RDB in db 0: the next write names its db
        long offset = stream.offset();
        boolean diskless = !legacySync && s.capaEof && config.getBool("repl-diskless-sync");
        if (!legacySync) writeLine(c, "+FULLRESYNC " + stream.replid() + " " + offset);
        s.state = ReplicaState.WAIT_BGSAVE_END;
        s.syncOffset = offset;
        LOG.info("Replica {} asks for synchronization", s.name());
        LOG.info("Starting BGSAVE for SYNC with target: {}", diskless ? "replicas sockets" : "disk");
        SnapshotSink sink = diskless ? new EofSocketSink(s) : new LengthSocketSink(s);
        Snapshot snap = Snapshot.start(node.keyspace(), stream.replid(), offset, Math.max(0, stream.streamDb()), 0,
                RdbWriter.Options.from(config), List.of(sink), node.loop());
        s.snapshot = snap;
        snap.done().whenComplete((info, error) -> node.execute(() -> {
            if (error != null) {
                LOG.warn("Full sync to replica {} failed: {}", s.name(), error.getMessage());
                drop(s, "full sync failed");
                return;
            }
            s.snapshot = null;
            s.sentOffset = offset;
            s.ackMillis = node.clock().millis();
            if (diskless) {
                // with $EOF framing the replica finds the end by the mark being the last bytes it
                // read: stream bytes right behind it would hide it. As Redis does, the stream
                // starts when the replica's first ACK says it has loaded the RDB.
                s.awaitingFirstAck = true;
                LOG.info("Streamed RDB transfer with replica {} succeeded (socket). Waiting for REPLCONF ACK from replica to enable streaming", s.name());
                return;
            }
            s.state = ReplicaState.ONLINE;
            LOG.info("Synchronization with replica {} succeeded", s.name());
            pump(s);
        }));
    }

    /**
     * The PSYNC answer goes straight to the socket, ahead of the RDB or stream written there:
     * client replies may be held back by the reply gate (appendfsync) and must not be
     * overtaken. The replica's handshake waits for each earlier reply, so nothing is pending.
     */
    private static void writeLine(Client c, String line) {
        c.flush();
        Channel ch = c.channel();
        if (ch != null) ch.writeAndFlush(Unpooled.wrappedBuffer((line + "\r\n").getBytes(StandardCharsets.US_ASCII)));
    }

    // ---- the stream to replicas -----------------------------------------------------------

    @Override
    public void onAppend(long start, byte[] data) {
        if (sessions.isEmpty()) return;
        for (ReplicaSession s : sessions) {
            if (s.state != ReplicaState.ONLINE) continue;
            Channel ch = s.client.channel();
            if (ch == null) continue;
            if (s.sentOffset == start && ch.isWritable()) {
                ch.write(Unpooled.wrappedBuffer(data), ch.voidPromise());
                s.sentOffset = start + data.length;
                s.needsFlush = true;
            }
            // else: behind or its socket is full: the cron pumps it from the backlog
        }
        flushSoon();
    }

    private boolean flushScheduled;

    private void flushSoon() {
        if (flushScheduled) return;
        flushScheduled = true;
        node.execute(() -> {
            flushScheduled = false;
            for (ReplicaSession s : sessions) {
                if (s.needsFlush && s.client.channel() != null) {
                    s.needsFlush = false;
                    s.client.channel().flush();
                }
            }
            if (getAckPending) sendGetAck();
        });
    }

    /** Sends a lagging replica what it misses, from the backlog, while its socket takes it. */
    private void pump(ReplicaSession s) {
        if (s.state != ReplicaState.ONLINE) return;
        Channel ch = s.client.channel();
        if (ch == null || !ch.isActive()) return;
        long end = node.stream().offset();
        if (s.sentOffset >= end) return;
        Backlog b = backlog();
        if (b == null || s.sentOffset < b.firstOffset()) {
            LOG.warn("Replica {} is behind what the backlog holds (needs offset {}, backlog starts at {}): dropping it, it will sync again",
                    s.name(), s.sentOffset, b == null ? -1 : b.firstOffset());
            drop(s, "behind the backlog");
            return;
        }
        byte[] buf = new byte[PUMP_CHUNK];
        int rounds = 0;
        while (s.sentOffset < end && ch.isWritable() && rounds++ < 64) {
            int n = b.read(s.sentOffset, buf);
            if (n <= 0) break;
            ch.write(Unpooled.wrappedBuffer(java.util.Arrays.copyOf(buf, n)), ch.voidPromise());
            s.sentOffset += n;
        }
        ch.flush();
    }

    /** The backlog replicas catch up from: the persisted log, else the in-memory ring. */
    public Backlog backlog() {
        WriteAheadLog wal = node.wal();
        if (wal != null) return new WalBacklog(wal, node.stream());
        return memoryBacklog;
    }

    private void ensureBacklog() {
        if (node.wal() == null && memoryBacklog == null) {
            memoryBacklog = new MemoryBacklog((int) Math.min(Integer.MAX_VALUE - 64, config.getLong("repl-backlog-size")), node.stream().offset());
            node.stream().addListener(memoryBacklog);
        }
    }

    public boolean backlogActive() {
        return node.wal() != null || memoryBacklog != null;
    }

    public long backlogSize() {
        return memoryBacklog != null ? memoryBacklog.size() : config.getLong("repl-backlog-size");
    }

    // ---- ACKs, WAIT, min-replicas -----------------------------------------------------------

    public void ack(Client c, long offset) {
        ReplicaSession s = find(c);
        if (s == null) return;
        if (offset > s.ackOffset) s.ackOffset = offset;
        s.ackMillis = node.clock().millis();
        s.sawAck = true;
        if (s.awaitingFirstAck) {
            s.awaitingFirstAck = false;
            s.state = ReplicaState.ONLINE;
            LOG.info("Synchronization with replica {} succeeded", s.name());
            pump(s);
        }
        if (!waiters.isEmpty()) serveWaiters();
    }

    /** WAIT numreplicas timeout: replies now or when enough replicas acknowledged the client's writes. */
    public void waitFor(Client c, long numReplicas, long timeoutMillis) {
        long target = node.stream().offset();
        int acked = countAcked(target);
        if (acked >= numReplicas || node.isReplica()) {
            c.integer(acked);
            return;
        }
        Waiter w = new Waiter(c, target, numReplicas);
        waiters.add(w);
        c.postponed = true; // its next commands wait behind WAIT, as Redis's BLOCKED_WAIT
        getAckPending = true;
        flushSoon();
        if (timeoutMillis > 0 && c.channel() != null) {
            w.timer = node.loop().schedule(() -> {
                if (waiters.remove(w)) finish(w);
            }, timeoutMillis, TimeUnit.MILLISECONDS);
        }
    }

    private void serveWaiters() {
        for (Iterator<Waiter> it = waiters.iterator(); it.hasNext(); ) {
            Waiter w = it.next();
            if (countAcked(w.offset) >= w.numReplicas) {
                it.remove();
                finish(w);
            }
        }
    }

    private void finish(Waiter w) {
        if (w.timer != null) w.timer.cancel(false);
        w.client.integer(countAcked(w.offset));
        w.client.flush();
        node.dispatcher().resume(w.client);
    }

    public int countOnlineAcked(long offset) {
        return countAcked(offset);
    }

    private int countAcked(long offset) {
        int n = 0;
        for (ReplicaSession s : sessions) if (s.state == ReplicaState.ONLINE && s.ackOffset >= offset) n++;
        return n;
    }

    private void sendGetAck() {
        getAckPending = false;
        if (sessions.isEmpty()) return;
        node.stream().feed(node.stream().streamDb() < 0 ? 0 : node.stream().streamDb(),
                new byte[][]{Bytes.utf8("REPLCONF"), Bytes.utf8("GETACK"), Bytes.utf8("*")});
    }

    /** min-replicas-to-write / min-replicas-max-lag: Redis's NOREPLICAS refusal, or null. */
    private String minReplicasRefusal() {
        long min = config.getLong("min-replicas-to-write");
        if (min <= 0 || node.isReplica()) return null;
        long maxLag = config.getLong("min-replicas-max-lag");
        long now = node.clock().millis();
        int good = 0;
        for (ReplicaSession s : sessions) {
            if (s.state == ReplicaState.ONLINE && (now - s.ackMillis) / 1000 <= maxLag) good++;
        }
        return good >= min ? null : "NOREPLICAS Not enough good replicas to write.";
    }

    public int goodReplicas() {
        long maxLag = config.getLong("min-replicas-max-lag");
        long now = node.clock().millis();
        int good = 0;
        for (ReplicaSession s : sessions) if (s.state == ReplicaState.ONLINE && (now - s.ackMillis) / 1000 <= maxLag) good++;
        return good;
    }

    // ---- housekeeping -----------------------------------------------------------------------

    private void cron() {
        if (sessions.isEmpty()) return;
        long now = node.clock().millis();
        long timeout = config.getLong("repl-timeout") * 1000;
        for (ReplicaSession s : new ArrayList<>(sessions)) {
            if (s.client.channel() == null || !s.client.channel().isActive()) {
                forget(s.client);
                continue;
            }
            if (s.state == ReplicaState.ONLINE) {
                if (now - s.ackMillis > timeout && s.sawAck) {
                    LOG.warn("Disconnecting timedout replica (streaming sync): {}", s.name());
                    drop(s, "timeout");
                    continue;
                }
                pump(s);
            }
        }
        long period = config.getLong("repl-ping-replica-period") * 1000;
        // as replicationCron: a master with replicas pings them through the stream; a replica
        // relays its master's pings and adds none of its own (its offsets are its master's);
        // no PING while a FAILOVER with a timeout waits for the replicas' offsets to match
        boolean anyOnline = sessions.stream().anyMatch(x -> x.state == ReplicaState.ONLINE);
        if (!node.isReplica() && anyOnline && now - lastPing >= period
                && !io.meridian.node.repl.replica.Failover.of(node).pingsSuspended()) {
            lastPing = now;
            node.stream().feed(node.stream().streamDb() < 0 ? 0 : node.stream().streamDb(), new byte[][]{Bytes.utf8("PING")});
        }
    }

    private void drop(ReplicaSession s, String why) {
        if (s.snapshot != null) s.snapshot.abort(new IOException(why));
        sessions.remove(s);
        if (s.client.channel() != null) s.client.channel().close();
    }

    /** A replica's connection closed. */
    public void forget(Client c) {
        ReplicaSession s = find(c);
        if (s == null) return;
        sessions.remove(s);
        if (s.snapshot != null) s.snapshot.abort(new IOException("replica disconnected"));
        if (s.state == ReplicaState.ONLINE) LOG.info("Connection with replica {} lost.", s.name());
        waiters.removeIf(w -> w.client == c);
    }

    public ReplicaSession find(Client c) {
        for (ReplicaSession s : sessions) if (s.client == c) return s;
        return null;
    }

    /** The session of c, created on its first REPLCONF or PSYNC (state null until it asks for a sync). */
    public ReplicaSession session(Client c) {
        ReplicaSession s = find(c);
        if (s == null) {
            s = new ReplicaSession(c);
            sessions.add(s);
        }
        return s;
    }

    /** The last connected-replica lines for INFO replication: slaveN:ip=,port=,state=,offset=,lag=. */
    public List<String> infoLines() {
        List<String> out = new ArrayList<>();
        long now = node.clock().millis();
        int i = 0;
        for (ReplicaSession s : sessions) {
            if (s.state == null) continue;
            out.add("slave" + (i++) + ":ip=" + s.ip() + ",port=" + s.listeningPort + ",state=" + s.state.infoName()
                    + ",offset=" + s.ackOffset + ",lag=" + (now - s.ackMillis) / 1000);
        }
        return out;
    }

    // ---- RDB transfer ---------------------------------------------------------------------

    /** Diskless: $EOF:<40 random chars>\r\n, the RDB, the same 40 chars (to replicas with capa eof). */
    private final class EofSocketSink implements SnapshotSink {
        private final ReplicaSession s;
        private final byte[] mark = randomMark();
        private Feedback f;

        EofSocketSink(ReplicaSession s) {
            this.s = s;
        }

        @Override
        public void attach(Feedback feedback) {
            f = feedback;
            s.state = ReplicaState.SEND_BULK;
            Channel ch = s.client.channel();
            if (ch == null) {
                f.failed(new IOException("replica gone"));
                return;
            }
            ch.writeAndFlush(Unpooled.wrappedBuffer(("$EOF:" + new String(mark, StandardCharsets.US_ASCII) + "\r\n").getBytes(StandardCharsets.US_ASCII)));
        }

        @Override
        public void chunk(byte[] bytes) {
            Channel ch = s.client.channel();
            if (ch == null || !ch.isActive()) {
                f.failed(new IOException("replica connection closed"));
                return;
            }
            ch.writeAndFlush(Unpooled.wrappedBuffer(bytes)).addListener((ChannelFutureListener) fut -> {
                if (fut.isSuccess()) f.consumed(bytes.length);
                else f.failed(fut.cause());
            });
        }

        @Override
        public void end(Throwable error) {
            Channel ch = s.client.channel();
            if (error != null || ch == null) {
                if (ch != null) ch.close();
                return;
            }
            ch.writeAndFlush(Unpooled.wrappedBuffer(mark)).addListener((ChannelFutureListener) fut -> {
                if (fut.isSuccess()) f.finished();
                else f.failed(fut.cause());
            });
        }
    }

    /**
     * Disk-backed framing ($<len>\r\n then the RDB, no trailing CRLF): the length comes first,
     * so the image is written to a temp file in dir, then sent from it.
     */
    private final class LengthSocketSink implements SnapshotSink {
        private final ReplicaSession s;
        private final java.nio.file.Path file;
        private java.io.OutputStream out;
        private long size;
        private Feedback f;

        LengthSocketSink(ReplicaSession s) {
            this.s = s;
            this.file = java.nio.file.Path.of(config.getString("dir")).resolve("temp-sync-" + s.client.id + "-" + System.nanoTime() + ".rdb");
        }

        @Override
        public void attach(Feedback feedback) {
            f = feedback;
            try {
                out = new java.io.BufferedOutputStream(java.nio.file.Files.newOutputStream(file), 1 << 16);
            } catch (IOException e) {
                f.failed(e);
            }
        }

        @Override
        public void chunk(byte[] bytes) {
            try {
                out.write(bytes);
                size += bytes.length;
                f.consumed(bytes.length);
            } catch (IOException e) {
                f.failed(e);
            }
        }

        @Override
        public void end(Throwable error) {
            try {
                out.close();
                if (error != null) {
                    java.nio.file.Files.deleteIfExists(file);
                    return;
                }
            } catch (IOException e) {
                f.failed(e);
                return;
            }
            Channel ch = s.client.channel();
            if (ch == null || !ch.isActive()) {
                f.failed(new IOException("replica connection closed"));
                return;
            }
            s.state = ReplicaState.SEND_BULK;
            try {
                java.nio.channels.FileChannel fc = java.nio.channels.FileChannel.open(file, java.nio.file.StandardOpenOption.READ);
                ch.write(Unpooled.wrappedBuffer(("$" + size + "\r\n").getBytes(StandardCharsets.US_ASCII)));
                ch.writeAndFlush(new io.netty.channel.DefaultFileRegion(fc, 0, size)).addListener((ChannelFutureListener) fut -> {
                    try {
                        java.nio.file.Files.deleteIfExists(file);
                    } catch (IOException ignored) {
                        // a temp file in dir; harmless
                    }
                    if (fut.isSuccess()) f.finished();
                    else f.failed(fut.cause());
                });
            } catch (IOException e) {
                f.failed(e);
            }
        }
    }

    private static byte[] randomMark() {
        byte[] b = new byte[20];
        new SecureRandom().nextBytes(b);
        StringBuilder sb = new StringBuilder(40);
        for (byte x : b) sb.append(String.format("%02x", x));
        return sb.toString().getBytes(StandardCharsets.US_ASCII);
    }

    /** The persisted log as the backlog. */
    private static final class WalBacklog implements Backlog {
        private final WriteAheadLog wal;
        private final ReplicationStream stream;

        WalBacklog(WriteAheadLog wal, ReplicationStream stream) {
            this.wal = wal;
            this.stream = stream;
        }

        @Override
        public long firstOffset() {
            return wal.firstOffset();
        }

        @Override
        public long endOffset() {
            return stream.offset();
        }

        @Override
        public int read(long from, byte[] buf) {
            try (LogReader r = wal.read(from)) {
                int n = 0;
                while (n < buf.length) {
                    int k = r.read(buf, n, buf.length - n);
                    if (k <= 0) break;
                    n += k;
                }
                return n;
            } catch (RuntimeException e) {
                LOG.warn("Reading the replication log at {} for a replica failed: {}", from, e.getMessage());
                return 0;
            }
        }
    }

    private static final class Waiter {
        final Client client;
        final long offset;
        final long numReplicas;
        io.netty.util.concurrent.ScheduledFuture<?> timer;

        Waiter(Client client, long offset, long numReplicas) {
            this.client = client;
            this.offset = offset;
            this.numReplicas = numReplicas;
        }
    }
}
