package io.meridian.node.persist;

import java.nio.charset.StandardCharsets;

/**
 * Cuts replication-stream bytes into commands and tracks the stream offset of each: the
 * stream is RESP multibulk only ({@code *<n>\r\n} then n times {@code $<len>\r\n<bytes>\r\n}).
 * Bytes are fed as they come (record slices need not end on a command); {@link #next}
 * returns a command once all of it is there. Anything else is a
 * {@link LogCorruptionException} of kind PROTOCOL naming the command's offset.
 */
final class StreamCommandParser {
    /** Longest count or length line accepted (Redis's PROTO_INLINE_MAX_SIZE). */
    private static final int MAX_LINE = 64 * 1024;
    private static final int MAX_ARGS = 1024 * 1024;
    private byte[] buf = new byte[64 * 1024];
    private int start;
    private int end;
    /** Stream offset of buf[start]: the end of the last command returned. */
    private long offset;

    StreamCommandParser(long offset) {
        this.offset = offset;
    }

    /** Stream offset just past the last command returned. */
    long offset() {
        return offset;
    }

    /** Bytes fed but not yet part of a returned command. */
    int buffered() {
        return end - start;
    }

    void feed(byte[] data, int off, int len) {
        if (end + len > buf.length) {
            int live = end - start;
            if (live + len <= buf.length && start > 0) {
                System.arraycopy(buf, start, buf, 0, live);
            } else {
                byte[] nb = new byte[Math.max(buf.length * 2, live + len)];
                System.arraycopy(buf, start, nb, 0, live);
                buf = nb;
            }
            start = 0;
            end = live;
        }
        System.arraycopy(data, off, buf, end, len);
        end += len;
    }

    /** The next complete command, or null until more bytes are fed. */
    byte[][] next() {
        int p = start;
        if (p >= end) return null;
        if (buf[p] != '*') throw error("expected '*' but found " + describe(buf[p]));
        int eol = lineEnd(p + 1);
        if (eol < 0) return null;
        long n = number(p + 1, eol, "multibulk count");
        if (n < 1 || n > MAX_ARGS) throw error("multibulk count " + n + " (expected: 1.." + MAX_ARGS + ")");
        p = eol + 2;
        byte[][] argv = new byte[(int) n][];
        for (int i = 0; i < n; i++) {
            if (p >= end) return null;
            if (buf[p] != '$') throw error("expected '$' but found " + describe(buf[p]));
            eol = lineEnd(p + 1);
            if (eol < 0) return null;
            long len = number(p + 1, eol, "bulk length");
            if (len < 0 || len > Integer.MAX_VALUE - 2) throw error("bulk length " + len);
            p = eol + 2;
            if ((long) end - p < len + 2) return null;
            if (buf[p + (int) len] != '\r' || buf[p + (int) len + 1] != '\n') throw error("bulk string not followed by CRLF");
            byte[] a = new byte[(int) len];
            System.arraycopy(buf, p, a, 0, (int) len);
            argv[i] = a;
            p += (int) len + 2;
        }
        offset += p - start;
        start = p;
        if (start == end) {
            start = 0;
            end = 0;
        }
        return argv;
    }

    /** Index of the CR of the CRLF ending the line that starts at from, or -1 if not all here. */
    private int lineEnd(int from) {
        int limit = Math.min(end, from + MAX_LINE);
        for (int i = from; i < limit - 1; i++) {
            if (buf[i] == '\r') {
                if (buf[i + 1] != '\n') throw error("CR not followed by LF");
                return i;
            }
        }
        if (end - from >= MAX_LINE) throw error("line longer than " + MAX_LINE + " bytes");
        return -1;
    }

    private long number(int from, int to, String what) {
        if (from == to || to - from > 19) throw error("bad " + what);
        long v = 0;
        boolean neg = buf[from] == '-';
        for (int i = neg ? from + 1 : from; i < to; i++) {
            byte c = buf[i];
            if (c < '0' || c > '9') throw error("bad " + what + " '" + new String(buf, from, to - from, StandardCharsets.ISO_8859_1) + "'");
            v = v * 10 + (c - '0');
        }
        return neg ? -v : v;
    }

    private static String describe(byte b) {
        return b >= 32 && b < 127 ? "'" + (char) b + "'" : String.format("byte 0x%02x", b & 0xff);
    }

    private LogCorruptionException error(String detail) {
        return new LogCorruptionException(LogCorruptionException.Kind.PROTOCOL, offset, detail);
    }
}
