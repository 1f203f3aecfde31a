package io.meridian.node.repl.replica;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.nio.NioIoHandler;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The replica's side of the protocol on an EmbeddedChannel: what it sends in the handshake,
 * and how it cuts the master's bytes (replies, keepalive newlines, $len and $EOF payloads,
 * the stream after them) whatever the split of the reads.
 */
class ReplicationClientTest {
    private static final String REPLID = "0123456789abcdef0123456789abcdef01234567";
    private static final String MARK = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789abcd";

    /** Everything the listener saw, in order. */
    static final class Recorder implements ReplicationClient.Listener {
        final List<String> events = new ArrayList<>();
        final ByteArrayOutputStream rdb = new ByteArrayOutputStream();
        final ByteArrayOutputStream stream = new ByteArrayOutputStream();
        long streamStart = -1;
        String closed;
        ReplicationClient client;
        boolean pauseAtEnd;

        @Override
        public void fullResync(String replid, long offset) {
            events.add("full " + replid + " " + offset);
        }

        @Override
        public void payloadStart(long size) {
            events.add("start " + size);
        }

        @Override
        public void payload(ByteBuf data) {
            byte[] b = new byte[data.readableBytes()];
            data.readBytes(b);
            rdb.writeBytes(b);
        }

        @Override
        public void payloadEnd() {
            events.add("end");
            if (pauseAtEnd) client.pauseReading();
        }

        @Override
        public void partialResync(String newReplid) {
            events.add("continue " + newReplid);
        }

        @Override
        public void stream(long start, ByteBuf data) {
            if (streamStart < 0) streamStart = start;
            assertEquals(streamStart + stream.size(), start, "stream offsets follow each other");
            byte[] b = new byte[data.readableBytes()];
            data.readBytes(b);
            stream.writeBytes(b);
        }

        @Override
        public void closed(String reason) {
            closed = reason;
        }
    }

    private static ReplicationClient.Options options(String replid, long offset, String auth, String ip) {
        return new ReplicationClient.Options("127.0.0.1", 6379, null, auth, 7777, ip, replid, offset, false, 1000, true);
    }

    private static String sent(EmbeddedChannel ch) {
        StringBuilder s = new StringBuilder();
        for (ByteBuf b; (b = ch.readOutbound()) != null; ) {
            s.append(b.toString(StandardCharsets.ISO_8859_1));
            b.release();
        }
        return s.toString();
    }

    private static String cmd(String... argv) {
        StringBuilder s = new StringBuilder("*" + argv.length + "\r\n");
        for (String a : argv) s.append('$').append(a.length()).append("\r\n").append(a).append("\r\n");
        return s.toString();
    }

    private record Run(Recorder rec, ReplicationClient client, EmbeddedChannel ch) {}

    private static Run start(ReplicationClient.Options o) {
        Recorder rec = new Recorder();
        EmbeddedChannel ch = new EmbeddedChannel();
        var group = new io.netty.channel.MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        ReplicationClient c = new ReplicationClient(group.next(), io.netty.channel.socket.nio.NioSocketChannel.class, Clock.systemUTC(), o, rec);
        group.shutdownGracefully();
        rec.client = c;
        c.attach(ch);
        return new Run(rec, c, ch);
    }

    /** Feeds the master's bytes cut at the given points. */
    private static void feed(EmbeddedChannel ch, byte[] all, int... cuts) {
        int from = 0;
        for (int cut : cuts) {
            if (cut <= from || cut >= all.length) continue;
            ch.writeInbound(Unpooled.wrappedBuffer(all, from, cut - from));
            from = cut;
        }
        ch.writeInbound(Unpooled.wrappedBuffer(all, from, all.length - from));
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        for (byte[] p : parts) o.writeBytes(p);
        return o.toByteArray();
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    @Test
    void handshakeAsRedisSendsIt() {
        Run r = start(options(null, -1, "pw", "10.0.0.9"));
        assertEquals(cmd("PING"), sent(r.ch()));
        r.ch().writeInbound(Unpooled.wrappedBuffer(b("+PONG\r\n")));
        assertEquals(cmd("AUTH", "pw") + cmd("REPLCONF", "listening-port", "7777") + cmd("REPLCONF", "ip-address", "10.0.0.9")
                + cmd("REPLCONF", "capa", "eof", "capa", "psync2"), sent(r.ch()));
        assertEquals(ReplState.RECEIVE_AUTH_REPLY, r.client().state());
        r.ch().writeInbound(Unpooled.wrappedBuffer(b("+OK\r\n+OK\r\n-ERR unknown\r\n")));
        assertEquals(ReplState.RECEIVE_CAPA_REPLY, r.client().state());
        assertEquals("", sent(r.ch()));
        r.ch().writeInbound(Unpooled.wrappedBuffer(b("+OK\r\n")));
        assertEquals(cmd("PSYNC", "?", "-1"), sent(r.ch()));
        assertEquals(ReplState.RECEIVE_PSYNC_REPLY, r.client().state());
    }

    @Test
    void psyncOffersTheCachedHistory() {
        Run r = start(options(REPLID, 1001, null, null));
        sent(r.ch());
        r.ch().writeInbound(Unpooled.wrappedBuffer(b("+PONG\r\n+OK\r\n+OK\r\n")));
        assertEquals(cmd("REPLCONF", "listening-port", "7777") + cmd("REPLCONF", "capa", "eof", "capa", "psync2")
                + cmd("PSYNC", REPLID, "1001"), sent(r.ch()));
        // +CONTINUE with the master's new id: the stream follows from 1000
        r.ch().writeInbound(Unpooled.wrappedBuffer(b("+CONTINUE fedcba9876543210fedcba9876543210fedcba98\r\n" + cmd("SET", "a", "b"))));
        assertEquals(List.of("continue fedcba9876543210fedcba9876543210fedcba98"), r.rec().events);
        assertEquals(1000, r.rec().streamStart);
        assertEquals(cmd("SET", "a", "b"), r.rec().stream.toString(StandardCharsets.ISO_8859_1));
        assertEquals(ReplState.CONNECTED, r.client().state());
    }

    @Test
    void continueWithTheSameIdIsNoNewId() {
        Run r = start(options(REPLID, 5, null, null));
        r.ch().writeInbound(Unpooled.wrappedBuffer(b("+PONG\r\n+OK\r\n+OK\r\n+CONTINUE " + REPLID + "\r\n")));
        assertEquals(List.of("continue null"), r.rec().events);
        Run r2 = start(options(REPLID, 5, null, null));
        r2.ch().writeInbound(Unpooled.wrappedBuffer(b("+PONG\r\n+OK\r\n+OK\r\n+CONTINUE\r\n")));
        assertEquals(List.of("continue null"), r2.rec().events);
    }

    @Test
    void sizedPayloadThenStreamAtEverySplit() {
        byte[] rdb = new byte[300];
        new Random(1).nextBytes(rdb);
        byte[] stream = b(cmd("SELECT", "0") + cmd("SET", "k", "v"));
        byte[] all = concat(b("+PONG\r\n+OK\r\n+OK\r\n\n\n+FULLRESYNC " + REPLID + " 77\r\n\n\n$300\r\n"), rdb, stream);
        for (int cut = 1; cut < all.length; cut += 3) {
            Run r = start(options(null, -1, null, null));
            feed(r.ch(), all, cut, cut + 1, cut + 50);
            assertNull(r.rec().closed);
            assertEquals(List.of("full " + REPLID + " 77", "start 300", "end"), r.rec().events, "cut at " + cut);
            assertArrayEquals(rdb, r.rec().rdb.toByteArray(), "cut at " + cut);
            assertArrayEquals(stream, r.rec().stream.toByteArray(), "cut at " + cut);
            assertEquals(77, r.rec().streamStart);
        }
    }

    @Test
    void eofMarkedPayloadAtEverySplit() {
        byte[] rdb = new byte[500];
        new Random(2).nextBytes(rdb);
        // a near-miss of the mark inside the RDB must not end it
        System.arraycopy(b(MARK.substring(0, 39)), 0, rdb, 100, 39);
        byte[] stream = b(cmd("PING"));
        byte[] all = concat(b("+PONG\r\n+OK\r\n+OK\r\n+FULLRESYNC " + REPLID + " 0\r\n$EOF:" + MARK + "\r\n"), rdb, b(MARK), stream);
        for (int cut = 1; cut < all.length; cut++) {
            Run r = start(options(null, -1, null, null));
            feed(r.ch(), all, cut, cut + 7, cut + 41);
            assertEquals(List.of("full " + REPLID + " 0", "start -1", "end"), r.rec().events, "cut at " + cut);
            assertArrayEquals(rdb, r.rec().rdb.toByteArray(), "cut at " + cut);
            assertArrayEquals(stream, r.rec().stream.toByteArray(), "cut at " + cut);
        }
    }

    @Test
    void pausedAtTheEndOfThePayloadTheStreamWaits() {
        byte[] all = concat(b("+PONG\r\n+OK\r\n+OK\r\n+FULLRESYNC " + REPLID + " 10\r\n$3\r\nabc"), b(cmd("SET", "x", "y")));
        Run r = start(options(null, -1, null, null));
        r.rec().pauseAtEnd = true;
        feed(r.ch(), all);
        assertEquals(0, r.rec().stream.size());
        r.ch().writeInbound(Unpooled.wrappedBuffer(b(cmd("DEL", "x"))));
        assertEquals(0, r.rec().stream.size(), "nothing delivered while paused");
        r.client().resumeReading();
        assertEquals(cmd("SET", "x", "y") + cmd("DEL", "x"), r.rec().stream.toString(StandardCharsets.ISO_8859_1));
        assertEquals(10, r.rec().streamStart);
    }

    @Test
    void errorsEndTheAttemptWithRedisWords() {
        String[][] cases = {
                {"-ERR bad\r\n", "Error reply to PING from master: '-ERR bad'"},
                {"+PONG\r\n-WRONGPASS invalid username-password pair or user is disabled.\r\n",
                        "Unable to AUTH to MASTER: -WRONGPASS invalid username-password pair or user is disabled."},
                {"+PONG\r\n+OK\r\n+OK\r\n+OK\r\n-LOADING Redis is loading\r\n", "Master is currently unable to PSYNC but should be in the future: -LOADING Redis is loading"},
                // -ERR to PSYNC is not an error: the replica retries with SYNC (SyncFallbackTest)
                {"+PONG\r\n+OK\r\n+OK\r\n+OK\r\n+WHAT\r\n", "Unexpected reply to PSYNC from master: +WHAT"},
                {"+PONG\r\n+OK\r\n+OK\r\n+OK\r\n+FULLRESYNC abc 1\r\n", "Master replied with wrong +FULLRESYNC syntax."},
                {"+PONG\r\n+OK\r\n+OK\r\n+OK\r\n+FULLRESYNC " + REPLID + " 1\r\n-ERR no\r\n", "MASTER aborted replication with an error: ERR no"},
                {"+PONG\r\n+OK\r\n+OK\r\n+OK\r\n+FULLRESYNC " + REPLID + " 1\r\nHTTP/1.1\r\n",
                        "Bad protocol from MASTER, the first byte is not '$' (we received 'HTTP/1.1'), are you sure the host and port are right?"},
        };
        for (String[] c : cases) {
            Run r = start(options(null, -1, "pw", null));
            r.ch().writeInbound(Unpooled.wrappedBuffer(b(c[0])));
            assertEquals(c[1], r.rec().closed, c[0]);
            assertFalse(r.ch().isActive());
        }
    }

    @Test
    void theConnectionDroppingMidTransferIsReported() {
        Run r = start(options(null, -1, null, null));
        r.ch().writeInbound(Unpooled.wrappedBuffer(b("+PONG\r\n+OK\r\n+OK\r\n+FULLRESYNC " + REPLID + " 1\r\n$100\r\nabc")));
        r.ch().close();
        assertEquals("I/O error trying to sync with MASTER: connection lost", r.rec().closed);
        assertTrue(r.rec().events.contains("start 100"));
        assertFalse(r.rec().events.contains("end"));
    }
}
