package io.meridian.node.repl.replica;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A tiny master on a ServerSocket that answers the handshake (PING, AUTH, REPLCONF) and then
 * does whatever the test's {@link Psync} says after PSYNC: send a corrupt RDB, die in the
 * middle of a transfer, refuse. Records the commands it received.
 */
final class FakeMaster implements AutoCloseable {
    /**
     * What to do once PSYNC arrives (argv of the PSYNC, the connection's number from 1).
     * Returns true to keep the connection (what the replica sends next is recorded), false to close it.
     */
    interface Psync {
        boolean answer(List<String> psync, int connection, OutputStream out) throws IOException;
    }

    private final ServerSocket server;
    private final Thread acceptor;
    private final Psync psync;
    final AtomicInteger connections = new AtomicInteger();
    final List<List<String>> received = Collections.synchronizedList(new ArrayList<>());
    private final List<Socket> sockets = Collections.synchronizedList(new ArrayList<>());

    /** What an old master does on SYNC (null: it does not know SYNC either). */
    private final Psync sync;

    FakeMaster(Psync psync) throws IOException {
        this(psync, null);
    }

    FakeMaster(Psync psync, Psync sync) throws IOException {
        this.psync = psync;
        this.sync = sync;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.acceptor = new Thread(this::acceptLoop, "fake-master");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return server.getLocalPort();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                sockets.add(s);
                int n = connections.incrementAndGet();
                Thread t = new Thread(() -> serve(s, n), "fake-master-conn");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket s, int n) {
        try (s) {
            InputStream in = new BufferedInputStream(s.getInputStream());
            OutputStream out = s.getOutputStream();
            for (;;) {
                List<String> argv = readCommand(in);
                if (argv == null) return;
                received.add(argv);
                String name = argv.get(0).toUpperCase();
                switch (name) {
                    case "PING" -> out.write("+PONG\r\n".getBytes(StandardCharsets.US_ASCII));
                    case "AUTH", "REPLCONF" -> out.write("+OK\r\n".getBytes(StandardCharsets.US_ASCII));
                    case "SYNC" -> {
                        if (sync == null) {
                            out.write("-ERR unknown command 'SYNC'\r\n".getBytes(StandardCharsets.US_ASCII));
                        } else {
                            boolean keep = sync.answer(argv, n, out);
                            out.flush();
                            if (!keep) return;
                            for (List<String> next; (next = readCommand(in)) != null; ) received.add(next);
                            return;
                        }
                    }
                    case "PSYNC" -> {
                        boolean keep = psync.answer(argv, n, out);
                        out.flush();
                        if (!keep) return;
                        if (sync != null) break; // an old master: SYNC comes next
                        for (List<String> next; (next = readCommand(in)) != null; ) received.add(next);
                        return;
                    }
                    default -> out.write(("-ERR unknown command '" + name + "'\r\n").getBytes(StandardCharsets.US_ASCII));
                }
                out.flush();
            }
        } catch (IOException e) {
            // the replica went away
        }
    }

    /** The commands named name received so far. */
    List<List<String>> commands(String name) {
        synchronized (received) {
            return received.stream().filter(a -> a.get(0).equalsIgnoreCase(name)).toList();
        }
    }

    static List<String> readCommand(InputStream in) throws IOException {
        String head = line(in);
        if (head == null) return null;
        if (head.isEmpty()) return List.of("");
        if (head.charAt(0) != '*') return List.of(head.split(" "));
        int n = Integer.parseInt(head.substring(1));
        List<String> argv = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String len = line(in);
            if (len == null) return null;
            byte[] b = in.readNBytes(Integer.parseInt(len.substring(1)));
            in.readNBytes(2);
            argv.add(new String(b, StandardCharsets.ISO_8859_1));
        }
        return argv;
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (;;) {
            int c = in.read();
            if (c < 0) return null;
            if (c == '\n') break;
            if (c != '\r') b.write(c);
        }
        return b.toString(StandardCharsets.ISO_8859_1);
    }

    static void write(OutputStream out, String s) throws IOException {
        out.write(s.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    @Override
    public void close() throws IOException {
        server.close();
        synchronized (sockets) {
            for (Socket s : sockets) s.close();
        }
    }
}
