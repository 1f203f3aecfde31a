package io.meridian.node.repl.master;

import io.meridian.node.server.Client;
import io.meridian.node.snapshot.SnapshotSink;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.WriteBufferWaterMark;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.StandardOpenOption;

/**
 * One replica connected to this node (Redis's client with CLIENT_SLAVE): its state, what it
 * acknowledged, and the pump that feeds it. The stream reaches it in one of two ways:
 * <ul>
 *   <li><b>catching up</b>: read back from the {@link Backlog} from {@link #position}, paced
 *       by the socket (only what the socket buffer holds is in memory), after a partial
 *       resync or a full sync;</li>
 *   <li><b>live</b>: once caught up, each turn's new bytes as the stream produces them; what
 *       a live replica owes in memory is bounded by client-output-buffer-limit replica.</li>
 * </ul>
 * Runs on the command thread (the connection's event loop is the command loop).
 */
public final class ReplicaSession {
    /** Backlog bytes read per slice. */
    private static final int SLICE = 256 * 1024;
    /** Snapshot file bytes read per write. */
    private static final int FILE_CHUNK = 256 * 1024;
    /** The socket buffer a catching-up replica may fill before the pump waits for it to drain. */
    /** A caught-up replica goes live only with at most this much unsent in its socket buffer. */
    private static final long LIVE_ENTRY = 64 * 1024;
    private static final WriteBufferWaterMark MARKS = new WriteBufferWaterMark(1 << 20, 4 << 20);

    final ReplicationMaster master;
    final Client client;
    final Channel channel;
    final ReplicaConf conf;
    ReplicaState state;
    /** Came with SYNC (no PSYNC): no +FULLRESYNC line, never ACKs (Redis's CLIENT_PRE_PSYNC). */
    boolean prePsync;
    /** The next stream offset to send (0-based), -1 before a snapshot gave it one. */
    long position = -1;
    /** May receive the stream now (ONLINE, and after a diskless sync its first ACK came). */
    boolean streaming;
    /** Caught up: fed each turn's bytes by {@link ReplicationMaster}. */
    boolean live;
    /** After a diskless sync: nothing follows the image until the replica's first ACK. */
    boolean waitingFirstAck;
    /** Highest REPLCONF ACK offset and FACK (fsynced) offset. */
    long ackOffset;
    long aofOffset;
    /** When the last ACK came (ms), for lag and repl-timeout. */
    long ackMillis;
    /** When it started waiting for a snapshot (diskless delay). */
    long waitSinceMillis;
    /** When a write of the snapshot last completed (repl-timeout during a transfer). */
    long progressMillis;
    /** When the soft output-buffer limit was first seen exceeded, 0 while under it. */
    long softLimitSince;
    /** The full sync it takes part in. */
    FullSync sync;
    private Backlog.Reader reader;
    private FileChannel bulk;
    private long bulkPos;
    private long bulkLen;
    private boolean closed;
    private boolean pumpScheduled;

    ReplicaSession(ReplicationMaster master, Client client, ReplicaConf conf) {
        this.master = master;
        this.client = client;
        this.channel = client.channel();
        this.conf = conf;
        long now = master.now();
        this.ackMillis = now;
        this.progressMillis = now;
        this.waitSinceMillis = now;
    }

    /** Takes over the connection: a replica link from now on. */
    void attach() {
        client.kind = 'S';
        if (channel == null) return;
        channel.config().setWriteBufferWaterMark(MARKS);
        if (master.node().config().getBool("repl-disable-tcp-nodelay")) {
            channel.config().setOption(io.netty.channel.ChannelOption.TCP_NODELAY, false);
        }
        if (channel.pipeline().get("client") != null) {
            channel.pipeline().addBefore("client", "replica-pump", new PumpHandler());
        } else {
            channel.pipeline().addLast("replica-pump", new PumpHandler());
        }
        channel.closeFuture().addListener(f -> master.node().execute(() -> master.lost(this)));
    }

    public Client client() { return client; }
    public ReplicaState state() { return state; }
    public long ackOffset() { return ackOffset; }
    public long aofOffset() { return aofOffset; }
    public long ackMillis() { return ackMillis; }
    public int listeningPort() { return (int) conf.listeningPort; }
    public boolean live() { return live; }
    public boolean closed() { return closed; }

    /** The address INFO and ROLE show: the announced one, else the peer's IP. */
    public String ip() {
        if (conf.announcedIp != null) return conf.announcedIp;
        String a = client.remoteAddress();
        int colon = a.lastIndexOf(':');
        String ip = colon > 0 ? a.substring(0, colon) : a;
        if (ip.startsWith("[") && ip.endsWith("]")) ip = ip.substring(1, ip.length() - 1);
        return ip;
    }

    /** Redis's replicationGetSlaveName: "ip:port", or "ip:<unknown-replica-port>". */
    public String name() {
        String ip = ip();
        if (conf.listeningPort == 0) return ip + ":<unknown-replica-port>";
        return (ip.indexOf(':') >= 0 ? "[" + ip + "]" : ip) + ":" + conf.listeningPort;
    }

    // ---- writing -----------------------------------------------------------------------------

    /** Writes protocol bytes now (FULLRESYNC, CONTINUE, keep-alive newlines, framing). */
    void writeNow(String text) {
        writeNow(Unpooled.wrappedBuffer(text.getBytes(StandardCharsets.US_ASCII)));
    }

    private void writeNow(ByteBuf b) {
        if (closed || channel == null) {
            b.release();
            return;
        }
        master.countOutput(b.readableBytes());
        channel.writeAndFlush(b, channel.voidPromise());
    }

    /** Bytes handed to the socket and not yet sent: what this replica owes in memory. */
    long socketBacklog() {
        if (channel == null) return 0;
        io.netty.channel.ChannelOutboundBuffer ob = channel.unsafe().outboundBuffer();
        return ob == null ? 0 : ob.totalPendingWriteBytes();
    }

    /** A live replica gets the part of a turn's bytes [chunkStart, chunkStart + n) it has not had. */
    void feedLive(ByteBuf chunk, long chunkStart) {
        if (closed || !live) return;
        long chunkEnd = chunkStart + chunk.readableBytes();
        if (position >= chunkEnd) return;
        if (position < chunkStart) {
            master.drop(this, "its stream position " + position + " fell behind the live stream at " + chunkStart);
            return;
        }
        int skip = (int) (position - chunkStart);
        ByteBuf slice = chunk.retainedSlice(chunk.readerIndex() + skip, chunk.readableBytes() - skip);
        position = chunkEnd;
        master.countOutput(slice.readableBytes());
        channel.write(slice, channel.voidPromise());
        // flushed by the master once every replica got the turn's bytes
    }

    void flush() {
        if (!closed && channel != null) channel.flush();
    }

    // ---- catching up ----------------------------------------------------------------------------

    /** Starts sending the stream from position (ONLINE: partial resync, or the end of a full sync). */
    void startStream() {
        streaming = true;
        live = false;
        pump();
    }

    /** Runs the pump later on the command thread (at most once queued). */
    void schedulePump() {
        if (pumpScheduled || closed) return;
        pumpScheduled = true;
        master.node().loop().execute(() -> {
            pumpScheduled = false;
            pump();
        });
    }

    /**
     * Sends what the socket takes: the snapshot file during SEND_BULK, then the backlog from
     * position; once position reaches the stream's end the replica goes live.
     */
    void pump() {
        if (closed || channel == null) return;
        try {
            if (state == ReplicaState.SEND_BULK) {
                pumpBulk();
                return;
            }
            if (!streaming || live) return;
            Backlog backlog = master.backlog();
            while (channel.isWritable()) {
                if (reader == null) {
                    long streamEnd = master.node().stream().offset();
                    if (position >= streamEnd) {
                        // live only once the socket drained: a replica still loading its snapshot reads nothing,
                        // and what it owes stays in the log rather than in memory (the cron pumps again)
                        if (socketBacklog() > LIVE_ENTRY) {
                            // try again as soon as the socket took what is queued
                            channel.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(f -> schedulePump());
                            return;
                        }
                        live = true;
                        master.wentLive(this);
                        break;
                    }
                    if (position < backlog.firstOffset()) {
                        master.drop(this, "the backlog no longer holds offset " + position + " (it starts at " + backlog.firstOffset() + ")");
                        return;
                    }
                    if (position >= backlog.endOffset()) break; // the backlog lags the stream: retry from the cron
                    reader = backlog.read(position);
                }
                ByteBuf b = reader.next(SLICE);
                if (b == null) {
                    reader.close();
                    reader = null;
                    continue;
                }
                position += b.readableBytes();
                master.countOutput(b.readableBytes());
                channel.write(b, channel.voidPromise());
            }
            channel.flush();
        } catch (RuntimeException e) {
            master.drop(this, "reading the backlog failed: " + e.getMessage());
        }
    }

    // ---- full sync: the snapshot file ($<len> framing) ---------------------------------------------

    /** Sends the finished snapshot file of a disk-target sync. */
    void startBulk(java.nio.file.Path file, long length) {
        startBulk(file, length, 0);
    }

    /**
     * Sends the snapshot file from byte {@code from}: 0 is Redis's {@code $<len>} framing; a
     * resumed transfer (a Meridian replica holds the first bytes) is framed
     * {@code $RESUME:<from>:<len>} and carries the bytes from there.
     */
    void startBulk(java.nio.file.Path file, long length, long from) {
        try {
            bulk = FileChannel.open(file, StandardOpenOption.READ);
        } catch (IOException e) {
            master.drop(this, "SYNC failed. Can't open/stat DB after BGSAVE: " + e.getMessage());
            return;
        }
        state = ReplicaState.SEND_BULK;
        bulkPos = from;
        bulkLen = length;
        progressMillis = master.now();
        writeNow(from == 0 ? "$" + length + "\r\n" : "$RESUME:" + from + ":" + length + "\r\n");
        pump();
    }

    private void pumpBulk() {
        try {
            while (channel.isWritable() && bulkPos < bulkLen) {
                int n = (int) Math.min(FILE_CHUNK, bulkLen - bulkPos);
                ByteBuffer bb = ByteBuffer.allocate(n);
                while (bb.hasRemaining()) {
                    int r = bulk.read(bb, bulkPos + bb.position());
                    if (r < 0) throw new IOException("snapshot file ended at " + (bulkPos + bb.position()) + " of " + bulkLen);
                }
                bb.flip();
                bulkPos += n;
                master.countOutput(n);
                channel.write(Unpooled.wrappedBuffer(bb)).addListener(f -> {
                    if (f.isSuccess()) progressMillis = master.now();
                });
            }
            channel.flush();
            if (bulkPos >= bulkLen) {
                closeBulk();
                master.bulkSent(this);
            }
        } catch (IOException e) {
            master.drop(this, "SYNC failed: reading the snapshot file: " + e.getMessage());
        }
    }

    private void closeBulk() {
        if (bulk == null) return;
        try {
            bulk.close();
        } catch (IOException ignored) {
            // read-only file
        }
        bulk = null;
    }

    // ---- full sync: diskless ($EOF:<mark> framing) ----------------------------------------------------

    private final class SocketSink implements SnapshotSink {
        private final String mark = randomMark();
        private Feedback feedback;
        private boolean settled;

        @Override
        public void attach(Feedback fb) {
            this.feedback = fb;
            // $EOF:<40 random chars>\r\n <rdb bytes> <the same 40 chars>
            writeNow("$EOF:" + mark + "\r\n");
            if (closed) settle(new IOException("replica gone"));
        }

        @Override
        public void chunk(byte[] bytes) {
            if (closed || settled) {
                if (!settled) feedback.consumed(bytes.length);
                return;
            }
            master.countOutput(bytes.length);
            int n = bytes.length;
            channel.writeAndFlush(Unpooled.wrappedBuffer(bytes)).addListener(f -> {
                if (settled) return;
                feedback.consumed(n);
                if (f.isSuccess()) progressMillis = master.now();
                else settle(f.cause());
            });
        }

        @Override
        public void end(Throwable error) {
            if (settled) return;
            if (error != null) {
                settle(error);
                master.drop(ReplicaSession.this, "the snapshot was aborted: " + error.getMessage());
                return;
            }
            if (closed) {
                settle(new IOException("replica gone"));
                return;
            }
            master.countOutput(mark.length());
            channel.writeAndFlush(Unpooled.wrappedBuffer(mark.getBytes(StandardCharsets.US_ASCII))).addListener(f -> {
                if (settled) return;
                if (f.isSuccess()) {
                    settled = true;
                    // the replica moves on before the snapshot learns it is done (which ends the sync)
                    master.rdbStreamed(ReplicaSession.this);
                    feedback.finished();
                } else {
                    settle(f.cause());
                }
            });
        }

        /** The replica went away: the snapshot goes on for the others. */
        void settle(Throwable why) {
            if (settled) return;
            settled = true;
            feedback.failed(why);
        }
    }

    private SocketSink activeSink;

    /** The snapshot streamed straight to this replica's socket (diskless sync); made once. */
    SnapshotSink sink() {
        if (activeSink == null) activeSink = new SocketSink();
        return activeSink;
    }

    static String randomMark() {
        byte[] b = new byte[20];
        new java.security.SecureRandom().nextBytes(b);
        return java.util.HexFormat.of().formatHex(b);
    }

    // ---- end -------------------------------------------------------------------------------

    /** Releases what it holds; the connection closes (or is already closed). */
    void close() {
        if (closed) return;
        closed = true;
        if (reader != null) {
            try {
                reader.close();
            } catch (RuntimeException ignored) {
                // the log may be closed already
            }
            reader = null;
        }
        closeBulk();
        if (activeSink != null && activeSink.feedback != null) activeSink.settle(new IOException("replica connection closed"));
        if (channel != null) channel.close();
    }

    /** Closes the connection once everything written so far is sent (an rdb-only replica got its image). */
    void closeAfterSent() {
        if (closed || channel == null) return;
        channel.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(io.netty.channel.ChannelFutureListener.CLOSE);
    }

    /** Resumes the pump when the socket drains. */
    private final class PumpHandler extends ChannelInboundHandlerAdapter {
        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            if (ctx.channel().isWritable()) pump();
            ctx.fireChannelWritabilityChanged();
        }
    }
}
