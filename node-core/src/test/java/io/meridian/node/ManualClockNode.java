package io.meridian.node;

import io.meridian.node.config.Config;
import io.meridian.node.config.RedisConfParser;
import io.meridian.node.testing.RealRedis;
import io.meridian.node.testing.RespClient;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * An in-process node whose time is a {@link ManualClock} the test moves, with a recorder of
 * its replication stream: what each write propagates, decoded to commands.
 */
final class ManualClockNode implements AutoCloseable {
    /** A clock that only moves when told to. */
    static final class ManualClock extends Clock {
        private volatile long millis;

        ManualClock(long millis) {
            this.millis = millis;
        }

        void advance(long ms) {
            millis += ms;
        }

        @Override
        public long millis() {
            return millis;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }

    final ManualClock clock;
    final Node node;
    final RespClient client;
    private final ByteArrayOutputStream stream = new ByteArrayOutputStream();
    private int consumed;

    ManualClockNode(long startMillis, String... args) throws Exception {
        clock = new ManualClock(startMillis);
        List<String> all = new ArrayList<>(List.of("--port", Integer.toString(RealRedis.freePort()), "--bind", "127.0.0.1",
                "--dir", Files.createTempDirectory("meridian-clock").toString(), "--save", ""));
        all.addAll(List.of(args));
        Config config = new Config();
        RedisConfParser.load(config, all);
        node = new Node(config, clock);
        node.stream().addListener((start, data) -> {
            synchronized (stream) {
                stream.writeBytes(data);
            }
        });
        node.start();
        client = new RespClient("127.0.0.1", node.server().port());
    }

    Object call(String... cmd) {
        return client.call(cmd);
    }

    /**
     * Moves the clock and runs a command in one task of the command thread, so no cron
     * (active expiry) runs in between; the reply is discarded.
     */
    void advanceAndRun(long ms, String... cmd) {
        byte[][] argv = new byte[cmd.length][];
        for (int i = 0; i < cmd.length; i++) argv[i] = cmd[i].getBytes(StandardCharsets.UTF_8);
        TypedKeys.onCommandThread(node, () -> {
            clock.advance(ms);
            io.meridian.node.server.Client c = new io.meridian.node.server.Client(node, null, -1);
            c.authenticated = true;
            node.dispatcher().process(c, argv);
            c.discardOutput();
        });
    }

    /** The commands the stream received since the last call, each as its words. */
    List<List<String>> propagated() {
        byte[] b;
        synchronized (stream) {
            b = stream.toByteArray();
        }
        List<List<String>> out = new ArrayList<>();
        int[] pos = {consumed};
        while (pos[0] < b.length) out.add(command(b, pos));
        consumed = pos[0];
        return out;
    }

    // *<n>\r\n then n times $<len>\r\n<bytes>\r\n
    private static List<String> command(byte[] b, int[] pos) {
        int n = (int) number(b, pos, '*');
        List<String> words = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int len = (int) number(b, pos, '$');
            words.add(new String(b, pos[0], len, StandardCharsets.ISO_8859_1));
            pos[0] += len + 2;
        }
        return words;
    }

    private static long number(byte[] b, int[] pos, char marker) {
        if (b[pos[0]] != marker) throw new IllegalStateException("expected " + marker + " at " + pos[0]);
        int i = pos[0] + 1;
        long v = 0;
        while (b[i] != '\r') v = v * 10 + (b[i++] - '0');
        pos[0] = i + 2;
        return v;
    }

    @Override
    public void close() {
        client.close();
        node.stop();
    }
}
