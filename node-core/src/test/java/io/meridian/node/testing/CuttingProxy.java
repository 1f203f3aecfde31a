package io.meridian.node.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP proxy on 127.0.0.1 in front of a server, to cut a link in the middle of a transfer:
 * the first connection is closed (both ways) once {@code cutAfter} bytes went from the server
 * to the client; later connections pass everything. New connections can be held (accepted,
 * not forwarded) until {@link #release()}, so a test can look at the client between attempts.
 */
public final class CuttingProxy implements AutoCloseable {
    private final ServerSocket server;
    private final String targetHost;
    private final int targetPort;
    private final long cutAfter;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    /** Bytes from the server to the client, per connection in order. */
    private final List<AtomicLong> downstream = new CopyOnWriteArrayList<>();
    private final CountDownLatch cut = new CountDownLatch(1);
    private volatile CountDownLatch hold = new CountDownLatch(0);
    private volatile boolean closed;

    public CuttingProxy(String targetHost, int targetPort, long cutAfter) throws IOException {
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.targetHost = targetHost;
        this.targetPort = targetPort;
        this.cutAfter = cutAfter;
        Thread t = new Thread(this::acceptLoop, "cutting-proxy");
        t.setDaemon(true);
        t.start();
    }

    public int port() {
        return server.getLocalPort();
    }

    /** Connections after this one wait (accepted, not forwarded) until {@link #release()}. */
    public void holdNewConnections() {
        hold = new CountDownLatch(1);
    }

    public void release() {
        hold.countDown();
    }

    /** Waits until the first connection was cut. */
    public boolean awaitCut(long millis) throws InterruptedException {
        return cut.await(millis, java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    /** Server-to-client bytes of each connection so far, in order. */
    public List<Long> downstreamBytes() {
        List<Long> out = new ArrayList<>();
        for (AtomicLong a : downstream) out.add(a.get());
        return out;
    }

    private void acceptLoop() {
        int n = 0;
        while (!closed) {
            try {
                Socket client = server.accept();
                sockets.add(client);
                boolean first = n++ == 0;
                AtomicLong down = new AtomicLong();
                downstream.add(down);
                Thread t = new Thread(() -> serve(client, first, down), "cutting-proxy-conn");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket client, boolean first, AtomicLong down) {
        try {
            if (!first) hold.await();
            Socket upstream = new Socket(targetHost, targetPort);
            sockets.add(upstream);
            Thread up = new Thread(() -> pipe(client, upstream, Long.MAX_VALUE, null), "cutting-proxy-up");
            up.setDaemon(true);
            up.start();
            pipe(upstream, client, first ? cutAfter : Long.MAX_VALUE, down);
            quietClose(client);
            quietClose(upstream);
            if (first) cut.countDown();
        } catch (IOException | InterruptedException e) {
            quietClose(client);
        }
    }

    /** Copies from to to until EOF or limit bytes; the limit cuts the copy exactly there. */
    private static void pipe(Socket from, Socket to, long limit, AtomicLong count) {
        byte[] buf = new byte[64 * 1024];
        long sent = 0;
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            while (sent < limit) {
                int r = in.read(buf, 0, (int) Math.min(buf.length, limit - sent));
                if (r < 0) break;
                out.write(buf, 0, r);
                out.flush();
                sent += r;
                if (count != null) count.addAndGet(r);
            }
        } catch (IOException ignored) {
            // the other side closed
        } finally {
            quietClose(from);
            quietClose(to);
        }
    }

    private static void quietClose(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // closing
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException ignored) {
            // closing
        }
        for (Socket s : sockets) quietClose(s);
        release();
    }
}
