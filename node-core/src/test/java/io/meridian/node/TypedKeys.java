package io.meridian.node;

import io.meridian.node.keyspace.HashValue;
import io.meridian.node.keyspace.ListValue;
import io.meridian.node.keyspace.SetValue;
import io.meridian.node.keyspace.ZSetValue;
import io.meridian.node.testing.Differential;
import io.meridian.node.testing.RespClient;
import io.meridian.node.util.Bytes;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Creates keys of the collection types on both servers of a {@link Differential}: with
 * RPUSH/HSET/SADD/ZADD on both when Meridian has the command, else the real server gets the
 * command and Meridian the same value put into its keyspace on the command thread. Used by the string and
 * key tests for WRONGTYPE, TYPE, COPY, SCAN TYPE and OBJECT ENCODING cases.
 */
final class TypedKeys {
    private TypedKeys() {}

    static void list(Differential d, int db, String key, String... items) {
        ListValue v = new ListValue();
        for (String i : items) v.addLast(Bytes.utf8(i));
        put(d, db, key, v, concat("RPUSH", key, items));
    }

    static void hash(Differential d, int db, String key, String... fieldValues) {
        HashValue v = new HashValue();
        for (int i = 0; i < fieldValues.length; i += 2) v.put(Bytes.utf8(fieldValues[i]), Bytes.utf8(fieldValues[i + 1]));
        put(d, db, key, v, concat("HSET", key, fieldValues));
    }

    static void set(Differential d, int db, String key, String... members) {
        SetValue v = new SetValue();
        for (String m : members) v.add(Bytes.utf8(m));
        put(d, db, key, v, concat("SADD", key, members));
    }

    static void zset(Differential d, int db, String key, String... scoreMembers) {
        ZSetValue v = new ZSetValue();
        for (int i = 0; i < scoreMembers.length; i += 2) v.add(Bytes.utf8(scoreMembers[i + 1]), Double.parseDouble(scoreMembers[i]));
        put(d, db, key, v, concat("ZADD", key, scoreMembers));
    }

    private static String[] concat(String cmd, String key, String[] rest) {
        String[] a = new String[rest.length + 2];
        a[0] = cmd;
        a[1] = key;
        System.arraycopy(rest, 0, a, 2, rest.length);
        return a;
    }

    private static void put(Differential d, int db, String key, Object value, String[] command) {
        Node node = d.meridian().node();
        if (node.commands().lookup(command[0]) != null) {
            // Meridian has the command: create the key the same way on both
            for (RespClient c : new RespClient[]{d.redisClient(), d.meridianClient()}) {
                c.call("SELECT", Integer.toString(db));
                c.call("DEL", key);
            }
            d.check(command);
            d.both("SELECT", "0");
            return;
        }
        d.redisClient().call("SELECT", Integer.toString(db));
        d.redisClient().call("DEL", key);
        d.redisClient().call(command);
        d.redisClient().call("SELECT", "0");
        onCommandThread(node, () -> {
            node.keyspace().tick();
            var database = node.keyspace().db(db);
            database.delete(Bytes.utf8(key));
            database.add(Bytes.utf8(key), value);
        });
    }

    static void onCommandThread(Node node, Runnable r) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        node.execute(() -> {
            try {
                r.run();
                done.complete(null);
            } catch (RuntimeException e) {
                done.completeExceptionally(e);
            }
        });
        try {
            done.get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
