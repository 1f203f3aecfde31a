package io.meridian.node.repl.replica;

import io.meridian.node.testing.RespClient;

import java.nio.charset.StandardCharsets;
import java.util.Random;

/**
 * Writes of every type into a master: strings (binary, integers, big), lists, hashes, sets
 * and sorted sets in their small and large encodings, expiries (absolute and relative), keys
 * in several databases, MULTI/EXEC blocks, INCRBYFLOAT and deletions. Deterministic per seed.
 */
final class Workload {
    private final RespClient c;
    private final Random rnd;
    private int db = -1;

    Workload(RespClient c, long seed) {
        this.c = c;
        this.rnd = new Random(seed);
    }

    private Object call(String... a) {
        Object r = c.call(a);
        if (r instanceof RespClient.Err e) throw new IllegalStateException(String.join(" ", a) + " -> " + e.text());
        return r;
    }

    private void select(int d) {
        if (d != db) {
            call("SELECT", Integer.toString(d));
            db = d;
        }
    }

    /** A base dataset: n keys of each kind spread over databases 0, 1, 5 and 15. */
    void base(String prefix, int n) {
        int[] dbs = {0, 1, 5, 15};
        for (int i = 0; i < n; i++) {
            select(dbs[i % dbs.length]);
            String k = prefix + i;
            switch (i % 9) {
                case 0 -> call("SET", k + ":s", "value-" + i);
                case 1 -> call("SET", k + ":int", Integer.toString(rnd.nextInt()));
                case 2 -> c.call("SET".getBytes(), (k + ":bin").getBytes(), binary(20 + rnd.nextInt(200)));
                case 3 -> {
                    call("RPUSH", k + ":l", "a", "b", "c", Integer.toString(i));
                    if (i % 27 == 3) for (int j = 0; j < 200; j++) call("LPUSH", k + ":l", "big-element-" + j + "-" + "x".repeat(70));
                }
                case 4 -> {
                    call("HSET", k + ":h", "f1", "v1", "f2", Integer.toString(i));
                    if (i % 27 == 4) for (int j = 0; j < 150; j++) call("HSET", k + ":h", "field" + j, "v".repeat(j % 90));
                }
                case 5 -> {
                    call("SADD", k + ":si", "1", "2", "3", Integer.toString(i));
                    call("SADD", k + ":ss", "a", "b", "member" + i);
                    if (i % 27 == 5) for (int j = 0; j < 600; j++) call("SADD", k + ":si", Integer.toString(j * 7));
                }
                case 6 -> {
                    call("ZADD", k + ":z", "1", "a", "2.5", "b", "-3", "c" + i);
                    if (i % 27 == 6) for (int j = 0; j < 200; j++) call("ZADD", k + ":z", Double.toString(j / 3.0), "m" + j);
                }
                case 7 -> {
                    call("SET", k + ":ttl", "v", "EX", Integer.toString(1000 + i));
                    call("HSET", k + ":httl", "f", "v");
                    call("PEXPIREAT", k + ":httl", Long.toString(System.currentTimeMillis() + 3_600_000L + i));
                }
                case 8 -> {
                    call("MULTI");
                    call("INCR", k + ":ctr");
                    call("INCRBYFLOAT", k + ":f", "1.5");
                    call("RPUSH", k + ":ml", "x");
                    call("EXEC");
                }
                default -> { }
            }
        }
        select(0);
    }

    /** n mixed writes over the existing keys (updates, deletes, new keys, a FLUSHDB of db 9). */
    void churn(String prefix, int n) {
        for (int i = 0; i < n; i++) {
            int kind = rnd.nextInt(10);
            select(kind % 2 == 0 ? 0 : 1);
            String k = prefix + rnd.nextInt(Math.max(1, n));
            switch (kind) {
                case 0 -> call("SET", k + ":s", "new-" + i);
                case 1 -> call("DEL", k + ":s");
                case 2 -> call("LPUSH", k + ":l", "p" + i);
                case 3 -> call("HINCRBY", k + ":h", "n", "3");
                case 4 -> call("SADD", k + ":ss", "m" + rnd.nextInt(50));
                case 5 -> call("ZINCRBY", k + ":z", "1.25", "m" + rnd.nextInt(20));
                case 6 -> call("EXPIRE", k + ":s", "5000");
                case 7 -> call("APPEND", k + ":s", "+");
                case 8 -> {
                    call("MULTI");
                    call("SET", k + ":tx", "1");
                    call("INCRBY", k + ":tx", "5");
                    call("EXEC");
                }
                default -> {
                    select(9);
                    call("SET", k, "in-9");
                    if (i % 50 == 0) call("FLUSHDB");
                }
            }
        }
        select(0);
    }

    private byte[] binary(int n) {
        byte[] b = new byte[n];
        rnd.nextBytes(b);
        return b;
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }
}
