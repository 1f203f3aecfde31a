package io.meridian.node;

import io.meridian.node.repl.ReplicationStream;
import io.meridian.node.testing.Differential;
import io.meridian.node.testing.RespClient;
import io.meridian.node.testing.TestNode;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** MULTI / EXEC / DISCARD / WATCH / UNWATCH against the real redis-server, and their propagation. */
class TransactionDifferentialTest {
    @Test
    void execRunsQueuedCommandsAndReportsRuntimeErrors() {
        try (Differential d = new Differential()) {
            d.script(
                    new String[]{"MULTI"},
                    new String[]{"SET", "s", "text"},
                    new String[]{"INCR", "s"},
                    new String[]{"LPUSH", "s", "x"},
                    new String[]{"SET", "n", "1"},
                    new String[]{"INCR", "n"},
                    new String[]{"GET", "n"},
                    new String[]{"PING"},
                    new String[]{"EXEC"},
                    new String[]{"GET", "n"},
                    new String[]{"MULTI"},
                    new String[]{"EXEC"},
                    new String[]{"MULTI"},
                    new String[]{"SELECT", "3"},
                    new String[]{"SET", "in3", "v"},
                    new String[]{"EXEC"},
                    new String[]{"GET", "in3"},
                    new String[]{"SELECT", "0"},
                    new String[]{"GET", "in3"});
            d.resp3();
            d.script(
                    new String[]{"MULTI"},
                    new String[]{"GET", "nokey"},
                    new String[]{"INCR", "s"},
                    new String[]{"EXEC"});
            d.assertSameDigest();
        }
    }

    @Test
    void queueingErrorsAbortWithExecabort() {
        try (Differential d = new Differential()) {
            d.script(
                    new String[]{"MULTI"},
                    new String[]{"SET", "a"},
                    new String[]{"SET", "b", "1"},
                    new String[]{"EXEC"},
                    new String[]{"GET", "b"},
                    new String[]{"MULTI"},
                    new String[]{"NOSUCHCMD", "x"},
                    new String[]{"SET", "b", "2"},
                    new String[]{"EXEC"},
                    new String[]{"GET", "b"},
                    new String[]{"MULTI"},
                    new String[]{"CLIENT", "NOSUCHSUB"},
                    new String[]{"EXEC"},
                    new String[]{"EXEC"},
                    new String[]{"MULTI"},
                    new String[]{"SET", "c", "1"},
                    new String[]{"EXEC", "extra"},
                    new String[]{"GET", "c"},
                    new String[]{"EXEC"},
                    new String[]{"EXEC", "x"},
                    new String[]{"DISCARD", "x"});
            d.assertSameDigest();
        }
    }

    @Test
    void controlErrors() {
        try (Differential d = new Differential()) {
            d.script(
                    new String[]{"EXEC"},
                    new String[]{"DISCARD"},
                    new String[]{"MULTI"},
                    new String[]{"MULTI"},
                    new String[]{"WATCH", "x"},
                    new String[]{"SET", "k", "v"},
                    new String[]{"EXEC"},
                    new String[]{"MULTI"},
                    new String[]{"SET", "k", "other"},
                    new String[]{"DISCARD"},
                    new String[]{"GET", "k"},
                    new String[]{"WATCH"},
                    new String[]{"UNWATCH", "x"},
                    new String[]{"MULTI", "x"},
                    new String[]{"UNWATCH"},
                    new String[]{"MULTI"},
                    new String[]{"UNWATCH"},
                    new String[]{"EXEC"});
        }
    }

    @Test
    void watchedKeyTouchedByAnotherClientAbortsExec() {
        try (Differential d = new Differential();
             RespClient m2 = new RespClient(d.meridian().host(), d.meridian().port());
             RespClient r2 = new RespClient(d.redis().host(), d.redis().port())) {
            d.check("SET", "k", "1");
            d.check("WATCH", "k", "other");
            both(m2, r2, "SET", "k", "2");
            d.check("MULTI");
            d.check("SET", "k", "3");
            d.check("EXEC");
            d.check("GET", "k");
            // after a failed EXEC the watches are gone: the next transaction runs
            d.check("MULTI");
            d.check("SET", "k", "4");
            d.check("EXEC");
            // a write that changes nothing visible still touches the key
            d.check("WATCH", "k");
            both(m2, r2, "SET", "k", "4");
            d.check("MULTI");
            d.check("EXEC");
            // a no-op write (DEL of a missing key) does not
            d.check("WATCH", "missing");
            both(m2, r2, "DEL", "missing");
            d.check("MULTI");
            d.check("PING");
            d.check("EXEC");
            // UNWATCH forgets the touch
            d.check("WATCH", "k");
            both(m2, r2, "SET", "k", "5");
            d.check("UNWATCH");
            d.check("MULTI");
            d.check("GET", "k");
            d.check("EXEC");
            // the client's own write inside the watch window counts too
            d.check("WATCH", "k");
            d.check("SET", "k", "6");
            d.check("MULTI");
            d.check("GET", "k");
            d.check("EXEC");
            // a watch is per database
            d.check("WATCH", "k");
            both(m2, r2, "SELECT", "1");
            both(m2, r2, "SET", "k", "in-db1");
            d.check("MULTI");
            d.check("GET", "k");
            d.check("EXEC");
            // DISCARD unwatches
            d.check("WATCH", "k");
            d.check("MULTI");
            d.check("DISCARD");
            both(m2, r2, "SELECT", "0");
            both(m2, r2, "SET", "k", "7");
            d.check("MULTI");
            d.check("GET", "k");
            d.check("EXEC");
            d.resp3();
            d.check("WATCH", "k");
            both(m2, r2, "SET", "k", "8");
            d.check("MULTI");
            d.check("EXEC");
            d.assertSameDigest();
        }
    }

    @Test
    void watchedKeyExpiringBeforeExecAbortsIt() throws InterruptedException {
        try (Differential d = new Differential()) {
            d.check("SET", "k", "v", "PX", "200");
            d.check("WATCH", "k");
            Thread.sleep(400);
            d.check("MULTI");
            d.check("PING");
            d.check("EXEC");
            // a key already expired and deleted when watched: its absence is no change
            d.check("WATCH", "k");
            d.check("MULTI");
            d.check("PING");
            d.check("EXEC");
            // a watched key given a TTL is touched
            d.check("SET", "k2", "v");
            d.check("WATCH", "k2");
            d.check("EXPIRE", "k2", "100");
            d.check("MULTI");
            d.check("EXEC");
        }
    }

    @Test
    void flushAndSwapTouchWatchedKeysThatExist() {
        try (Differential d = new Differential();
             RespClient m2 = new RespClient(d.meridian().host(), d.meridian().port());
             RespClient r2 = new RespClient(d.redis().host(), d.redis().port())) {
            for (String flush : new String[]{"FLUSHDB", "FLUSHALL"}) {
                d.check("SET", "present", "1");
                d.check("WATCH", "present");
                both(m2, r2, flush);
                d.check("MULTI");
                d.check("EXEC");
                d.check("WATCH", "absent");
                both(m2, r2, "SET", "unrelated", "1");
                both(m2, r2, flush);
                d.check("MULTI");
                d.check("PING");
                d.check("EXEC");
            }
            both(m2, r2, "SELECT", "1");
            both(m2, r2, "SET", "k", "in1");
            d.check("WATCH", "k");
            both(m2, r2, "SWAPDB", "0", "1");
            d.check("MULTI");
            d.check("EXEC");
            d.check("WATCH", "nowhere");
            both(m2, r2, "SWAPDB", "0", "1");
            d.check("MULTI");
            d.check("PING");
            d.check("EXEC");
            d.check("WATCH", "k");
            both(m2, r2, "SWAPDB", "0", "1");
            d.check("MULTI");
            d.check("EXEC");
            d.check("GET", "k");
            d.assertSameDigest();
        }
    }

    private static void both(RespClient m, RespClient r, String... cmd) {
        assertEquals(r.call(cmd), m.call(cmd), String.join(" ", cmd));
    }

    @Test
    void subscribeInsideMultiAndDirtyClientFlags() {
        try (Differential d = new Differential()) {
            d.script(
                    new String[]{"MULTI"},
                    new String[]{"SUBSCRIBE", "a", "b"},
                    new String[]{"PUBLISH", "a", "hi"},
                    new String[]{"EXEC"},
                    new String[]{"PING"},
                    new String[]{"MULTI"},
                    new String[]{"UNSUBSCRIBE", "a"},
                    new String[]{"UNSUBSCRIBE", "b"},
                    new String[]{"MULTI"},
                    new String[]{"EXEC"});
        }
    }

    @Test
    void flushAndSwapInvalidateWatchOnlyForPresentKeys() throws Exception {
        try (TestNode n = TestNode.start(); RespClient c = new RespClient(n.host(), n.port())) {
            c.call("SET", "present", "1");
            c.call("WATCH", "present");
            onNode(n, () -> n.node().keyspace().db(0).clear());
            c.call("MULTI");
            assertNull(c.call("EXEC"), "FLUSHDB touches a watched key that existed");

            c.call("WATCH", "absent");
            c.call("SET", "other", "1");
            onNode(n, () -> n.node().keyspace().db(0).clear());
            c.call("MULTI");
            assertEquals(List.of(), c.call("EXEC"), "FLUSHDB leaves a watch on a missing key alone");

            c.call("SELECT", "1");
            c.call("SET", "k", "in1");
            c.call("SELECT", "0");
            c.call("WATCH", "k");
            onNode(n, () -> n.node().keyspace().swap(0, 1));
            c.call("MULTI");
            assertNull(c.call("EXEC"), "SWAPDB brings k into db 0");

            c.call("WATCH", "nowhere");
            onNode(n, () -> n.node().keyspace().swap(0, 1));
            c.call("MULTI");
            assertEquals(List.of(), c.call("EXEC"));
        }
    }

    private static void onNode(TestNode n, Runnable r) throws Exception {
        CompletableFuture<Void> f = new CompletableFuture<>();
        n.node().execute(() -> {
            r.run();
            f.complete(null);
        });
        f.get(10, TimeUnit.SECONDS);
    }

    @Test
    void execPropagatesAsMultiExecOnlyWithSeveralWrites() throws Exception {
        try (TestNode n = TestNode.start(); RespClient c = new RespClient(n.host(), n.port())) {
            ByteArrayOutputStream stream = new ByteArrayOutputStream();
            ReplicationStream.Listener l = (start, data) -> {
                synchronized (stream) {
                    stream.writeBytes(data);
                }
            };
            n.node().stream().addListener(l);
            c.call("MULTI");
            c.call("SET", "a", "1");
            c.call("GET", "a");
            c.call("EXEC");
            c.call("MULTI");
            c.call("SET", "b", "1");
            c.call("INCR", "b");
            c.call("GET", "b");
            c.call("EXEC");
            c.call("MULTI");
            c.call("GET", "b");
            c.call("EXEC");
            c.call("MULTI");
            c.call("PUBLISH", "ch", "m");
            c.call("SET", "c", "1");
            c.call("EXEC");
            c.call("PING");
            String s;
            synchronized (stream) {
                s = stream.toString(StandardCharsets.ISO_8859_1);
            }
            String expected = "*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n"
                    + "*3\r\n$3\r\nSET\r\n$1\r\na\r\n$1\r\n1\r\n"
                    + "*1\r\n$5\r\nMULTI\r\n"
                    + "*3\r\n$3\r\nSET\r\n$1\r\nb\r\n$1\r\n1\r\n"
                    + "*2\r\n$4\r\nINCR\r\n$1\r\nb\r\n"
                    + "*1\r\n$4\r\nEXEC\r\n"
                    + "*1\r\n$5\r\nMULTI\r\n"
                    + "*3\r\n$7\r\nPUBLISH\r\n$2\r\nch\r\n$1\r\nm\r\n"
                    + "*3\r\n$3\r\nSET\r\n$1\r\nc\r\n$1\r\n1\r\n"
                    + "*1\r\n$4\r\nEXEC\r\n";
            assertEquals(expected, s);
            n.node().stream().removeListener(l);
        }
    }
}
