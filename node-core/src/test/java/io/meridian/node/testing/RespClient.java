package io.meridian.node.testing;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A raw RESP2/RESP3 client for tests: sends commands and returns replies as plain values
 * ({@link Simple}, {@link Err}, Long, String for bulk, null, List, Map, Double, Boolean,
 * {@link Push}) so the replies of Meridian and real Redis compare with equals().
 */
public final class RespClient implements AutoCloseable {
    /** +OK style reply. */
    public record Simple(String text) {}

    /** -ERR style reply. */
    public record Err(String text) {}

    /** RESP3 push (>). */
    public record Push(List<Object> items) {}

    /** RESP3 verbatim (=). */
    public record Verbatim(String format, String text) {}

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    public RespClient(String host, int port) {
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

    public Socket socket() {
        return socket;
    }

    public Object call(String... args) {
        send(args);
        return read();
    }

    public Object call(byte[]... args) {
        sendBytes(args);
        return read();
    }

    public void send(String... args) {
        byte[][] b = new byte[args.length][];
        for (int i = 0; i < args.length; i++) b[i] = args[i].getBytes(StandardCharsets.UTF_8);
        sendBytes(b);
    }

    public void sendBytes(byte[]... args) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        o.writeBytes(("*" + args.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
        for (byte[] a : args) {
            o.writeBytes(("$" + a.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
            o.writeBytes(a);
            o.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        writeRaw(o.toByteArray());
    }

    public void writeRaw(byte[] raw) {
        try {
            out.write(raw);
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads one reply; bulk strings are decoded as ISO-8859-1 so any byte survives. */
    public Object read() {
        try {
            return parse();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Object parse() throws IOException {
        int t = in.read();
        if (t < 0) throw new IOException("connection closed");
        String line = line();
        switch (t) {
            case '+': return new Simple(line);
            case '-': return new Err(line);
            case ':': return Long.parseLong(line);
            case '$': {
                int n = Integer.parseInt(line);
                if (n < 0) return null;
                byte[] b = in.readNBytes(n);
                in.readNBytes(2);
                return new String(b, StandardCharsets.ISO_8859_1);
            }
            case '*': case '~': case '>': {
                int n = Integer.parseInt(line);
                if (n < 0) return null;
                List<Object> l = new ArrayList<>(n);
                for (int i = 0; i < n; i++) l.add(parse());
                return t == '>' ? new Push(l) : l;
            }
            case '%': {
                int n = Integer.parseInt(line);
                Map<Object, Object> m = new LinkedHashMap<>();
                for (int i = 0; i < n; i++) m.put(parse(), parse());
                return m;
            }
            case '_': return null;
            case ',': return line;
            case '#': return line.equals("t");
            case '(': return new java.math.BigInteger(line);
            case '=': {
                int n = Integer.parseInt(line);
                byte[] b = in.readNBytes(n);
                in.readNBytes(2);
                String s = new String(b, StandardCharsets.ISO_8859_1);
                return new Verbatim(s.substring(0, 3), s.substring(4));
            }
            default: throw new IOException("bad reply type " + (char) t + line);
        }
    }

    private String line() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) >= 0) {
            if (c == '\r') {
                in.read();
                break;
            }
            b.write(c);
        }
        return b.toString(StandardCharsets.ISO_8859_1);
    }

    /** Whether the server closed the connection (reads return EOF within the timeout). */
    public boolean isClosedByServer(int timeoutMs) {
        try {
            socket.setSoTimeout(timeoutMs);
            return in.read() < 0;
        } catch (IOException e) {
            return e instanceof java.net.SocketException;
        }
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing
        }
    }

    public static String show(Object o) {
        if (o instanceof byte[] b) return Arrays.toString(b);
        return Objects.toString(o);
    }
}
