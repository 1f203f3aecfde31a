package io.meridian.node.server;

import io.meridian.node.testing.Differential;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** SLOWLOG entries have Redis's shape: id, time, duration, argv trimmed to 32 args and 128 bytes, address, client name. */
class SlowLogDifferentialTest {
    /** The deterministic parts of each entry: argv and client name (ids, times, durations and ports differ). */
    private static List<List<Object>> comparable(Object reply) {
        List<List<Object>> out = new ArrayList<>();
        for (Object o : (List<?>) reply) {
            List<?> e = (List<?>) o;
            assertEquals(6, e.size());
            assertTrue(e.get(0) instanceof Long && e.get(1) instanceof Long && e.get(2) instanceof Long);
            assertTrue(((String) e.get(4)).startsWith("127.0.0.1:"), String.valueOf(e.get(4)));
            out.add(List.of(e.get(3), e.get(5)));
        }
        return out;
    }

    @Test
    void entriesAreTrimmedAndNamedAsRedisDoes() {
        try (Differential d = new Differential()) {
            d.both("CONFIG", "SET", "slowlog-log-slower-than", "0");
            d.both("SLOWLOG", "RESET");
            d.both("CLIENT", "SETNAME", "reporter");
            String[] many = new String[40];
            many[0] = "RPUSH";
            for (int i = 1; i < many.length; i++) many[i] = "e" + i;
            d.check(many);
            d.check("SET", "big", "x".repeat(300));
            d.check("GET", "big");
            d.check("SET", "exact", "y".repeat(128));
            d.check(new byte[][]{"SET".getBytes(), "bin".getBytes(), new byte[]{0, (byte) 0xff, '\r', '\n'}});
            Object m = d.meridianClient().call("SLOWLOG", "GET", "-1");
            Object r = d.redisClient().call("SLOWLOG", "GET", "-1");
            assertEquals(comparable(r), comparable(m));
            d.check("SLOWLOG", "LEN");
            assertEquals(comparable(d.redisClient().call("SLOWLOG", "GET", "2")), comparable(d.meridianClient().call("SLOWLOG", "GET", "2")));
            assertEquals(comparable(d.redisClient().call("SLOWLOG", "GET")), comparable(d.meridianClient().call("SLOWLOG", "GET")));
            d.both("CONFIG", "SET", "slowlog-max-len", "2");
            d.both("PING");
            d.check("SLOWLOG", "LEN");
            d.check("SLOWLOG", "RESET");
            d.check("SLOWLOG", "LEN");
        }
    }
}
