package io.meridian.node;

import io.meridian.node.testing.Differential;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * BZPOPMIN, BZPOPMAX and BZMPOP with several clients, the same scenario run against real
 * Redis and Meridian and the transcripts compared byte for byte: served by another client's
 * write, first-come first-served, a key of another type, MULTI, RESP3, timeouts.
 */
class SortedSetBlockingTest {
    private Differential d;

    @BeforeEach
    void start() {
        d = new Differential();
    }

    @AfterEach
    void stop() {
        d.close();
    }

    /** The connections of one server in a scenario. */
    private static final class Side implements AutoCloseable {
        final String host;
        final int port;
        final List<ExactReplies.Raw> open = new ArrayList<>();
        final List<String> transcript = new ArrayList<>();

        Side(String host, int port) {
            this.host = host;
            this.port = port;
        }

        ExactReplies.Raw connect() {
            ExactReplies.Raw r = new ExactReplies.Raw(host, port);
            open.add(r);
            return r;
        }

        /** Sends and records the reply. */
        void call(ExactReplies.Raw r, String... cmd) {
            transcript.add(String.join(" ", cmd) + " -> " + text(r.call(ExactReplies.bytes(cmd))));
        }

        /** Sends without reading (a command that blocks). */
        void send(ExactReplies.Raw r, String... cmd) {
            r.send(ExactReplies.bytes(cmd));
        }

        /** Reads and records the pending reply of a blocked command. */
        void reply(ExactReplies.Raw r, String label) {
            transcript.add(label + " <- " + text(r.read()));
        }

        /** Waits until the server counts n blocked clients (INFO clients), generously. */
        void awaitBlocked(int n) {
            ExactReplies.Raw probe = open.get(0);
            long deadline = System.currentTimeMillis() + 20_000;
            while (System.currentTimeMillis() < deadline) {
                String info = text(probe.call(ExactReplies.bytes("INFO", "clients")));
                if (info.contains("blocked_clients:" + n + " ")) return;
                try {
                    Thread.sleep(5);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            throw new AssertionError("never saw " + n + " blocked clients");
        }

        private static String text(byte[] b) {
            return new String(b, StandardCharsets.ISO_8859_1).replace("\r\n", " ");
        }

        @Override
        public void close() {
            for (ExactReplies.Raw r : open) r.close();
        }
    }

    private interface Scenario {
        void run(Side s);
    }

    /** Runs a scenario on both servers and compares the transcripts. */
    private void compare(Scenario scenario) {
        List<String> redis, meridian;
        try (Side s = new Side(d.redis().host(), d.redis().port())) {
            s.connect();
            scenario.run(s);
            redis = s.transcript;
        }
        try (Side s = new Side(d.meridian().host(), d.meridian().port())) {
            s.connect();
            scenario.run(s);
            meridian = s.transcript;
        }
        assertEquals(String.join("\n", redis), String.join("\n", meridian));
        d.assertSameDigest();
    }

    @Test
    void servedByAnotherClientsWrite() {
        compare(s -> {
            ExactReplies.Raw ctl = s.open.get(0), a = s.connect();
            s.call(ctl, "FLUSHALL");
            s.send(a, "BZPOPMIN", "k1", "k2", "0");
            s.awaitBlocked(1);
            s.call(ctl, "ZADD", "k2", "1", "a", "2", "b");
            s.reply(a, "BZPOPMIN k1 k2 0");
            s.call(ctl, "ZRANGE", "k2", "0", "-1", "WITHSCORES");
            s.send(a, "BZPOPMAX", "k1", "0");
            s.awaitBlocked(1);
            s.call(ctl, "ZADD", "k1", "1", "x", "7", "y");
            s.reply(a, "BZPOPMAX k1 0");
            s.send(a, "BZMPOP", "0", "2", "k3", "k4", "MAX", "COUNT", "2");
            s.awaitBlocked(1);
            s.call(ctl, "ZADD", "k4", "1", "p", "2", "q", "3", "r");
            s.reply(a, "BZMPOP MAX COUNT 2");
            s.send(a, "BZMPOP", "0", "1", "k5", "MIN", "COUNT", "10");
            s.awaitBlocked(1);
            s.call(ctl, "ZADD", "k5", "1", "only");
            s.reply(a, "BZMPOP MIN COUNT 10");
            s.call(ctl, "EXISTS", "k5");
            s.call(a, "PING");
        });
    }

    @Test
    void firstComeFirstServedAndOtherTypes() {
        compare(s -> {
            ExactReplies.Raw ctl = s.open.get(0), a = s.connect(), b = s.connect(), c = s.connect();
            s.call(ctl, "FLUSHALL");
            s.send(a, "BZPOPMIN", "k", "0");
            s.awaitBlocked(1);
            s.send(b, "BZPOPMAX", "k", "0");
            s.awaitBlocked(2);
            s.send(c, "BZPOPMIN", "k", "0");
            s.awaitBlocked(3);
            s.call(ctl, "ZADD", "k", "1", "a", "2", "b");
            s.reply(a, "a");
            s.reply(b, "b");
            s.awaitBlocked(1);
            // a list under the key does not serve a sorted-set pop
            s.call(ctl, "RPUSH", "k", "v");
            s.call(ctl, "DEL", "k");
            // emptied within one transaction: nothing to serve when it is over
            s.call(ctl, "MULTI");
            s.call(ctl, "ZADD", "k", "1", "gone");
            s.call(ctl, "ZREM", "k", "gone");
            s.call(ctl, "EXEC");
            s.call(ctl, "ZADD", "k", "3", "c");
            s.reply(c, "c");
            s.call(ctl, "EXISTS", "k");
        });
    }

    @Test
    void resp3TimeoutsAndTransactions() {
        compare(s -> {
            ExactReplies.Raw ctl = s.open.get(0), a = s.connect();
            s.call(ctl, "FLUSHALL");
            a.call(ExactReplies.bytes("HELLO", "3"));
            s.send(a, "BZPOPMIN", "k", "0");
            s.awaitBlocked(1);
            s.call(ctl, "ZADD", "k", "1.5", "a");
            s.reply(a, "resp3 BZPOPMIN");
            s.send(a, "BZMPOP", "0", "1", "k", "MIN");
            s.awaitBlocked(1);
            s.call(ctl, "ZADD", "k", "2.5", "b");
            s.reply(a, "resp3 BZMPOP");
            s.call(a, "BZPOPMAX", "k", "0.05");
            s.call(a, "BZMPOP", "0.05", "1", "k", "MAX");
            s.call(ctl, "BZPOPMIN", "nokey", "0.05");
            s.call(ctl, "MULTI");
            s.call(ctl, "BZPOPMIN", "k", "0");
            s.call(ctl, "BZMPOP", "0", "1", "k", "MIN");
            s.call(ctl, "ZADD", "k", "1", "z");
            s.call(ctl, "BZPOPMAX", "k", "0");
            s.call(ctl, "EXEC");
        });
    }

    @Test
    void servedPopsPropagateAsZpop() throws Exception {
        try (ManualClockNode n = new ManualClockNode(1_893_456_000_000L);
             io.meridian.node.testing.RespClient other = new io.meridian.node.testing.RespClient("127.0.0.1", n.node.server().port())) {
            n.call("ZADD", "k", "1", "a", "2", "b", "3", "c");
            n.propagated();
            n.call("BZPOPMIN", "k", "0");
            n.call("BZMPOP", "0", "1", "k", "MAX", "COUNT", "5");
            n.call("ZADD", "k", "1", "a");
            n.call("ZMPOP", "2", "nokey", "k", "MIN", "COUNT", "3");
            n.call("ZMPOP", "1", "nokey", "MIN");
            assertEquals(List.of(List.of("ZPOPMIN", "k"), List.of("ZPOPMAX", "k", "2"), List.of("ZADD", "k", "1", "a"),
                    List.of("ZPOPMIN", "k", "1")), withoutSelect(n.propagated()));

            other.send("BZPOPMAX", "k", "k2", "0");
            long deadline = System.currentTimeMillis() + 20_000;
            while (n.node.blocking().blockedClients() == 0 && System.currentTimeMillis() < deadline) Thread.sleep(5);
            n.call("ZADD", "k2", "5", "x", "6", "y");
            assertEquals(List.of("k2", "y", "6"), other.read());
            other.send("BZMPOP", "0", "1", "k3", "MIN", "COUNT", "9");
            while (n.node.blocking().blockedClients() == 0 && System.currentTimeMillis() < deadline) Thread.sleep(5);
            n.call("ZADD", "k3", "1", "p", "2", "q");
            Object served = other.read();
            assertTrue(served.toString().contains("p"), served.toString());
            assertEquals(List.of(List.of("ZADD", "k2", "5", "x", "6", "y"), List.of("ZPOPMAX", "k2"),
                    List.of("ZADD", "k3", "1", "p", "2", "q"), List.of("ZPOPMIN", "k3", "2")), withoutSelect(n.propagated()));
        }
    }

    @Test
    void writesPropagateTheirEffectOnly() throws Exception {
        try (ManualClockNode n = new ManualClockNode(1_893_456_000_000L)) {
            String[][] quiet = {
                    {"ZADD", "k", "NX", "1", "a"}, {"ZADD", "k", "XX", "5", "nope"}, {"ZADD", "k", "GT", "0", "a"},
                    {"ZADD", "k", "1", "a"}, {"ZREM", "k", "nope"}, {"ZRANDMEMBER", "k", "-5"}, {"ZRANDMEMBER", "k"},
                    {"ZREMRANGEBYSCORE", "k", "10", "20"}, {"ZREMRANGEBYLEX", "k", "[x", "+"}, {"ZREMRANGEBYRANK", "k", "5", "9"},
                    {"ZPOPMIN", "nokey"}, {"ZRANGESTORE", "nodst", "nokey", "0", "-1"}, {"ZUNIONSTORE", "nodst", "1", "nokey"},
                    {"ZINCRBY", "str", "1", "a"}, {"ZSCAN", "k", "0"}, {"ZINTERCARD", "1", "k"},
            };
            n.call("SET", "str", "v");
            n.call("ZADD", "k", "1", "a", "2", "b");
            n.propagated();
            for (String[] q : quiet) {
                n.call(q);
                assertEquals(List.of(), withoutSelect(n.propagated()), () -> String.join(" ", q));
            }
            String[][] verbatim = {
                    {"ZADD", "k", "CH", "3", "a", "4", "c"}, {"ZINCRBY", "k", "0.5", "a"}, {"ZADD", "k", "INCR", "1", "b"},
                    {"ZREM", "k", "c", "nope"}, {"ZPOPMAX", "k"}, {"ZRANGESTORE", "d", "k", "0", "-1"},
                    {"ZUNIONSTORE", "u", "2", "k", "d", "WEIGHTS", "1", "2"}, {"ZREMRANGEBYRANK", "u", "0", "0"},
                    {"ZDIFFSTORE", "d", "1", "nokey"},
            };
            for (String[] v : verbatim) {
                n.call(v);
                assertEquals(List.of(List.of(v)), withoutSelect(n.propagated()), () -> String.join(" ", v));
            }
        }
    }

    private static List<List<String>> withoutSelect(List<List<String>> got) {
        List<List<String>> out = new ArrayList<>();
        for (List<String> c : got) if (!c.get(0).equals("SELECT")) out.add(c);
        return out;
    }
}
