package io.meridian.node.server;

import io.meridian.node.config.Config;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * SLOWLOG: the last slowlog-max-len commands that took at least slowlog-log-slower-than
 * microseconds (negative = off), newest first, with Redis's trimming of long argument lists
 * (32 arguments, the last saying how many more) and long arguments (128 bytes).
 */
public final class SlowLog {
    /** One entry, as SLOWLOG GET shows it. */
    public record Entry(long id, long timestamp, long micros, List<byte[]> args, String peer, String name) {}

    /** SLOWLOG_ENTRY_MAX_ARGC and SLOWLOG_ENTRY_MAX_STRING. */
    static final int MAX_ARGS = 32;
    static final int MAX_ARG_LEN = 128;
    private final Config config;
    private final Deque<Entry> entries = new ArrayDeque<>();
    private long nextId;

    /** slowlog-log-slower-than and slowlog-max-len, kept current by CONFIG SET (read on every command). */
    private long threshold;
    private long maxLen;

    public SlowLog(Config config) {
        this.config = config;
        this.threshold = config.getLong("slowlog-log-slower-than");
        this.maxLen = config.getLong("slowlog-max-len");
        config.watch("slowlog-log-slower-than", c -> threshold = c.getLong("slowlog-log-slower-than"));
        config.watch("slowlog-max-len", c -> maxLen = c.getLong("slowlog-max-len"));
    }

    /** Records a finished command (the dispatcher skips skip_slowlog commands and redacts secrets). */
    public void record(Client c, byte[][] argv, long micros) {
        long threshold = this.threshold;
        if (threshold < 0) return;
        if (micros >= threshold) {
            String name = c.name == null ? "" : new String(c.name, StandardCharsets.ISO_8859_1);
            entries.addFirst(new Entry(nextId++, c.node().clock().millis() / 1000, micros, trim(argv), c.remoteAddress(), name));
        }
        long max = maxLen;
        while (entries.size() > max) entries.removeLast();
    }

    static List<byte[]> trim(byte[][] argv) {
        int n = Math.min(argv.length, MAX_ARGS);
        List<byte[]> args = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            if (n != argv.length && i == n - 1) {
                args.add(("... (" + (argv.length - n + 1) + " more arguments)").getBytes(StandardCharsets.US_ASCII));
                break;
            }
            byte[] a = argv[i];
            if (a.length > MAX_ARG_LEN) {
                byte[] more = ("... (" + (a.length - MAX_ARG_LEN) + " more bytes)").getBytes(StandardCharsets.US_ASCII);
                byte[] r = new byte[MAX_ARG_LEN + more.length];
                System.arraycopy(a, 0, r, 0, MAX_ARG_LEN);
                System.arraycopy(more, 0, r, MAX_ARG_LEN, more.length);
                a = r;
            } else {
                a = a.clone();
            }
            args.add(a);
        }
        return args;
    }

    /** The newest count entries (all when count is negative). */
    public List<Entry> get(long count) {
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
