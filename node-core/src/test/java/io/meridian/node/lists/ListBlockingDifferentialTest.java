package io.meridian.node.lists;

import io.meridian.node.Node;
import io.meridian.node.testing.RealRedis;
import io.meridian.node.testing.TestNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Blocking list commands, scenario by scenario, on Meridian and on the real redis-server:
 * the replies every client gets (byte for byte), in order, and what each server propagates
 * to its replicas must be the same. Clients are raw connections; the scenario waits until
 * the server reports the expected number of blocked clients before the next step, so the
 * order of blocking is fixed without sleeping.
 */
class ListBlockingDifferentialTest {
    static RealRedis redis;
    static TestNode meridian;

    @BeforeAll
    static void start() {
        redis = RealRedis.start();
        meridian = TestNode.start();
    }

    @AfterAll
    static void stop() {
        meridian.close();
        redis.close();
    }

    @BeforeEach
    void flush() {
        try (RawReplies c = new RedisTarget().connect()) {
            c.call("FLUSHALL");
        }
        Node node = meridian.node();
        ExactDiff.onLoop(node, () -> {
            for (int i = 0; i < node.keyspace().size(); i++) node.keyspace().db(i).clear();
        });
    }

    /** One server under test. */
    interface Target {
        RawReplies connect();

        /** Waits until exactly n clients are blocked. */
        void awaitBlocked(int n);

        StreamTap tap();
    }

    static List<Target> targets() {
        return List.of(new RedisTarget(), new MeridianTarget());
    }

    /** A scenario: drives the target, returns every reply it saw, in order. */
    interface Scenario {
        void run(Target t, List<String> replies);
    }

    /** Runs the scenario on both servers; replies and propagated commands must match. */
    private static void same(int propagated, Scenario s) {
        List<List<String>> replies = new ArrayList<>();
        List<List<String>> streams = new ArrayList<>();
        for (Target t : targets()) {
            try (StreamTap tap = t.tap()) {
                List<String> r = new ArrayList<>();
                s.run(t, r);
                t.awaitBlocked(0);
                replies.add(r);
                streams.add(tap.commands(propagated, 5_000));
            }
        }
        assertEquals(render(replies.get(0)), render(replies.get(1)), "replies (redis vs meridian)");
        assertEquals(streams.get(0), streams.get(1), "propagated commands (redis vs meridian)");
        assertEquals(propagated, streams.get(0).size(), () -> "propagated by redis: " + streams.get(0));
    }

    private static List<String> render(List<String> replies) {
        List<String> r = new ArrayList<>();
        for (String s : replies) r.add(ExactDiff.show(s));
        return r;
    }

    @Test
    void blockedClientIsServedByAnotherClientsPush() {
        same(2, (t, out) -> {
            try (RawReplies a = t.connect(); RawReplies b = t.connect()) {
                a.send("BLPOP", "k", "0");
                t.awaitBlocked(1);
                out.add(b.call("RPUSH", "k", "v"));
                out.add(a.read());
                out.add(b.call("LLEN", "k"));
                out.add(b.call("EXISTS", "k"));
            }
        });
    }

    @Test
    void clientsAreServedFirstComeFirstServed() {
        same(5, (t, out) -> {
            try (RawReplies a = t.connect(); RawReplies b = t.connect(); RawReplies c = t.connect();
                 RawReplies d = t.connect()) {
                a.send("BLPOP", "k", "0");
                t.awaitBlocked(1);
                b.send("BRPOP", "other", "k", "0");
                t.awaitBlocked(2);
                c.send("BLPOP", "k", "0");
                t.awaitBlocked(3);
                out.add(d.call("RPUSH", "k", "1", "2"));
                out.add(a.read());
                out.add(b.read());
                t.awaitBlocked(1);
                out.add(d.call("LPUSH", "k", "3", "4"));
                out.add(c.read());
                out.add(d.call("LRANGE", "k", "0", "-1"));
            }
        });
    }

    @Test
    void servedFromTheKeyThatReceivedData() {
        same(2, (t, out) -> {
            try (RawReplies a = t.connect(); RawReplies b = t.connect()) {
                a.send("BRPOP", "a", "b", "c", "0");
                t.awaitBlocked(1);
                out.add(b.call("RPUSH", "c", "x", "y"));
                out.add(a.read());
                out.add(b.call("LRANGE", "c", "0", "-1"));
            }
        });
    }

    @Test
    void blmoveIntoAKeyServesTheNextWaiterInTheSamePass() {
        same(3, (t, out) -> {
            try (RawReplies a = t.connect(); RawReplies b = t.connect(); RawReplies c = t.connect()) {
                a.send("BLMOVE", "a", "b", "RIGHT", "LEFT", "0");
                t.awaitBlocked(1);
                b.send("BRPOP", "b", "0");
                t.awaitBlocked(2);
                out.add(c.call("RPUSH", "a", "x", "y"));
                out.add(a.read());
                out.add(b.read());
                out.add(c.call("LRANGE", "a", "0", "-1"));
                out.add(c.call("EXISTS", "b"));
            }
        });
    }

    @Test
    void lmoveIntoAWaitedKeyServesIt() {
        same(3, (t, out) -> {
            try (RawReplies a = t.connect(); RawReplies c = t.connect()) {
                a.send("BRPOPLPUSH", "dst", "final", "0");
                t.awaitBlocked(1);
                out.add(c.call("RPUSH", "src", "1", "2"));
                out.add(c.call("LMOVE", "src", "dst", "LEFT", "RIGHT"));
                out.add(a.read());
                out.add(c.call("LRANGE", "final", "0", "-1"));
                out.add(c.call("LRANGE", "src", "0", "-1"));
            }
        });
    }

    @Test
    void blmpopIsServedWithItsCount() {
        same(3, (t, out) -> {
            try (RawReplies a = t.connect(); RawReplies b = t.connect(); RawReplies c = t.connect()) {
                a.send("BLMPOP", "0", "2", "a", "b", "RIGHT", "COUNT", "3");
                t.awaitBlocked(1);
                b.send("BLMPOP", "0", "1", "b", "LEFT", "COUNT", "10");
                t.awaitBlocked(2);
                out.add(c.call("RPUSH", "b", "1", "2", "3", "4", "5"));
                out.add(a.read());
                out.add(b.read());
                out.add(c.call("EXISTS", "b"));
            }
        });
    }

    @Test
    void blmoveToAWrongTypeDestinationAnswersWrongtypeAndMovesNothing() {
        same(2, (t, out) -> {
            try (RawReplies a = t.connect(); RawReplies b = t.connect()) {
                a.send("BLMOVE", "src", "dst", "LEFT", "RIGHT", "0");
                t.awaitBlocked(1);
                out.add(b.call("SET", "dst", "string"));
                out.add(b.call("RPUSH", "src", "v"));
                out.add(a.read());
                out.add(b.call("LRANGE", "src", "0", "-1"));
                out.add(a.call("PING"));
            }
        });
    }

    @Test
    void timeoutsAnswerNullAndPropagateNothing() {
        same(0, (t, out) -> {
            try (RawReplies a = t.connect()) {
                long start = System.nanoTime();
                out.add(a.call("BLPOP", "k", "0.2"));
                out.add(a.call("BLMOVE", "k", "d", "LEFT", "LEFT", "0.05"));
                out.add(a.call("BRPOPLPUSH", "k", "d", "0.05"));
                out.add(a.call("BLMPOP", "0.05", "1", "k", "LEFT"));
                long ms = (System.nanoTime() - start) / 1_000_000;
                assertTrue(ms >= 300 && ms < 10_000, "timed out after " + ms + " ms");
            }
        });
    }

    @Test
    void pipelinedCommandsWaitForTheBlockedOne() {
        same(4, (t, out) -> {
            try (RawReplies a = t.connect(); RawReplies b = t.connect()) {
                a.sendRaw(concat(RawReplies.encode(RawReplies.args("BLPOP", "k", "0")),
                        RawReplies.encode(RawReplies.args("PING")),
                        RawReplies.encode(RawReplies.args("LLEN", "k")),
                        RawReplies.encode(RawReplies.args("RPUSH", "k", "after")),
                        RawReplies.encode(RawReplies.args("BLPOP", "k", "0"))));
                t.awaitBlocked(1);
                out.add(b.call("RPUSH", "k", "first"));
                for (int i = 0; i < 5; i++) out.add(a.read());
                out.add(b.call("EXISTS", "k"));
            }
        });
    }

    @Test
    void aDisconnectedBlockedClientIsForgotten() {
        same(1, (t, out) -> {
            try (RawReplies b = t.connect()) {
                RawReplies a = t.connect();
                a.send("BLPOP", "k", "0");
                t.awaitBlocked(1);
                a.close();
                t.awaitBlocked(0);
                out.add(b.call("RPUSH", "k", "v"));
                out.add(b.call("LRANGE", "k", "0", "-1"));
            }
        });
    }

    @Test
    void onlyAPushInTheBlockedClientsDatabaseServesIt() {
        same(3, (t, out) -> {
            try (RawReplies a = t.connect(); RawReplies b = t.connect()) {
                out.add(a.call("SELECT", "1"));
                a.send("BLPOP", "k", "0");
                t.awaitBlocked(1);
                out.add(b.call("RPUSH", "k", "db0"));
                out.add(b.call("SELECT", "1"));
                out.add(b.call("RPUSH", "k", "db1"));
                out.add(a.read());
                out.add(b.call("LLEN", "k"));
                out.add(b.call("SELECT", "0"));
                out.add(b.call("LLEN", "k"));
            }
        });
    }

    @Test
    void onePushServesAsManyClientsAsItHasElements() {
        same(3, (t, out) -> {
            try (RawReplies a = t.connect(); RawReplies b = t.connect(); RawReplies c = t.connect()) {
                a.send("BLPOP", "k", "0");
                t.awaitBlocked(1);
                b.send("BLPOP", "k", "0");
                t.awaitBlocked(2);
                out.add(c.call("RPUSH", "k", "1", "2", "3"));
                out.add(a.read());
                out.add(b.read());
                out.add(c.call("LRANGE", "k", "0", "-1"));
            }
        });
    }

    @Test
    void aKeyRecreatedWithAnotherTypeLeavesListWaitersBlocked() {
        same(4, (t, out) -> {
            try (RawReplies a = t.connect(); RawReplies b = t.connect()) {
                a.send("BLPOP", "k", "0");
                t.awaitBlocked(1);
                out.add(b.call("SADD", "k", "member"));
                t.awaitBlocked(1);
                out.add(b.call("DEL", "k"));
                out.add(b.call("RPUSH", "k", "v"));
                out.add(a.read());
            }
        });
    }

    @Test
    void aTransactionThatPushesServesTheWaiterAfterExec() {
        same(6, (t, out) -> {
            try (RawReplies a = t.connect(); RawReplies b = t.connect()) {
                a.send("BLPOP", "k", "0");
                t.awaitBlocked(1);
                out.add(b.call("MULTI"));
                out.add(b.call("RPUSH", "k", "first"));
                out.add(b.call("LPOP", "k"));
                out.add(b.call("RPUSH", "k", "second", "third"));
                out.add(b.call("EXEC"));
                out.add(a.read());
                out.add(b.call("LRANGE", "k", "0", "-1"));
            }
        });
    }

    @Test
    void aKeyPushedAndEmptiedInOneTransactionServesNobody() {
        same(6, (t, out) -> {
            try (RawReplies a = t.connect(); RawReplies b = t.connect()) {
                a.send("BRPOP", "k", "0");
                t.awaitBlocked(1);
                out.add(b.call("MULTI"));
                out.add(b.call("RPUSH", "k", "x"));
                out.add(b.call("DEL", "k"));
                out.add(b.call("EXEC"));
                t.awaitBlocked(1);
                out.add(b.call("RPUSH", "k", "y"));
                out.add(a.read());
            }
        });
    }

    @Test
    void insideMultiBlockingCommandsDoNotBlock() {
        same(5, (t, out) -> {
            try (RawReplies a = t.connect()) {
                out.add(a.call("RPUSH", "full", "1", "2"));
                out.add(a.call("MULTI"));
                for (String[] cmd : new String[][]{{"BLPOP", "empty", "0"}, {"BRPOP", "empty", "full", "0"},
                        {"BLMOVE", "empty", "dst", "LEFT", "RIGHT", "0"}, {"BRPOPLPUSH", "empty", "dst", "0"},
                        {"BLMPOP", "0", "1", "empty", "LEFT"}, {"BLMOVE", "full", "dst", "left", "RIGHT", "0"}}) {
                    out.add(a.call(cmd));
                }
                out.add(a.call("EXEC"));
                out.add(a.call("HELLO", "3").startsWith("%") ? "hello" : "no hello");
                out.add(a.call("MULTI"));
                out.add(a.call("BLPOP", "empty", "0"));
                out.add(a.call("BLMOVE", "empty", "dst", "LEFT", "RIGHT", "0"));
                out.add(a.call("BLMPOP", "0", "1", "empty", "LEFT"));
                out.add(a.call("EXEC"));
            }
        });
    }

    @Test
    void resp3RepliesOfServedAndTimedOutClients() {
        same(3, (t, out) -> {
            try (RawReplies a = t.connect(); RawReplies b = t.connect()) {
                out.add(a.call("HELLO", "3").startsWith("%") ? "hello" : "no hello");
                out.add(a.call("BLPOP", "k", "0.05"));
                out.add(a.call("BLMOVE", "k", "d", "LEFT", "LEFT", "0.05"));
                out.add(a.call("BLMPOP", "0.05", "1", "k", "LEFT"));
                a.send("BLMPOP", "0", "1", "k", "LEFT", "COUNT", "2");
                t.awaitBlocked(1);
                out.add(b.call("RPUSH", "k", "1", "2", "3"));
                out.add(a.read());
                a.send("BRPOP", "k", "0");
                t.awaitBlocked(0);
                out.add(a.read());
            }
        });
    }

    @Test
    void clientUnblockAnswersTheTimeoutReplyOrAnError() {
        same(0, (t, out) -> {
            try (RawReplies a = t.connect(); RawReplies b = t.connect()) {
                String id = a.call("CLIENT", "ID").replaceAll("[^0-9]", "");
                a.send("BLPOP", "k", "0");
                t.awaitBlocked(1);
                out.add(b.call("CLIENT", "UNBLOCK", id));
                out.add(a.read());
                a.send("BLMOVE", "k", "d", "LEFT", "LEFT", "0");
                t.awaitBlocked(1);
                out.add(b.call("CLIENT", "UNBLOCK", id, "TIMEOUT"));
                out.add(a.read());
                a.send("BLMPOP", "0", "1", "k", "LEFT");
                t.awaitBlocked(1);
                out.add(b.call("CLIENT", "UNBLOCK", id, "ERROR"));
                out.add(a.read());
                out.add(b.call("CLIENT", "UNBLOCK", id));
                out.add(a.call("PING"));
            }
        });
    }

    @Test
    void clientUnblockedInsideExecRunsItsWaitingCommandsAfterIt() {
        same(3, (t, out) -> {
            try (RawReplies a = t.connect(); RawReplies b = t.connect()) {
                String id = a.call("CLIENT", "ID").replaceAll("[^0-9]", "");
                a.sendRaw(concat(RawReplies.encode(RawReplies.args("BLPOP", "k", "0")),
                        RawReplies.encode(RawReplies.args("RPUSH", "k", "z")),
                        RawReplies.encode(RawReplies.args("BLPOP", "k", "0"))));
                t.awaitBlocked(1);
                out.add(b.call("MULTI"));
                out.add(b.call("CLIENT", "UNBLOCK", id));
                out.add(b.call("RPUSH", "k", "x"));
                out.add(b.call("EXEC"));
                for (int i = 0; i < 3; i++) out.add(a.read());
                out.add(b.call("LRANGE", "k", "0", "-1"));
            }
        });
    }

    @Test
    void keysThatAppearThroughRenameMoveCopyOrSwapdbServeTheirWaiters() {
        same(10, (t, out) -> {
            try (RawReplies a = t.connect(); RawReplies b = t.connect()) {
                a.send("BLPOP", "renamed", "0");
                t.awaitBlocked(1);
                out.add(b.call("RPUSH", "src", "1", "2"));
                out.add(b.call("RENAME", "src", "renamed"));
                out.add(a.read());
                a.send("BRPOP", "copied", "0");
                t.awaitBlocked(1);
                out.add(b.call("COPY", "renamed", "copied"));
                out.add(a.read());
                out.add(a.call("SELECT", "1"));
                a.send("BLPOP", "renamed", "0");
                t.awaitBlocked(1);
                out.add(b.call("MOVE", "renamed", "1"));
                out.add(a.read());
                a.send("BLMPOP", "0", "1", "swapped", "LEFT", "COUNT", "5");
                t.awaitBlocked(1);
                out.add(b.call("RPUSH", "swapped", "s1", "s2"));
                out.add(b.call("SWAPDB", "0", "1"));
                out.add(a.read());
            }
        });
    }

    @Test
    void aBlockedClientKilledJustBeforeAPushLeavesTheDataAlone() {
        same(1, (t, out) -> {
            try (RawReplies b = t.connect()) {
                RawReplies a = t.connect();
                String id = a.call("CLIENT", "ID").replaceAll("[^0-9]", "");
                a.send("BLPOP", "k", "0");
                t.awaitBlocked(1);
                b.sendRaw(concat(RawReplies.encode(RawReplies.args("CLIENT", "KILL", "ID", id)),
                        RawReplies.encode(RawReplies.args("RPUSH", "k", "v")),
                        RawReplies.encode(RawReplies.args("LRANGE", "k", "0", "-1"))));
                for (int i = 0; i < 3; i++) out.add(b.read());
                a.close();
            }
        });
    }

    private static byte[] concat(byte[]... parts) {
        java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
        for (byte[] p : parts) b.writeBytes(p);
        return b.toByteArray();
    }

    static void await(String what, Callable<Boolean> condition) {
        long deadline = System.currentTimeMillis() + 10_000;
        try {
            while (!condition.call()) {
                if (System.currentTimeMillis() > deadline) throw new AssertionError("timed out waiting for " + what);
                Thread.sleep(5);
            }
        } catch (Exception e) {
            if (e instanceof RuntimeException re) throw re;
            throw new IllegalStateException(e);
        }
    }

    static final class RedisTarget implements Target {
        private static final Pattern BLOCKED = Pattern.compile("blocked_clients:(\\d+)");

        @Override
        public RawReplies connect() {
            return new RawReplies(redis.host(), redis.port());
        }

        @Override
        public void awaitBlocked(int n) {
            try (RawReplies c = connect()) {
                await(n + " blocked clients on redis", () -> {
                    Matcher m = BLOCKED.matcher(c.call("INFO", "clients"));
                    return m.find() && Integer.parseInt(m.group(1)) == n;
                });
            }
        }

        @Override
        public StreamTap tap() {
            return StreamTap.sync(redis.host(), redis.port());
        }
    }

    static final class MeridianTarget implements Target {
        @Override
        public RawReplies connect() {
            return new RawReplies(meridian.host(), meridian.port());
        }

        @Override
        public void awaitBlocked(int n) {
            Node node = meridian.node();
            await(n + " blocked clients on meridian", () -> node.loop().submit(() -> node.blocking().blockedClients()).get() == n);
            try (RawReplies c = connect()) {
                Matcher m = RedisTarget.BLOCKED.matcher(c.call("INFO", "clients"));
                assertTrue(m.find() && Integer.parseInt(m.group(1)) == n, "INFO blocked_clients");
            }
        }

        @Override
        public StreamTap tap() {
            return StreamTap.of(meridian.node());
        }
    }
}
