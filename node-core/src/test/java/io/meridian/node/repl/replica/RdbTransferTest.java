package io.meridian.node.repl.replica;

import io.meridian.node.keyspace.Keyspace;
import io.meridian.node.rdb.RdbReader;
import io.meridian.node.rdb.RdbWriter;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A full sync's RDB from bytes to a loaded keyspace, to disk and from the socket, whole or cut. */
class RdbTransferTest {
    private static byte[] rdb;

    @BeforeAll
    static void rdb() throws Exception {
        Keyspace ks = new Keyspace(16, Clock.systemUTC());
        for (int i = 0; i < 5000; i++) ks.db(i % 3).put(("key" + i).getBytes(StandardCharsets.US_ASCII), ("value" + i).getBytes(StandardCharsets.US_ASCII));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        RdbWriter.save(ks, out, RdbWriter.Options.defaults(), "7.0.15", 0, new RdbWriter.ReplInfo("a".repeat(40), 1234, 2));
        rdb = out.toByteArray();
    }

    private record Run(RdbTransfer transfer, CompletableFuture<RdbTransfer.Outcome> outcome, Path dir) {}

    private static Run start(RdbTransfer.Mode mode, long size, RdbTransfer.Flow flow) throws Exception {
        Path dir = Files.createTempDirectory("rdb-transfer");
        CompletableFuture<RdbTransfer.Outcome> f = new CompletableFuture<>();
        RdbTransfer t = new RdbTransfer(mode, size, new RdbTransfer.Settings(16, Clock.systemUTC(), true,
                RdbReader.Limits.defaults(), dir, dir.resolve("dump.rdb")), flow, f::complete);
        assertTrue(t.start());
        return new Run(t, f, dir);
    }

    private static void feed(RdbTransfer t, byte[] b, int from, int to) {
        for (int i = from; i < to; i += 1000) t.chunk(Unpooled.wrappedBuffer(b, i, Math.min(1000, to - i)));
    }

    private static long temps(Path dir) throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().startsWith("temp-")).count();
        }
    }

    @Test
    void toDiskLoadsAndKeepsTheFileAsTheRdb() throws Exception {
        Run r = start(RdbTransfer.Mode.DISK, rdb.length, null);
        feed(r.transfer(), rdb, 0, rdb.length);
        assertEquals(rdb.length, r.transfer().readBytes());
        r.transfer().end();
        RdbTransfer.Outcome o = r.outcome().get(30, TimeUnit.SECONDS);
        assertTrue(o.ok(), o.error());
        assertEquals(5000, o.result().keysLoaded);
        assertEquals(1234, o.result().replOffset);
        assertEquals(2, o.result().replStreamDb);
        assertEquals(5000, o.result().keyspace.totalKeys());
        assertTrue(Arrays.equals(rdb, Files.readAllBytes(r.dir().resolve("dump.rdb"))));
        assertEquals(0, temps(r.dir()));
    }

    @Test
    void fromTheSocketLoadsWhileBytesArrive() throws Exception {
        Run r = start(RdbTransfer.Mode.SOCKET, -1, null);
        feed(r.transfer(), rdb, 0, rdb.length);
        r.transfer().end();
        RdbTransfer.Outcome o = r.outcome().get(30, TimeUnit.SECONDS);
        assertTrue(o.ok(), o.error());
        assertEquals(5000, o.result().keyspace.totalKeys());
        assertFalse(Files.exists(r.dir().resolve("dump.rdb")), "nothing on disk");
        assertEquals(0, r.transfer().totalBytes(), "an EOF-marked transfer has no size up front");
    }

    @Test
    void aCutTransferLoadsNothing() throws Exception {
        for (RdbTransfer.Mode mode : RdbTransfer.Mode.values()) {
            Run r = start(mode, rdb.length, null);
            feed(r.transfer(), rdb, 0, rdb.length / 2);
            r.transfer().abort("I/O error trying to sync with MASTER: connection lost");
            RdbTransfer.Outcome o = r.outcome().get(30, TimeUnit.SECONDS);
            assertFalse(o.ok());
            assertTrue(o.error().contains("connection lost"), o.error());
            assertEquals(0, temps(r.dir()), mode.name());
            assertFalse(Files.exists(r.dir().resolve("dump.rdb")));
        }
        Run r = start(RdbTransfer.Mode.DISK, rdb.length, null);
        feed(r.transfer(), rdb, 0, rdb.length - 1);
        r.transfer().end();
        assertEquals("the master sent " + (rdb.length - 1) + " bytes of a " + rdb.length + " byte payload",
                r.outcome().get(30, TimeUnit.SECONDS).error());
    }

    @Test
    void theSocketLoaderPushesBackWhenBehind() throws Exception {
        AtomicInteger pauses = new AtomicInteger(), resumes = new AtomicInteger();
        RdbTransfer.Pipe pipe = new RdbTransfer.Pipe(new RdbTransfer.Flow() {
            @Override
            public void pause() {
                pauses.incrementAndGet();
            }

            @Override
            public void resume() {
                resumes.incrementAndGet();
            }
        });
        byte[] mb = new byte[1 << 20];
        for (int i = 0; i < 20; i++) pipe.offer(mb);
        assertEquals(1, pauses.get(), "paused once above the high water mark");
        byte[] into = new byte[1 << 20];
        int read = 0;
        while (read < 13 << 20) read += pipe.read(into, 0, into.length);
        assertEquals(1, resumes.get(), "resumed once below half of it");
        pipe.end();
        while (pipe.read(into, 0, into.length) >= 0) {
            // drain
        }
        assertEquals(20L << 20, pipe.delivered());
    }
}
