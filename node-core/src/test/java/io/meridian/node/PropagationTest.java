package io.meridian.node;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The exact effect string and key writes put on the replication stream (what replicas, the
 * log and the Kafka bridge replay): relative expiries as absolute times, INCRBYFLOAT as
 * SET ... KEEPTTL, an expire time in the past and expired keys as DEL, no-ops as nothing.
 */
class PropagationTest {
    /** 2030-01-01T00:00:00Z: every relative expiry below is computed from it. */
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

    /** Runs a command and asserts the stream received exactly these commands (after any SELECT). */
    private void expect(String command, String... effects) {
        n.call(command.split(" "));
        List<List<String>> got = n.propagated();
        if (!got.isEmpty() && got.get(0).get(0).equals("SELECT")) got = got.subList(1, got.size());
        List<List<String>> want = java.util.Arrays.stream(effects).map(e -> List.of(e.split(" "))).toList();
        assertEquals(want, got, () -> "propagation of " + command);
    }

    @Test
    void setFamily() {
        expect("SET k v", "SET k v");
        expect("SET k v EX 100", "SET k v PXAT " + (T + 100_000));
        expect("SET k v PX 1500 NX");
        expect("SET k v PX 1500 XX", "SET k v PXAT " + (T + 1500));
        expect("SET k v EXAT 2000000000", "SET k v PXAT 2000000000000");
        expect("SET k v PXAT 2000000000123 GET", "SET k v PXAT 2000000000123");
        expect("SET k v2 GET", "SET k v2");
        expect("SET k v3 KEEPTTL get GET", "SET k v3 KEEPTTL");
        expect("SET k v EX 0");
        expect("SETEX k 10 v", "SET k v PXAT " + (T + 10_000));
        expect("PSETEX k 500 v", "SET k v PXAT " + (T + 500));
        expect("SETNX k v");
        expect("SETNX new v", "SETNX new v");
        expect("GETSET k g", "SET k g");
        expect("MSET a 1 b 2", "MSET a 1 b 2");
        expect("MSETNX a 1 c 2");
        expect("MSETNX c 1 d 2", "MSETNX c 1 d 2");
        expect("GET k");
        expect("MGET a b");
    }

    @Test
    void getexAndGetdel() {
        n.call("SET", "k", "v");
        n.propagated();
        expect("GETEX k");
        expect("GETEX k EX 10", "PEXPIREAT k " + (T + 10_000));
        expect("GETEX k PX 20", "PEXPIREAT k " + (T + 20));
        expect("GETEX k EXAT 2000000000", "PEXPIREAT k 2000000000000");
        expect("GETEX k PERSIST", "PERSIST k");
        expect("GETEX k PERSIST");
        expect("GETEX k PXAT 1000", "DEL k");
        expect("GETEX k EX 10");
        n.call("SET", "k", "v");
        n.propagated();
        expect("GETDEL k", "DEL k");
        expect("GETDEL k");
        n.node.config().setFromString("lazyfree-lazy-expire", "yes");
        n.node.config().setFromString("lazyfree-lazy-user-del", "yes");
        n.call("SET", "k", "v");
        n.propagated();
        expect("GETEX k EXAT 1", "UNLINK k");
        n.call("SET", "k", "v");
        n.propagated();
        expect("GETDEL k", "UNLINK k");
        n.call("SET", "k", "v");
        n.propagated();
        expect("EXPIRE k -1", "UNLINK k");
    }

    @Test
    void counters() {
        expect("INCR n", "INCR n");
        expect("INCRBY n 5", "INCRBY n 5");
        expect("DECRBY n 9223372036854775808");
        expect("INCRBY n 9223372036854775807");
        expect("INCRBYFLOAT f 1.5", "SET f 1.5 KEEPTTL");
        expect("INCRBYFLOAT f 0.1", "SET f 1.6 KEEPTTL");
        expect("INCRBYFLOAT f abc");
        expect("APPEND s ab", "APPEND s ab");
        expect("SETRANGE s 1 x", "SETRANGE s 1 x");
        expect("SETRANGE s 1 ''".replace("''", "x"), "SETRANGE s 1 x");
        expect("INCR s");
    }

    @Test
    void expiry() {
        n.call("SET", "k", "v");
        n.propagated();
        expect("EXPIRE k 100", "PEXPIREAT k " + (T + 100_000));
        expect("PEXPIRE k 100", "PEXPIREAT k " + (T + 100));
        expect("EXPIREAT k 2000000000", "PEXPIREAT k 2000000000000");
        expect("PEXPIREAT k 2000000000001", "PEXPIREAT k 2000000000001");
        expect("EXPIRE k 200000000 GT", "PEXPIREAT k " + (T + 200_000_000_000L) + " GT");
        expect("EXPIRE k 100 GT");
        expect("pexpire k 100 lt xx", "PEXPIREAT k " + (T + 100) + " lt xx");
        expect("EXPIRE k 10 NX");
        expect("EXPIRE nokey 10");
        expect("PERSIST k", "PERSIST k");
        expect("PERSIST k");
        expect("EXPIRE k -1", "DEL k");
        n.call("SET", "k", "v");
        n.propagated();
        expect("EXPIREAT k 1", "DEL k");
        n.call("SET", "k", "v");
        n.propagated();
        expect("PEXPIREAT k " + T, "DEL k");
        expect("TTL k");
    }

    @Test
    void keys() {
        n.call("MSET", "a", "1", "b", "2");
        n.propagated();
        expect("DEL a nokey", "DEL a nokey");
        expect("DEL nokey");
        expect("UNLINK b", "UNLINK b");
        n.call("SET", "a", "1");
        n.propagated();
        expect("RENAME a b", "RENAME a b");
        expect("RENAMENX b b");
        expect("COPY b c", "COPY b c");
        expect("COPY b c");
        expect("MOVE c 1", "MOVE c 1");
        expect("MOVE c 1");
        expect("EXISTS b");
        expect("TOUCH b");
    }

    @Test
    void expiredKeysAreDeletedAsDel() {
        n.call("SET", "x", "v", "PX", "100");
        n.call("SET", "y", "v", "PX", "100");
        n.propagated();
        // a read finds x expired: DEL alone
        n.advanceAndRun(200, "GET", "x");
        assertEquals(List.of(List.of("DEL", "x")), n.propagated());
        // a write that finds y expired: DEL y and the write, as one transaction
        n.advanceAndRun(0, "SET", "y", "w");
        assertEquals(List.of(List.of("MULTI"), List.of("DEL", "y"), List.of("SET", "y", "w"), List.of("EXEC")), n.propagated());
    }
}
