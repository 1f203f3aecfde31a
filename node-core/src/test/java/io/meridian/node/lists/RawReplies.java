package io.meridian.node.lists;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A RESP connection that returns each reply as its exact bytes, so tests can tell a null
 * bulk ($-1) from a null array (*-1) and RESP3 shapes apart, which parsed replies hide.
 */
final class RawReplies implements AutoCloseable {
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    RawReplies(String host, int port) {
        try {
            socket = new Socket(host, port);
            socket.setSoTimeout(10_000);
            in = new BufferedInputStream(socket.getInputStream());
            out = socket.getOutputStream();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] encode(byte[]... args) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(("*" + args.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
        for (byte[] a : args) {
            b.writeBytes(("$" + a.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
            b.writeBytes(a);
            b.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        return b.toByteArray();
    }

    static byte[][] args(String... s) {
        byte[][] a = new byte[s.length][];
        for (int i = 0; i < s.length; i++) a[i] = s[i].getBytes(StandardCharsets.ISO_8859_1);
        return a;
    }

    void send(String... cmd) {
        sendRaw(encode(args(cmd)));
    }

    void sendRaw(byte[] b) {
        try {
            out.write(b);
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Sends one command and returns its reply, byte for byte, as ISO-8859-1 text. */
    String call(String... cmd) {
        send(cmd);
        return read();
    }

    String read() {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try {
            readReply(b);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return b.toString(StandardCharsets.ISO_8859_1);
    }

    private void readReply(ByteArrayOutputStream b) throws IOException {
        int t = in.read();
        if (t < 0) throw new IOException("connection closed");
        b.write(t);
        String line = line(b);
        switch (t) {
            case '$', '=', '!' -> {
                int n = Integer.parseInt(line);
                if (n >= 0) b.writeBytes(in.readNBytes(n + 2));
            }
            case '*', '~', '>' -> {
                int n = Integer.parseInt(line);
                for (int i = 0; i < n; i++) readReply(b);
            }
            case '%', '|' -> {
                int n = Integer.parseInt(line);
                for (int i = 0; i < 2 * n; i++) readReply(b);
            }
            default -> { }
        }
    }

    private String line(ByteArrayOutputStream b) throws IOException {
        StringBuilder s = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0) {
            b.write(c);
            if (c == '\r') {
                b.write(in.read());
                break;
            }
            s.append((char) c);
        }
        return s.toString();
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
