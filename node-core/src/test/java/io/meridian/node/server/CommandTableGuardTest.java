package io.meridian.node.server;

import io.meridian.node.testing.RealRedis;
import io.meridian.node.testing.RespClient;
import io.meridian.node.testing.TestNode;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The guard of the whole command table: for every command and subcommand Meridian registers,
 * COMMAND INFO's arity, flags, first/last/step key positions and ACL categories must be the
 * real redis-server's. Every family's additions are checked here; all mismatches are listed
 * at once.
 */
class CommandTableGuardTest {
    /** Commands Meridian has beyond Redis 7.0.15 (checked by their own tests): WAITAOF is Redis 7.2's. */
    private static final java.util.Set<String> BEYOND_7_0 = java.util.Set.of("waitaof");
    /** Fields compared: 1 arity, 2 flags, 3 first key, 4 last key, 5 step, 6 ACL categories, 7 tips, 8 key specs. */
    private static final String[] FIELDS = {"name", "arity", "flags", "first key", "last key", "key step", "acl categories",
            "tips", "key specs"};

    @Test
    void everyRegisteredCommandMatchesRedis() {
        try (RealRedis redis = RealRedis.start(); TestNode node = TestNode.start();
             RespClient r = new RespClient(redis.host(), redis.port());
             RespClient m = new RespClient(node.host(), node.port())) {
            Map<String, List<?>> real = byName(r.call("COMMAND"));
            Map<String, List<?>> mine = byName(m.call("COMMAND"));
            assertTrue(mine.size() > 20, "Meridian's COMMAND lists its table: " + mine.keySet());
            List<String> mismatches = new ArrayList<>();
            for (Map.Entry<String, List<?>> e : mine.entrySet()) {
                List<?> expected = real.get(e.getKey());
                if (expected == null) {
                    if (BEYOND_7_0.contains(e.getKey())) continue;
                    mismatches.add(e.getKey() + ": not a Redis 7.0.15 command");
                    continue;
                }
                for (int f = 1; f <= 8; f++) {
                    Object want = expected.get(f), got = e.getValue().get(f);
                    if (!want.equals(got)) {
                        mismatches.add(e.getKey() + " " + FIELDS[f] + ": redis " + RespClient.show(want) + ", meridian " + RespClient.show(got));
                    }
                }
            }
            if (!mismatches.isEmpty()) {
                fail(mismatches.size() + " command table mismatch(es) with redis-server:\n  " + String.join("\n  ", mismatches));
            }
            // COMMAND INFO <name> answers the same entry as COMMAND for a sample of names
            for (String name : List.of("get", "config|get", "command")) {
                if (!mine.containsKey(name)) continue;
                Object one = ((List<?>) m.call("COMMAND", "INFO", name)).get(0);
                assertTrue(one instanceof List<?> l && l.get(0).equals(name), name);
            }
        }
    }

    /** Every entry of a COMMAND reply, subcommands included, by full name. */
    static Map<String, List<?>> byName(Object reply) {
        Map<String, List<?>> out = new TreeMap<>();
        for (Object o : (List<?>) reply) add(out, (List<?>) o);
        return out;
    }

    private static void add(Map<String, List<?>> out, List<?> entry) {
        out.put((String) entry.get(0), entry);
        if (entry.get(9) instanceof List<?> subs) for (Object s : subs) add(out, (List<?>) s);
    }
}
