package io.meridian.node;

import io.meridian.node.testing.Differential;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Assertions the hash and set differential tests share. */
final class HashSetChecks {
    private HashSetChecks() {}

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
