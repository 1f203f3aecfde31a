package io.meridian.node.acl;

import io.meridian.node.testing.Differential;
import io.meridian.node.testing.RespClient;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** ACL commands and permission checks compared with a real redis-server 7.0. */
class AclDifferentialTest {

    /** A second connection to each server, to act as another user. */
    static final class Second implements AutoCloseable {
        final RespClient m, r;

        Second(Differential d) {
            m = new RespClient(d.meridian().host(), d.meridian().port());
            r = new RespClient(d.redis().host(), d.redis().port());
        }

        Object check(String... cmd) {
            Object expected = r.call(cmd);
            Object actual = m.call(cmd);
            assertEquals(expected, actual, () -> "reply to " + String.join(" ", cmd));
            return expected;
        }

        @Override
        public void close() {
            m.close();
            r.close();
        }
    }

    /**
     * Redis lists single-command rules in its command dictionary's hash order (random per
     * process): categories are compared in order, single commands as a sorted set.
     */
    static Object normalize(Object reply) {
        if (reply instanceof List<?> l) {
            List<Object> out = new java.util.ArrayList<>();
            for (Object o : l) out.add(normalize(o));
            return out;
        }
        if (reply instanceof String str && (str.startsWith("-@all") || str.startsWith("+@all") || str.startsWith("user "))) {
            List<String> head = new java.util.ArrayList<>();
            List<String> singles = new java.util.ArrayList<>();
            for (String w : str.split(" ")) {
                boolean single = (w.startsWith("+") || w.startsWith("-")) && !w.startsWith("+@") && !w.startsWith("-@");
                (single ? singles : head).add(w);
            }
            singles.sort(null);
            return String.join(" ", head) + " | " + String.join(" ", singles);
        }
        return reply;
    }

    static void checkNormalized(Differential d, String... cmd) {
        Object expected = normalize(d.redisClient().call(cmd));
        Object actual = normalize(d.meridianClient().call(cmd));
        assertEquals(expected, actual, () -> "reply to " + String.join(" ", cmd));
    }

    @Test
    void setuserGetuserAndListShapes() {
        try (Differential d = new Differential()) {
            checkNormalized(d, "ACL", "GETUSER", "default");
            checkNormalized(d, "ACL", "LIST");
            d.check("ACL", "USERS");
            d.check("ACL", "WHOAMI");
            checkNormalized(d, "ACL", "GETUSER", "nobody");
            d.check("ACL", "SETUSER", "alice", "on", ">pw", "~k*", "%R~r*", "%W~w*", "%RW~b*", "&ch*", "+@string", "-get");
            checkNormalized(d, "ACL", "GETUSER", "alice");
            d.check("ACL", "SETUSER", "u1", "reset");
            checkNormalized(d, "ACL", "GETUSER", "u1");
            d.check("ACL", "SETUSER", "u2", "on", "nopass", "allkeys", "allcommands", "allchannels");
            checkNormalized(d, "ACL", "GETUSER", "u2");
            d.check("ACL", "SETUSER", "u3", "on", "+@all", "-@dangerous", "+@hash", "-hset");
            checkNormalized(d, "ACL", "GETUSER", "u3");
            d.check("ACL", "SETUSER", "u4", "+acl|whoami");
            checkNormalized(d, "ACL", "GETUSER", "u4");
            d.check("ACL", "SETUSER", "u5", "+config", "-config|set");
            checkNormalized(d, "ACL", "GETUSER", "u5");
            d.check("ACL", "SETUSER", "u6", "skip-sanitize-payload", "+@hash", "+@string", "-hget", "-@write");
            checkNormalized(d, "ACL", "GETUSER", "u6");
            d.check("ACL", "SETUSER", "u7", "#34344e4d60c2b6d639b7bd22e18f2b0b91bc34bf0ac5f9952744435093cfb4e6", ">x", "<x");
            checkNormalized(d, "ACL", "GETUSER", "u7");
            d.check("ACL", "SETUSER", "u7", "!34344e4d60c2b6d639b7bd22e18f2b0b91bc34bf0ac5f9952744435093cfb4e6", "+select|0");
            checkNormalized(d, "ACL", "GETUSER", "u7");
            d.check("ACL", "SETUSER", "u8", "on", "+@all", "-@all", "+get");
            checkNormalized(d, "ACL", "GETUSER", "u8");
            checkNormalized(d, "ACL", "LIST");
            d.check("ACL", "USERS");
            d.resp3();
            checkNormalized(d, "ACL", "GETUSER", "alice");
            checkNormalized(d, "ACL", "GETUSER", "default");
        }
    }

    @Test
    void setuserErrors() {
        try (Differential d = new Differential()) {
            d.check("ACL", "SETUSER", "x", "on", "allkeys", "~x");
            d.check("ACL", "SETUSER", "x", "#abc");
            d.check("ACL", "SETUSER", "x", "+foo");
            d.check("ACL", "SETUSER", "x", "+@foo");
            d.check("ACL", "SETUSER", "x", "<nope");
            d.check("ACL", "SETUSER", "x", "&a", "allchannels", "&b");
            d.check("ACL", "SETUSER", "x", "bogus");
            d.check("ACL", "SETUSER", "x", "%X~a");
            d.check("ACL", "SETUSER", "x", "+config|nosuch");
            d.check("ACL", "USERS");
            d.check("ACL", "SETUSER");
            checkNormalized(d, "ACL", "GETUSER");
            d.check("ACL", "DELUSER", "default");
            d.check("ACL", "DELUSER", "x", "nobody");
            d.check("ACL", "SETUSER", "y");
            d.check("ACL", "DELUSER", "y", "nobody");
            d.check("ACL", "USERS");
            d.check("ACL", "NOSUCH");
            d.check("ACL", "GENPASS", "0");
            d.check("ACL", "GENPASS", "5000");
            d.check("ACL", "GENPASS", "abc");
            d.check("ACL", "LOAD");
            d.check("ACL", "SAVE");
            d.check("ACL", "HELP");
            d.check("ACL", "LOG", "-1");
            d.check("ACL", "LOG", "x");
            d.check("ACL", "CAT", "nosuch");
        }
    }

    @Test
    void genpassLengths() {
        try (Differential d = new Differential()) {
            for (String bits : List.of("1", "4", "5", "128", "256", "4096")) {
                Object r = d.redisClient().call("ACL", "GENPASS", bits);
                Object m = d.meridianClient().call("ACL", "GENPASS", bits);
                assertEquals(String.valueOf(r).length(), String.valueOf(m).length(), bits);
                assertTrue(String.valueOf(m).matches("[0-9a-f]+"));
            }
            assertEquals(64, String.valueOf(d.meridianClient().call("ACL", "GENPASS")).length());
        }
    }

    @Test
    void catMatchesRealRedis() {
        try (Differential d = new Differential()) {
            d.check("ACL", "CAT");
            for (String cat : List.of("keyspace", "read", "write", "set", "sortedset", "list", "hash", "string",
                    "pubsub", "admin", "fast", "slow", "blocking", "dangerous", "connection", "transaction")) {
                List<?> real = (List<?>) d.redisClient().call("ACL", "CAT", cat);
                List<String> expected = new java.util.ArrayList<>();
                for (Object o : real) {
                    String name = String.valueOf(o);
                    String[] parts = name.split("\\|");
                    Object info = parts.length == 1 ? d.meridianClient().call("COMMAND", "INFO", name)
                            : d.meridianClient().call("COMMAND", "INFO", parts[0]);
                    boolean known = info instanceof List<?> l && !l.isEmpty() && l.get(0) != null;
                    if (known && parts.length == 2) {
                        known = String.valueOf(info).contains("[" + name + ", ");
                    }
                    if (known) expected.add(name);
                }
                List<String> actual = new java.util.ArrayList<>();
                for (Object o : (List<?>) d.meridianClient().call("ACL", "CAT", cat)) actual.add(String.valueOf(o));
                actual.remove("waitaof"); // Redis 7.2's, offered ahead of the 7.0.15 reference
                expected.sort(null);
                actual.sort(null);
                assertEquals(expected, actual, cat);
            }
        }
    }

    @Test
    void nopermTextsAndDryrun() {
        try (Differential d = new Differential(); Second s = new Second(d)) {
            d.check("ACL", "SETUSER", "alice", "on", ">pw", "~k*", "%R~r*", "%W~w*", "&ch*", "+@string", "+@keyspace",
                    "-get", "+config|get", "+publish", "+subscribe", "+psubscribe", "+multi", "+exec");
            s.check("AUTH", "alice", "wrong");
            s.check("AUTH", "nobody", "pw");
            s.check("AUTH", "alice", "pw");
            s.check("ACL", "WHOAMI");
            s.check("GET", "k1");
            s.check("SET", "k1", "v");
            s.check("SET", "z", "v");
            s.check("STRLEN", "r1");
            s.check("SET", "r1", "v");
            s.check("SET", "w1", "v");
            s.check("STRLEN", "w1");
            s.check("EXISTS", "w1", "r1", "zz");
            s.check("MSET", "k1", "a", "z1", "b");
            s.check("CONFIG", "GET", "maxmemory");
            s.check("CONFIG", "SET", "maxmemory", "0");
            s.check("PUBLISH", "ch1", "m");
            s.check("PUBLISH", "other", "m");
            s.check("HSET", "k1", "a", "b");
            s.check("MULTI");
            s.check("SET", "z", "1");
            s.check("HGET", "k1", "a");
            s.check("SET", "k2", "1");
            s.check("EXEC");
            d.check("ACL", "DRYRUN", "alice", "set", "k1", "v");
            d.check("ACL", "DRYRUN", "alice", "get", "k1");
            d.check("ACL", "DRYRUN", "alice", "set", "z", "v");
            d.check("ACL", "DRYRUN", "alice", "publish", "zz", "v");
            d.check("ACL", "DRYRUN", "alice", "config", "get", "x");
            d.check("ACL", "DRYRUN", "alice", "config", "set", "x", "y");
            d.check("ACL", "DRYRUN", "nobody", "get", "x");
            d.check("ACL", "DRYRUN", "alice", "nosuch");
            d.check("ACL", "DRYRUN", "alice", "get");
            d.check("ACL", "DRYRUN", "alice", "set", "r1", "v");
            d.check("ACL", "DRYRUN", "alice", "strlen", "w1");
            s.check("SUBSCRIBE", "ch1", "x");
        }
    }

    @Test
    void aclLogEntries() {
        try (Differential d = new Differential(); Second s = new Second(d)) {
            d.check("ACL", "SETUSER", "bob", "on", "nopass", "+get", "+set", "~k*");
            s.check("AUTH", "bob", "x");
            s.check("SET", "z", "1");
            s.check("HSET", "k", "a", "b");
            s.check("HSET", "k", "a", "b");
            s.check("AUTH", "bob", "x");
            s.check("AUTH", "nosuch", "x");
            s.check("MULTI");
            s.check("SET", "q", "1");
            s.check("DISCARD");
            List<?> rl = (List<?>) d.redisClient().call("ACL", "LOG");
            List<?> ml = (List<?>) d.meridianClient().call("ACL", "LOG");
            assertEquals(rl.size(), ml.size());
            for (int i = 0; i < rl.size(); i++) {
                List<?> re = (List<?>) rl.get(i);
                List<?> me = (List<?>) ml.get(i);
                assertEquals(re.size(), me.size());
                for (int j = 0; j < re.size(); j += 2) {
                    assertEquals(re.get(j), me.get(j));
                    if (re.get(j).equals("age-seconds") || re.get(j).equals("client-info")) continue;
                    assertEquals(re.get(j + 1), me.get(j + 1), "entry " + i + " " + re.get(j));
                }
                String info = String.valueOf(me.get(13));
                assertTrue(info.contains("user=bob") || info.contains("user=default"), info);
            }
            assertEquals(1, ((List<?>) d.meridianClient().call("ACL", "LOG", "1")).size());
            d.check("ACL", "LOG", "RESET");
            d.check("ACL", "LOG");
        }
    }

    @Test
    void deluserDisconnectsItsClients() {
        try (Differential d = new Differential(); Second s = new Second(d)) {
            d.check("ACL", "SETUSER", "carol", "on", ">pw", "+@all", "~*");
            s.check("AUTH", "carol", "pw");
            s.check("PING");
            d.check("ACL", "DELUSER", "carol");
            assertTrue(s.m.isClosedByServer(5000));
            assertTrue(s.r.isClosedByServer(5000));
        }
    }

    @Test
    void requirepassDrivesTheDefaultUser() {
        try (Differential d = new Differential("--requirepass", "secret"); Second s = new Second(d)) {
            s.check("GET", "x");
            s.check("ACL", "WHOAMI");
            s.check("HELLO", "3");
            s.check("AUTH", "bad");
            s.check("AUTH", "secret");
            s.check("ACL", "GETUSER", "default");
            s.check("ACL", "LIST");
            s.check("CONFIG", "SET", "requirepass", "other");
            s.check("ACL", "LIST");
            s.check("CONFIG", "SET", "requirepass", "");
            s.check("ACL", "LIST");
            Map<String, String> unused = Map.of();
            assertTrue(unused.isEmpty());
        }
    }
}
