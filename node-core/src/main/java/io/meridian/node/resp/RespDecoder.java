package io.meridian.node.resp;

import io.meridian.node.util.Bytes;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.util.ByteProcessor;

import java.util.ArrayList;
import java.util.List;

/**
 * Client requests to {@code byte[][]}: RESP multibulk ({@code *<n>\r\n$<len>\r\n<bytes>\r\n...})
 * and inline commands (a telnet line). An explicit state machine that keeps its place across
 * reads, so a request split at any byte costs no re-parse. Limits and error texts are Redis's
 * ({@code processMultibulkBuffer} / {@code processInlineBuffer} in networking.c): on a protocol
 * error it emits one {@link ProtocolError} and discards everything after it, and the handler
 * replies and closes, as Redis does.
 */
public final class RespDecoder extends ByteToMessageDecoder {
    /** Redis's PROTO_INLINE_MAX_SIZE: longest inline request and longest count line. */
    public static final int INLINE_MAX = 64 * 1024;
    /** Unauthenticated clients may send at most this many arguments and this long an argument. */
    static final int UNAUTH_MAX_ARGS = 10;
    static final int UNAUTH_MAX_BULK = 16384;

    /** What the decoder needs to know of the connection and the config, read per request. */
    public interface Limits {
        long maxBulkLen();

        long queryBufferLimit();

        /** False while the connection must still AUTH: requests are then held to 10 arguments of 16 KB. */
        boolean authenticated();

        /** Bytes arrived from the socket (stats, idle time). */
        default void received(int bytes) {}
    }

    enum State { START, BULK_HEADER, BULK_BODY, DISCARD }

    private final Limits limits;
    private State state = State.START;
    private byte[][] args;
    private int argIndex;
    private int bulkLen;

    public RespDecoder(Limits limits) {
        this.limits = limits;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (msg instanceof ByteBuf b) limits.received(b.readableBytes());
        super.channelRead(ctx, msg);
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (state != State.DISCARD && in.readableBytes() > limits.queryBufferLimit()) {
            out.add(ProtocolError.QUERY_BUFFER_LIMIT);
            discard(in);
            return;
        }
        try {
            for (;;) {
                switch (state) {
                    case START:
                        if (!in.isReadable()) return;
                        if (in.getByte(in.readerIndex()) == '*') {
                            if (!readMultibulkCount(in)) return;
                        } else {
                            if (!readInline(in, out)) return;
                        }
                        break;
                    case BULK_HEADER:
                        if (!readBulkHeader(in)) return;
                        break;
                    case BULK_BODY:
                        if (!readBulkBody(in, out)) return;
                        break;
                    case DISCARD:
                        in.skipBytes(in.readableBytes());
                        return;
                    default:
                        throw new IllegalStateException(state.name());
                }
            }
        } catch (ProtocolError e) {
            out.add(e);
            discard(in);
        }
    }

    private void discard(ByteBuf in) {
        state = State.DISCARD;
        args = null;
        in.skipBytes(in.readableBytes());
    }

    /** Stops at CR or NUL: Redis finds line ends with strchr, which a NUL byte stops. */
    private static final ByteProcessor FIND_CR_OR_NUL = b -> b != '\r' && b != 0;
    private static final ByteProcessor FIND_LF_OR_NUL = b -> b != '\n' && b != 0;

    /**
     * Index of the '\r' ending the line that starts at readerIndex, or -1 when none is seen
     * yet (a NUL before it hides it, as strchr in Redis's processMultibulkBuffer).
     */
    private static int lineEnd(ByteBuf in) {
        int i = in.forEachByte(in.readerIndex(), in.readableBytes(), FIND_CR_OR_NUL);
        return i >= 0 && in.getByte(i) == '\r' ? i : -1;
    }

    // *<count>\r\n
    private boolean readMultibulkCount(ByteBuf in) {
        int cr = lineEnd(in);
        if (cr < 0) {
            if (in.readableBytes() > INLINE_MAX) throw new ProtocolError("too big mbulk count string");
            return false;
        }
        if (cr + 1 >= in.writerIndex()) return false; // the '\n' is still to come
        long n = parseLength(in, in.readerIndex() + 1, cr);
        if (n == NOT_A_NUMBER || n > Integer.MAX_VALUE) throw new ProtocolError("invalid multibulk length");
        if (!limits.authenticated() && n > UNAUTH_MAX_ARGS) throw new ProtocolError("unauthenticated multibulk length");
        in.readerIndex(cr + 2);
        if (n <= 0) return true; // "*0\r\n" and "*-1\r\n" are skipped, as Redis does
        args = new byte[(int) Math.min(n, 1024)][];
        argIndex = 0;
        remainingArgs = (int) n;
        state = State.BULK_HEADER;
        return true;
    }

    private int remainingArgs;

    // $<len>\r\n
    private boolean readBulkHeader(ByteBuf in) {
        int cr = lineEnd(in);
        if (cr < 0) {
            if (in.readableBytes() > INLINE_MAX) throw new ProtocolError("too big bulk count string");
            return false;
        }
        if (cr + 1 >= in.writerIndex()) return false;
        byte marker = in.getByte(in.readerIndex());
        if (marker != '$') {
            throw new ProtocolError("expected '$', got '" + (char) (marker & 0xff) + "'");
        }
        long n = parseLength(in, in.readerIndex() + 1, cr);
        if (n == NOT_A_NUMBER || n < 0 || n > limits.maxBulkLen()) throw new ProtocolError("invalid bulk length");
        if (!limits.authenticated() && n > UNAUTH_MAX_BULK) throw new ProtocolError("unauthenticated bulk length");
        in.readerIndex(cr + 2);
        bulkLen = (int) n;
        state = State.BULK_BODY;
        return true;
    }

    // <bytes>\r\n  (the two bytes after the payload are skipped unread, as in Redis)
    private boolean readBulkBody(ByteBuf in, List<Object> out) {
        if (in.readableBytes() < (long) bulkLen + 2) return false;
        byte[] arg = new byte[bulkLen];
        in.readBytes(arg);
        in.skipBytes(2);
        if (argIndex == args.length) {
            byte[][] grown = new byte[Math.min(remainingArgs, args.length * 2)][];
            System.arraycopy(args, 0, grown, 0, args.length);
            args = grown;
        }
        args[argIndex++] = arg;
        if (argIndex == remainingArgs) {
            out.add(args);
            args = null;
            state = State.START;
        } else {
            state = State.BULK_HEADER;
        }
        return true;
    }

    private boolean readInline(ByteBuf in, List<Object> out) {
        int lf = in.forEachByte(in.readerIndex(), in.readableBytes(), FIND_LF_OR_NUL);
        if (lf >= 0 && in.getByte(lf) != '\n') lf = -1; // a NUL hides the line end (strchr)
        if (lf < 0) {
            if (in.readableBytes() > INLINE_MAX) throw new ProtocolError("too big inline request");
            return false;
        }
        int end = lf;
        if (end > in.readerIndex() && in.getByte(end - 1) == '\r') end--;
        byte[] line = new byte[end - in.readerIndex()];
        in.getBytes(in.readerIndex(), line);
        in.readerIndex(lf + 1);
        List<byte[]> parts = InlineSplitter.split(line);
        if (parts == null) throw new ProtocolError("unbalanced quotes in request");
        if (parts.isEmpty()) return true;
        out.add(parts.toArray(new byte[0][]));
        return true;
    }

    /** parseLength's result for bytes that are not a canonical integer. */
    static final long NOT_A_NUMBER = Long.MIN_VALUE;

    /**
     * Redis's string2ll on [from, to) without allocating: NOT_A_NUMBER if invalid. Up to 18
     * digits cannot overflow and are parsed in place; longer ones take the exact general path
     * (whose only result equal to NOT_A_NUMBER, -2^63, is returned as -2^63+1: both are
     * negative, which is all a length or count needs to know).
     */
    static long parseLength(ByteBuf in, int from, int to) {
        int len = to - from;
        if (len <= 0 || len > 20) return NOT_A_NUMBER;
        if (len <= 18) {
            int i = from;
            byte c = in.getByte(i);
            if (len == 1 && c == '0') return 0;
            boolean neg = c == '-';
            if (neg && ++i == to) return NOT_A_NUMBER;
            c = in.getByte(i);
            if (c < '1' || c > '9') return NOT_A_NUMBER;
            long v = c - '0';
            for (i++; i < to; i++) {
                int d = in.getByte(i) - '0';
                if (d < 0 || d > 9) return NOT_A_NUMBER;
                v = v * 10 + d;
            }
            return neg ? -v : v;
        }
        byte[] b = new byte[len];
        in.getBytes(from, b);
        Long v = Bytes.parseLong(b);
        if (v == null) return NOT_A_NUMBER;
        return v == Long.MIN_VALUE ? Long.MIN_VALUE + 1 : v;
    }

    /** sdssplitargs: also used for redis.conf lines. Null on unbalanced quotes. */
    public static List<byte[]> splitArgs(byte[] line) {
        return InlineSplitter.split(line);
    }

    /** Splits an inline request like Redis's sdssplitargs: quotes, escapes, \xHH. */
    static final class InlineSplitter {
        static List<byte[]> split(byte[] line) {
            List<byte[]> out = new ArrayList<>();
            int i = 0, n = line.length;
            for (int z = 0; z < line.length; z++) {
                if (line[z] == 0) { // a C string: the NUL ends it
                    n = z;
                    break;
                }
            }
            while (true) {
                while (i < n && isSpace(line[i])) i++;
                if (i >= n) return out;
                java.io.ByteArrayOutputStream cur = new java.io.ByteArrayOutputStream();
                boolean inq = false, insq = false, done = false;
                while (!done) {
                    if (inq) {
                        if (i >= n) return null;
                        byte c = line[i];
                        if (c == '\\' && i + 3 < n && line[i + 1] == 'x' && isHex(line[i + 2]) && isHex(line[i + 3])) {
                            cur.write(hex(line[i + 2]) * 16 + hex(line[i + 3]));
                            i += 3;
                        } else if (c == '\\' && i + 1 < n) {
                            i++;
                            byte e = line[i];
                            switch (e) {
                                case 'n': cur.write('\n'); break;
                                case 'r': cur.write('\r'); break;
                                case 't': cur.write('\t'); break;
                                case 'b': cur.write('\b'); break;
                                case 'a': cur.write(7); break;
                                default: cur.write(e);
                            }
                        } else if (c == '"') {
                            if (i + 1 < n && !isSpace(line[i + 1])) return null;
                            done = true;
                        } else {
                            cur.write(c);
                        }
                    } else if (insq) {
                        if (i >= n) return null;
                        byte c = line[i];
                        if (c == '\\' && i + 1 < n && line[i + 1] == '\'') {
                            i++;
                            cur.write('\'');
                        } else if (c == '\'') {
                            if (i + 1 < n && !isSpace(line[i + 1])) return null;
                            done = true;
                        } else {
                            cur.write(c);
                        }
                    } else {
                        if (i >= n) {
                            done = true;
                            break;
                        }
                        byte c = line[i];
                        if (c == ' ' || c == '\n' || c == '\r' || c == '\t') {
                            done = true;
                        } else if (c == '"') {
                            inq = true;
                        } else if (c == '\'') {
                            insq = true;
                        } else {
                            cur.write(c);
                        }
                    }
                    if (i < n) i++;
                }
                out.add(cur.toByteArray());
            }
        }

        private static boolean isSpace(byte c) {
            return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == 0x0b || c == '\f';
        }

        private static boolean isHex(byte c) {
            return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
        }

        private static int hex(byte c) {
            if (c >= '0' && c <= '9') return c - '0';
            if (c >= 'a' && c <= 'f') return c - 'a' + 10;
            return c - 'A' + 10;
        }
    }
}
