import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Replication lag under a steady write load, measured end to end: a writer sends
 * {@code SET lag:<seq> x} to the master at a fixed rate and notes when; a subscriber on the
 * replica ({@code notify-keyspace-events E$}) notes when the replica applied each one. Both
 * clocks are this process's. Prints "p50 p99 p999 max count" in milliseconds.
 *
 * <pre>java bench/ReplicationLag.java MASTER_PORT REPLICA_PORT RATE_PER_SECOND SECONDS</pre>
 *
 * No dependencies (plain sockets and RESP), so it runs with the JDK's source launcher.
 */
public final class ReplicationLag {
    public static void main(String[] args) throws Exception {
        int masterPort = Integer.parseInt(args[0]);
        int replicaPort = Integer.parseInt(args[1]);
        int rate = Integer.parseInt(args[2]);
        int seconds = Integer.parseInt(args[3]);
        int total = rate * seconds;
        long[] sent = new long[total];
        long[] seen = new long[total];

        try (Socket cfg = new Socket("127.0.0.1", replicaPort)) {
            send(cfg.getOutputStream(), "CONFIG", "SET", "notify-keyspace-events", "E$");
            readLine(new BufferedInputStream(cfg.getInputStream()));
        }
        Socket sub = new Socket("127.0.0.1", replicaPort);
        sub.setTcpNoDelay(true);
        InputStream subIn = new BufferedInputStream(sub.getInputStream(), 1 << 16);
        send(sub.getOutputStream(), "SUBSCRIBE", "__keyevent@0__:set");
        readReply(subIn); // subscribe confirmation
        AtomicBoolean done = new AtomicBoolean();
        Thread reader = new Thread(() -> {
            try {
                int got = 0;
                while (got < total && !done.get()) {
                    Object[] msg = (Object[]) readReply(subIn);
                    long now = System.nanoTime();
                    String key = (String) msg[2];
                    if (!key.startsWith("lag:")) continue;
                    int seq = Integer.parseInt(key.substring(4));
                    if (seq < total && seen[seq] == 0) {
                        seen[seq] = now;
                        got++;
                    }
                }
            } catch (IOException e) {
                if (!done.get()) e.printStackTrace();
            }
        }, "lag-reader");
        reader.setDaemon(true);
        reader.start();

        try (Socket w = new Socket("127.0.0.1", masterPort)) {
            w.setTcpNoDelay(true);
            OutputStream out = w.getOutputStream();
            InputStream in = new BufferedInputStream(w.getInputStream(), 1 << 16);
            Thread drain = new Thread(() -> {
                try {
                    for (int i = 0; i < total; i++) readLine(in);
                } catch (IOException ignored) {
                    // closed at the end
                }
            }, "lag-writer-replies");
            drain.setDaemon(true);
            drain.start();
            long start = System.nanoTime();
            long intervalNanos = 1_000_000_000L / rate;
            for (int i = 0; i < total; i++) {
                long due = start + i * intervalNanos;
                long now;
                while ((now = System.nanoTime()) < due) {
                    if (due - now > 200_000) Thread.sleep(0, 100_000);
                    else Thread.onSpinWait();
                }
                sent[i] = System.nanoTime();
                send(out, "SET", "lag:" + i, "x");
            }
            long deadline = System.nanoTime() + 30_000_000_000L;
            reader.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
            done.set(true);
            drain.join(1000);
        }
        sub.close();
        long[] lags = new long[total];
        int n = 0;
        for (int i = 0; i < total; i++) if (seen[i] != 0) lags[n++] = seen[i] - sent[i];
        long[] sorted = Arrays.copyOf(lags, n);
        Arrays.sort(sorted);
        System.out.printf("%.3f %.3f %.3f %.3f %d%n", pct(sorted, 0.50), pct(sorted, 0.99), pct(sorted, 0.999),
                n == 0 ? 0 : sorted[n - 1] / 1e6, n);
        try (Socket c = new Socket("127.0.0.1", masterPort)) {
            // leave the master as it was: the probe keys go
            OutputStream o = c.getOutputStream();
            send(o, "FLUSHALL");
            readLine(new BufferedInputStream(c.getInputStream()));
        }
    }

    private static double pct(long[] sorted, double p) {
        if (sorted.length == 0) return 0;
        int i = (int) Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1);
        return sorted[Math.max(0, i)] / 1e6;
    }

    private static void send(OutputStream out, String... args) throws IOException {
        StringBuilder b = new StringBuilder("*").append(args.length).append("\r\n");
        for (String a : args) b.append('$').append(a.length()).append("\r\n").append(a).append("\r\n");
        out.write(b.toString().getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder b = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0 && c != '\n') if (c != '\r') b.append((char) c);
        if (c < 0) throw new IOException("closed");
        return b.toString();
    }

    private static Object readReply(InputStream in) throws IOException {
        String line = readLine(in);
        switch (line.charAt(0)) {
            case '*': {
                int n = Integer.parseInt(line.substring(1));
                Object[] a = new Object[Math.max(0, n)];
                for (int i = 0; i < n; i++) a[i] = readReply(in);
                return a;
            }
            case '$': {
                int n = Integer.parseInt(line.substring(1));
                if (n < 0) return null;
                byte[] b = in.readNBytes(n + 2);
                return new String(b, 0, n, StandardCharsets.ISO_8859_1);
            }
            default:
                return line.substring(1);
        }
    }
}
