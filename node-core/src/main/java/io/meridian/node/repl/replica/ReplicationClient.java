package io.meridian.node.repl.replica;

import io.meridian.node.resp.RespEncoder;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.handler.ssl.SslContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * One replication connection to a master, as a Redis 7 replica makes it: connect, the
 * handshake (PING; AUTH [masteruser] masterauth; REPLCONF listening-port, ip-address, capa
 * eof capa psync2; PSYNC), then either a full resynchronization (an RDB framed as
 * {@code $<len>\r\n<bytes>} or {@code $EOF:<40-byte mark>\r\n<bytes><mark>}, then the
 * stream) or a partial one ({@code +CONTINUE [<replid>]}, then the stream).
 *
 * <p>It knows nothing of keyspaces or roles: what to do with the RDB and the stream is the
 * {@link Listener}'s, which makes it usable by a node becoming a replica
 * ({@link MasterLink}) and by anything else that follows a master (a bridge). Every
 * callback runs on the event loop given to the constructor. One instance is one attempt:
 * once {@link Listener#closed} has been called it is done.
 */
public final class ReplicationClient {
    private static final Logger LOG = LoggerFactory.getLogger("meridian");
    /** Length of a replication id and of the diskless EOF mark (CONFIG_RUN_ID_SIZE). */
    public static final int RUN_ID_SIZE = 40;
    /** Longest reply line accepted during the handshake. */
    private static final int MAX_LINE = 64 * 1024;

    /** Who to connect to and what to say in the handshake. */
    public record Options(String host, int port, String masterUser, String masterAuth, int listeningPort,
                          String announceIp, String psyncReplid, long psyncOffset, boolean psyncFailover,
                          int connectTimeoutMillis, boolean tcpNoDelay, SslContext tls,
                          java.util.function.Supplier<String> rdbResume) {
        /**
         * Without a cut transfer to resume ({@link #rdbResume}: asked during the handshake for an
         * {@code RdbResume} token, or null when there is nothing to offer).
         */
        public Options(String host, int port, String masterUser, String masterAuth, int listeningPort,
                       String announceIp, String psyncReplid, long psyncOffset, boolean psyncFailover,
                       int connectTimeoutMillis, boolean tcpNoDelay, SslContext tls) {
            this(host, port, masterUser, masterAuth, listeningPort, announceIp, psyncReplid, psyncOffset, psyncFailover,
                    connectTimeoutMillis, tcpNoDelay, tls, null);
        }

        /** Without TLS. */
        public Options(String host, int port, String masterUser, String masterAuth, int listeningPort,
                       String announceIp, String psyncReplid, long psyncOffset, boolean psyncFailover,
                       int connectTimeoutMillis, boolean tcpNoDelay) {
            this(host, port, masterUser, masterAuth, listeningPort, announceIp, psyncReplid, psyncOffset, psyncFailover,
                    connectTimeoutMillis, tcpNoDelay, null);
        }

        /** PSYNC ? -1: no history to continue, a full resynchronization is wanted. */
        public static final String NO_REPLID = "?";

        public Options {
            if (psyncReplid == null) {
                psyncReplid = NO_REPLID;
                psyncOffset = -1;
            }
        }
    }

    /** What the connection delivers. Runs on the client's event loop. */
    public interface Listener {
        /** The state moved (for logs, INFO and ROLE). */
        default void stateChanged(ReplState from, ReplState to) {}

        /** Bytes arrived from the master (master_last_io_seconds_ago). */
        default void bytesRead(int n) {}

        /** +FULLRESYNC: an RDB image of the master at offset follows, then the stream from offset. */
        void fullResync(String replid, long offset);

        /** The RDB's framing is known: its size in bytes, or -1 for an EOF-marked (diskless) transfer. */
        void payloadStart(long size);

        /**
         * A cut transfer goes on ({@code $RESUME:<from>:<size>}, the answer of a Meridian master
         * to REPLCONF rdb-resume): the payload bytes that follow start at byte {@code from} of the
         * {@code size}-byte RDB.
         */
        default void payloadResumed(long from, long size) {
            throw new IllegalStateException("a resumed transfer was not asked for");
        }

        /** The next RDB bytes (any EOF mark removed); valid during the call only. */
        void payload(ByteBuf data);

        /** The whole RDB arrived; stream bytes may follow (see {@link #pauseReading}). */
        void payloadEnd();

        /** +CONTINUE: the stream follows from the offset asked; newReplid is the master's id when it changed, else null. */
        void partialResync(String newReplid);

        /** Stream bytes, in order; start is the master offset of the first one. Valid during the call only. */
        void stream(long start, ByteBuf data);

        /** The connection ended (or never started): why, for the log. Called once. */
        void closed(String reason);
    }

    private final EventLoop loop;
    private final Class<? extends Channel> channelClass;
    private final Clock clock;
    private final Options options;
    private final Listener listener;
    private Channel channel;
    private ReplState state = ReplState.CONNECT;
    private boolean closed;
    /** Bytes of a reply line not complete yet (handshake and the payload's header). */
    private final ByteBuf line = Unpooled.buffer(256);
    /** Replies still expected to the pipelined handshake commands, in order. */
    private final List<ReplState> expected = new ArrayList<>();
    /** Payload framing: bytes left of a $len payload, or -1 under an EOF mark. */
    private long payloadLeft = -2;
    private byte[] eofMark;
    /** Under an EOF mark: the last bytes received, held back until more show they are not the mark. */
    private ByteBuf markWindow;
    private boolean inPayload;
    private boolean streaming;
    /** Master offset of the next stream byte. */
    private long streamOffset;
    /** Reading paused by the listener: bytes already read wait here. */
    private boolean paused;
    private ByteBuf held;
    private long lastReadAt;
    private long bytesReadTotal;

    public ReplicationClient(EventLoop loop, Class<? extends Channel> channelClass, Clock clock, Options options, Listener listener) {
        this.loop = loop;
        this.channelClass = channelClass;
        this.clock = clock;
        this.options = options;
        this.listener = listener;
        this.lastReadAt = clock.millis();
    }

    public Options options() {
        return options;
    }

    public ReplState state() {
        return state;
    }

    /** When bytes last arrived (or the attempt started), in the clock's milliseconds. */
    public long lastReadAt() {
        return lastReadAt;
    }

    /** Bytes read from the master on this connection. */
    public long bytesReadTotal() {
        return bytesReadTotal;
    }

    /** Master offset of the next stream byte (after the sync reply). */
    public long streamOffset() {
        return streamOffset;
    }

    public Channel channel() {
        return channel;
    }

    /** Starts connecting; the result comes through the listener. Call on the event loop. */
    public void connect() {
        setState(ReplState.CONNECTING);
        Bootstrap b = new Bootstrap()
                .group(loop)
                .channel(channelClass)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, options.connectTimeoutMillis())
                .option(ChannelOption.TCP_NODELAY, options.tcpNoDelay())
                .option(ChannelOption.SO_KEEPALIVE, true)
                .handler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        // tls-replication: the link is TLS from the first byte, as Redis's connCreateTLS
                        if (options.tls() != null) ch.pipeline().addLast("tls", options.tls().newHandler(ch.alloc(), options.host(), options.port()));
                        ch.pipeline().addLast(new Handler());
                    }
                });
        ChannelFuture f = b.connect(options.host(), options.port());
        channel = f.channel();
        f.addListener(done -> {
            if (closed) {
                f.channel().close();
                return;
            }
            if (!done.isSuccess()) {
                Throwable t = done.cause();
                fail("Unable to connect to MASTER: " + (t == null ? "cancelled" : describe(t)));
                return;
            }
            LOG.info("Non blocking connect for SYNC fired the event.");
            io.netty.handler.ssl.SslHandler ssl = f.channel().pipeline().get(io.netty.handler.ssl.SslHandler.class);
            if (ssl == null) {
                handshake();
                return;
            }
            ssl.handshakeFuture().addListener(tlsDone -> {
                if (closed) return;
                if (!tlsDone.isSuccess()) {
                    fail("Unable to connect to MASTER: TLS handshake failed: " + describe(tlsDone.cause()));
                    return;
                }
                handshake();
            });
        });
    }

    /** Runs the protocol over a channel that is already connected (tests use an EmbeddedChannel). */
    void attach(Channel ch) {
        channel = ch;
        ch.pipeline().addLast(new Handler());
        handshake();
    }

    private void handshake() {
        setState(ReplState.RECEIVE_PING_REPLY);
        send("PING");
    }

    /** Closes the connection; {@link Listener#closed} is called with the reason (once). */
    public void close(String reason) {
        fail(reason);
    }

    /** Writes raw bytes to the master (REPLCONF ACK, the newline keepalive while loading). */
    public void write(byte[] bytes) {
        Channel ch = channel;
        if (ch != null && ch.isActive() && !closed) ch.writeAndFlush(Unpooled.wrappedBuffer(bytes));
    }

    /** Sends REPLCONF ACK offset. */
    public void ack(long offset) {
        if (prePsync) return; // a master that only knows SYNC does not take REPLCONF ACK (Redis's CLIENT_PRE_PSYNC)
        write(RespEncoder.command("REPLCONF", "ACK", Long.toString(offset)));
    }

    /** The master answered PSYNC with an error and this link synced with SYNC. */
    public boolean prePsync() {
        return prePsync;
    }

    private boolean prePsync;
    /** REPLCONF rdb-resume was sent: a $RESUME:<from>:<size> payload header is expected. */
    private boolean resumeOffered;

    /**
     * Sends REPLCONF ACK offset FACK fsynced: also how far the replica's log is on disk (for
     * WAITAOF; a Redis 7.0 master reads the ACK and ignores the rest, as Redis 7.2 replicas send it).
     */
    public void ack(long offset, long fsynced) {
        if (prePsync) return;
        write(RespEncoder.command("REPLCONF", "ACK", Long.toString(offset), "FACK", Long.toString(fsynced)));
    }

    /**
     * Holds the stream (a consumer of this node's stream is full: the DR bridge's Kafka buffer):
     * reading stays paused until released, whatever else would resume it, and the master keeps
     * what is not read in its log. Call on the event loop.
     */
    public void hold(boolean on) {
        streamHeld = on;
        if (on) pauseReading();
        else resumeReading();
    }

    public boolean held() {
        return streamHeld;
    }

    private boolean streamHeld;

    /** Stops reading from the master (a slow consumer, an RDB being loaded): TCP pushes back. */
    public void pauseReading() {
        paused = true;
        if (channel != null) channel.config().setAutoRead(false);
    }

    /** Reads again, delivering first what arrived before the pause. Call on the event loop. */
    public void resumeReading() {
        if (!paused || closed || streamHeld) return;
        paused = false;
        ByteBuf h = held;
        held = null;
        if (h != null) {
            try {
                consume(h);
            } finally {
                h.release();
            }
        }
        if (!paused && !closed && channel != null) channel.config().setAutoRead(true);
    }

    // ---- the protocol --------------------------------------------------------------------

    private void send(String... argv) {
        write(RespEncoder.command(argv));
    }

    private void setState(ReplState s) {
        ReplState from = state;
        state = s;
        if (from != s) listener.stateChanged(from, s);
    }

    private void received(ByteBuf in) {
        int n = in.readableBytes();
        lastReadAt = clock.millis();
        bytesReadTotal += n;
        listener.bytesRead(n);
        if (paused) {
            if (held == null) held = Unpooled.buffer(Math.max(n, 256));
            held.writeBytes(in);
            return;
        }
        consume(in);
    }

    /** Takes in bytes in the current state; stops early when the listener pauses reading. */
    private void consume(ByteBuf in) {
        while (in.isReadable() && !closed) {
            if (paused) {
                if (held == null) held = Unpooled.buffer(Math.max(in.readableBytes(), 256));
                held.writeBytes(in);
                return;
            }
            if (streaming) {
                long start = streamOffset;
                streamOffset += in.readableBytes();
                listener.stream(start, in.readSlice(in.readableBytes()));
                return;
            }
            if (inPayload) {
                payload(in);
                continue;
            }
            String l = readLine(in);
            if (l == null) return;
            onLine(l);
        }
    }

    /** One CRLF (or LF) terminated line without its terminator, or null until it is complete. */
    private String readLine(ByteBuf in) {
        while (in.isReadable()) {
            byte b = in.readByte();
            if (b == '\n') {
                int len = line.readableBytes();
                if (len > 0 && line.getByte(line.writerIndex() - 1) == '\r') len--;
                String s = line.toString(line.readerIndex(), len, StandardCharsets.ISO_8859_1);
                line.clear();
                return s;
            }
            if (line.readableBytes() >= MAX_LINE) {
                fail("Bad protocol from MASTER: a reply line longer than " + MAX_LINE + " bytes");
                return null;
            }
            line.writeByte(b);
        }
        return null;
    }

    private void onLine(String reply) {
        switch (state) {
            case RECEIVE_PING_REPLY -> {
                if (reply.isEmpty()) return;
                if (!reply.startsWith("+") && !reply.startsWith("-NOAUTH") && !reply.startsWith("-NOPERM")
                        && !reply.startsWith("-ERR operation not permitted")) {
                    fail("Error reply to PING from master: '" + reply + "'");
                    return;
                }
                LOG.info("Master replied to PING, replication can continue...");
                sendHandshake();
            }
            case RECEIVE_AUTH_REPLY, RECEIVE_PORT_REPLY, RECEIVE_IP_REPLY, RECEIVE_CAPA_REPLY, RECEIVE_RESUME_REPLY -> {
                if (reply.isEmpty()) return;
                handshakeReply(reply);
            }
            case RECEIVE_PSYNC_REPLY -> {
                if (reply.isEmpty()) return; // the master may send newlines before it answers
                psyncReply(reply);
            }
            case TRANSFER -> payloadHeader(reply);
            default -> fail("Unexpected data from MASTER in state " + state + ": '" + reply + "'");
        }
    }

    private void sendHandshake() {
        setState(ReplState.SEND_HANDSHAKE);
        expected.clear();
        StringBuilder out = new StringBuilder();
        if (options.masterAuth() != null) {
            if (options.masterUser() != null) write(RespEncoder.command("AUTH", options.masterUser(), options.masterAuth()));
            else write(RespEncoder.command("AUTH", options.masterAuth()));
            expected.add(ReplState.RECEIVE_AUTH_REPLY);
        }
        send("REPLCONF", "listening-port", Integer.toString(options.listeningPort()));
        expected.add(ReplState.RECEIVE_PORT_REPLY);
        if (options.announceIp() != null) {
            send("REPLCONF", "ip-address", options.announceIp());
            expected.add(ReplState.RECEIVE_IP_REPLY);
        }
        send("REPLCONF", "capa", "eof", "capa", "psync2");
        expected.add(ReplState.RECEIVE_CAPA_REPLY);
        String token = options.rdbResume() == null ? null : options.rdbResume().get();
        if (token != null) {
            send("REPLCONF", "rdb-resume", token);
            expected.add(ReplState.RECEIVE_RESUME_REPLY);
            resumeOffered = true;
        }
        setState(expected.get(0));
    }

    private void handshakeReply(String reply) {
        switch (state) {
            case RECEIVE_AUTH_REPLY -> {
                if (reply.startsWith("-")) {
                    fail("Unable to AUTH to MASTER: " + reply);
                    return;
                }
            }
            case RECEIVE_PORT_REPLY -> {
                if (reply.startsWith("-")) LOG.info("(Non critical) Master does not understand REPLCONF listening-port: {}", reply);
            }
            case RECEIVE_IP_REPLY -> {
                if (reply.startsWith("-")) LOG.info("(Non critical) Master does not understand REPLCONF ip-address: {}", reply);
            }
            case RECEIVE_CAPA_REPLY -> {
                if (reply.startsWith("-")) LOG.info("(Non critical) Master does not understand REPLCONF capa: {}", reply);
            }
            case RECEIVE_RESUME_REPLY -> {
                // a Redis master (or an older Meridian) does not resume transfers: the full sync starts from zero
                if (reply.startsWith("-")) LOG.info("(Non critical) Master cannot resume a cut transfer: {}", reply);
            }
            default -> throw new IllegalStateException(state.name());
        }
        expected.remove(0);
        if (!expected.isEmpty()) {
            setState(expected.get(0));
            return;
        }
        setState(ReplState.SEND_PSYNC);
        if (Options.NO_REPLID.equals(options.psyncReplid())) {
            LOG.info("Partial resynchronization not possible (no cached master)");
        } else {
            LOG.info("Trying a partial resynchronization (request {}:{}).", options.psyncReplid(), options.psyncOffset());
        }
        if (options.psyncFailover()) {
            send("PSYNC", options.psyncReplid(), Long.toString(options.psyncOffset()), "FAILOVER");
        } else {
            send("PSYNC", options.psyncReplid(), Long.toString(options.psyncOffset()));
        }
        setState(ReplState.RECEIVE_PSYNC_REPLY);
    }

    private void psyncReply(String reply) {
        if (reply.startsWith("+FULLRESYNC")) {
            String[] parts = reply.split(" ");
            Long offset = parts.length >= 3 ? parseLong(parts[2]) : null;
            if (parts.length < 3 || parts[1].length() != RUN_ID_SIZE || offset == null) {
                fail("Master replied with wrong +FULLRESYNC syntax.");
                return;
            }
            LOG.info("Full resync from master: {}:{}", parts[1], offset);
            streamOffset = offset;
            setState(ReplState.TRANSFER);
            listener.fullResync(parts[1], offset);
            return;
        }
        if (reply.startsWith("+CONTINUE")) {
            LOG.info("Successful partial resynchronization with master.");
            String id = reply.length() > 10 ? reply.substring(10).trim() : "";
            String newId = id.length() == RUN_ID_SIZE && !id.equals(options.psyncReplid()) ? id : null;
            if (newId != null) LOG.warn("Master replication ID changed to {}", newId);
            streamOffset = options.psyncOffset() - 1;
            streaming = true;
            setState(ReplState.CONNECTED);
            LOG.info("MASTER <-> REPLICA sync: Master accepted a Partial Resynchronization.");
            listener.partialResync(newId);
            return;
        }
        if (reply.startsWith("-NOMASTERLINK") || reply.startsWith("-LOADING")) {
            fail("Master is currently unable to PSYNC but should be in the future: " + reply);
            return;
        }
        if (reply.startsWith("-ERR") && !options.psyncFailover()) {
            // a master without PSYNC (before Redis 2.8, some proxies): SYNC, as Redis's syncWithMaster does on
            // PSYNC_NOT_SUPPORTED. The RDB follows at once, without +FULLRESYNC: the master's replid and offset
            // are unknown, so this node starts a history of its own at offset 0 and the next link syncs in full again.
            LOG.warn("Master does not support PSYNC or is in error state (reply: {})", reply);
            LOG.info("Retrying with SYNC...");
            prePsync = true;
            send("SYNC");
            streamOffset = 0;
            setState(ReplState.TRANSFER);
            listener.fullResync(io.meridian.node.repl.ReplicationStream.newReplid(), 0);
            return;
        }
        if (reply.startsWith("-ERR")) {
            fail("Master does not support PSYNC or is in error state (reply: " + reply + ")");
            return;
        }
        fail("Unexpected reply to PSYNC from master: " + reply);
    }

    private void payloadHeader(String l) {
        if (l.isEmpty()) return; // a newline keeps the link alive while the master prepares the RDB
        if (l.startsWith("-")) {
            fail("MASTER aborted replication with an error: " + l.substring(1));
            return;
        }
        if (!l.startsWith("$")) {
            fail("Bad protocol from MASTER, the first byte is not '$' (we received '" + l + "'), are you sure the host and port are right?");
            return;
        }
        if (l.startsWith("$EOF:") && l.length() - 5 >= RUN_ID_SIZE) {
            eofMark = l.substring(5, 5 + RUN_ID_SIZE).getBytes(StandardCharsets.ISO_8859_1);
            markWindow = Unpooled.buffer(RUN_ID_SIZE * 4);
            payloadLeft = -1;
            inPayload = true;
            listener.payloadStart(-1);
            return;
        }
        if (l.startsWith("$RESUME:") && resumeOffered) {
            String[] f = l.substring(8).split(":");
            Long from = f.length == 2 ? parseLong(f[0]) : null;
            Long size = f.length == 2 ? parseLong(f[1]) : null;
            if (from == null || size == null || from <= 0 || from >= size) {
                fail("Bad protocol from MASTER: bad resumed payload header '" + l + "'");
                return;
            }
            payloadLeft = size - from;
            inPayload = true;
            listener.payloadResumed(from, size);
            return;
        }
        Long size = parseLong(l.substring(1));
        if (size == null || size < 0) {
            fail("Bad protocol from MASTER: bad payload length '" + l + "'");
            return;
        }
        payloadLeft = size;
        inPayload = true;
        listener.payloadStart(size);
        if (size == 0) endPayload();
    }

    private void payload(ByteBuf in) {
        if (payloadLeft >= 0) {
            int n = (int) Math.min(payloadLeft, in.readableBytes());
            ByteBuf part = in.readSlice(n);
            payloadLeft -= n;
            listener.payload(part);
            if (payloadLeft == 0) endPayload();
            return;
        }
        // under an EOF mark: look for the mark in what was held back plus what came
        markWindow.writeBytes(in);
        int at = indexOfMark(markWindow);
        if (at >= 0) {
            ByteBuf last = markWindow.readSlice(at - markWindow.readerIndex());
            if (last.isReadable()) listener.payload(last);
            markWindow.skipBytes(RUN_ID_SIZE);
            ByteBuf rest = markWindow;
            markWindow = null;
            endPayload();
            try {
                if (rest.isReadable() && !closed) consume(rest);
            } finally {
                rest.release();
            }
            return;
        }
        int deliver = markWindow.readableBytes() - (RUN_ID_SIZE - 1);
        if (deliver > 0) listener.payload(markWindow.readSlice(deliver));
        markWindow.discardReadBytes();
    }

    private int indexOfMark(ByteBuf b) {
        int end = b.writerIndex() - RUN_ID_SIZE;
        byte first = eofMark[0];
        outer:
        for (int i = b.readerIndex(); i <= end; i++) {
            if (b.getByte(i) != first) continue;
            for (int k = 1; k < RUN_ID_SIZE; k++) {
                if (b.getByte(i + k) != eofMark[k]) continue outer;
            }
            return i;
        }
        return -1;
    }

    private void endPayload() {
        inPayload = false;
        streaming = true;
        setState(ReplState.CONNECTED);
        listener.payloadEnd();
    }

    /** The handshake or the transfer failed, or the link is closed: once, with the reason. */
    private void fail(String reason) {
        if (closed) return;
        closed = true;
        if (channel != null) channel.close();
        release();
        listener.closed(reason);
    }

    private void release() {
        if (held != null) {
            held.release();
            held = null;
        }
        if (markWindow != null) {
            markWindow.release();
            markWindow = null;
        }
        line.release();
    }

    private static Long parseLong(String s) {
        try {
            return Long.parseLong(s.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static String describe(Throwable t) {
        String m = t.getMessage();
        return m == null ? t.getClass().getSimpleName() : m;
    }

    /** The channel's inbound side: everything is handed to the client's state machine. */
    private final class Handler extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf in = (ByteBuf) msg;
            try {
                if (!closed) received(in);
            } finally {
                in.release();
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            fail(state == ReplState.CONNECTED ? "Connection with master lost." : "I/O error trying to sync with MASTER: connection lost");
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            fail("Error condition on socket for SYNC: " + describe(cause));
        }
    }
}
