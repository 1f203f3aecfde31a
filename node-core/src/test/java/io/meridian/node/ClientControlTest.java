package io.meridian.node;

import io.meridian.node.server.Client;
import io.meridian.node.testing.Differential;
import io.meridian.node.testing.RespClient;
import io.meridian.node.testing.TestNode;
import io.netty.channel.ChannelOption;
import io.netty.channel.epoll.EpollSocketChannel;
import org.junit.jupiter.api.Test;

import java.io.UncheckedIOException;
import java.util.List;
import java.util.function.BooleanSupplier;

import static io.meridian.node.ConnectionDifferentialTest.field;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** CLIENT KILL / PAUSE / UNBLOCK / LIST across connections, idle timeout and TCP keepalive. */
class ClientControlTest {
    static void await(String what, BooleanSupplier cond) {
        long deadline = System.currentTimeMillis() + 10_000;
        while (!cond.getAsBoolean()) {
            if (System.currentTimeMillis() > deadline) throw new AssertionError("timed out waiting for " + what);
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    private static void soTimeout(RespClient c, int ms) {
        try {
            c.socket().setSoTimeout(ms);
        } catch (java.net.SocketException e) {
            throw new AssertionError(e);
        }
    }

    private static String lineOf(RespClient asker, long id) {
        Object r = asker.call("CLIENT", "LIST", "ID", Long.toString(id));
        return (String) r;
    }

    @Test
    void unblockAnswersTheBlockedClientAsRedis() {
        try (Differential d = new Differential();
             RespClient mb = new RespClient(d.meridian().host(), d.meridian().port());
             RespClient rb = new RespClient(d.redis().host(), d.redis().port())) {
            for (String reason : new String[]{null, "TIMEOUT", "ERROR"}) {
                long mid = (Long) mb.call("CLIENT", "ID");
                long rid = (Long) rb.call("CLIENT", "ID");
                mb.send("BLPOP", "nolist", "0");
                rb.send("BLPOP", "nolist", "0");
                await("blocked", () -> "b".equals(field(lineOf(d.meridianClient(), mid), "flags"))
                        && "b".equals(field(lineOf(d.redisClient(), rid), "flags")));
                Object rr = reason == null ? d.redisClient().call("CLIENT", "UNBLOCK", Long.toString(rid))
                        : d.redisClient().call("CLIENT", "UNBLOCK", Long.toString(rid), reason);
                Object mr = reason == null ? d.meridianClient().call("CLIENT", "UNBLOCK", Long.toString(mid))
                        : d.meridianClient().call("CLIENT", "UNBLOCK", Long.toString(mid), reason);
                assertEquals(1L, rr);
                assertEquals(rr, mr);
                assertEquals(rb.read(), mb.read(), "unblocked reply, reason " + reason);
                assertEquals(0L, d.meridianClient().call("CLIENT", "UNBLOCK", Long.toString(mid)));
                assertEquals(rb.call("PING"), mb.call("PING"));
            }
        }
    }

    @Test
    void killByIdAddrTypeUserAndSelf() {
        try (TestNode n = TestNode.start(); RespClient a = new RespClient(n.host(), n.port())) {
            RespClient v1 = new RespClient(n.host(), n.port());
            long id1 = (Long) v1.call("CLIENT", "ID");
            assertEquals(1L, a.call("CLIENT", "KILL", "ID", Long.toString(id1)));
            assertTrue(v1.isClosedByServer(5000));
            assertEquals("", a.call("CLIENT", "LIST", "ID", Long.toString(id1)), "gone at once");

            RespClient v2 = new RespClient(n.host(), n.port());
            v2.call("PING"); // accepted and registered
            String addr2 = "127.0.0.1:" + v2.socket().getLocalPort();
            assertEquals(new RespClient.Simple("OK"), a.call("CLIENT", "KILL", addr2));
            assertTrue(v2.isClosedByServer(5000));
            assertEquals(new RespClient.Err("ERR No such client"), a.call("CLIENT", "KILL", addr2));

            RespClient v3 = new RespClient(n.host(), n.port());
            v3.call("SUBSCRIBE", "ch");
            RespClient v4 = new RespClient(n.host(), n.port());
            v4.call("PING");
            assertEquals(1L, a.call("CLIENT", "KILL", "TYPE", "pubsub"));
            assertTrue(v3.isClosedByServer(5000));
            assertEquals(new RespClient.Simple("PONG"), v4.call("PING"));

            String laddr = "127.0.0.1:" + n.port();
            assertEquals(1L, a.call("CLIENT", "KILL", "LADDR", laddr, "USER", "default"), "everyone but the caller");
            assertTrue(v4.isClosedByServer(5000));
            assertEquals(0L, a.call("CLIENT", "KILL", "ADDR", "127.0.0.1:1"));

            // SKIPME no: the caller gets its reply, then the connection closes
            assertEquals(1L, a.call("CLIENT", "KILL", "USER", "default", "SKIPME", "no"));
            assertTrue(a.isClosedByServer(5000));
        }
    }

    @Test
    void killItselfWithTheOldForm() {
        try (TestNode n = TestNode.start(); RespClient a = new RespClient(n.host(), n.port())) {
            String self = "127.0.0.1:" + a.socket().getLocalPort();
            a.send("CLIENT", "KILL", self);
            a.send("PING");
            assertEquals(new RespClient.Simple("OK"), a.read());
            assertTrue(a.isClosedByServer(5000));
        }
    }

    @Test
    void pauseWriteHoldsWritesOnlyAndUnpauseReleases() {
        try (TestNode n = TestNode.start();
             RespClient admin = new RespClient(n.host(), n.port());
             RespClient w = new RespClient(n.host(), n.port())) {
            long wid = (Long) w.call("CLIENT", "ID");
            assertEquals(new RespClient.Simple("OK"), admin.call("CLIENT", "PAUSE", "60000", "WRITE"));
            assertNull(w.call("GET", "k"), "reads go on");
            assertEquals(new RespClient.Simple("PONG"), w.call("PING"));
            w.send("SET", "k", "v");
            w.send("GET", "k");
            await("postponed", () -> "b".equals(field(lineOf(admin, wid), "flags")));
            soTimeout(w, 300);
            assertThrows(UncheckedIOException.class, w::read, "SET waits while paused");
            assertNull(admin.call("GET", "k"));
            assertEquals(new RespClient.Simple("OK"), admin.call("CLIENT", "UNPAUSE"));
            soTimeout(w, 10_000);
            assertEquals(new RespClient.Simple("OK"), w.read());
            assertEquals("v", w.read());
            assertEquals("N", field(lineOf(admin, wid), "flags"));
        }
    }

    @Test
    void pauseAllHoldsEverythingUntilItEnds() {
        try (TestNode n = TestNode.start();
             RespClient admin = new RespClient(n.host(), n.port());
             RespClient r = new RespClient(n.host(), n.port())) {
            long start = System.currentTimeMillis();
            assertEquals(new RespClient.Simple("OK"), admin.call("CLIENT", "PAUSE", "700"));
            // the pausing client is paused too, and unknown commands are still refused at once
            assertEquals(new RespClient.Err("ERR unknown command 'NOSUCH', with args beginning with: "), r.call("NOSUCH"));
            assertEquals(new RespClient.Simple("PONG"), r.call("PING"));
            assertTrue(System.currentTimeMillis() - start >= 600, "PING waited for the pause to end");
            assertEquals(new RespClient.Simple("PONG"), admin.call("PING"));
        }
    }

    @Test
    void listShowsFlagsAndTypes() {
        try (TestNode n = TestNode.start();
             RespClient a = new RespClient(n.host(), n.port());
             RespClient s = new RespClient(n.host(), n.port())) {
            long sid = (Long) s.call("CLIENT", "ID");
            s.call("CLIENT", "SETNAME", "subscriber");
            s.call("CLIENT", "NO-EVICT", "on");
            s.call("SUBSCRIBE", "x", "y");
            s.read();
            s.call("PSUBSCRIBE", "p*");
            String line = lineOf(a, sid);
            assertEquals("Pe", field(line, "flags"));
            assertEquals("2", field(line, "sub"));
            assertEquals("1", field(line, "psub"));
            assertEquals("subscriber", field(line, "name"));
            assertEquals("psubscribe", field(line, "cmd"));
            assertEquals("127.0.0.1:" + s.socket().getLocalPort(), field(line, "addr"));
            assertEquals("127.0.0.1:" + n.port(), field(line, "laddr"));
            assertTrue(Integer.parseInt(field(line, "fd")) > 0);
            String pubsub = (String) a.call("CLIENT", "LIST", "TYPE", "pubsub");
            assertEquals(Long.toString(sid), field(pubsub, "id"));
            String normal = (String) a.call("CLIENT", "LIST", "TYPE", "normal");
            assertEquals(1, normal.split("\n").length);
            assertFalse(normal.contains("id=" + sid + " "));
            a.call("WATCH", "w");
            a.call("SET", "w", "1");
            a.call("MULTI");
            a.call("PING");
            List<?> exec = (List<?>) a.call("EXEC");
            assertNull(exec, "dirty EXEC");
        }
    }

    @Test
    void idleClientsTimeOutButBlockedAndSubscribersDoNot() throws Exception {
        try (TestNode n = TestNode.start("--timeout", "1");
             RespClient idle = new RespClient(n.host(), n.port());
             RespClient blocked = new RespClient(n.host(), n.port());
             RespClient sub = new RespClient(n.host(), n.port());
             RespClient busy = new RespClient(n.host(), n.port())) {
            blocked.send("BLPOP", "nothing", "0");
            sub.call("SUBSCRIBE", "ch");
            long start = System.currentTimeMillis();
            while (System.currentTimeMillis() - start < 3500) {
                assertEquals(new RespClient.Simple("PONG"), busy.call("PING"));
                Thread.sleep(300);
            }
            assertTrue(idle.isClosedByServer(5000), "idle client closed");
            assertEquals(List.of("pong", ""), sub.call("PING"));
            assertEquals(1L, busy.call("LPUSH", "nothing", "x"));
            assertEquals(List.of("nothing", "x"), blocked.read());
        }
    }

    @Test
    void tcpKeepaliveIsAppliedToAcceptedConnections() {
        try (TestNode n = TestNode.start("--tcp-keepalive", "60"); RespClient c = new RespClient(n.host(), n.port())) {
            c.call("PING");
            Client client = n.node().clients().values().iterator().next();
            assertTrue(client.channel().config().getOption(ChannelOption.SO_KEEPALIVE));
            if (client.channel() instanceof EpollSocketChannel e) {
                assertEquals(60, e.config().getTcpKeepIdle());
                assertEquals(20, e.config().getTcpKeepIntvl());
                assertEquals(3, e.config().getTcpKeepCnt());
            }
        }
        try (TestNode n = TestNode.start("--tcp-keepalive", "0"); RespClient c = new RespClient(n.host(), n.port())) {
            c.call("PING");
            Client client = n.node().clients().values().iterator().next();
            assertFalse(client.channel().config().getOption(ChannelOption.SO_KEEPALIVE));
        }
    }

    @Test
    void outputBufferLimitsCloseClientsThatDoNotRead() throws Exception {
        try (TestNode n = TestNode.start("--client-output-buffer-limit", "pubsub 1mb 256kb 60",
                "--client-output-buffer-limit", "normal 2mb 0 0");
             RespClient pub = new RespClient(n.host(), n.port())) {
            java.net.Socket sub = new java.net.Socket();
            sub.setReceiveBufferSize(4096);
            sub.connect(new java.net.InetSocketAddress(n.host(), n.port()));
            sub.getOutputStream().write("SUBSCRIBE big\r\n".getBytes());
            await("subscribed", () -> pub.call("PUBSUB", "NUMSUB", "big").equals(List.of("big", 1L)));
            String payload = "x".repeat(100_000);
            for (int i = 0; i < 300 && pub.call("PUBSUB", "NUMSUB", "big").equals(List.of("big", 1L)); i++) {
                pub.call("PUBLISH", "big", payload);
            }
            await("slow subscriber dropped", () -> pub.call("PUBSUB", "NUMSUB", "big").equals(List.of("big", 0L)));
            sub.close();

            pub.call("SET", "v", payload);
            java.net.Socket reader = new java.net.Socket();
            reader.setReceiveBufferSize(4096);
            reader.connect(new java.net.InetSocketAddress(n.host(), n.port()));
            byte[] gets = "GET v\r\n".repeat(1000).getBytes();
            reader.getOutputStream().write(gets);
            await("normal client over its hard limit closed", () -> n.node().clients().size() == 1);
            reader.close();
            assertEquals(new RespClient.Simple("PONG"), pub.call("PING"));
        }
    }

    @Test
    void bindListensOnlyWhereAsked() throws Exception {
        // "-" marks an address that may be missing (Redis 7's "bind 127.0.0.1 -::1")
        try (TestNode n = TestNode.start("--bind", "127.0.0.2 -192.0.2.123")) {
            try (RespClient c = new RespClient("127.0.0.2", n.port())) {
                assertEquals(new RespClient.Simple("PONG"), c.call("PING"));
                String line = (String) c.call("CLIENT", "INFO");
                assertEquals("127.0.0.2:" + n.port(), field(line, "laddr"));
            }
            assertThrows(java.net.ConnectException.class, () -> new java.net.Socket("127.0.0.1", n.port()).close());
        }
    }

    @Test
    void helloSwitchesProtocolPerConnection() {
        try (TestNode n = TestNode.start(); RespClient a = new RespClient(n.host(), n.port()); RespClient b = new RespClient(n.host(), n.port())) {
            Object hello = a.call("HELLO", "3");
            assertInstanceOf(java.util.Map.class, hello);
            assertEquals(3L, ((java.util.Map<?, ?>) hello).get("proto"));
            assertNull(a.call("GET", "missing"));
            RespClient.Verbatim info = (RespClient.Verbatim) a.call("CLIENT", "INFO");
            assertEquals("txt", info.format());
            assertEquals("3", field(info.text(), "resp"));
            assertEquals("2", field((String) b.call("CLIENT", "INFO"), "resp"));
        }
    }
}
