package io.meridian.node.repl.replica;

import io.meridian.node.Node;
import io.meridian.node.keyspace.Keyspace;
import io.meridian.node.repl.ReplicationStream;
import io.meridian.node.server.Client;
import io.meridian.node.util.Bytes;
import io.netty.buffer.ByteBuf;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.LongConsumer;

/**
 * Applies the master's stream as Redis applies it from the master client: each command runs
 * through the dispatcher as the 'M' client (no replies, never refused as a write, nothing
 * propagated by the dispatcher, no local expiry), a MULTI/EXEC block is applied by EXEC
 * whole, and {@code REPLCONF GETACK} is answered with an ACK of the applied offset. Runs on
 * the command thread.
 *
 * <p>Offsets: {@link #readOffset} counts every byte received (slave_read_repl_offset),
 * {@link #appliedOffset} the bytes of complete commands applied (slave_repl_offset; not
 * inside an open MULTI). The applied bytes are relayed verbatim into the node's own
 * {@link ReplicationStream} (the master's replid and offsets), so the node's log and its
 * sub-replicas see exactly the master's stream.
 */
public final class StreamApplier {
    private static final Logger LOG = LoggerFactory.getLogger("meridian");
    /** Errors from the master's commands logged one by one before only counting them. */
    private static final int ERRORS_LOGGED = 10;
    /** Longest count or length line accepted (PROTO_INLINE_MAX_SIZE). */
    private static final int MAX_LINE = 64 * 1024;

    /** The stream holds something that is not a command: the link must be dropped. */
    public static final class ProtocolException extends RuntimeException {
        ProtocolException(long offset, String detail) {
            super("Protocol error from MASTER at offset " + offset + ": " + detail);
        }
    }

    private final Node node;
    private final Client master;
    /** Sends REPLCONF ACK <offset> to the master (GETACK). */
    private final LongConsumer ack;
    /** Received bytes not yet relayed: buf[0] is at stream offset bufStart. */
    private byte[] buf = new byte[16 * 1024];
    private int len;
    private long bufStart;
    /** Index in buf of the next byte to parse. */
    private int pos;
    /** Index in buf just past the last command applied (outside MULTI). */
    private int applied;
    private long readOffset;
    private long errors;
    /** The master client's last command is postponed (CLIENT PAUSE): nothing more is applied until it runs. */
    private boolean waiting;

    /**
     * @param master the connection's client ('M'), already in the database the stream is in
     * @param offset the master offset of the first byte to come (= what was applied so far)
     */
    public StreamApplier(Node node, Client master, long offset, LongConsumer ack) {
        this.node = node;
        this.master = master;
        this.ack = ack;
        this.bufStart = offset;
        this.readOffset = offset;
    }

    public Client client() {
        return master;
    }

    /** slave_read_repl_offset: every byte received from the master. */
    public long readOffset() {
        return readOffset;
    }

    /** slave_repl_offset: the end of the last command applied (outside MULTI). */
    public long appliedOffset() {
        return bufStart + applied;
    }

    /** Commands that answered an error (they are logged, never sent back). */
    public long errors() {
        return errors;
    }

    /** Applies what arrived; throws {@link ProtocolException} on bytes that are not a command. */
    public void apply(ByteBuf data) {
        int n = data.readableBytes();
        readOffset += n;
        if (len + n > buf.length) buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + n));
        data.readBytes(buf, len, n);
        len += n;
        drain();
    }

    /**
     * Applies what is buffered, up to a command the master client must wait with (CLIENT PAUSE
     * postpones it, as Redis postpones its master client): then {@link #waiting} is true and
     * {@link #resumeIfReady} continues once the dispatcher has run it.
     */
    private void drain() {
        try {
            while (!waiting) {
                byte[][] argv = next();
                if (argv == null) break;
                if (argv.length > 0) run(argv, pos);
                if (master.postponed || !master.pending.isEmpty()) {
                    waiting = true; // its bytes count once it has run
                    break;
                }
                if (!master.inMulti) applied = pos;
            }
        } finally {
            relay();
        }
    }

    /** A command of the master waits (CLIENT PAUSE): stop reading until it has run. */
    public boolean waiting() {
        return waiting;
    }

    /** Called from the cron while {@link #waiting}: true once the waiting command ran and the rest was applied. */
    public boolean resumeIfReady() {
        if (!waiting || master.postponed || !master.pending.isEmpty()) return !waiting;
        waiting = false;
        if (!master.inMulti) applied = pos;
        drain();
        return !waiting;
    }

    private void run(byte[][] argv, int end) {
        if (Bytes.eqIgnoreCase(argv[0], "replconf")) {
            // REPLCONF GETACK *: answered with what was applied before it, as Redis's replconfCommand
            if (argv.length >= 2 && Bytes.eqIgnoreCase(argv[1], "getack")) ack.accept(bufStart + applied);
            return;
        }
        long before = node.stats().totalErrorReplies;
        Keyspace ks = node.keyspace();
        ks.setMasterContext(true);
        try {
            node.dispatcher().process(master, argv);
        } finally {
            ks.setMasterContext(false);
        }
        if (node.stats().totalErrorReplies != before) {
            errors++;
            if (errors <= ERRORS_LOGGED) {
                LOG.warn("== CRITICAL == This replica is sending an error to its master: the command '{}' ending at offset {} failed",
                        Bytes.latin1(argv[0]), bufStart + end);
            }
        }
    }

    /** Hands the applied bytes to the node's stream (log, sub-replicas) and drops them from the buffer. */
    private void relay() {
        if (applied == 0) return;
        ReplicationStream s = node.stream();
        if (s.offset() != bufStart) {
            // nothing else writes the stream of a replica; if it moved, follow the master's numbering
            s.reset(s.replid(), bufStart, s.streamDb());
        }
        s.append(Arrays.copyOf(buf, applied));
        if (master.dbIndex != s.streamDb()) s.reset(s.replid(), s.offset(), master.dbIndex);
        System.arraycopy(buf, applied, buf, 0, len - applied);
        len -= applied;
        pos -= applied;
        bufStart += applied;
        applied = 0;
        if (buf.length > (1 << 20) && len < (1 << 16)) buf = Arrays.copyOf(buf, 16 * 1024 + len);
    }

    // ---- the parser: RESP multibulk, and inline lines (a bare newline is a keepalive) --------

    /** The next complete command (an empty array for an empty inline line), or null until more bytes come. */
    private byte[][] next() {
        int p = pos;
        if (p >= len) return null;
        if (buf[p] != '*') return inline();
        int eol = lineEnd(p + 1);
        if (eol < 0) return null;
        long n = number(p + 1, eol, "multibulk count");
        p = eol + 2;
        if (n <= 0) {
            pos = p;
            return new byte[0][];
        }
        if (n > 1024 * 1024) throw error("invalid multibulk count " + n);
        byte[][] argv = new byte[(int) n][];
        for (int i = 0; i < n; i++) {
            if (p >= len) return null;
            if (buf[p] != '$') throw error("expected '$', got '" + (char) buf[p] + "'");
            eol = lineEnd(p + 1);
            if (eol < 0) return null;
            long l = number(p + 1, eol, "bulk length");
            if (l < 0 || l > Integer.MAX_VALUE - 16) throw error("invalid bulk length " + l);
            p = eol + 2;
            if ((long) len - p < l + 2) return null;
            argv[i] = Arrays.copyOfRange(buf, p, p + (int) l);
            p += (int) l + 2;
        }
        pos = p;
        return argv;
    }

    private byte[][] inline() {
        int nl = -1;
        for (int i = pos; i < len; i++) {
            if (buf[i] == '\n') {
                nl = i;
                break;
            }
        }
        if (nl < 0) {
            if (len - pos > MAX_LINE) throw error("too big inline request");
            return null;
        }
        int end = nl > pos && buf[nl - 1] == '\r' ? nl - 1 : nl;
        String line = new String(buf, pos, end - pos, StandardCharsets.ISO_8859_1).trim();
        pos = nl + 1;
        if (line.isEmpty()) return new byte[0][];
        List<byte[]> args = new ArrayList<>();
        for (String a : line.split("\\s+")) args.add(a.getBytes(StandardCharsets.ISO_8859_1));
        return args.toArray(new byte[0][]);
    }

    /** Index of the CR of the CRLF ending the line that starts at from, or -1 if not all here. */
    private int lineEnd(int from) {
        int limit = Math.min(len, from + MAX_LINE);
        for (int i = from; i < limit - 1; i++) {
            if (buf[i] == '\r' && buf[i + 1] == '\n') return i;
        }
        if (len - from >= MAX_LINE) throw error("line longer than " + MAX_LINE + " bytes");
        return -1;
    }

    private long number(int from, int to, String what) {
        Long v = Bytes.parseLong(buf, from, to - from);
        if (v == null) throw error("invalid " + what + " '" + new String(buf, from, to - from, StandardCharsets.ISO_8859_1) + "'");
        return v;
    }

    private ProtocolException error(String detail) {
        return new ProtocolException(bufStart + pos, detail);
    }
}
