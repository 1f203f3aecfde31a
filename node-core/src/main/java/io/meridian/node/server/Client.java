package io.meridian.node.server;

import io.meridian.node.Node;
import io.meridian.node.command.CommandSpec;
import io.meridian.node.keyspace.Database;
import io.meridian.node.util.ByteString;
import io.meridian.node.util.DoubleFormat;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * One connection's state (db, protocol, auth, MULTI, subscriptions, blocking) and the writer
 * of its replies. Replies accumulate in one buffer that is flushed once per read batch, so a
 * pipeline of hundreds of commands costs one write.
 */
public final class Client {
    private static final byte[] CRLF = {'\r', '\n'};
    private static final byte[] OK = "+OK\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] NULL_BULK = "$-1\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] NULL_ARRAY = "*-1\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] NULL3 = "_\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[][] SMALL_INTS = new byte[1024][];

    static {
        for (int i = 0; i < SMALL_INTS.length; i++) SMALL_INTS[i] = (":" + i + "\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    private final Node node;
    private final Channel channel;
    public final long id;
    public final long createdAt;
    private ByteBuf out;

    public int dbIndex;
    public Database db;
    public int resp = 2;
    public boolean authenticated;
    public String user = "default";
    public byte[] name;
    public String libName;
    public String libVer;
    // CLIENT REPLY: Redis's CLIENT_REPLY_OFF, CLIENT_REPLY_SKIP and CLIENT_REPLY_SKIP_NEXT
    public boolean replyOff;
    /** The reply of the command being run is dropped (the one after CLIENT REPLY SKIP). */
    public boolean replySkip;
    /** Set by CLIENT REPLY SKIP: the next command's reply is dropped. */
    public boolean replySkipNext;
    /** Writing a pub/sub push: sent even under CLIENT REPLY OFF (Redis's CLIENT_PUSHING). */
    public boolean pushing;
    public boolean noEvict;
    public boolean closeAfterReply;
    public long lastInteraction;
    /** Full name of the last command looked up ("client|list"), "NULL" before any: CLIENT LIST cmd=. */
    public String lastCommand = "NULL";
    public long commandsProcessed;
    /** The request being run: argv-mem in CLIENT LIST. */
    public byte[][] currentArgv;
    /** Bit i set: argument i of the current command is a secret the slow log must not show. */
    public long redactMask;

    // transaction
    public boolean inMulti;
    /** A command failed to queue: EXEC answers EXECABORT (Redis's CLIENT_DIRTY_EXEC). */
    public boolean multiError;
    public List<byte[][]> queued;
    public List<CommandSpec> queuedSpecs;
    /** Sum of the queued arguments' lengths: multi-mem in CLIENT LIST. */
    public long queuedBytes;
    /** A WATCHed key was touched: EXEC aborts (Redis's CLIENT_DIRTY_CAS). */
    public boolean dirtyCas;
    /** This client's WATCHes, in WATCH order; see {@link WatchRegistry}. */
    public final List<WatchRegistry.Watch> watched = new ArrayList<>();
    /** Inside EXEC: blocking commands answer as if they timed out (Redis's CLIENT_DENY_BLOCKING). */
    public boolean denyBlocking;

    // pub/sub
    public final Set<ByteString> channels = new LinkedHashSet<>();
    public final Set<ByteString> patterns = new LinkedHashSet<>();
    public final Set<ByteString> shardChannels = new LinkedHashSet<>();
    /** Redis's CLIENT_PUBSUB: set by (P|S)SUBSCRIBE, cleared when the last subscription goes. */
    public boolean pubsubMode;

    // blocking
    public Blocked blocked;
    /** Commands that arrived while blocked or paused, run when it resumes. */
    public final ArrayDeque<byte[][]> pending = new ArrayDeque<>();
    /** Its next command waits for CLIENT PAUSE to end (Redis's BLOCKED_POSTPONE). */
    public boolean postponed;
    /** A protocol error that arrived behind pending commands: answered, then the connection closes. */
    public String pendingProtocolError;

    /** The per-command propagation override (see {@link #propagate}). */
    public List<byte[][]> propagateAs;
    public boolean preventPropagation;

    /** The stream offset after this client's last propagated write: what WAIT and WAITAOF wait for. */
    public long woff;

    /** The connection's role for CLIENT LIST flags: normal (N), replica (S), master (M), monitor (O). */
    public char kind = 'N';

    public Client(Node node, Channel channel, long id) {
        this.node = node;
        this.channel = channel;
        this.id = id;
        this.createdAt = node.clock().millis();
        this.lastInteraction = createdAt;
        select(0);
        if (channel != null) {
            remoteAddress(); // cached while the channel still knows its addresses
            localAddress();
        }
    }

    public Node node() {
        return node;
    }

    public Channel channel() {
        return channel;
    }

    public void select(int index) {
        dbIndex = index;
        db = node.keyspace().db(index);
    }

    /** Redis's peer id: "ip:port", "[ipv6]:port"; cached, it never changes. */
    public String remoteAddress() {
        if (peerId == null) peerId = format(channel == null ? null : channel.remoteAddress());
        return peerId;
    }

    /** The local "ip:port" the client connected to (laddr). */
    public String localAddress() {
        if (sockName == null) sockName = format(channel == null ? null : channel.localAddress());
        return sockName;
    }

    private String peerId;
    private String sockName;

    private static String format(java.net.SocketAddress sa) {
        if (sa instanceof InetSocketAddress a && a.getAddress() != null) {
            String ip = io.netty.util.NetUtil.toAddressString(a.getAddress());
            return ip.indexOf(':') >= 0 ? "[" + ip + "]:" + a.getPort() : ip + ":" + a.getPort();
        }
        return "?:0";
    }

    /** The connection from this replica's master: its writes are applied, never refused. */
    public boolean isMaster() {
        return kind == 'M';
    }

    /** In pub/sub mode (Redis's CLIENT_PUBSUB): RESP2 allows only (un)subscribe, PING, QUIT, RESET. */
    public boolean isSubscriber() {
        return pubsubMode;
    }

    /** Channels plus patterns, the count SUBSCRIBE and PSUBSCRIBE report. */
    public int subscriptionCount() {
        return channels.size() + patterns.size();
    }

    /** Every subscription, shard channels included. */
    public int totalSubscriptions() {
        return channels.size() + patterns.size() + shardChannels.size();
    }

    // ---- propagation -------------------------------------------------------------------

    /**
     * Records the exact effect this write must propagate to replicas and the log, in place
     * of its argv: a relative expiry as PEXPIREAT, INCRBYFLOAT as SET ... KEEPTTL, SPOP as
     * SREM. May be called several times for several commands.
     */
    public void propagate(byte[]... argv) {
        if (propagateAs == null) propagateAs = new ArrayList<>(2);
        propagateAs.add(argv);
    }

    public void propagate(List<byte[]> argv) {
        propagate(argv.toArray(new byte[0][]));
    }

    // ---- replies -----------------------------------------------------------------------

    private boolean muted() {
        return (replyOff || replySkip) && !pushing;
    }

    private ByteBuf buf() {
        if (out == null) out = channel != null ? channel.alloc().ioBuffer(256) : io.netty.buffer.Unpooled.buffer(256);
        return out;
    }

    /** Bytes written since the last flush: the output buffer size in CLIENT LIST. */
    public int pendingBytes() {
        return out == null ? 0 : out.readableBytes();
    }

    /** Writes raw protocol bytes regardless of reply mode (the replication stream). */
    public void writeRaw(byte[] b) {
        buf().writeBytes(b);
        markDirty();
    }

    public void writeRaw(ByteBuf b) {
        buf().writeBytes(b);
        markDirty();
    }

    private void raw(byte[] b) {
        if (muted()) return;
        buf().writeBytes(b);
        markDirty();
    }

    /** Set while this client is on the server's list of buffers to flush. */
    boolean flushQueued;

    private void markDirty() {
        if (!flushQueued) {
            flushQueued = true;
            node.server().needsFlush(this);
        }
    }

    private void header(char marker, long n) {
        if (muted()) return;
        ByteBuf b = buf();
        b.writeByte(marker);
        writeAsciiLong(b, n);
        b.writeBytes(CRLF);
        markDirty();
    }

    /**
     * Status and error text: a string made of bytes (chars below 256, as Bytes.latin1 gives
     * for a client's argument) goes out byte for byte; anything else as UTF-8.
     */
    private static void writeText(ByteBuf b, String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) > 0xff) {
                b.writeCharSequence(s, StandardCharsets.UTF_8);
                return;
            }
        }
        b.writeCharSequence(s, StandardCharsets.ISO_8859_1);
    }

    private static void writeAsciiLong(ByteBuf b, long n) {
        if (n >= 0 && n < 10) {
            b.writeByte('0' + (int) n);
            return;
        }
        b.writeCharSequence(Long.toString(n), StandardCharsets.US_ASCII);
    }

    public void ok() {
        raw(OK);
    }

    public void simple(String s) {
        if (muted()) return;
        ByteBuf b = buf();
        b.writeByte('+');
        writeText(b, s);
        b.writeBytes(CRLF);
        markDirty();
    }

    /** An error reply; the text starts with its code ("ERR ...", "WRONGTYPE ..."). */
    public void error(String msg) {
        node.stats().countError(msg);
        if (muted()) return;
        ByteBuf b = buf();
        b.writeByte('-');
        // an error line must not contain CR or LF
        writeText(b, msg.replace('\r', ' ').replace('\n', ' '));
        b.writeBytes(CRLF);
        markDirty();
    }

    public void integer(long n) {
        if (n >= 0 && n < SMALL_INTS.length) {
            raw(SMALL_INTS[(int) n]);
            return;
        }
        header(':', n);
    }

    public void bulk(byte[] v) {
        if (muted()) return;
        ByteBuf b = buf();
        b.writeByte('$');
        writeAsciiLong(b, v.length);
        b.writeBytes(CRLF);
        b.writeBytes(v);
        b.writeBytes(CRLF);
        markDirty();
    }

    public void bulk(String s) {
        bulk(s.getBytes(StandardCharsets.UTF_8));
    }

    /** A bulk string, or the null reply when v is null. */
    public void bulkOrNull(byte[] v) {
        if (v == null) nullBulk();
        else bulk(v);
    }

    public void bulkLong(long n) {
        bulk(Long.toString(n).getBytes(StandardCharsets.US_ASCII));
    }

    public void nullBulk() {
        raw(resp == 3 ? NULL3 : NULL_BULK);
    }

    public void nullArray() {
        raw(resp == 3 ? NULL3 : NULL_ARRAY);
    }

    public void array(long n) {
        header('*', n);
    }

    public void emptyArray() {
        header('*', 0);
    }

    /** A map of n pairs: RESP3 %n, RESP2 a flat array of 2n. */
    public void map(long n) {
        if (resp == 3) header('%', n);
        else header('*', n * 2);
    }

    /** A set reply: RESP3 ~n, RESP2 an array. */
    public void set(long n) {
        header(resp == 3 ? '~' : '*', n);
    }

    /** A push message (pub/sub): RESP3 >n, RESP2 an array. */
    public void push(long n) {
        header(resp == 3 ? '>' : '*', n);
    }

    /** A double: RESP3 ",<d>", RESP2 a bulk string, both in Redis 7.0's "%.17g". */
    public void doubleReply(double d) {
        String s = DoubleFormat.g17(d);
        if (resp == 3) {
            if (muted()) return;
            ByteBuf b = buf();
            b.writeByte(',');
            b.writeCharSequence(s, StandardCharsets.US_ASCII);
            b.writeBytes(CRLF);
            markDirty();
        } else {
            bulk(s);
        }
    }

    public void bool(boolean v) {
        if (resp == 3) raw(v ? "#t\r\n".getBytes(StandardCharsets.US_ASCII) : "#f\r\n".getBytes(StandardCharsets.US_ASCII));
        else integer(v ? 1 : 0);
    }

    /** Verbatim text (INFO, CLIENT INFO, LOLWUT): RESP3 "=len\r\ntxt:...", RESP2 bulk. */
    public void verbatim(String text) {
        if (resp == 3) {
            byte[] t = text.getBytes(StandardCharsets.UTF_8);
            if (muted()) return;
            ByteBuf b = buf();
            b.writeByte('=');
            writeAsciiLong(b, t.length + 4);
            b.writeBytes(CRLF);
            b.writeCharSequence("txt:", StandardCharsets.US_ASCII);
            b.writeBytes(t);
            b.writeBytes(CRLF);
            markDirty();
        } else {
            bulk(text);
        }
    }

    /** The RESP3 null or RESP2 null bulk: what most commands answer for "nothing". */
    public void nil() {
        nullBulk();
    }

    /** Closes the connection once what has accumulated is sent (QUIT, protocol errors, CLIENT KILL of itself). */
    public void closeAfterReply() {
        closeAfterReply = true;
        if (!flushQueued) {
            flushQueued = true;
            node.server().needsFlush(this);
        }
    }

    /** Replies not sent yet: buffered, or held for the replication log (SYNC refuses to start then). */
    public boolean hasPendingReplies() {
        return (out != null && out.readableBytes() > 0) || held != null;
    }

    /** Sends what has accumulated (or holds it until the log secures the writes it follows). */
    public void flush() {
        if (kind == 'S' && out != null && out.readableBytes() > 0) {
            // a replica link carries the stream only: a reply means a rogue replica (Redis drops it)
            out.release();
            out = null;
            node.master().replicaReplied(this);
            return;
        }
        ByteBuf b = out;
        if (b == null) {
            // nothing to send (CLIENT REPLY OFF): close now, unless replies still wait for the log
            if (closeAfterReply && channel != null && held == null) channel.close();
            return;
        }
        out = null;
        if (channel == null) {
            b.release();
            return;
        }
        io.meridian.node.persist.ReplyGate gate = node.replyGate();
        if (held != null || gate.mustHold()) {
            if (held == null) {
                held = new ArrayDeque<>(2);
                gate.waiting(this);
            }
            held.add(new HeldReply(b, gate.barrier()));
            if (!gate.mustHold()) releaseHeld(gate.released());
            return;
        }
        send(b);
    }

    /** Replies waiting for the replication log (appendfsync), oldest first; null when none. */
    private ArrayDeque<HeldReply> held;

    private record HeldReply(ByteBuf buf, long barrier) {}

    /**
     * Sends the held replies produced at stream offsets up to upTo (the log is safe there);
     * returns true when none is left waiting.
     */
    public boolean releaseHeld(long upTo) {
        if (held == null) return true;
        while (!held.isEmpty() && held.peek().barrier() <= upTo) send(held.poll().buf());
        if (!held.isEmpty()) return false;
        held = null;
        return true;
    }

    private void send(ByteBuf b) {
        if (closeAfterReply) {
            channel.writeAndFlush(b).addListener(io.netty.channel.ChannelFutureListener.CLOSE);
        } else {
            channel.writeAndFlush(b, channel.voidPromise());
            checkOutputBufferLimits();
        }
    }

    /** When the soft output limit was first seen exceeded (ms); 0 while under it. */
    private long softLimitSince;

    /**
     * client-output-buffer-limit for normal and pub/sub clients (Redis's
     * checkClientOutputBufferLimits): replies the peer does not read pile up in the socket's
     * outbound buffer; past the hard limit, or past the soft one for longer than its seconds,
     * the client is closed. Replicas and the master link are the replication code's to police.
     */
    public void checkOutputBufferLimits() {
        if (kind == 'S' || kind == 'M' || channel == null || !channel.isActive() || closeAfterReply) return;
        long[] limit = node.config().outputBufferLimit(pubsubMode ? "pubsub" : "normal");
        if (limit[0] == 0 && limit[1] == 0) return;
        io.netty.channel.ChannelOutboundBuffer ob = channel.unsafe().outboundBuffer();
        long used = ob == null ? 0 : ob.totalPendingWriteBytes();
        boolean hard = limit[0] > 0 && used >= limit[0];
        boolean soft = limit[1] > 0 && used >= limit[1];
        long now = node.clock().millis();
        if (soft) {
            if (softLimitSince == 0) {
                softLimitSince = now;
                soft = false; // first time seen: the clock starts
            } else if (now / 1000 - softLimitSince / 1000 <= limit[2]) {
                soft = false;
            }
        } else {
            softLimitSince = 0;
        }
        if (hard || soft) {
            node.log().warn("Client id={} addr={} name={} scheduled to be closed ASAP for overcoming of output buffer limits.",
                    id, remoteAddress(), name == null ? "" : new String(name, StandardCharsets.ISO_8859_1));
            closeAfterReply = true;
            // closed from the event loop's queue, never in the middle of a write or a release of held replies
            channel.eventLoop().execute(() -> {
                discardOutput();
                channel.close();
            });
        }
    }

    /** Drops unsent replies (connection closed). */
    public void discardOutput() {
        if (out != null) {
            out.release();
            out = null;
        }
        if (held != null) {
            for (HeldReply h : held) h.buf().release();
            held = null;
        }
    }

    /** Takes the buffered output (EXEC nests replies; tests read replies without a channel). */
    public ByteBuf takeOutput() {
        ByteBuf b = out;
        out = null;
        return b;
    }

    public void close() {
        if (channel != null) channel.close();
    }

    /** What a blocked client waits for; see {@link BlockingRegistry}. */
    public static final class Blocked {
        public final int db;
        public final byte[][] keys;
        public final long deadline;
        public final BlockingRegistry.Waiter waiter;
        public io.netty.util.concurrent.ScheduledFuture<?> timer;
        /** The blocked command (slow log when it is answered) and the time its first call took (µs). */
        public byte[][] argv;
        public long callMicros;

        public Blocked(int db, byte[][] keys, long deadline, BlockingRegistry.Waiter waiter) {
            this.db = db;
            this.keys = keys;
            this.deadline = deadline;
            this.waiter = waiter;
        }
    }
}
