package io.meridian.node;

import io.meridian.node.testing.Differential;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Byte-exact reply comparison between Meridian and real Redis: one raw connection to each,
 * a reply read whole (nested aggregates included) and compared as bytes, so a RESP3 double
 * is not a bulk string, a null array is not a null bulk, a set is not an array.
 */
final class ExactReplies implements AutoCloseable {
    private final Raw meridian;
    private final Raw redis;

    ExactReplies(Differential d) {
        this.meridian = new Raw(d.meridian().host(), d.meridian().port());
        this.redis = new Raw(d.redis().host(), d.redis().port());
    }

    /** Switches both connections to RESP3 (HELLO's own reply differs and is not compared). */
    ExactReplies resp3() {
        both("HELLO", "3");
        return this;
    }

    void both(String... cmd) {
        meridian.call(bytes(cmd));
        redis.call(bytes(cmd));
    }

    /** Runs a command on both; asserts byte-identical replies; returns Redis's reply as text. */
    String check(String... cmd) {
        return check(bytes(cmd));
    }

    String check(byte[]... cmd) {
        String expected = show(redis.call(cmd));
        String actual = show(meridian.call(cmd));
        assertEquals(expected, actual, () -> "reply to " + show(cmd));
        return expected;
    }

    /** Runs a script: one command per array. */
    void script(String[]... cmds) {
        for (String[] c : cmds) check(c);
    }

    /** Sends to Meridian only, returning its raw reply (for random replies checked by shape). */
    String meridian(String... cmd) {
        return show(meridian.call(bytes(cmd)));
    }

    String redis(String... cmd) {
        return show(redis.call(bytes(cmd)));
    }

    static byte[][] bytes(String... cmd) {
        byte[][] b = new byte[cmd.length][];
        for (int i = 0; i < cmd.length; i++) b[i] = cmd[i].getBytes(StandardCharsets.ISO_8859_1);
        return b;
    }

    private static String show(byte[] raw) {
        return new String(raw, StandardCharsets.ISO_8859_1);
    }

    private static String show(byte[][] cmd) {
        StringBuilder s = new StringBuilder();
        for (byte[] a : cmd) s.append(show(a)).append(' ');
        return s.toString().trim();
    }

    @Override
    public void close() {
        meridian.close();
        redis.close();
    }

    /** One connection that returns each reply's exact bytes. */
    static final class Raw implements AutoCloseable {
        private final Socket socket;
        private final InputStream in;
        private final OutputStream out;

        Raw(String host, int port) {
            try {
                socket = new Socket(host, port);
                socket.setSoTimeout(30_000);
                socket.setTcpNoDelay(true);
                in = new BufferedInputStream(socket.getInputStream(), 65536);
                out = socket.getOutputStream();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        byte[] call(byte[]... args) {
            send(args);
            return read();
        }

        void send(byte[]... args) {
            ByteArrayOutputStream o = new ByteArrayOutputStream();
            o.writeBytes(("*" + args.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
            for (byte[] a : args) {
                o.writeBytes(("$" + a.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
                o.writeBytes(a);
                o.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
            }
            try {
                out.write(o.toByteArray());
                out.flush();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        byte[] read() {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            try {
                readInto(b);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return b.toByteArray();
        }

        private void readInto(ByteArrayOutputStream b) throws IOException {
            int t = in.read();
            if (t < 0) throw new IOException("connection closed");
            b.write(t);
            String line = line(b);
            switch (t) {
                case '$', '=', '!' -> {
                    int n = Integer.parseInt(line);
                    if (n >= 0) b.write(in.readNBytes(n + 2));
                }
                case '*', '~', '>' -> {
                    int n = Integer.parseInt(line);
                    for (int i = 0; i < n; i++) readInto(b);
                }
                case '%', '|' -> {
                    int n = Integer.parseInt(line);
                    for (int i = 0; i < 2 * n; i++) readInto(b);
                }
                default -> { }
            }
        }

        private String line(ByteArrayOutputStream b) throws IOException {
            ByteArrayOutputStream l = new ByteArrayOutputStream();
            int c;
            while ((c = in.read()) >= 0 && c != '\r') l.write(c);
            in.read();
            b.writeBytes(l.toByteArray());
            b.write('\r');
            b.write('\n');
            return l.toString(StandardCharsets.US_ASCII);
        }

        @Override
        public void close() {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing
            }
        }
    }
}
