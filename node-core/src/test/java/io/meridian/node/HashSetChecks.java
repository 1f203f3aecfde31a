package io.meridian.node;

import io.meridian.node.rdb.Digest;
import io.meridian.node.testing.Differential;
import io.meridian.node.testing.RespClient;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Assertions the hash and set differential tests share. */
final class HashSetChecks {
    private HashSetChecks() {}

    /**
     * The datasets have the same DEBUG DIGEST. While Meridian's DEBUG command is not there,
     * the digest of its keyspace is computed in process (the same {@link Digest} DEBUG uses)
     * and compared with Redis's DEBUG DIGEST.
     */
    static void sameDigest(Differential d) {
        Object m = d.meridianClient().call("DEBUG", "DIGEST");
        if (!(m instanceof RespClient.Err)) {
            d.assertSameDigest();
            return;
        }
        Object expected = d.redisClient().call("DEBUG", "DIGEST");
        Node node = d.meridian().node();
        CompletableFuture<String> f = new CompletableFuture<>();
        node.execute(() -> f.complete(Digest.dataset(node.keyspace())));
        try {
            assertEquals(expected, new RespClient.Simple(f.get(10, TimeUnit.SECONDS)), "DEBUG DIGEST");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** HGETALL compared as a map, for hashtable hashes whose order differs from Redis's. */
    @SuppressWarnings("unchecked")
    static void sameHash(Differential d, String key) {
        List<Object> r = (List<Object>) d.redisClient().call("HGETALL", key);
        List<Object> m = (List<Object>) d.meridianClient().call("HGETALL", key);
        assertEquals(r.size(), m.size(), "HGETALL " + key);
        assertEquals(pairs(r), pairs(m), "HGETALL " + key);
    }

    private static Map<Object, Object> pairs(List<Object> flat) {
        Map<Object, Object> map = new HashMap<>();
        for (int i = 0; i < flat.size(); i += 2) map.put(flat.get(i), flat.get(i + 1));
        return map;
    }

    /** A command with n generated arguments: prefix then fn(i) for i in [0, n). */
    static String[] command(List<String> prefix, int n, java.util.function.IntFunction<String[]> fn) {
        List<String> a = new ArrayList<>(prefix);
        for (int i = 0; i < n; i++) a.addAll(List.of(fn.apply(i)));
        return a.toArray(new String[0]);
    }
}
