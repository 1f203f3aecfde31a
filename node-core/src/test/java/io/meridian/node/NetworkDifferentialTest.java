package io.meridian.node;

import io.meridian.node.testing.Differential;
import io.meridian.node.testing.RespClient;
import io.meridian.node.testing.TestNode;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The wire as Redis speaks it, compared byte for byte with the real redis-server: pipelines,
 * inline (telnet) commands, malformed RESP, limits, maxclients and protected mode.
 */
class NetworkDifferentialTest {
    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** Writes raw bytes and reads until the server closes the connection (or the timeout). */
    static byte[] exchangeUntilClose(String host, int port, byte[] request) {
        return exchange(host, port, null, request, -1);
    }

    /** Writes raw bytes and reads exactly n bytes of answer (or until close / timeout). */
    static byte[] exchange(String host, int port, String bindAddr, byte[] request, int n) {
        return exchange(host, port, bindAddr, request, n, 10_000);
    }

    static byte[] exchange(String host, int port, String bindAddr, byte[] request, int n, int timeoutMs) {
        try (Socket s = new Socket()) {
            if (bindAddr != null) s.bind(new InetSocketAddress(bindAddr, 0));
            s.connect(new InetSocketAddress(host, port), 5000);
            s.setSoTimeout(timeoutMs);
            try {
                s.getOutputStream().write(request);
                s.getOutputStream().flush();
            } catch (IOException e) {
                // the server closed while the request was still being written (a limit it enforces):
                // the answer is what it sent before closing, read below
            }
            InputStream in = s.getInputStream();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buf = new byte[65536];
            try {
                while (n < 0 || out.size() < n) {
                    int r = in.read(buf, 0, n < 0 ? buf.length : Math.min(buf.length, n - out.size()));
                    if (r < 0) break;
                    out.write(buf, 0, r);
                }
            } catch (SocketTimeoutException e) {
                if (n >= 0) throw new AssertionError("only " + out.size() + " of " + n + " bytes: " + out.toString(StandardCharsets.ISO_8859_1));
            } catch (IOException e) {
                // connection reset after the server closed: what was read is the answer
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void sameUntilClose(Differential d, String request) {
        sameUntilClose(d, b(request));
    }

    private static void sameUntilClose(Differential d, byte[] request) {
        String expected = new String(exchangeUntilClose(d.redis().host(), d.redis().port(), request), StandardCharsets.ISO_8859_1);
        String actual = new String(exchangeUntilClose(d.meridian().host(), d.meridian().port(), request), StandardCharsets.ISO_8859_1);
        assertEquals(expected, actual, () -> "answer to " + new String(request, 0, Math.min(80, request.length), StandardCharsets.ISO_8859_1));
    }

    @Test
    void malformedRespGetsRedisProtocolErrorsAndIsClosed() {
        try (Differential d = new Differential()) {
            sameUntilClose(d, "*abc\r\n");
            sameUntilClose(d, "*1\r\n+foo\r\n");
            sameUntilClose(d, "*1\r\n\r\n");
            sameUntilClose(d, "*1\r\n$-5\r\nabc\r\n");
            sameUntilClose(d, "*1\r\n$abc\r\n");
            sameUntilClose(d, "*1\r\n$600000000\r\n");
            sameUntilClose(d, "*3000000000\r\n");
            sameUntilClose(d, "*-0\r\n");
            sameUntilClose(d, "*01\r\n$4\r\nPING\r\n");
            sameUntilClose(d, "*1\r\n$04\r\nPING\r\n");
            sameUntilClose(d, "PING\r\n*x\r\nPING\r\n");
            sameUntilClose(d, "*2\r\n$4\r\nECHO\r\n$1\r\nab\r\n*1\r\n$4\r\nQUIT\r\n");
            sameUntilClose(d, "SET \"a\"b c\r\n");
            sameUntilClose(d, "SET 'a'b c\r\n");
            sameUntilClose(d, "ECHO \"unterminated\r\n");
            sameUntilClose(d, "a".repeat(70_000));
            sameUntilClose(d, "*" + "1".repeat(70_000));
            sameUntilClose(d, "*1\r\n$" + "1".repeat(70_000));
            sameUntilClose(d, "*1\r\n" + "x".repeat(70_000));
            sameUntilClose(d, "POST / HTTP/1.1\r\nHost: x\r\n\r\n");
            sameUntilClose(d, "PING\r\nHost: x\r\n");
            sameUntilClose(d, "*1\r\n$4\r\nPING\r\n*1\r\n$4\r\nQUIT\r\n*1\r\n$4\r\nPING\r\n");
            // the server is fine afterwards
            d.check("PING");
        }
    }

    @Test
    void inlineCommandsAsTelnetSendsThem() {
        try (Differential d = new Differential()) {
            String script = "SET greeting \"hello world\"\r\n"
                    + "GET greeting\r\n"
                    + "\r\n"
                    + "   \r\n"
                    + "SET 'single quoted' 'it\\'s'\n"
                    + "GET \"single quoted\"\n"
                    + "ECHO \"\\x41\\x42\\n\\t\\\\\\\"\"\r\n"
                    + "ECHO \"\\xZZ\"\r\n"
                    + "ECHO a\tb\r\n"
                    + "echo x\u000by\r\n"
                    + "PING\r\n"
                    + "*2\r\n$4\r\nECHO\r\n$5\r\nmixed\r\n"
                    + "EXISTS greeting nokey\r\n"
                    + "QUIT\r\n";
            sameUntilClose(d, script);
            // a NUL hides the line end from Redis's strchr: the request waits for more (up to 64 KB)
            byte[] nul = b("ECHO abc\0def\r\nQUIT\r\n");
            assertEquals(0, exchange(d.redis().host(), d.redis().port(), null, nul, -1, 1000).length);
            assertEquals(0, exchange(d.meridian().host(), d.meridian().port(), null, nul, -1, 1000).length);
        }
    }

    @Test
    void pipelineOfTenThousandCommandsAnsweredInOrder() {
        try (Differential d = new Differential()) {
            ByteArrayOutputStream req = new ByteArrayOutputStream();
            for (int i = 0; i < 10_000; i++) {
                String cmd = switch (i % 4) {
                    case 0 -> "SET k" + i + " v" + i;
                    case 1 -> "GET k" + (i - 1);
                    case 2 -> "INCR counter";
                    default -> "LPUSH list e" + i;
                };
                String[] parts = cmd.split(" ");
                req.writeBytes(b("*" + parts.length + "\r\n"));
                for (String p : parts) req.writeBytes(b("$" + p.length() + "\r\n" + p + "\r\n"));
            }
            req.writeBytes(b("*1\r\n$4\r\nQUIT\r\n"));
            byte[] expected = exchangeUntilClose(d.redis().host(), d.redis().port(), req.toByteArray());
            byte[] actual = exchangeUntilClose(d.meridian().host(), d.meridian().port(), req.toByteArray());
            assertTrue(expected.length > 40_000);
            assertEquals(new String(expected, StandardCharsets.ISO_8859_1), new String(actual, StandardCharsets.ISO_8859_1));
            d.check("LLEN", "list");
            d.check("GET", "counter");
            d.assertSameDigest();
        }
    }

    @Test
    void clientDisconnectingMidCommandAppliesNothing() throws Exception {
        try (TestNode n = TestNode.start(); RespClient other = new RespClient(n.host(), n.port())) {
            for (int i = 0; i < 20; i++) {
                try (Socket s = new Socket(n.host(), n.port())) {
                    // half a bulk, then gone
                    s.getOutputStream().write(b("*3\r\n$3\r\nSET\r\n$4\r\nhalf\r\n$100\r\nonly-part-of-the-value"));
                    s.getOutputStream().flush();
                    assertEquals(new RespClient.Simple("PONG"), other.call("PING"));
                }
                try (Socket s = new Socket(n.host(), n.port())) {
                    s.getOutputStream().write(b("*3\r\n$3\r\nSET\r\n$4\r\nhal"));
                    s.getOutputStream().flush();
                }
                try (Socket s = new Socket(n.host(), n.port())) {
                    s.getOutputStream().write(b("MULTI\r\nSET inmulti 1\r\n"));
                    s.getOutputStream().flush();
                }
            }
            assertNull(other.call("GET", "half"));
            assertNull(other.call("GET", "inmulti"));
            assertEquals(0L, other.call("EXISTS", "hal"));
            // the connections are gone: only ours is listed
            long deadline = System.currentTimeMillis() + 5000;
            while (n.node().clients().size() > 1 && System.currentTimeMillis() < deadline) Thread.sleep(20);
            assertEquals(1, n.node().clients().size());
        }
    }

    @Test
    void protoMaxBulkLenRefusesBeforeAnyData() {
        try (Differential d = new Differential("--proto-max-bulk-len", "1mb")) {
            sameUntilClose(d, "*2\r\n$4\r\nECHO\r\n$1048577\r\n");
            sameUntilClose(d, "*2\r\n$4\r\nECHO\r\n$9223372036854775807\r\n");
            // exactly the limit is fine
            String big = "x".repeat(1048576);
            sameUntilClose(d, "*2\r\n$4\r\nECHO\r\n$1048576\r\n" + big + "\r\nQUIT\r\n");
        }
    }

    @Test
    void queryBufferLimitClosesWithoutReply() {
        try (Differential d = new Differential("--client-query-buffer-limit", "1mb")) {
            // a declared 5 MB bulk is within proto-max-bulk-len; the buffer limit stops it at 1 MB
            byte[] head = b("*2\r\n$4\r\nECHO\r\n$5000000\r\n");
            byte[] req = new byte[head.length + 1_200_000];
            System.arraycopy(head, 0, req, 0, head.length);
            java.util.Arrays.fill(req, head.length, req.length, (byte) 'x');
            sameUntilClose(d, req);
            d.check("PING");
        }
    }

    @Test
    void maxclientsRefusesTheExtraConnection() throws IOException {
        try (Differential d = new Differential("--maxclients", "4")) {
            List<Socket> held = new ArrayList<>();
            try {
                // Differential's own clients hold one connection each; open three more
                for (int i = 0; i < 3; i++) {
                    held.add(new Socket(d.meridian().host(), d.meridian().port()));
                    held.add(new Socket(d.redis().host(), d.redis().port()));
                }
                long deadline = System.currentTimeMillis() + 5000;
                while (d.meridian().node().clients().size() < 4 && System.currentTimeMillis() < deadline) sleep(20);
                sameUntilClose(d, "PING\r\n");
            } finally {
                for (Socket s : held) {
                    try {
                        s.close();
                    } catch (IOException ignored) {
                        // closing
                    }
                }
            }
            d.check("PING");
        }
    }

    @Test
    void protectedModeRefusesNonLocalPeers() {
        try (Differential d = new Differential()) {
            // 127.0.0.2 is loopback, but Redis only trusts exactly 127.0.0.1 and ::1
            String expected = new String(exchange(d.redis().host(), d.redis().port(), "127.0.0.2", b("PING\r\n"), -1), StandardCharsets.ISO_8859_1);
            String actual = new String(exchange(d.meridian().host(), d.meridian().port(), "127.0.0.2", b("PING\r\n"), -1), StandardCharsets.ISO_8859_1);
            assertTrue(expected.startsWith("-DENIED Redis is running in protected mode"), expected);
            assertEquals(expected, actual);
            assertEquals("+PONG\r\n", new String(exchange(d.meridian().host(), d.meridian().port(), "127.0.0.1", b("PING\r\n"), 7), StandardCharsets.ISO_8859_1));
        }
        try (Differential d = new Differential("--protected-mode", "no")) {
            assertEquals("+PONG\r\n", new String(exchange(d.meridian().host(), d.meridian().port(), "127.0.0.2", b("PING\r\n"), 7), StandardCharsets.ISO_8859_1));
        }
        try (Differential d = new Differential("--requirepass", "pw")) {
            // with a password the peer is let in (and asked to authenticate)
            String noauth = "-NOAUTH Authentication required.\r\n";
            String expected = new String(exchange(d.redis().host(), d.redis().port(), "127.0.0.2", b("PING\r\n"), noauth.length()), StandardCharsets.ISO_8859_1);
            String actual = new String(exchange(d.meridian().host(), d.meridian().port(), "127.0.0.2", b("PING\r\n"), noauth.length()), StandardCharsets.ISO_8859_1);
            assertEquals(noauth, expected);
            assertEquals(expected, actual);
        }
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
