package io.meridian.node.server;

import io.meridian.node.config.ConfigTable;
import io.meridian.node.config.Directive;
import io.meridian.node.testing.Differential;
import io.meridian.node.testing.RespClient;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/** CONFIG GET defaults and CONFIG SET validation of every directive Meridian knows, against redis-server. */
class ConfigDifferentialTest {
    /**
     * Directives whose values legitimately differ between the two servers under test, and why.
     * Everything else CONFIG GET * prints must be identical.
     */
    static final Map<String, String> INTENDED_DIFFERENCES = Map.of(
            "port", "each server listens on its own free port",
            "dir", "each server has its own temporary directory",
            "logfile", "the test starts redis-server with a log file, Meridian logs to the console");

    /** Directives a generic CONFIG SET probe must not touch: a successful value would disturb the test itself. */
    static final Set<String> NOT_PROBED = Set.of(
            "port", "bind", "tls-port", "unixsocket", "requirepass", "masterauth", "masteruser",
            "maxmemory", "maxmemory-clients", "maxclients", "timeout", "appendonly", "oom-score-adj",
            "oom-score-adj-values", "save", "replicaof", "slaveof", "activedefrag", "dir", "logfile",
            "client-output-buffer-limit", "proto-max-bulk-len", "client-query-buffer-limit", "protected-mode",
            // TLS contexts are the connection layer's; redis-server refuses these without certificates
            "tls-cluster", "tls-replication");

    static final List<String> PROBES = List.of("abc", "-1", "0", "1", "2", "yes", "NO", "1k", "1kb", "1gb", "10%",
            "18446744073709551615", "9223372036854775808", "-9223372036854775809", "01", "+5", "", "0.5", "777");

    static Map<String, String> configGet(RespClient c, String pattern) {
        List<?> l = (List<?>) c.call("CONFIG", "GET", pattern);
        Map<String, String> out = new TreeMap<>();
        for (int i = 0; i < l.size(); i += 2) out.put((String) l.get(i), (String) l.get(i + 1));
        return out;
    }

    @Test
    void configGetStarMatchesRedisDefaults() {
        try (Differential d = new Differential()) {
            Map<String, String> real = configGet(d.redisClient(), "*");
            Map<String, String> mine = configGet(d.meridianClient(), "*");
            Set<String> meridianOnly = new TreeSet<>();
            for (Directive x : ConfigTable.all()) if (x.has(Directive.Flag.MERIDIAN)) meridianOnly.add(x.name());
            List<String> problems = new ArrayList<>();
            for (String k : real.keySet()) if (!mine.containsKey(k)) problems.add(k + ": Redis knows it, Meridian does not");
            for (String k : mine.keySet()) {
                if (!real.containsKey(k) && !meridianOnly.contains(k)) problems.add(k + ": not a Redis 7.0.15 directive nor marked MERIDIAN");
            }
            for (String k : real.keySet()) {
                if (!mine.containsKey(k) || INTENDED_DIFFERENCES.containsKey(k)) continue;
                if (!real.get(k).equals(mine.get(k))) problems.add(k + ": redis '" + real.get(k) + "', meridian '" + mine.get(k) + "'");
            }
            if (!problems.isEmpty()) fail(problems.size() + " CONFIG GET * difference(s):\n  " + String.join("\n  ", problems));
        }
    }

    @Test
    void configGetPatternsAndExactNames() {
        try (Differential d = new Differential()) {
            for (String[] args : List.of(new String[]{"maxmemory"}, new String[]{"MAXMEMORY"}, new String[]{"slaveof"},
                    new String[]{"nosuch"}, new String[]{"maxmemory", "maxmemory"}, new String[]{"hz", "maxmemory-policy", "nosuch"},
                    new String[]{"rdb-key-save-delay"}, new String[]{"rename-command"})) {
                String[] cmd = new String[args.length + 2];
                cmd[0] = "CONFIG";
                cmd[1] = "GET";
                System.arraycopy(args, 0, cmd, 2, args.length);
                assertEquals(asMap(d.redisClient().call(cmd)), asMap(d.meridianClient().call(cmd)), String.join(" ", cmd));
            }
            for (String p : List.of("*max-*-entries*", "*slave*", "repl-*", "[a-c]*", "maxmemory*", "?z", "*LISTPACK*", "lazyfree-*")) {
                Map<String, String> mine = configGet(d.meridianClient(), p);
                // Meridian's own directives (repl-log-enabled, ...) are the one intended difference
                for (Directive x : ConfigTable.all()) if (x.has(Directive.Flag.MERIDIAN)) mine.remove(x.name());
                assertEquals(configGet(d.redisClient(), p), mine, "CONFIG GET " + p);
            }
            assertEquals(mergeGets(d.redisClient(), "max*"), mergeGets(d.meridianClient(), "max*"), "several patterns, one map");
            d.resp3();
            Object m = d.meridianClient().call("CONFIG", "GET", "maxmemory", "hz");
            assertEquals(d.redisClient().call("CONFIG", "GET", "maxmemory", "hz"), m);
            assertEquals(LinkedHashMap.class, m.getClass(), "a RESP3 map");
        }
    }

    private static Map<String, String> mergeGets(RespClient c, String pattern) {
        List<?> l = (List<?>) c.call("CONFIG", "GET", pattern, "hz", "maxmemory");
        Map<String, String> out = new TreeMap<>();
        for (int i = 0; i < l.size(); i += 2) out.put((String) l.get(i), (String) l.get(i + 1));
        return out;
    }

    private static Object asMap(Object reply) {
        if (!(reply instanceof List<?> l)) return reply;
        Map<Object, Object> out = new TreeMap<>();
        for (int i = 0; i + 1 < l.size(); i += 2) out.put(l.get(i), l.get(i + 1));
        return out;
    }

    @Test
    void configSetAcceptsAndRefusesWhatRedisDoes() {
        try (Differential d = new Differential()) {
            Map<String, String> defaults = configGet(d.redisClient(), "*");
            Map<String, String> mine = configGet(d.meridianClient(), "*");
            List<String> problems = new ArrayList<>();
            for (String name : defaults.keySet()) {
                if (NOT_PROBED.contains(name) || !mine.containsKey(name)) continue;
                for (String v : PROBES) {
                    Object want = d.redisClient().call("CONFIG", "SET", name, v);
                    Object got = d.meridianClient().call("CONFIG", "SET", name, v);
                    if (!want.equals(got)) {
                        if (problems.stream().anyMatch(x -> x.startsWith("CONFIG SET " + name + " "))) continue;
                        problems.add("CONFIG SET " + name + " '" + v + "': redis " + want + ", meridian " + got);
                    } else {
                        String rv = configGet(d.redisClient(), name).get(name), mv = configGet(d.meridianClient(), name).get(name);
                        if (!rv.equals(mv)) problems.add("after CONFIG SET " + name + " '" + v + "': redis '" + rv + "', meridian '" + mv + "'");
                    }
                    // back to the default on both
                    d.redisClient().call("CONFIG", "SET", name, defaults.get(name));
                    d.meridianClient().call("CONFIG", "SET", name, defaults.get(name));
                }
            }
            if (!problems.isEmpty()) fail(problems.size() + " CONFIG SET difference(s):\n  " + String.join("\n  ", problems));
        }
    }

    @Test
    void configSetErrorsAndAtomicity() {
        try (Differential d = new Differential()) {
            d.script(
                    new String[]{"CONFIG", "SET"},
                    new String[]{"CONFIG", "SET", "hz"},
                    new String[]{"CONFIG", "SET", "hz", "10", "maxmemory-policy"},
                    new String[]{"CONFIG", "SET", "nosuch", "1"},
                    new String[]{"CONFIG", "SET", "hz", "20", "nosuch", "1", "maxclients", "x"},
                    new String[]{"CONFIG", "SET", "hz", "x", "nosuch", "1"},
                    new String[]{"CONFIG", "SET", "daemonize", "yes"},
                    new String[]{"CONFIG", "SET", "databases", "4"},
                    new String[]{"CONFIG", "SET", "enable-debug-command", "no"},
                    new String[]{"CONFIG", "SET", "dir", "/tmp"},
                    new String[]{"CONFIG", "SET", "dbfilename", "x.rdb"},
                    new String[]{"CONFIG", "SET", "replicaof", "127.0.0.1 1"},
                    new String[]{"CONFIG", "SET", "hz", "15", "HZ", "16"},
                    new String[]{"CONFIG", "SET", "slave-priority", "5", "replica-priority", "6"},
                    new String[]{"CONFIG", "SET", "maxmemory-policy", "allkeys-lru", "hz", "abc"},
                    new String[]{"CONFIG", "GET", "maxmemory-policy"},
                    new String[]{"CONFIG", "GET", "hz"},
                    new String[]{"CONFIG", "SET", "maxmemory-policy", "allkeys-lru", "hz", "0", "slowlog-max-len", "7"},
                    new String[]{"CONFIG", "GET", "maxmemory-policy"},
                    new String[]{"CONFIG", "GET", "hz"},
                    new String[]{"CONFIG", "SET", "hz", "100000"},
                    new String[]{"CONFIG", "GET", "hz"},
                    new String[]{"CONFIG", "SET", "save", "100 10 20 2"},
                    new String[]{"CONFIG", "GET", "save"},
                    new String[]{"CONFIG", "SET", "save", "100 10 20"},
                    new String[]{"CONFIG", "SET", "save", ""},
                    new String[]{"CONFIG", "GET", "save"},
                    new String[]{"CONFIG", "SET", "client-output-buffer-limit", "normal 1mb 2mb 3"},
                    new String[]{"CONFIG", "GET", "client-output-buffer-limit"},
                    new String[]{"CONFIG", "SET", "client-output-buffer-limit", "replica 1 2 3 pubsub 4 5 6"},
                    new String[]{"CONFIG", "GET", "client-output-buffer-limit"},
                    new String[]{"CONFIG", "SET", "client-output-buffer-limit", "bogus 1 2 3"},
                    new String[]{"CONFIG", "SET", "client-output-buffer-limit", "normal x 2 3"},
                    new String[]{"CONFIG", "SET", "client-output-buffer-limit", "normal 1 2"},
                    new String[]{"CONFIG", "SET", "notify-keyspace-events", "KEA"},
                    new String[]{"CONFIG", "GET", "notify-keyspace-events"},
                    new String[]{"CONFIG", "SET", "notify-keyspace-events", "xgK$"},
                    new String[]{"CONFIG", "GET", "notify-keyspace-events"},
                    new String[]{"CONFIG", "SET", "notify-keyspace-events", "Q"},
                    new String[]{"CONFIG", "SET", "notify-keyspace-events", ""},
                    new String[]{"CONFIG", "SET", "latency-tracking-info-percentiles", "50.0 99.90 100"},
                    new String[]{"CONFIG", "GET", "latency-tracking-info-percentiles"},
                    new String[]{"CONFIG", "SET", "latency-tracking-info-percentiles", "101"},
                    new String[]{"CONFIG", "SET", "latency-tracking-info-percentiles", "x"},
                    new String[]{"CONFIG", "SET", "latency-tracking-info-percentiles", ""},
                    new String[]{"CONFIG", "GET", "latency-tracking-info-percentiles"},
                    new String[]{"CONFIG", "SET", "maxmemory-clients", "10%"},
                    new String[]{"CONFIG", "GET", "maxmemory-clients"},
                    new String[]{"CONFIG", "SET", "maxmemory-clients", "0"},
                    new String[]{"CONFIG", "SET", "oom-score-adj-values", "1 2"},
                    new String[]{"CONFIG", "SET", "oom-score-adj-values", "1 2 3000"},
                    new String[]{"CONFIG", "SET", "maxmemory", "-1"},
                    new String[]{"CONFIG", "SET", "maxclients", "0"},
                    new String[]{"CONFIG", "SET", "maxclients", "-1"},
                    new String[]{"CONFIG", "SET", "timeout", "-1"},
                    new String[]{"CONFIG", "SET", "proto-max-bulk-len", "1000"},
                    new String[]{"CONFIG", "SET", "requirepass", "a", "requirepass", "b"},
                    new String[]{"CONFIG", "GET", "requirepass"},
                    new String[]{"CONFIG", "REWRITE"},
                    new String[]{"CONFIG", "RESETSTAT", "x"},
                    new String[]{"CONFIG", "RESETSTAT"});
        }
    }

    @Test
    void passwordsNeverReachTheSlowLog() {
        try (Differential d = new Differential()) {
            d.both("CONFIG", "SET", "slowlog-log-slower-than", "0");
            d.both("SLOWLOG", "RESET");
            d.both("CONFIG", "SET", "masterauth", "secret", "hz", "10");
            d.both("CONFIG", "SET", "masterauth", "");
            List<?> m = (List<?>) d.meridianClient().call("SLOWLOG", "GET", "10");
            List<?> r = (List<?>) d.redisClient().call("SLOWLOG", "GET", "10");
            assertEquals(args(r), args(m));
            assertEquals(List.of("CONFIG", "SET", "masterauth", "(redacted)", "hz", "10"), args(m).get(1));
        }
    }

    private static List<List<?>> args(List<?> slowlog) {
        List<List<?>> out = new ArrayList<>();
        for (Object e : slowlog) out.add((List<?>) ((List<?>) e).get(3));
        return out;
    }
}
