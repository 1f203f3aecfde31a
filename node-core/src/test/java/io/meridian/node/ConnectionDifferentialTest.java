package io.meridian.node;

import io.meridian.node.testing.Differential;
import io.meridian.node.testing.RespClient;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** PING, ECHO, SELECT, HELLO, AUTH, RESET, QUIT and CLIENT against the real redis-server. */
class ConnectionDifferentialTest {
    @Test
    void pingEchoSelect() {
        try (Differential d = new Differential()) {
            d.script(
                    new String[]{"PING"},
                    new String[]{"PING", "hello"},
                    new String[]{"PING", "a", "b"},
                    new String[]{"ECHO", "x"},
                    new String[]{"ECHO"},
                    new String[]{"ECHO", "a", "b"},
                    new String[]{"SELECT", "1"},
                    new String[]{"SELECT", "15"},
                    new String[]{"SELECT", "16"},
                    new String[]{"SELECT", "-1"},
                    new String[]{"SELECT", "abc"},
                    new String[]{"SELECT", "99999999999"},
                    new String[]{"SELECT", "-99999999999"},
                    new String[]{"SELECT", "1.5"},
                    new String[]{"SELECT"},
                    new String[]{"SELECT", "0", "1"},
                    new String[]{"ping"},
                    new String[]{"pInG", "x"});
            d.check(new byte[][]{"ECHO".getBytes(), {0, (byte) 0xff, '\r', '\n', 7}});
            d.resp3();
            d.script(new String[]{"PING"}, new String[]{"PING", "x"}, new String[]{"ECHO", ""});
        }
    }

    @Test
    void helloRepliesAsRedis() {
        try (Differential d = new Differential()) {
            checkHello(d, "HELLO");
            checkHello(d, "HELLO", "2");
            checkHello(d, "HELLO", "3");
            checkHello(d, "HELLO", "2", "SETNAME", "conn-a");
            d.check("CLIENT", "GETNAME");
            checkHello(d, "HELLO", "3", "AUTH", "default", "anything", "SETNAME", "b");
            d.check("CLIENT", "GETNAME");
            d.script(
                    new String[]{"HELLO", "4"},
                    new String[]{"HELLO", "1"},
                    new String[]{"HELLO", "-3"},
                    new String[]{"HELLO", "x"},
                    new String[]{"HELLO", "3", "FOO"},
                    new String[]{"HELLO", "3", "AUTH"},
                    new String[]{"HELLO", "3", "AUTH", "default"},
                    new String[]{"HELLO", "3", "SETNAME"},
                    new String[]{"HELLO", "2", "SETNAME", "a b"},
                    new String[]{"HELLO", "2", "AUTH", "nobody", "x"},
                    new String[]{"CLIENT", "GETNAME"});
        }
    }

    /** HELLO's reply compared as a whole except the connection id (a number on both sides). */
    @SuppressWarnings("unchecked")
    private static void checkHello(Differential d, String... cmd) {
        Object expected = d.redisClient().call(cmd);
        Object actual = d.meridianClient().call(cmd);
        assertEquals(normalizeId(expected), normalizeId(actual), "reply to " + String.join(" ", cmd));
    }

    @SuppressWarnings("unchecked")
    private static Object normalizeId(Object reply) {
        if (reply instanceof Map<?, ?> m) {
            Map<Object, Object> copy = new LinkedHashMap<>((Map<Object, Object>) m);
            assertInstanceOf(Long.class, copy.get("id"));
            copy.put("id", "ID");
            return copy;
        }
        if (reply instanceof List<?> l) {
            List<Object> copy = new ArrayList<>(l);
            for (int i = 0; i + 1 < copy.size(); i += 2) {
                if ("id".equals(copy.get(i))) {
                    assertInstanceOf(Long.class, copy.get(i + 1));
                    copy.set(i + 1, "ID");
                }
            }
            return copy;
        }
        return reply;
    }

    @Test
    void authWithoutPassword() {
        try (Differential d = new Differential()) {
            d.script(
                    new String[]{"AUTH", "x"},
                    new String[]{"AUTH", "default", "x"},
                    new String[]{"AUTH", "nobody", "x"},
                    new String[]{"AUTH", "a", "b", "c"},
                    new String[]{"AUTH"},
                    new String[]{"PING"});
        }
    }

    @Test
    void requirepassAndNoauth() {
        try (Differential d = new Differential("--requirepass", "s3cret")) {
            d.script(
                    new String[]{"PING"},
                    new String[]{"GET", "k"},
                    new String[]{"NOSUCH"},
                    new String[]{"SELECT", "1"},
                    new String[]{"CLIENT", "ID", "x"},
                    new String[]{"HELLO", "3"},
                    new String[]{"HELLO"},
                    new String[]{"AUTH", "wrong"},
                    new String[]{"AUTH", "default", "wrong"},
                    new String[]{"AUTH", "other", "s3cret"},
                    new String[]{"PING"},
                    new String[]{"MULTI"},
                    new String[]{"EXEC"},
                    new String[]{"AUTH", "s3cret"},
                    new String[]{"PING"},
                    new String[]{"AUTH", "wrong"},
                    new String[]{"PING"},
                    new String[]{"SET", "k", "v"},
                    new String[]{"RESET"},
                    new String[]{"GET", "k"},
                    new String[]{"AUTH", "default", "s3cret"},
                    new String[]{"GET", "k"},
                    new String[]{"RESET"});
            checkHello(d, "HELLO", "2", "AUTH", "default", "s3cret");
            d.check("GET", "k");
            d.check("QUIT");
        }
    }

    @Test
    void unauthenticatedProtocolLimits() {
        try (Differential d = new Differential("--requirepass", "pw")) {
            // more than 10 arguments before AUTH is a protocol error
            for (RespClient c : List.of(d.meridianClient(), d.redisClient())) c.send("a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k");
            assertEquals(d.redisClient().read(), d.meridianClient().read());
            assertTrue(d.meridianClient().isClosedByServer(5000));
        }
        try (Differential d = new Differential("--requirepass", "pw")) {
            byte[] big = new byte[16385];
            for (RespClient c : List.of(d.meridianClient(), d.redisClient())) c.sendBytes("AUTH".getBytes(), big);
            assertEquals(d.redisClient().read(), d.meridianClient().read());
            assertTrue(d.meridianClient().isClosedByServer(5000));
        }
    }

    @Test
    void clientSubcommandErrors() {
        try (Differential d = new Differential()) {
            d.script(
                    new String[]{"CLIENT"},
                    new String[]{"CLIENT", "FOO"},
                    new String[]{"CLIENT", "HELP"},
                    new String[]{"client", "help"},
                    new String[]{"CLIENT", "HELP", "x"},
                    new String[]{"CLIENT", "ID", "x"},
                    new String[]{"CLIENT", "GETNAME"},
                    new String[]{"CLIENT", "SETNAME", "my-name"},
                    new String[]{"CLIENT", "GETNAME"},
                    new String[]{"CLIENT", "SETNAME", "bad name"},
                    new String[]{"CLIENT", "SETNAME", "bad\nname"},
                    new String[]{"CLIENT", "GETNAME"},
                    new String[]{"CLIENT", "SETNAME", ""},
                    new String[]{"CLIENT", "GETNAME"},
                    new String[]{"CLIENT", "SETNAME"},
                    new String[]{"CLIENT", "GETREDIR"},
                    new String[]{"CLIENT", "TRACKINGINFO"},
                    new String[]{"CLIENT", "LIST", "TYPE"},
                    new String[]{"CLIENT", "LIST", "TYPE", "bogus"},
                    new String[]{"CLIENT", "LIST", "ID", "abc"},
                    new String[]{"CLIENT", "LIST", "ID", "999999"},
                    new String[]{"CLIENT", "LIST", "FOO", "bar"},
                    new String[]{"CLIENT", "LIST", "TYPE", "pubsub"},
                    new String[]{"CLIENT", "LIST", "TYPE", "master"},
                    new String[]{"CLIENT", "LIST", "TYPE", "replica"},
                    new String[]{"CLIENT", "LIST", "TYPE", "slave"},
                    new String[]{"CLIENT", "KILL"},
                    new String[]{"CLIENT", "KILL", "1.2.3.4:5"},
                    new String[]{"CLIENT", "KILL", "ID", "0"},
                    new String[]{"CLIENT", "KILL", "ID", "abc"},
                    new String[]{"CLIENT", "KILL", "ID", "999999"},
                    new String[]{"CLIENT", "KILL", "TYPE", "foo"},
                    new String[]{"CLIENT", "KILL", "TYPE", "master"},
                    new String[]{"CLIENT", "KILL", "USER", "nobody"},
                    new String[]{"CLIENT", "KILL", "SKIPME", "maybe"},
                    new String[]{"CLIENT", "KILL", "ID", "5", "SKIPME"},
                    new String[]{"CLIENT", "KILL", "FOO", "bar"},
                    new String[]{"CLIENT", "KILL", "ADDR", "1.2.3.4:5", "LADDR", "1.2.3.4:6"},
                    new String[]{"CLIENT", "PAUSE"},
                    new String[]{"CLIENT", "PAUSE", "abc"},
                    new String[]{"CLIENT", "PAUSE", "-1"},
                    new String[]{"CLIENT", "PAUSE", "10", "FOO"},
                    new String[]{"CLIENT", "PAUSE", "abc", "FOO"},
                    new String[]{"CLIENT", "PAUSE", "1", "2", "3"},
                    new String[]{"CLIENT", "UNPAUSE"},
                    new String[]{"CLIENT", "UNPAUSE", "x"},
                    new String[]{"CLIENT", "REPLY"},
                    new String[]{"CLIENT", "REPLY", "maybe"},
                    new String[]{"CLIENT", "REPLY", "ON"},
                    new String[]{"CLIENT", "NO-EVICT", "maybe"},
                    new String[]{"CLIENT", "NO-EVICT", "on"},
                    new String[]{"CLIENT", "NO-EVICT", "OFF"},
                    new String[]{"CLIENT", "UNBLOCK"},
                    new String[]{"CLIENT", "UNBLOCK", "abc"},
                    new String[]{"CLIENT", "UNBLOCK", "1", "FOO"},
                    new String[]{"CLIENT", "UNBLOCK", "abc", "TIMEOUT"},
                    new String[]{"CLIENT", "UNBLOCK", "999999"},
                    new String[]{"CLIENT", "UNBLOCK", "999999", "error"},
                    new String[]{"CLIENT", "UNBLOCK", "1", "2", "3"});
            d.resp3();
            d.script(new String[]{"CLIENT", "TRACKINGINFO"}, new String[]{"CLIENT", "GETNAME"});
        }
    }

    @Test
    void clientListAndInfoHaveRedisFieldsInOrder() {
        try (Differential d = new Differential()) {
            for (String[] cmd : List.of(new String[]{"CLIENT", "INFO"}, new String[]{"CLIENT", "LIST"})) {
                String expected = (String) d.redisClient().call(cmd);
                String actual = (String) d.meridianClient().call(cmd);
                assertEquals(fieldNames(expected), fieldNames(actual));
                assertTrue(actual.endsWith("\n"));
            }
            d.both("CLIENT", "SETNAME", "nm");
            d.both("SELECT", "3");
            d.both("MULTI");
            d.both("PING");
            d.both("CLIENT", "LIST");
            String expected = (String) ((List<?>) d.redisClient().call("EXEC")).get(1);
            String actual = (String) ((List<?>) d.meridianClient().call("EXEC")).get(1);
            for (String f : List.of("name", "flags", "db", "sub", "psub", "ssub", "multi", "obl", "oll", "cmd", "user", "redir", "resp")) {
                assertEquals(field(expected, f), field(actual, f), f);
            }
            d.resp3();
            Object r3 = d.meridianClient().call("CLIENT", "INFO");
            assertInstanceOf(RespClient.Verbatim.class, r3);
            assertEquals("3", field(((RespClient.Verbatim) r3).text(), "resp"));
        }
    }

    private static List<String> fieldNames(String line) {
        List<String> names = new ArrayList<>();
        for (String kv : line.trim().split(" ")) names.add(kv.substring(0, kv.indexOf('=')));
        return names;
    }

    static String field(String line, String name) {
        for (String kv : line.trim().split(" ")) {
            if (kv.startsWith(name + "=")) return kv.substring(name.length() + 1);
        }
        return null;
    }

    @Test
    void clientReplyOffSkipOn() {
        try (Differential d = new Differential()) {
            for (RespClient c : List.of(d.meridianClient(), d.redisClient())) {
                c.send("CLIENT", "REPLY", "SKIP");
                c.send("PING", "skipped");
                c.send("PING", "seen");
                c.send("CLIENT", "REPLY", "OFF");
                c.send("PING", "off1");
                c.send("CLIENT", "REPLY", "SKIP");
                c.send("SET", "k", "v");
                c.send("CLIENT", "REPLY", "ON");
                c.send("GET", "k");
            }
            assertEquals(d.redisClient().read(), d.meridianClient().read());
            assertEquals(d.redisClient().read(), d.meridianClient().read());
            assertEquals(d.redisClient().read(), d.meridianClient().read());
            d.check("PING", "after");
        }
    }

    @Test
    void resetClearsConnectionState() {
        try (Differential d = new Differential()) {
            d.script(
                    new String[]{"SELECT", "2"},
                    new String[]{"SET", "k", "in-db2"},
                    new String[]{"CLIENT", "SETNAME", "before"},
                    new String[]{"WATCH", "k"},
                    new String[]{"MULTI"},
                    new String[]{"SET", "k", "queued"},
                    new String[]{"RESET"},
                    new String[]{"GET", "k"},
                    new String[]{"CLIENT", "GETNAME"},
                    new String[]{"EXEC"},
                    new String[]{"SELECT", "2"},
                    new String[]{"GET", "k"},
                    new String[]{"SUBSCRIBE", "ch"},
                    new String[]{"RESET"},
                    new String[]{"PING"},
                    new String[]{"RESET", "x"});
            d.resp3();
            d.check("RESET");
            d.check("PING"); // back in RESP2
            d.meridianClient().send("CLIENT", "REPLY", "OFF");
            d.redisClient().send("CLIENT", "REPLY", "OFF");
            d.check("RESET"); // replies again
            d.assertSameDigest();
        }
    }

    @Test
    void quitClosesAfterReply() {
        try (Differential d = new Differential()) {
            for (RespClient c : List.of(d.meridianClient(), d.redisClient())) {
                c.send("PING");
                c.send("QUIT", "extra", "args");
                c.send("PING");
            }
            assertEquals(d.redisClient().read(), d.meridianClient().read());
            assertEquals(d.redisClient().read(), d.meridianClient().read());
            assertTrue(d.meridianClient().isClosedByServer(5000));
            assertTrue(d.redisClient().isClosedByServer(5000));
        }
    }
}
