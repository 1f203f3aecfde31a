package io.meridian.node;

import io.meridian.node.testing.Differential;
import org.junit.jupiter.api.Test;

import java.util.List;

/**
 * The hash and set rows of the command table against the real server: COMMAND INFO whole
 * (arity, flags, key positions, ACL categories, tips, key specs incl. SINTERCARD's keynum),
 * COMMAND DOCS summary/since/group/complexity, and COMMAND GETKEYS(ANDFLAGS) per key.
 */
class HashSetCommandTableTest {
    static final List<String> COMMANDS = List.of(
            "hset", "hsetnx", "hmset", "hget", "hmget", "hdel", "hlen", "hstrlen", "hexists", "hkeys", "hvals", "hgetall",
            "hincrby", "hincrbyfloat", "hrandfield", "hscan",
            "sadd", "srem", "smembers", "sismember", "smismember", "scard", "spop", "srandmember", "smove", "sinter",
            "sintercard", "sinterstore", "sunion", "sunionstore", "sdiff", "sdiffstore", "sscan");

    @Test
    void commandInfoAndDocsMatchRedis() {
        try (Differential d = new Differential()) {
            for (String name : COMMANDS) {
                d.check("COMMAND", "INFO", name);
                @SuppressWarnings("unchecked")
                List<Object> docs = (List<Object>) ((List<Object>) d.redisClient().call("COMMAND", "DOCS", name)).get(1);
                @SuppressWarnings("unchecked")
                List<Object> ours = (List<Object>) ((List<Object>) d.meridianClient().call("COMMAND", "DOCS", name)).get(1);
                for (String field : List.of("summary", "since", "group", "complexity")) {
                    org.junit.jupiter.api.Assertions.assertEquals(docs.get(docs.indexOf(field) + 1), ours.get(ours.indexOf(field) + 1),
                            name + " " + field);
                }
            }
            d.resp3();
            d.check("COMMAND", "INFO", "sintercard", "smove", "sinterstore", "hset");
        }
    }

    @Test
    void getKeys() {
        try (Differential d = new Differential()) {
            String[][] cmds = {{"HSET", "h", "f", "v"}, {"SMOVE", "a", "b", "m"}, {"SINTERSTORE", "d", "a", "b", "c"},
                    {"SUNIONSTORE", "d", "a"}, {"SDIFF", "a", "b"}, {"SINTERCARD", "2", "a", "b", "LIMIT", "1"},
                    {"SINTERCARD", "3", "a", "b"}, {"SINTERCARD", "0", "a"}, {"SINTERCARD", "x", "a"}, {"SPOP", "s", "2"},
                    {"HSCAN", "h", "0"}, {"SINTERCARD", "1"}};
            for (String[] c : cmds) {
                String[] keys = new String[c.length + 2];
                keys[0] = "COMMAND";
                keys[1] = "GETKEYS";
                System.arraycopy(c, 0, keys, 2, c.length);
                d.check(keys);
                keys[1] = "GETKEYSANDFLAGS";
                d.check(keys);
            }
        }
    }
}
