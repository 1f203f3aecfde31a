package io.meridian.node.server;

import io.meridian.node.testing.Differential;
import io.meridian.node.testing.RespClient;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** INFO: the same sections, in the same order, with the same field names as redis-server; real values where Meridian has them. */
class InfoDifferentialTest {
    /** Section title to its field names, in order. */
    static Map<String, List<String>> parse(String info) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        List<String> current = null;
        for (String line : info.split("\r\n")) {
            if (line.startsWith("# ")) {
                current = new ArrayList<>();
                out.put(line.substring(2), current);
            } else if (!line.isEmpty() && current != null) {
                current.add(line.substring(0, line.indexOf(':')));
            }
        }
        return out;
    }

    static Map<String, String> values(String info) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String line : info.split("\r\n")) {
            int i = line.indexOf(':');
            if (!line.startsWith("#") && i > 0) out.put(line.substring(0, i), line.substring(i + 1));
        }
        return out;
    }

    private static String info(RespClient c, String... sections) {
        String[] cmd = new String[sections.length + 1];
        cmd[0] = "INFO";
        System.arraycopy(sections, 0, cmd, 1, sections.length);
        Object o = c.call(cmd);
        if (o instanceof RespClient.Verbatim v) return v.text();
        return assertInstanceOf(String.class, o);
    }

    @Test
    void sectionsAndFieldNamesAreRedis() {
        try (Differential d = new Differential()) {
            // something in every section: keys with and without TTL, errors, command calls
            d.script(new String[]{"SET", "a", "1"}, new String[]{"SET", "b", "2", "EX", "100"},
                    new String[]{"GET", "a"}, new String[]{"GET", "nokey"}, new String[]{"HGET", "a", "f"},
                    new String[]{"CONFIG", "GET", "maxmemory"});
            for (String[] args : List.of(new String[]{}, new String[]{"default"}, new String[]{"all"}, new String[]{"everything"},
                    new String[]{"server"}, new String[]{"CLIENTS", "memory"}, new String[]{"persistence", "stats", "replication"},
                    new String[]{"cpu", "modules", "cluster", "keyspace"}, new String[]{"commandstats", "errorstats", "latencystats"},
                    new String[]{"nosuch"}, new String[]{"all", "nosuch"})) {
                Map<String, List<String>> real = parse(info(d.redisClient(), args));
                Map<String, List<String>> mine = parse(info(d.meridianClient(), args));
                assertEquals(List.copyOf(real.keySet()), List.copyOf(mine.keySet()), "sections of INFO " + String.join(" ", args));
                for (String section : real.keySet()) {
                    if (section.equals("Commandstats") || section.equals("Latencystats")) continue; // per command, compared below
                    Set<String> want = new LinkedHashSet<>(real.get(section));
                    List<String> ours = redisFieldsOnly(section, mine.get(section));
                    Set<String> got = new LinkedHashSet<>(ours);
                    assertEquals(want, got, "fields of " + section);
                    assertEquals(real.get(section), ours, "field order of " + section);
                }
            }
        }
    }

    /**
     * Meridian's own fields come after Redis's in Replication (backlog kind and age, per-replica
     * lag) and Stats (resumed full syncs): they must be last, and are left out of the comparison.
     */
    static List<String> redisFieldsOnly(String section, List<String> fields) {
        if (!section.equals("Replication") && !section.equals("Stats")) return fields;
        List<String> out = new java.util.ArrayList<>();
        boolean extras = false;
        for (String f : fields) {
            boolean extra = f.equals("master_replid_history") || f.equals("repl_backlog_kind") || f.equals("repl_backlog_oldest_age_seconds") || f.equals("full_sync_in_progress") || f.matches("slave\\d+_lag")
                    || f.equals("sync_full_resumed");
            if (extra) extras = true;
            else if (extras) throw new AssertionError("Redis field " + f + " after Meridian's extra fields: " + fields);
            else out.add(f);
        }
        return out;
    }

    @Test
    void countersAreMeridiansOwn() {
        try (Differential d = new Differential()) {
            RespClient m = d.meridianClient();
            d.script(new String[]{"SET", "a", "1"}, new String[]{"SET", "b", "2", "PX", "100000"},
                    new String[]{"GET", "a"}, new String[]{"GET", "a"}, new String[]{"GET", "missing"},
                    new String[]{"HGET", "a", "f"}, new String[]{"EXISTS", "a", "missing"}, new String[]{"SELECT", "2"},
                    new String[]{"SET", "c", "3"}, new String[]{"SELECT", "0"});
            Map<String, String> v = values(info(m, "everything"));
            Map<String, String> real = values(info(d.redisClient(), "everything"));
            assertEquals("7.0.15", v.get("redis_version"));
            for (String f : List.of("keyspace_hits", "keyspace_misses", "total_error_replies", "db2", "expired_keys",
                    "errorstat_WRONGTYPE", "connected_clients", "blocked_clients", "pubsub_channels", "role", "connected_slaves")) {
                assertEquals(real.get(f), v.get(f), f);
            }
            assertEquals("1", v.get("connected_clients"));
            assertEquals("keys=2,expires=1,avg_ttl=" + v.get("db0").split("avg_ttl=")[1], v.get("db0"));
            long ttl = Long.parseLong(v.get("db0").split("avg_ttl=")[1]);
            assertTrue(ttl > 90_000 && ttl <= 100_000, v.get("db0"));
            assertEquals("keys=1,expires=0,avg_ttl=0", v.get("db2"));
            assertEquals("count=1", v.get("errorstat_WRONGTYPE"));
            assertTrue(v.get("cmdstat_hget").startsWith("calls=1,usec="), v.get("cmdstat_hget"));
            assertTrue(v.get("cmdstat_hget").endsWith(",rejected_calls=0,failed_calls=1"), v.get("cmdstat_hget"));
            assertTrue(v.get("latency_percentiles_usec_get").matches("p50=[0-9.]+,p99=[0-9.]+,p99\\.9=[0-9.]+"), v.get("latency_percentiles_usec_get"));
            assertTrue(Long.parseLong(v.get("total_commands_processed")) >= 9);
            assertTrue(Long.parseLong(v.get("used_memory")) > 0);
            assertEquals(String.valueOf(d.meridian().port()), v.get("tcp_port"));
            assertEquals("master", v.get("role"));
            // a rejected command counts in rejected_calls
            m.call("GET");
            assertTrue(values(info(m, "commandstats")).get("cmdstat_get").endsWith("rejected_calls=1,failed_calls=0"));
            // CONFIG RESETSTAT clears the counters
            assertEquals(new RespClient.Simple("OK"), m.call("CONFIG", "RESETSTAT"));
            Map<String, String> after = values(info(m, "everything"));
            assertEquals("0", after.get("keyspace_hits"));
            assertEquals("0", after.get("keyspace_misses"));
            assertEquals(null, after.get("errorstat_WRONGTYPE"));
            assertEquals(null, after.get("cmdstat_hget"));
            assertEquals("0", after.get("total_error_replies"));
        }
    }

    @Test
    void resp3RepliesVerbatimText() {
        try (Differential d = new Differential()) {
            d.resp3();
            Object m = d.meridianClient().call("INFO", "server");
            Object r = d.redisClient().call("INFO", "server");
            assertEquals(r.getClass(), m.getClass());
            assertEquals("txt", assertInstanceOf(RespClient.Verbatim.class, m).format());
        }
    }
}
