package io.meridian.node.lists;

import io.meridian.node.command.AclCategory;
import io.meridian.node.command.CommandFlag;
import io.meridian.node.command.CommandSpec;
import io.meridian.node.testing.RealRedis;
import io.meridian.node.testing.RespClient;
import io.meridian.node.testing.TestNode;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * The list commands' rows of the command table against the real server's COMMAND INFO and
 * COMMAND DOCS: arity, flags, key positions, ACL categories, the flags of the (first) key
 * spec, summary, since, group and complexity.
 */
class ListCommandTableTest {
    static final List<String> COMMANDS = List.of("lpush", "rpush", "lpushx", "rpushx", "lpop", "rpop", "llen", "lrange",
            "lindex", "lset", "linsert", "lrem", "ltrim", "lpos", "rpoplpush", "lmove", "lmpop", "blpop", "brpop",
            "brpoplpush", "blmove", "blmpop");

    @Test
    void tableMatchesCommandInfoAndDocs() {
        try (RealRedis redis = RealRedis.start(); RespClient r = new RespClient(redis.host(), redis.port());
             TestNode node = TestNode.start(); RespClient m = new RespClient(node.host(), node.port())) {
            for (String name : COMMANDS) {
                List<?> info = (List<?>) ((List<?>) r.call("COMMAND", "INFO", name)).get(0);
                CommandSpec spec = node.node().commands().lookup(name);
                assertNotNull(spec, name);
                assertEquals(info.get(1), (long) spec.arity(), name + " arity");
                assertEquals(words(info.get(2)), flagWords(spec), name + " flags");
                assertEquals(info.get(3), (long) spec.firstKey(), name + " first key");
                assertEquals(info.get(4), (long) spec.lastKey(), name + " last key");
                assertEquals(info.get(5), (long) spec.step(), name + " key step");
                assertEquals(words(info.get(6)), aclWords(spec), name + " ACL categories");
                List<?> ours = (List<?>) ((List<?>) m.call("COMMAND", "INFO", name)).get(0);
                assertEquals(firstKeySpecFlags(info), firstKeySpecFlags(ours), name + " key spec flags");
                Map<String, Object> docs = docs(r, name);
                assertEquals(docs.get("summary"), spec.summary(), name + " summary");
                assertEquals(docs.get("since"), spec.since(), name + " since");
                assertEquals(docs.get("group"), spec.group(), name + " group");
                assertEquals(docs.get("complexity"), spec.complexity(), name + " complexity");
            }
            assertEquals(List.of("k1", "k2"), m.call("COMMAND", "GETKEYS", "LMPOP", "2", "k1", "k2", "LEFT"));
            assertEquals(List.of("k1"), m.call("COMMAND", "GETKEYS", "BLMPOP", "0", "1", "k1", "RIGHT", "COUNT", "2"));
            assertEquals(r.call("COMMAND", "GETKEYS", "BLPOP", "a", "b", "0"), m.call("COMMAND", "GETKEYS", "BLPOP", "a", "b", "0"));
            assertEquals(r.call("COMMAND", "GETKEYS", "LMOVE", "a", "b", "LEFT", "RIGHT"),
                    m.call("COMMAND", "GETKEYS", "LMOVE", "a", "b", "LEFT", "RIGHT"));
        }
    }

    private static TreeSet<String> words(Object reply) {
        TreeSet<String> s = new TreeSet<>();
        for (Object o : (List<?>) reply) s.add(o instanceof RespClient.Simple t ? t.text() : String.valueOf(o));
        return s;
    }

    private static TreeSet<String> flagWords(CommandSpec spec) {
        TreeSet<String> s = new TreeSet<>();
        for (CommandFlag f : spec.flags()) s.add(f.word());
        return s;
    }

    private static TreeSet<String> aclWords(CommandSpec spec) {
        TreeSet<String> s = new TreeSet<>();
        for (AclCategory a : spec.categories()) s.add("@" + a.word());
        return s;
    }

    /** The "flags" of the first key spec in a COMMAND INFO entry (RESP2: a flat field/value list). */
    private static TreeSet<String> firstKeySpecFlags(List<?> info) {
        List<?> specs = (List<?>) info.get(8);
        List<?> first = (List<?>) specs.get(0);
        for (int i = 0; i + 1 < first.size(); i += 2) {
            if ("flags".equals(first.get(i))) return words(first.get(i + 1));
        }
        throw new AssertionError("no flags in key spec " + first);
    }

    private static Map<String, Object> docs(RespClient r, String name) {
        List<?> doc = (List<?>) ((List<?>) r.call("COMMAND", "DOCS", name)).get(1);
        Map<String, Object> fields = new HashMap<>();
        for (int i = 0; i + 1 < doc.size(); i += 2) fields.put((String) doc.get(i), doc.get(i + 1));
        return fields;
    }
}
