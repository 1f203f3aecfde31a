package io.meridian.kafkareplica.drill;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A blocking RESP2 connection for the drill: commands out, replies in as Java values
 * (simple string and bulk as String, integer as Long, array as List, nil as null, an error
 * reply as {@link ErrorReply}). Not thread-safe: one per thread.
 */
public final class RespConnection implements AutoCloseable {
    /** An error reply ("-ERR ..."): returned, not thrown, so a caller can retry on it. */
    public record ErrorReply(String message) {
        @Override
        public String toString() {
            return message;
        }
    }

    private final String host;
    private final int port;
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    public RespConnection(String host, int port, String password, int timeoutMillis) throws IOException {
        this.host = host;
        this.port = port;
        socket = new Socket();
        socket.setTcpNoDelay(true);
        socket.connect(new InetSocketAddress(host, port), timeoutMillis);
        socket.setSoTimeout(timeoutMillis);
        in = new BufferedInputStream(socket.getInputStream(), 64 * 1024);
        out = new BufferedOutputStream(socket.getOutputStream(), 64 * 1024);
        if (password != null && !password.isEmpty()) {
            Object r = call("AUTH", password);
            if (r instanceof ErrorReply e) {
                close();
                throw new IOException(host + ":" + port + " refused AUTH: " + e.message());
            }
        }
    }

    /** "host:port" as given. */
    public String address() {
        return host + ":" + port;
    }

    public void setTimeout(int millis) throws IOException {
        socket.setSoTimeout(millis);
    }

    /** Sends one command and reads its reply. */
    public Object call(String... args) throws IOException {
        send(args);
        out.flush();
        return read();
    }

    /** Sends several commands at once (a pipeline) and reads their replies in order. */
    public List<Object> pipeline(List<String[]> commands) throws IOException {
        for (String[] c : commands) send(c);
        out.flush();
        List<Object> replies = new ArrayList<>(commands.size());
        for (int i = 0; i < commands.size(); i++) replies.add(read());
        return replies;
    }

    /** A reply that must not be an error: its text (integers as text too). */
    public String text(String... args) throws IOException {
        Object r = call(args);
        if (r instanceof ErrorReply e) throw new IOException(address() + " " + args[0] + ": " + e.message());
        return r == null ? null : r.toString();
    }

    /** INFO section as a map of its fields. */
    public Map<String, String> info(String section) throws IOException {
        return parseInfo(text("INFO", section));
    }

    public static Map<String, String> parseInfo(String text) {
        Map<String, String> m = new LinkedHashMap<>();
        if (text == null) return m;
        for (String line : text.split("\r?\n")) {
            if (line.isEmpty() || line.startsWith("#")) continue;
            int c = line.indexOf(':');
            if (c > 0) m.put(line.substring(0, c), line.substring(c + 1));
        }
        return m;
    }

    // *<n>\r\n then $<len>\r\n<bytes>\r\n per argument
    private void send(String[] args) throws IOException {
        out.write(('*' + Integer.toString(args.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
        for (String a : args) {
            byte[] b = a.getBytes(StandardCharsets.UTF_8);
            out.write(('$' + Integer.toString(b.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(b);
            out.write('\r');
            out.write('\n');
        }
    }

    private Object read() throws IOException {
        int type = in.read();
        if (type < 0) throw new EOFException(address() + " closed the connection");
        String line = line();
        switch (type) {
            case '+':
                return line;
            case '-':
                return new ErrorReply(line);
            case ':':
                return Long.parseLong(line);
            case '$': {
                int n = Integer.parseInt(line);
                if (n < 0) return null;
                byte[] b = in.readNBytes(n);
                if (b.length < n) throw new EOFException(address() + " closed the connection");
                line(); // the CRLF after the bytes
                return new String(b, StandardCharsets.UTF_8);
            }
            case '*': {
                int n = Integer.parseInt(line);
                if (n < 0) return null;
                List<Object> l = new ArrayList<>(n);
                for (int i = 0; i < n; i++) l.add(read());
                return l;
            }
            default:
                throw new IOException(address() + ": unexpected reply type '" + (char) type + "'");
        }
    }

    private String line() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream(32);
        for (;;) {
            int c = in.read();
            if (c < 0) throw new EOFException(address() + " closed the connection");
            if (c == '\r') {
                in.read(); // '\n'
                return b.toString(StandardCharsets.UTF_8);
            }
            b.write(c);
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
}
