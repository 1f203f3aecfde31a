package io.meridian.node.audit;

import io.meridian.node.testing.Differential;
import io.meridian.node.testing.RespClient;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * Keyspace notifications (notify-keyspace-events) compared with a real redis-server: the same
 * script runs on both while a subscriber on each listens to every __keyspace@*__ and
 * __keyevent@*__ channel; the messages (channel, payload, order) must be identical.
 */
class KeyspaceNotificationsTest {

    /** Subscribes, runs the script, then collects messages until the END marker. */
    private static List<String> events(Differential d, String classes, String[]... script) {
        d.check("CONFIG", "SET", "notify-keyspace-events", classes);
        d.check("CONFIG", "GET", "notify-keyspace-events");
        RespClient ms = new RespClient(d.meridian().host(), d.meridian().port());
        RespClient rs = new RespClient(d.redis().host(), d.redis().port());
        try {
            for (RespClient s : List.of(ms, rs)) {
                s.call("PSUBSCRIBE", "__key*__:*");
                s.call("SUBSCRIBE", "END");
            }
            for (String[] cmd : script) d.check(cmd);
            d.check("PUBLISH", "END", "x");
            List<String> expected = drain(rs);
            List<String> actual = drain(ms);
            assertEquals(expected, actual, "keyspace notifications");
            d.assertSameDigest();
            return expected;
        } finally {
            ms.close();
            rs.close();
        }
    }

    private static List<String> drain(RespClient s) {
        List<String> out = new ArrayList<>();
        while (true) {
            List<?> m = (List<?>) s.read();
            if (m.get(0).equals("message") && m.get(1).equals("END")) return out;
            out.add(m.subList(1, m.size()).toString());
        }
    }

    private static String[] c(String... a) {
        return a;
    }

    @Test
    void stringAndGenericEvents() {
        try (Differential d = new Differential()) {
            List<String> ev = events(d, "KEA",
                    c("SET", "s", "v"), c("SET", "s", "v", "EX", "100"), c("SETNX", "s", "w"), c("SETNX", "s2", "w"),
                    c("SETEX", "s3", "10", "x"), c("PSETEX", "s4", "10000", "x"), c("GETSET", "s", "z"),
                    c("MSET", "a", "1", "b", "2"), c("MSETNX", "a", "1", "c", "3"), c("MSETNX", "d", "1", "e", "3"),
                    c("INCR", "a"), c("INCRBY", "a", "5"), c("DECR", "a"), c("DECRBY", "a", "2"), c("INCRBYFLOAT", "b", "1.5"),
                    c("APPEND", "s", "xx"), c("APPEND", "new", "xx"), c("SETRANGE", "s", "1", "Q"), c("SETRANGE", "s", "1", ""),
                    c("GETEX", "s", "EX", "100"), c("GETEX", "s", "PERSIST"), c("GETEX", "s", "PERSIST"), c("GETDEL", "s2"),
                    c("GETEX", "s3", "PXAT", "1"),
                    c("EXPIRE", "a", "100"), c("PEXPIRE", "a", "100000", "NX"), c("EXPIREAT", "a", "1"), c("PERSIST", "b"),
                    c("EXPIRE", "b", "100"), c("PERSIST", "b"),
                    c("RENAME", "b", "b2"), c("RENAMENX", "b2", "c"), c("RENAMENX", "b2", "b3"), c("RENAME", "b3", "b3"),
                    c("COPY", "b3", "b4"), c("COPY", "b3", "b4", "REPLACE"), c("COPY", "b3", "b5", "DB", "2"),
                    c("MOVE", "b4", "3"), c("DEL", "b3", "nokey", "c"), c("UNLINK", "d", "e"), c("SET", "f", "1", "KEEPTTL", "GET"),
                    c("SET", "f", "2", "NX"), c("SET", "f", "2", "XX", "PX", "100000"));
            assertFalse(ev.isEmpty());
        }
    }

    @Test
    void listEvents() {
        try (Differential d = new Differential()) {
            events(d, "KEA",
                    c("LPUSH", "l", "a", "b", "c"), c("RPUSH", "l", "d"), c("LPUSHX", "l", "e"), c("RPUSHX", "nol", "e"),
                    c("LINSERT", "l", "BEFORE", "a", "x"), c("LINSERT", "l", "BEFORE", "zz", "x"), c("LSET", "l", "0", "y"),
                    c("LREM", "l", "0", "x"), c("LPOP", "l"), c("RPOP", "l", "2"), c("LMOVE", "l", "m", "LEFT", "RIGHT"),
                    c("RPOPLPUSH", "l", "m"), c("LTRIM", "m", "0", "-1"), c("LTRIM", "m", "5", "10"),
                    c("RPUSH", "p", "1", "2", "3"), c("LMPOP", "2", "nol", "p", "LEFT", "COUNT", "5"),
                    c("RPUSH", "q", "1"), c("BLPOP", "q", "1"), c("RPUSH", "q", "1", "1"), c("LREM", "q", "0", "1"),
                    c("RPUSH", "r", "1"), c("LMOVE", "r", "r", "LEFT", "LEFT"), c("LMOVE", "r", "r2", "LEFT", "LEFT"));
        }
    }

    @Test
    void hashSetAndSortedSetEvents() {
        try (Differential d = new Differential()) {
            events(d, "KEA",
                    c("HSET", "h", "a", "1", "b", "2"), c("HSETNX", "h", "a", "1"), c("HSETNX", "h", "c", "1"),
                    c("HMSET", "h", "d", "1"), c("HINCRBY", "h", "a", "2"), c("HINCRBYFLOAT", "h", "b", "0.5"),
                    c("HDEL", "h", "zz"), c("HDEL", "h", "a", "b"), c("HDEL", "h", "c", "d"),
                    c("SADD", "s", "a", "b", "c"), c("SADD", "s", "a"), c("SREM", "s", "zz"), c("SREM", "s", "a"),
                    c("SMOVE", "s", "t", "b"), c("SMOVE", "s", "t", "c"), c("SMOVE", "t", "t", "b"),
                    c("SADD", "u", "1"), c("SPOP", "u"), c("SADD", "u", "1", "2", "3"), c("SPOP", "u", "0"), c("SPOP", "u", "5"),
                    c("SADD", "v", "1"), c("SPOP", "v"),
                    c("SADD", "w1", "1", "2"), c("SADD", "w2", "2", "3"), c("SINTERSTORE", "x", "w1", "w2"),
                    c("SUNIONSTORE", "x", "w1", "w2"), c("SDIFFSTORE", "x", "w1", "w1"), c("SINTERSTORE", "x", "w1", "none"),
                    c("SDIFFSTORE", "w1", "w1", "w2"),
                    c("ZADD", "z", "1", "a", "2", "b", "3", "c", "4", "d"), c("ZADD", "z", "1", "a"), c("ZADD", "z", "XX", "5", "a"),
                    c("ZINCRBY", "z", "1", "a"), c("ZADD", "z", "INCR", "1", "a"), c("ZADD", "z", "NX", "INCR", "1", "a"),
                    c("ZREM", "z", "zz"), c("ZREM", "z", "a"), c("ZREMRANGEBYRANK", "z", "5", "9"),
                    c("ZREMRANGEBYSCORE", "z", "2", "2"), c("ZREMRANGEBYLEX", "z", "[c", "[c"),
                    c("ZADD", "y", "1", "a", "2", "b"), c("ZUNIONSTORE", "o", "2", "y", "z"), c("ZINTERSTORE", "o", "2", "y", "z"),
                    c("ZDIFFSTORE", "o", "2", "y", "y"), c("ZRANGESTORE", "o", "y", "0", "-1"), c("ZRANGESTORE", "o", "y", "5", "6"),
                    c("ZPOPMIN", "y"), c("ZPOPMAX", "y", "3"), c("ZADD", "y", "1", "a"), c("BZPOPMIN", "y", "1"),
                    c("ZADD", "y", "1", "a", "2", "b"), c("ZMPOP", "1", "y", "MAX", "COUNT", "9"), c("ZREMRANGEBYRANK", "z", "0", "-1"));
        }
    }

    @Test
    void classesFilter() {
        try (Differential d = new Differential()) {
            // keyevent only, lists and generic only
            events(d, "Elg", c("SET", "s", "v"), c("LPUSH", "l", "a"), c("DEL", "s"), c("RPOP", "l"), c("EXPIRE", "nokey", "1"));
            // keyspace only, strings only
            events(d, "K$", c("SET", "s", "v"), c("DEL", "s"), c("INCR", "n"), c("LPUSH", "l", "a"));
            // nothing when off
            events(d, "", c("SET", "s", "v"), c("DEL", "s"));
        }
    }

    @Test
    void expiredEventFromActiveAndLazyExpiry() throws Exception {
        try (Differential d = new Differential()) {
            d.check("CONFIG", "SET", "notify-keyspace-events", "Ex");
            RespClient ms = new RespClient(d.meridian().host(), d.meridian().port());
            RespClient rs = new RespClient(d.redis().host(), d.redis().port());
            try {
                for (RespClient s : List.of(ms, rs)) s.call("SUBSCRIBE", "__keyevent@0__:expired");
                d.check("SET", "gone", "v", "PX", "50");
                // active expiry (or the lazy one on GET below) deletes it: the event carries the key
                Thread.sleep(300);
                d.check("GET", "gone");
                assertEquals(List.of("message", "__keyevent@0__:expired", "gone"), rs.read());
                assertEquals(List.of("message", "__keyevent@0__:expired", "gone"), ms.read());
            } finally {
                ms.close();
                rs.close();
            }
        }
    }
}
