package io.meridian.node.server;

import io.meridian.node.config.Config;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/** SLOWLOG: the last slowlog-max-len commands that took longer than slowlog-log-slower-than microseconds. */
public final class SlowLog {
    /** One entry, as SLOWLOG GET shows it. */
    public record Entry(long id, long timestamp, long micros, List<byte[]> args, String peer, String name) {}

    private static final int MAX_ARGS = 32;
    private static final int MAX_ARG_LEN = 128;
    private final Config config;
    private final Deque<Entry> entries = new ArrayDeque<>();
    private long nextId;

    public SlowLog(Config config) {
        this.config = config;
    }

    public void record(Client c, byte[][] argv, long micros) {
        long threshold = config.getLong("slowlog-log-slower-than");
        if (threshold < 0 || micros < threshold) return;
        List<byte[]> args = new ArrayList<>();
        int n = Math.min(argv.length, MAX_ARGS);
        for (int i = 0; i < n; i++) {
            if (i == MAX_ARGS - 1 && argv.length > MAX_ARGS) {
                args.add(("... (" + (argv.length - MAX_ARGS + 1) + " more arguments)").getBytes());
                break;
            }
            byte[] a = argv[i];
            if (a.length > MAX_ARG_LEN) {
                byte[] t = new byte[MAX_ARG_LEN];
                System.arraycopy(a, 0, t, 0, MAX_ARG_LEN);
                String more = "... (" + (a.length - MAX_ARG_LEN) + " more bytes)";
                byte[] m = more.getBytes();
                byte[] r = new byte[t.length + m.length];
                System.arraycopy(t, 0, r, 0, t.length);
                System.arraycopy(m, 0, r, t.length, m.length);
                a = r;
            }
            args.add(a);
        }
        String name = c.name == null ? "" : new String(c.name);
        entries.addFirst(new Entry(nextId++, c.node().clock().millis() / 1000, micros, args, c.remoteAddress(), name));
        long max = config.getLong("slowlog-max-len");
        while (entries.size() > max) entries.removeLast();
    }

    public List<Entry> get(int count) {
        List<Entry> out = new ArrayList<>();
        for (Entry e : entries) {
            if (count >= 0 && out.size() >= count) break;
            out.add(e);
        }
        return out;
    }

    public int size() {
        return entries.size();
    }

    public void reset() {
        entries.clear();
    }
}
