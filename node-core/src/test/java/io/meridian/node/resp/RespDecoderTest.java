package io.meridian.node.resp;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The request decoder on an EmbeddedChannel: every split point, limits and Redis's error texts. */
class RespDecoderTest {
    private static final class Limits implements RespDecoder.Limits {
        long maxBulk = 512L * 1024 * 1024;
        long queryLimit = 1024L * 1024 * 1024;
        boolean authenticated = true;
        long received;

        @Override
        public long maxBulkLen() {
            return maxBulk;
        }

        @Override
        public long queryBufferLimit() {
            return queryLimit;
        }

        @Override
        public boolean authenticated() {
            return authenticated;
        }

        @Override
        public void received(int bytes) {
            received += bytes;
        }
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static List<Object> decode(Limits limits, byte[]... chunks) {
        EmbeddedChannel ch = new EmbeddedChannel(new RespDecoder(limits));
        for (byte[] c : chunks) ch.writeInbound(Unpooled.wrappedBuffer(c));
        List<Object> out = new ArrayList<>();
        Object o;
        while ((o = ch.readInbound()) != null) out.add(o);
        ch.finishAndReleaseAll();
        return out;
    }

    private static List<String> words(Object argv) {
        List<String> l = new ArrayList<>();
        for (byte[] a : (byte[][]) argv) l.add(new String(a, StandardCharsets.ISO_8859_1));
        return l;
    }

    private static final String PIPELINE = "*3\r\n$3\r\nSET\r\n$3\r\nkey\r\n$5\r\nva\r\nl\r\n"
            + "PING\r\n"
            + "*0\r\n*-1\r\n"
            + "*2\r\n$4\r\nECHO\r\n$0\r\n\r\n"
            + "ECHO \"quoted \\x41\" 'single'\n";

    private static final List<List<String>> EXPECTED = List.of(
            List.of("SET", "key", "va\r\nl"),
            List.of("PING"),
            List.of("ECHO", ""),
            List.of("ECHO", "quoted A", "single"));

    @Test
    void pipelineDecodesTheSameAtEverySplit() {
        byte[] all = b(PIPELINE);
        for (int cut = 0; cut <= all.length; cut++) {
            byte[] a = java.util.Arrays.copyOfRange(all, 0, cut);
            byte[] c = java.util.Arrays.copyOfRange(all, cut, all.length);
            List<Object> out = decode(new Limits(), a, c);
            List<List<String>> got = new ArrayList<>();
            for (Object o : out) got.add(words(o));
            assertEquals(EXPECTED, got, "split at " + cut);
        }
    }

    @Test
    void byteByByte() {
        byte[] all = b(PIPELINE);
        byte[][] chunks = new byte[all.length][];
        for (int i = 0; i < all.length; i++) chunks[i] = new byte[]{all[i]};
        Limits l = new Limits();
        List<Object> out = decode(l, chunks);
        List<List<String>> got = new ArrayList<>();
        for (Object o : out) got.add(words(o));
        assertEquals(EXPECTED, got);
        assertEquals(all.length, l.received);
    }

    private static String error(Limits limits, String input) {
        List<Object> out = decode(limits, b(input));
        Object last = out.get(out.size() - 1);
        assertInstanceOf(ProtocolError.class, last, input);
        return ((ProtocolError) last).reply();
    }

    @Test
    void redisErrorTexts() {
        Limits l = new Limits();
        assertEquals("ERR Protocol error: invalid multibulk length", error(l, "*x\r\n"));
        assertEquals("ERR Protocol error: invalid multibulk length", error(l, "*-0\r\n"));
        assertEquals("ERR Protocol error: invalid multibulk length", error(l, "*2147483648\r\n"));
        assertEquals("ERR Protocol error: expected '$', got ':'", error(l, "*1\r\n:1\r\n"));
        assertEquals("ERR Protocol error: invalid bulk length", error(l, "*1\r\n$-1\r\n"));
        assertEquals("ERR Protocol error: invalid bulk length", error(l, "*1\r\n$01\r\n"));
        assertEquals("ERR Protocol error: invalid bulk length", error(l, "*1\r\n$99999999999999999999\r\n"));
        assertEquals("ERR Protocol error: unbalanced quotes in request", error(l, "SET \"a\r\n"));
        assertEquals("ERR Protocol error: unbalanced quotes in request", error(l, "SET 'a'b\r\n"));
        assertEquals("ERR Protocol error: too big inline request", error(l, "x".repeat(64 * 1024 + 1)));
        assertEquals("ERR Protocol error: too big mbulk count string", error(l, "*" + "1".repeat(64 * 1024 + 1)));
        assertEquals("ERR Protocol error: too big bulk count string", error(l, "*1\r\n$" + "1".repeat(64 * 1024 + 1)));
        l.authenticated = false;
        assertEquals("ERR Protocol error: unauthenticated multibulk length", error(l, "*11\r\n"));
        assertEquals("ERR Protocol error: unauthenticated bulk length", error(l, "*1\r\n$16385\r\n"));
        // inline requests have no argument limit before AUTH, as in Redis
        assertEquals(12, ((byte[][]) decode(l, b("a b c d e f g h i j k l\r\n")).get(0)).length);
    }

    @Test
    void hugeDeclaredLengthsAllocateNothingUntilTheDataArrives() {
        Limits l = new Limits();
        EmbeddedChannel ch = new EmbeddedChannel(new RespDecoder(l));
        ch.writeInbound(Unpooled.wrappedBuffer(b("*2000000000\r\n$500000000\r\nabc")));
        assertNull(ch.readInbound(), "waiting for data, nothing decoded");
        l.maxBulk = 1024 * 1024;
        EmbeddedChannel ch2 = new EmbeddedChannel(new RespDecoder(l));
        ch2.writeInbound(Unpooled.wrappedBuffer(b("*1\r\n$1048577\r\n")));
        assertEquals("ERR Protocol error: invalid bulk length", ((ProtocolError) ch2.readInbound()).reply());
        ch.finishAndReleaseAll();
        ch2.finishAndReleaseAll();
    }

    @Test
    void queryBufferLimitClosesWithoutReplyAndDiscardsTheRest() {
        Limits l = new Limits();
        l.queryLimit = 100;
        EmbeddedChannel ch = new EmbeddedChannel(new RespDecoder(l));
        ch.writeInbound(Unpooled.wrappedBuffer(b("*1\r\n$200\r\n" + "x".repeat(150))));
        ProtocolError e = ch.readInbound();
        assertNull(e.reply(), "closed without a reply");
        ch.writeInbound(Unpooled.wrappedBuffer(b("PING\r\n")));
        assertNull(ch.readInbound(), "nothing after the limit");
        ch.finishAndReleaseAll();
    }

    @Test
    void afterAnErrorEverythingIsDiscarded() {
        List<Object> out = decode(new Limits(), b("PING\r\n*x\r\nPING\r\n"), b("PING\r\n"));
        assertEquals(2, out.size());
        assertEquals(List.of("PING"), words(out.get(0)));
        assertInstanceOf(ProtocolError.class, out.get(1));
    }

    @Test
    void inlineSplittingAsSdssplitargs() {
        assertArgs("SET \"a b\" 'c d'", "SET", "a b", "c d");
        assertArgs("ECHO \"\\n\\r\\t\\b\\a\\\\\\\"\"", "ECHO", "\n\r\t\b\u0007\\\"");
        assertArgs("ECHO \"\\x4a\\x4B\\xzz\"", "ECHO", "JKxzz");
        assertArgs("ECHO 'it\\'s' '\\n'", "ECHO", "it's", "\\n");
        assertArgs("  lots   of\tspace  ", "lots", "of", "space");
        assertArgs("a\u000bb", "a\u000bb");
        assertArgs("\"\"", "");
        assertArgs("before\0after", "before");
        assertNull(RespDecoder.splitArgs(b("\"unterminated")));
        assertNull(RespDecoder.splitArgs(b("\"closed\"tail")));
        assertNull(RespDecoder.splitArgs(b("'x'y")));
        assertTrue(RespDecoder.splitArgs(b("")).isEmpty());
    }

    private static void assertArgs(String line, String... expected) {
        List<byte[]> got = RespDecoder.splitArgs(b(line));
        assertEquals(expected.length, got.size(), line);
        for (int i = 0; i < expected.length; i++) assertArrayEquals(b(expected[i]), got.get(i), line);
    }

    /** The in-place length parser agrees with Bytes.parseLong (Redis's string2ll) on every kind of input. */
    @Test
    void lengthParserMatchesString2ll() {
        List<String> cases = new ArrayList<>(List.of("0", "1", "-1", "00", "01", "-0", "-", "+1", " 1", "1 ", "12a", "1024",
                "2147483647", "2147483648", "-2147483648", "999999999999999999", "-999999999999999999",
                "1000000000000000000", "9223372036854775807", "9223372036854775808", "-9223372036854775807",
                "-9223372036854775809", "99999999999999999999", "123456789012345678901", "\0", "1\0"));
        java.util.Random r = new java.util.Random(42);
        for (int i = 0; i < 20000; i++) {
            int len = 1 + r.nextInt(21);
            StringBuilder sb = new StringBuilder();
            for (int j = 0; j < len; j++) sb.append(r.nextInt(12) == 0 ? (r.nextBoolean() ? '-' : 'x') : (char) ('0' + r.nextInt(10)));
            cases.add(sb.toString());
        }
        for (String c : cases) {
            byte[] b = c.getBytes(StandardCharsets.ISO_8859_1);
            Long want = io.meridian.node.util.Bytes.parseLong(b);
            long got = RespDecoder.parseLength(Unpooled.wrappedBuffer(b), 0, b.length);
            if (want == null) assertEquals(RespDecoder.NOT_A_NUMBER, got, c);
            else if (want == Long.MIN_VALUE) assertTrue(got < 0 && got != RespDecoder.NOT_A_NUMBER, c);
            else assertEquals(want.longValue(), got, c);
        }
    }
}
