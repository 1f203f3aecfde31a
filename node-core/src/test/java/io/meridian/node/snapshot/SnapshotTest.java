package io.meridian.node.snapshot;

import io.meridian.node.Node;
import io.meridian.node.config.Config;
import io.meridian.node.config.RedisConfParser;
import io.meridian.node.keyspace.Keyspace;
import io.meridian.node.rdb.Digest;
import io.meridian.node.rdb.RdbLoader;
import io.meridian.node.rdb.RdbWriter;
import io.meridian.node.server.Client;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The fork-less snapshot is exactly the dataset at its start although commands of every kind
 * run between its steps: the walk is driven by hand, a random write is executed through the
 * real command code between any two steps, and the image loaded back must have the digest the
 * dataset had when the snapshot began.
 */
class SnapshotTest {
    private static final long SEED = Long.getLong("snapshot.seed", System.nanoTime());

    @Test
    void imageIsThePointInTimeStateDespiteConcurrentWrites() throws Exception {
        for (int round = 0; round < 5; round++) {
            Random rnd = new Random(SEED + round);
            Node node = node();
            Client c = new Client(node, null, 1);
            populate(node, c, rnd, 3000);
            String before = Digest.dataset(node.keyspace());

            ArrayDeque<Runnable> steps = new ArrayDeque<>();
            MemorySink sink = new MemorySink();
            Snapshot snap = Snapshot.start(node.keyspace(), "a".repeat(40), 1234, 0, 0,
                    RdbWriter.Options.defaults(), List.of(sink), steps::add);
            int writes = 0;
            while (!steps.isEmpty()) {
                steps.poll().run();
                for (int i = 0; i < 1 + rnd.nextInt(40); i++) {
                    randomWrite(c, rnd);
                    writes++;
                }
            }
            assertTrue(snap.done().isDone(), "snapshot did not finish");
            snap.done().get();
            assertTrue(writes > 0);
            assertTrue(!Digest.dataset(node.keyspace()).equals(before), "the writes changed nothing: the test proves nothing");

            Keyspace loaded = new Keyspace(16, Clock.systemUTC());
            RdbLoader.Result r = RdbLoader.load(new ByteArrayInputStream(sink.bytes()), loaded, -1, true);
            assertEquals(before, Digest.dataset(loaded), "snapshot image differs from the dataset at its start (seed " + (SEED + round) + ")");
            assertEquals(1234, r.replOffset);
        }
    }

    /**
     * One snapshot feeds several consumers at once: each gets the same bytes; a consumer that
     * lags holds back the walk (bounded memory) instead of making the snapshot buffer the dataset.
     */
    @Test
    void oneSnapshotFeedsSeveralConsumersAndWaitsForTheSlowest() throws Exception {
        Node node = node();
        Client c = new Client(node, null, 1);
        Random rnd = new Random(7);
        for (int i = 0; i < 60000; i++) call(c, "SET", "big:" + i, randomText(rnd, 400 + rnd.nextInt(200))); // ~30 MB, incompressible
        String before = Digest.dataset(node.keyspace());
        ArrayDeque<Runnable> steps = new ArrayDeque<>();
        MemorySink fast = new MemorySink();
        SlowSink slow = new SlowSink();
        Snapshot snap = Snapshot.start(node.keyspace(), "b".repeat(40), 99, 0, 0,
                RdbWriter.Options.defaults(), List.of(fast, slow), steps::add);
        long maxHeld = 0;
        int stalls = 0;
        while (!snap.done().isDone()) {
            if (steps.isEmpty()) {
                stalls++;
                slow.drain(); // the slow consumer catches up; the walk resumes through its feedback
                continue;
            }
            steps.poll().run();
            randomWrite(c, rnd);
            maxHeld = Math.max(maxHeld, slow.pending());
        }
        snap.done().get();
        assertTrue(stalls > 0, "the walk never waited for the slow consumer");
        assertTrue(maxHeld < 24L << 20, "the slow consumer was handed " + (maxHeld >> 20) + " MB at once");
        assertTrue(java.util.Arrays.equals(fast.bytes(), slow.bytes()), "consumers got different bytes");
        Keyspace loaded = new Keyspace(16, Clock.systemUTC());
        RdbLoader.load(new ByteArrayInputStream(slow.bytes()), loaded, -1, true);
        assertEquals(before, Digest.dataset(loaded));
    }

    private static String randomText(Random rnd, int n) {
        StringBuilder sb = new StringBuilder(n);
        for (int i = 0; i < n; i++) sb.append((char) ('!' + rnd.nextInt(90)));
        return sb.toString();
    }

    /** Holds chunks until drained, as a slow disk or replica would. */
    static final class SlowSink implements SnapshotSink {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();
        private final ArrayDeque<byte[]> held = new ArrayDeque<>();
        private Feedback f;
        private boolean ended;

        @Override
        public void attach(Feedback feedback) {
            f = feedback;
        }

        @Override
        public void chunk(byte[] bytes) {
            held.add(bytes);
        }

        @Override
        public void end(Throwable error) {
            ended = true;
            drain();
        }

        long pending() {
            long n = 0;
            for (byte[] b : held) n += b.length;
            return n;
        }

        void drain() {
            while (!held.isEmpty()) {
                byte[] b = held.poll();
                out.writeBytes(b);
                f.consumed(b.length);
            }
            if (ended) f.finished();
        }

        byte[] bytes() {
            return out.toByteArray();
        }
    }

    /** A sink that fails mid-way makes the snapshot fail, and the keyspace is left fully usable. */
    @Test
    void failingSinkAbortsAndReleasesTheKeyspace() throws Exception {
        Node node = node();
        Client c = new Client(node, null, 1);
        populate(node, c, new Random(1), 20000);
        ArrayDeque<Runnable> steps = new ArrayDeque<>();
        SnapshotSink failing = new SnapshotSink() {
            Feedback f;
            int chunks;

            @Override
            public void attach(Feedback feedback) {
                f = feedback;
            }

            @Override
            public void chunk(byte[] bytes) {
                if (++chunks == 2) f.failed(new java.io.IOException("disk full"));
                else f.consumed(bytes.length);
            }

            @Override
            public void end(Throwable error) {
            }
        };
        Snapshot snap = Snapshot.start(node.keyspace(), null, 0, 0, 0, RdbWriter.Options.defaults(), List.of(failing), steps::add);
        while (!steps.isEmpty()) steps.poll().run();
        assertTrue(snap.done().isCompletedExceptionally());
        // resizing resumed, the observer is gone: heavy inserts still work and are not serialised anywhere
        int before = node.keyspace().db(0).size();
        for (int i = 0; i < 50000; i++) call(c, "SET", "after:" + i, "v");
        assertEquals(before + 50000, node.keyspace().db(0).size(), "keys");
        assertTrue(node.keyspace().db(0).dict().capacity() >= 65536, "the table resizes again after the snapshot");
    }

    // ---- helpers -------------------------------------------------------------------------

    private static Node node() throws Exception {
        Config config = new Config();
        RedisConfParser.load(config, List.of("--save", "", "--repl-log-enabled", "no"));
        return new Node(config);
    }

    private static void populate(Node node, Client c, Random rnd, int keys) {
        for (int i = 0; i < keys; i++) {
            String k = "k" + i;
            switch (i % 6) {
                case 0 -> call(c, "SET", k, "v" + rnd.nextInt(1000));
                case 1 -> call(c, "RPUSH", k, "a", "b", "c" + i);
                case 2 -> call(c, "SADD", k, "1", "2", "x" + i);
                case 3 -> call(c, "HSET", k, "f", "v", "g", "w" + i);
                case 4 -> call(c, "ZADD", k, "1", "m", "2.5", "n" + i);
                default -> call(c, "SET", k, "x".repeat(rnd.nextInt(100)), "PX", "100000000");
            }
        }
        call(c, "SELECT", "3");
        for (int i = 0; i < 100; i++) call(c, "SET", "db3:" + i, "v");
        call(c, "SELECT", "0");
    }

    private static void randomWrite(Client c, Random rnd) {
        String k = "k" + rnd.nextInt(3500);
        switch (rnd.nextInt(14)) {
            case 0 -> call(c, "SET", k, "new" + rnd.nextInt());
            case 1 -> call(c, "DEL", k);
            case 2 -> call(c, "RPUSH", k, "z");
            case 3 -> call(c, "SADD", k, "q" + rnd.nextInt(10));
            case 4 -> call(c, "HSET", k, "f", "changed");
            case 5 -> call(c, "ZADD", k, "9", "m");
            case 6 -> call(c, "EXPIRE", k, "1000");
            case 7 -> call(c, "PERSIST", k);
            case 8 -> call(c, "RENAME", k, "k" + rnd.nextInt(3500));
            case 9 -> call(c, "APPEND", k, "tail");
            case 10 -> call(c, "MOVE", k, "5");
            case 11 -> {
                if (rnd.nextInt(20) == 0) call(c, "SWAPDB", "0", "3");
                else call(c, "SET", "fresh:" + rnd.nextInt(), "v");
            }
            case 12 -> {
                if (rnd.nextInt(40) == 0) {
                    call(c, "SELECT", "3");
                    call(c, "FLUSHDB");
                    call(c, "SELECT", "0");
                } else {
                    call(c, "LPOP", k);
                }
            }
            default -> {
                // many inserts at once: the walked table would resize
                for (int i = 0; i < 200; i++) call(c, "SET", "bulk:" + rnd.nextInt(), "v");
            }
        }
    }

    private static void call(Client c, String... args) {
        byte[][] argv = new byte[args.length][];
        for (int i = 0; i < args.length; i++) argv[i] = args[i].getBytes(StandardCharsets.UTF_8);
        c.node().keyspace().tick();
        c.node().dispatcher().process(c, argv);
        c.discardOutput();
    }

    /** Collects the image in memory and acknowledges everything at once. */
    static final class MemorySink implements SnapshotSink {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();
        private Feedback f;
        private final List<Throwable> errors = new ArrayList<>();

        @Override
        public void attach(Feedback feedback) {
            f = feedback;
        }

        @Override
        public void chunk(byte[] bytes) {
            out.writeBytes(bytes);
            f.consumed(bytes.length);
        }

        @Override
        public void end(Throwable error) {
            if (error != null) {
                errors.add(error);
                f.failed(error);
            } else {
                f.finished();
            }
        }

        byte[] bytes() {
            return out.toByteArray();
        }
    }
}
