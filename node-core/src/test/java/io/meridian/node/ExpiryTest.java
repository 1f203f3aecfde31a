package io.meridian.node;

import io.meridian.node.keyspace.Keyspace;
import io.meridian.node.testing.RespClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Expiry driven by a manual clock: TTLs count down with the clock, lazy expiry on access,
 * and active expiry (the node's cron) removing keys nobody reads and propagating each as DEL.
 */
class ExpiryTest {
    private static final long T = 1_893_456_000_000L;
    private ManualClockNode n;

    @BeforeEach
    void start() throws Exception {
        n = new ManualClockNode(T);
    }

    @AfterEach
    void stop() {
        n.close();
    }

    private Object run(String line) {
        return n.call(line.split(" "));
    }

    @Test
    void ttlFollowsTheClock() {
        run("SET k v EX 100");
        assertEquals(100L, run("TTL k"));
        n.clock.advance(40_400);
        assertEquals(60L, run("TTL k"));
        assertEquals(59_600L, run("PTTL k"));
        assertEquals((T + 100_000) / 1000, run("EXPIRETIME k"));
        assertEquals(T + 100_000, run("PEXPIRETIME k"));
        n.clock.advance(59_599);
        assertEquals(1L, run("PTTL k"));
        assertEquals(0L, run("TTL k"));
        n.clock.advance(1);
        assertEquals(-2L, run("TTL k"));
        assertNull(run("GET k"));
    }

    @Test
    void activeExpiryRemovesKeysNobodyReads() throws Exception {
        // 2000 volatile keys among 3000 persistent ones, in two databases
        for (int db : new int[]{0, 3}) {
            run("SELECT " + db);
            for (int i = 0; i < 1000; i++) {
                run("SET v:" + i + " x PX 1000");
                run("SET p:" + i + " x");
            }
        }
        run("SELECT 0");
        for (int i = 0; i < 1000; i++) run("SET q:" + i + " x EX 3600");
        n.propagated();
        Keyspace ks = n.node.keyspace();
        n.clock.advance(1000);
        waitFor(() -> ks.db(0).size() == 2000 && ks.db(3).size() == 1000);
        assertEquals(1000, ks.db(0).expires());
        assertEquals(0, ks.db(3).expires());
        assertEquals(2000, ks.expiredKeys);
        // each expired key reached the stream as its own DEL, without MULTI
        List<List<String>> stream = n.propagated();
        List<String> deleted = new ArrayList<>();
        for (List<String> cmd : stream) {
            if (cmd.get(0).equals("SELECT")) continue;
            assertEquals("DEL", cmd.get(0), () -> "unexpected " + cmd);
            assertEquals(2, cmd.size());
            deleted.add(cmd.get(1));
        }
        assertEquals(2000, deleted.size());
        assertTrue(deleted.stream().allMatch(k -> k.startsWith("v:")));
        assertEquals(1000, ((List<?>) run("KEYS p:*")).size());
        assertEquals(-1L, run("TTL p:1"));
    }

    @Test
    void lazyExpiryOnEveryKindOfAccess() {
        for (String k : new String[]{"a", "b", "c", "d", "e", "f", "g"}) run("SET " + k + " v PX 10");
        run("SET keep v");
        n.propagated();
        // the cron could run between advancing and reading: either way the key is gone and a DEL propagated
        n.clock.advance(10);
        assertNull(run("GET a"));
        assertEquals(0L, run("EXISTS b"));
        assertEquals(new RespClient.Simple("none"), run("TYPE c"));
        assertEquals(1L, run("APPEND d x"));
        assertEquals(-2L, run("TTL e"));
        assertEquals(java.util.Set.of("keep", "d"), new java.util.HashSet<>((List<?>) run("KEYS *")));
        List<List<String>> stream = n.propagated();
        for (String k : new String[]{"a", "b", "c", "d", "e"}) {
            assertTrue(stream.contains(List.of("DEL", k)), () -> "no DEL " + k + " in " + stream);
        }
        assertTrue(stream.contains(List.of("APPEND", "d", "x")));
    }

    @Test
    void expiredKeysAsUnlinkWithLazyfreeLazyExpire() throws Exception {
        n.node.config().setFromString("lazyfree-lazy-expire", "yes");
        run("SET a v PX 10");
        n.propagated();
        n.clock.advance(10);
        waitFor(() -> n.node.keyspace().db(0).size() == 0);
        assertEquals(List.of(List.of("UNLINK", "a")), n.propagated());
    }

    @Test
    void scanExpiringSeveralKeysPropagatesNoTransaction() {
        for (int i = 0; i < 5; i++) run("SET k" + i + " v PX 10");
        n.propagated();
        n.advanceAndRun(10, "SCAN", "0", "COUNT", "100");
        List<List<String>> stream = n.propagated();
        assertEquals(5, stream.size(), () -> stream.toString());
        assertFalse(stream.contains(List.of("MULTI")));
    }

    @Test
    void aReplicaHidesExpiredKeysButWaitsForTheMastersDel() throws Exception {
        run("SET a v PX 10");
        run("SET b v");
        TypedKeys.onCommandThread(n.node, () -> n.node.setRole(Node.Role.REPLICA));
        n.clock.advance(10);
        // give the cron a few periods: it must not delete anything on a replica
        Thread.sleep(300);
        assertEquals(2, n.node.keyspace().db(0).size());
        assertNull(run("GET a"));
        assertEquals(0L, run("EXISTS a"));
        assertEquals(List.of("b"), run("KEYS *"));
        assertEquals(2, n.node.keyspace().db(0).size());
        TypedKeys.onCommandThread(n.node, () -> n.node.setRole(Node.Role.MASTER));
        waitFor(() -> n.node.keyspace().db(0).size() == 1);
    }

    private static void waitFor(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 20_000;
        while (!condition.getAsBoolean()) {
            if (System.currentTimeMillis() > deadline) throw new AssertionError("condition not met in 20 s");
            Thread.sleep(20);
        }
    }
}
