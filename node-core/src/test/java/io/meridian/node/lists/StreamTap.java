package io.meridian.node.lists;

import io.meridian.node.Node;
import io.meridian.node.repl.ReplicationStream;

import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * What a server propagates to its replicas, as a list of commands ("LPOP k"): for Meridian
 * a listener on its replication stream, for the real redis-server a fake replica that sends
 * SYNC, skips the RDB and reads the stream. SELECT and PING are left out.
 */
abstract class StreamTap implements AutoCloseable {
    /** How long to keep listening after the expected commands arrived, to catch extra ones. */
    static final long SETTLE_MS = 150;

    /** The commands propagated so far, waiting up to timeoutMs for at least n of them. */
    abstract List<String> commands(int n, long timeoutMs);

    @Override
    public abstract void close();

    static StreamTap of(Node node) {
        return new MeridianTap(node);
    }

    static StreamTap sync(String host, int port) {
        return new SyncTap(host, port);
    }

    static List<String> parseAll(InputStream in, List<String> into) throws IOException {
        for (;;) {
            List<String> cmd = parseCommand(in);
            if (cmd == null) return into;
            String name = cmd.get(0).toUpperCase();
            if (!name.equals("SELECT") && !name.equals("PING")) into.add(String.join(" ", cmd));
        }
    }

    /** One "*n\r\n$len\r\nbytes\r\n..." command, or null at the end of the input. */
    static List<String> parseCommand(InputStream in) throws IOException {
        int t = in.read();
        while (t == '\n') t = in.read(); // the master's keepalive newlines
        if (t < 0) return null;
        if (t != '*') throw new IOException("unexpected stream byte " + (char) t);
        int n = Integer.parseInt(line(in));
        List<String> cmd = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            if (in.read() != '$') throw new IOException("expected a bulk string");
            int len = Integer.parseInt(line(in));
            cmd.add(new String(in.readNBytes(len), StandardCharsets.ISO_8859_1));
            in.readNBytes(2);
        }
        return cmd;
    }

    static String line(InputStream in) throws IOException {
        StringBuilder s = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0 && c != '\r') s.append((char) c);
        in.read();
        return s.toString();
    }

    private static final class MeridianTap extends StreamTap {
        private final Node node;
        private final List<byte[]> chunks = new CopyOnWriteArrayList<>();
        private final ReplicationStream.Listener listener = (start, data) -> chunks.add(data);

        MeridianTap(Node node) {
            this.node = node;
            node.stream().addListener(listener);
        }

        @Override
        List<String> commands(int n, long timeoutMs) {
            long deadline = System.currentTimeMillis() + timeoutMs;
            boolean settled = false;
            for (;;) {
                List<String> all = new ArrayList<>();
                try {
                    for (byte[] c : chunks) parseAll(new ByteArrayInputStream(c), all);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                if (all.size() >= n || System.currentTimeMillis() > deadline) {
                    if (settled) return all;
                    settled = true;
                    sleep(SETTLE_MS); // and once more, for anything propagated beyond n
                    continue;
                }
                sleep(20);
            }
        }

        @Override
        public void close() {
            node.stream().removeListener(listener);
        }
    }

    private static final class SyncTap extends StreamTap {
        private final Socket socket;
        private final InputStream in;
        private final List<String> seen = new ArrayList<>();

        SyncTap(String host, int port) {
            try {
                socket = new Socket(host, port);
                socket.setSoTimeout(20_000);
                in = new BufferedInputStream(socket.getInputStream());
                OutputStream out = socket.getOutputStream();
                out.write("SYNC\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                int t = in.read();
                while (t == '\n') t = in.read();
                if (t != '$') throw new IOException("expected the RDB payload, got " + (char) t);
                long len = Long.parseLong(line(in));
                in.skipNBytes(len);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        List<String> commands(int n, long timeoutMs) {
            long deadline = System.currentTimeMillis() + timeoutMs;
            try {
                boolean settled = false;
                for (;;) {
                    if (seen.size() >= n && !settled) {
                        settled = true; // read on a little, for anything propagated beyond n
                        deadline = Math.min(deadline, System.currentTimeMillis() + SETTLE_MS);
                    }
                    if (System.currentTimeMillis() >= deadline) break;
                    socket.setSoTimeout((int) Math.max(1, deadline - System.currentTimeMillis()));
                    List<String> cmd;
                    try {
                        cmd = parseCommand(in);
                    } catch (SocketTimeoutException e) {
                        break;
                    }
                    if (cmd == null) break;
                    String name = cmd.get(0).toUpperCase();
                    if (!name.equals("SELECT") && !name.equals("PING")) seen.add(String.join(" ", cmd));
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return new ArrayList<>(seen);
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

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
