package io.meridian.node;

import io.meridian.node.testing.TestNode;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Bad input at the socket: random bytes, truncated and mutated requests, huge declared lengths,
 * nested arrays. The node must answer each connection with either valid replies or Redis's
 * protocol error followed by a close, keep serving a well-behaved client throughout, and never
 * allocate what a declared length asks for before the bytes arrive.
 */
class RespFuzzTest {
    private static final long SEED = Long.getLong("fuzz.seed", System.nanoTime());
    private static final int ROUNDS = Integer.getInteger("fuzz.rounds", 5000);

    @Test
    void randomAndMalformedInputNeverHurtsTheNode() throws Exception {
        Random rnd = new Random(SEED);
        try (TestNode node = TestNode.start("--proto-max-bulk-len", "1mb", "--client-query-buffer-limit", "4mb")) {
            AtomicBoolean stop = new AtomicBoolean();
            AtomicReference<Throwable> canaryFailure = new AtomicReference<>();
            AtomicInteger canaryRounds = new AtomicInteger();
            Thread canary = new Thread(() -> canary(node, stop, canaryFailure, canaryRounds), "canary");
            canary.start();
            try {
                for (int i = 0; i < ROUNDS; i++) {
                    byte[] input = generate(rnd);
                    long t0 = System.nanoTime();
                    byte[] reply = exchange(node, input);
                    long ms = (System.nanoTime() - t0) / 1_000_000;
                    if (ms > 1000) System.out.println("slow exchange " + ms + " ms for " + printable(input));
                    assertWellFormed(input, reply);
                }
            } finally {
                stop.set(true);
                canary.join(10_000);
            }
            assertNull(canaryFailure.get(), () -> "well-behaved client failed during fuzzing (seed " + SEED + "): " + canaryFailure.get());
            assertTrue(canaryRounds.get() > 0, "canary made no progress");
            try (Socket s = connect(node)) {
                s.getOutputStream().write("*1\r\n$4\r\nPING\r\n".getBytes(StandardCharsets.US_ASCII));
                assertEquals("+PONG\r\n", new String(readSome(s.getInputStream(), 7), StandardCharsets.US_ASCII));
            }
        }
    }

    /** Declared lengths far beyond what is sent must not be allocated up front. */
    @Test
    void hugeDeclaredLengthsAllocateNothing() throws Exception {
        try (TestNode node = TestNode.start()) {
            MemoryMXBean mem = ManagementFactory.getMemoryMXBean();
            System.gc();
            long before = mem.getHeapMemoryUsage().getUsed() + mem.getNonHeapMemoryUsage().getUsed();
            List<Socket> open = new ArrayList<>();
            try {
                // 50 clients each announce a 500 MB argument (allowed by the default proto-max-bulk-len)
                // and a 1M-element array, then send a few bytes and wait.
                for (int i = 0; i < 50; i++) {
                    Socket s = connect(node);
                    open.add(s);
                    OutputStream out = s.getOutputStream();
                    if (i % 2 == 0) out.write("*2\r\n$3\r\nSET\r\n$500000000\r\nabc".getBytes(StandardCharsets.US_ASCII));
                    else out.write("*1000000\r\n$3\r\nGET\r\n".getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                }
                try (Socket s = connect(node)) {
                    s.getOutputStream().write("*1\r\n$4\r\nPING\r\n".getBytes(StandardCharsets.US_ASCII));
                    assertEquals("+PONG\r\n", new String(readSome(s.getInputStream(), 7), StandardCharsets.US_ASCII));
                }
                System.gc();
                long after = mem.getHeapMemoryUsage().getUsed() + mem.getNonHeapMemoryUsage().getUsed();
                long grown = after - before;
                assertTrue(grown < 256L * 1024 * 1024,
                        "memory grew by " + (grown >> 20) + " MB for 50 clients that declared 25 GB in total");
            } finally {
                for (Socket s : open) s.close();
            }
        }
    }

    @Test
    void protocolErrorsAreRedisOwnAndCloseTheConnection() throws Exception {
        try (TestNode node = TestNode.start("--proto-max-bulk-len", "1mb")) {
            String[][] cases = {
                    {"*1\r\n*1\r\n$4\r\nPING\r\n", "-ERR Protocol error: expected '$', got '*'\r\n"},
                    {"*3000000000\r\n", "-ERR Protocol error: invalid multibulk length\r\n"},
                    {"*1\r\n$2000000\r\n", "-ERR Protocol error: invalid bulk length\r\n"},
                    {"*1\r\n$-5\r\n", "-ERR Protocol error: invalid bulk length\r\n"},
                    {"*x\r\n", "-ERR Protocol error: invalid multibulk length\r\n"},
                    {"*1\r\nfoo\r\n", "-ERR Protocol error: expected '$', got 'f'\r\n"},
                    {"SET \"unbalanced\r\n", "-ERR Protocol error: unbalanced quotes in request\r\n"},
            };
            for (String[] c : cases) {
                try (Socket s = connect(node)) {
                    s.getOutputStream().write(c[0].getBytes(StandardCharsets.ISO_8859_1));
                    byte[] reply = readAll(s.getInputStream());
                    assertEquals(c[1], new String(reply, StandardCharsets.ISO_8859_1), () -> "reply to " + c[0].replace("\r\n", "\\r\\n"));
                }
            }
        }
    }

    // ---- generators --------------------------------------------------------------------------

    private static final String[] COMMANDS = {
            "*1\r\n$4\r\nPING\r\n",
            "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n",
            "*2\r\n$3\r\nGET\r\n$1\r\nk\r\n",
            "*2\r\n$4\r\nECHO\r\n$5\r\nhello\r\n",
            "PING\r\n",
            "SET a \"b c\"\r\n",
            "*2\r\n$6\r\nSELECT\r\n$1\r\n3\r\n",
    };

    private static byte[] generate(Random rnd) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        switch (rnd.nextInt(8)) {
            case 0 -> { // pure garbage
                byte[] b = new byte[1 + rnd.nextInt(300)];
                rnd.nextBytes(b);
                out.writeBytes(b);
            }
            case 1 -> { // valid pipeline, truncated anywhere
                byte[] p = pipeline(rnd);
                out.write(p, 0, rnd.nextInt(p.length + 1));
            }
            case 2 -> { // valid pipeline with a few bytes flipped
                byte[] p = pipeline(rnd);
                for (int i = 0; i < 1 + rnd.nextInt(3); i++) p[rnd.nextInt(p.length)] = (byte) rnd.nextInt(256);
                out.writeBytes(p);
            }
            case 3 -> { // huge or absurd declared lengths
                String[] heads = {"*2147483648\r\n", "*-7\r\n", "*1\r\n$99999999999999999999\r\n", "*1\r\n$1048577\r\n",
                        "*1\r\n$1048576\r\nxyz", "*1048577\r\n", "*1024\r\n$1\r\na\r\n", "$5\r\nhello\r\n", "*1\r\n$\r\n"};
                out.writeBytes(heads[rnd.nextInt(heads.length)].getBytes(StandardCharsets.ISO_8859_1));
            }
            case 4 -> { // deep nesting
                int depth = 1 + rnd.nextInt(10_000);
                for (int i = 0; i < depth; i++) out.writeBytes("*1\r\n".getBytes(StandardCharsets.ISO_8859_1));
                out.writeBytes("$4\r\nPING\r\n".getBytes(StandardCharsets.ISO_8859_1));
            }
            case 5 -> { // a long inline line without newline, or a very long one
                int n = rnd.nextBoolean() ? 70_000 : 1 + rnd.nextInt(2000);
                byte[] b = new byte[n];
                for (int i = 0; i < n; i++) b[i] = (byte) ('a' + rnd.nextInt(26));
                out.writeBytes(b);
                if (rnd.nextBoolean()) out.writeBytes("\r\n".getBytes(StandardCharsets.ISO_8859_1));
            }
            case 6 -> { // RESP3 types a server never accepts from a client
                String[] types = {"%1\r\n+a\r\n+b\r\n", "~1\r\n$1\r\na\r\n", ">1\r\n$1\r\na\r\n", ":1\r\n", "#t\r\n", ",1.5\r\n", "_\r\n"};
                out.writeBytes(types[rnd.nextInt(types.length)].getBytes(StandardCharsets.ISO_8859_1));
            }
            default -> out.writeBytes(pipeline(rnd)); // valid
        }
        return out.toByteArray();
    }

    private static byte[] pipeline(Random rnd) {
        StringBuilder sb = new StringBuilder();
        int n = 1 + rnd.nextInt(20);
        for (int i = 0; i < n; i++) sb.append(COMMANDS[rnd.nextInt(COMMANDS.length)]);
        return sb.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    // ---- checks ------------------------------------------------------------------------------

    /** Every reply is well-formed RESP; a protocol error, if any, is the last thing sent. */
    private static void assertWellFormed(byte[] input, byte[] reply) {
        int pos = 0;
        while (pos < reply.length) {
            int end = skipValue(reply, pos), at = pos;
            assertTrue(end > pos, () -> "malformed reply (seed " + SEED + ") at " + at + " for input " + printable(input) + ": " + printable(reply));
            String line = new String(reply, pos, Math.min(reply.length - pos, 25), StandardCharsets.ISO_8859_1);
            if (line.startsWith("-ERR Protocol error")) {
                assertEquals(reply.length, end, () -> "data after a protocol error (seed " + SEED + "): " + printable(reply));
            }
            pos = end;
        }
    }

    /** End of the RESP value starting at pos, or -1 when truncated or malformed. */
    private static int skipValue(byte[] b, int pos) {
        if (pos >= b.length) return -1;
        int eol = lineEnd(b, pos);
        if (eol < 0) return -1;
        String head = new String(b, pos + 1, eol - pos - 1, StandardCharsets.ISO_8859_1);
        switch (b[pos]) {
            case '+', '-', ':' -> {
                return eol + 2;
            }
            case '$' -> {
                long n = Long.parseLong(head);
                if (n < 0) return eol + 2;
                long end = eol + 2 + n + 2;
                return end <= b.length ? (int) end : -1;
            }
            case '*' -> {
                long n = Long.parseLong(head);
                int p = eol + 2;
                for (long i = 0; i < n; i++) {
                    p = skipValue(b, p);
                    if (p < 0) return -1;
                }
                return p;
            }
            default -> {
                return -1;
            }
        }
    }

    private static int lineEnd(byte[] b, int from) {
        for (int i = from; i + 1 < b.length; i++) if (b[i] == '\r' && b[i + 1] == '\n') return i;
        return -1;
    }

    private static String printable(byte[] b) {
        String s = new String(b, 0, Math.min(b.length, 200), StandardCharsets.ISO_8859_1);
        return s.replace("\r", "\\r").replace("\n", "\\n");
    }

    // ---- I/O ---------------------------------------------------------------------------------

    private static Socket connect(TestNode node) throws IOException {
        Socket s = new Socket(node.host(), node.port());
        s.setSoTimeout(15_000);
        return s;
    }

    /** Sends input, half-closes (the node closes on EOF, as Redis does) and reads to the end. */
    private static byte[] exchange(TestNode node, byte[] input) throws IOException {
        try (Socket s = connect(node)) {
            try {
                s.getOutputStream().write(input);
                s.getOutputStream().flush();
            } catch (IOException closedEarly) {
                // the server may close after a protocol error while we still write: fine
            }
            try {
                s.shutdownOutput();
            } catch (IOException closedEarly) {
                // already closed by the server
            }
            return readAll(s.getInputStream());
        }
    }

    /** Everything until EOF, a reset, or a quiet period of the socket's timeout. */
    private static byte[] readAll(InputStream in) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        try {
            for (int n; (n = in.read(buf)) >= 0; ) out.write(buf, 0, n);
        } catch (IOException quietOrReset) {
            // done
        }
        return out.toByteArray();
    }

    private static byte[] readSome(InputStream in, int n) throws IOException {
        byte[] b = in.readNBytes(n);
        return b;
    }

    private static void canary(TestNode node, AtomicBoolean stop, AtomicReference<Throwable> failure, AtomicInteger rounds) {
        try (Socket s = connect(node)) {
            OutputStream out = s.getOutputStream();
            InputStream in = s.getInputStream();
            int i = 0;
            while (!stop.get()) {
                String v = "v" + i;
                out.write(("*3\r\n$3\r\nSET\r\n$6\r\ncanary\r\n$" + v.length() + "\r\n" + v + "\r\n*2\r\n$3\r\nGET\r\n$6\r\ncanary\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                String expected = "+OK\r\n$" + v.length() + "\r\n" + v + "\r\n";
                String got = new String(in.readNBytes(expected.length()), StandardCharsets.US_ASCII);
                assertEquals(expected, got);
                rounds.incrementAndGet();
                i++;
                Thread.sleep(5);
            }
        } catch (Throwable t) {
            failure.set(t);
        }
    }
}
