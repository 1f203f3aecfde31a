package io.meridian.node;

import io.meridian.node.command.AclCategory;
import io.meridian.node.command.CommandFlag;
import io.meridian.node.command.CommandSpec;
import io.meridian.node.testing.RealRedis;
import io.meridian.node.testing.RespClient;
import io.meridian.node.testing.TestNode;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * The command table rows of the string and key families against the real server's
 * COMMAND INFO and COMMAND DOCS: arity, flags, key positions, ACL categories, summary,
 * since and group, subcommands included. Replication, read-only replicas and ACL read these.
 */
class KeyStringCommandTableTest {
    static final List<String> COMMANDS = List.of(
            "get", "set", "getex", "getdel", "getset", "mget", "mset", "msetnx", "incr", "decr", "incrby", "decrby",
            "incrbyfloat", "append", "strlen", "setrange", "getrange", "substr", "setnx", "setex", "psetex", "lcs",
            "del", "unlink", "exists", "type", "rename", "renamenx", "copy", "move", "keys", "scan", "randomkey", "touch",
            "object", "expire", "pexpire", "expireat", "pexpireat", "ttl", "pttl", "expiretime", "pexpiretime", "persist");

    @Test
    void tableMatchesCommandInfo() {
        try (RealRedis redis = RealRedis.start(); RespClient r = new RespClient(redis.host(), redis.port());
             TestNode node = TestNode.start()) {
            for (String name : COMMANDS) {
                List<?> info = (List<?>) ((List<?>) r.call("COMMAND", "INFO", name)).get(0);
                CommandSpec spec = node.node().commands().lookup(name);
                assertNotNull(spec, name);
                compare(info, spec);
                List<?> subs = (List<?>) info.get(9);
                assertEquals(subs.size(), spec.subcommands().size(), name + " subcommands");
                for (Object s : subs) {
                    List<?> sub = (List<?>) s;
                    String subName = ((String) sub.get(0)).substring(name.length() + 1);
                    CommandSpec subSpec = spec.subcommands().get(subName);
                    assertNotNull(subSpec, (String) sub.get(0));
                    compare(sub, subSpec);
                }
                compareDocs(r, name, spec);
            }
        }
    }

    private static void compare(List<?> info, CommandSpec spec) {
        String name = (String) info.get(0);
        assertEquals(name, spec.name());
        assertEquals(info.get(1), (long) spec.arity(), name + " arity");
        TreeSet<String> flags = new TreeSet<>();
        for (Object f : (List<?>) info.get(2)) flags.add(((RespClient.Simple) f).text());
        TreeSet<String> ours = new TreeSet<>();
        for (CommandFlag f : spec.flags()) ours.add(f.word());
        assertEquals(flags, ours, name + " flags");
        assertEquals(info.get(3), (long) spec.firstKey(), name + " first key");
        assertEquals(info.get(4), (long) spec.lastKey(), name + " last key");
        assertEquals(info.get(5), (long) spec.step(), name + " key step");
        TreeSet<String> acl = new TreeSet<>();
        for (Object a : (List<?>) info.get(6)) acl.add(((RespClient.Simple) a).text());
        TreeSet<String> ourAcl = new TreeSet<>();
        for (AclCategory a : spec.categories()) ourAcl.add("@" + a.word());
        assertEquals(acl, ourAcl, name + " ACL categories");
    }

    /** COMMAND INFO compared whole (flags, keys, categories, tips, key specs, subcommands); GETKEYSANDFLAGS per key. */
    @Test
    void commandInfoAndKeyFlagsAreRedis() {
        try (io.meridian.node.testing.Differential d = new io.meridian.node.testing.Differential()) {
            for (String name : COMMANDS) {
                // a container's subcommands come in the order of Redis's randomly seeded dict
                if (!name.equals("object")) d.check("COMMAND", "INFO", name);
            }
            d.check("COMMAND", "INFO", "object|encoding", "object|freq", "object|idletime", "object|refcount", "object|help");
            List<?> real = (List<?>) ((List<?>) d.redisClient().call("COMMAND", "INFO", "object")).get(0);
            List<?> ours = (List<?>) ((List<?>) d.meridianClient().call("COMMAND", "INFO", "object")).get(0);
            assertEquals(real.subList(0, 9), ours.subList(0, 9));
            assertEquals(new java.util.HashSet<>((List<?>) real.get(9)), new java.util.HashSet<>((List<?>) ours.get(9)));
            for (String[] cmd : new String[][]{{"rename", "a", "b"}, {"renamenx", "a", "b"}, {"copy", "a", "b", "DB", "1"},
                    {"set", "k", "v", "GET"}, {"set", "k", "v", "EX", "1"}, {"mset", "a", "1", "b", "2"}, {"msetnx", "a", "1", "b", "2"}, {"lcs", "a", "b"},
                    {"del", "a", "b"}, {"getex", "k", "EX", "1"}, {"object", "encoding", "k"}, {"expire", "k", "1"},
                    {"mget", "a", "b", "c"}, {"append", "k", "v"}, {"getdel", "k"}, {"touch", "a", "b"}}) {
                String[] full = new String[cmd.length + 2];
                full[0] = "COMMAND";
                full[1] = "GETKEYSANDFLAGS";
                System.arraycopy(cmd, 0, full, 2, cmd.length);
                d.check(full);
            }
        }
    }

    private static void compareDocs(RespClient r, String name, CommandSpec spec) {
        List<?> reply = (List<?>) r.call("COMMAND", "DOCS", name);
        List<?> doc = (List<?>) reply.get(1);
        Map<String, Object> fields = new java.util.HashMap<>();
        for (int i = 0; i + 1 < doc.size(); i += 2) fields.put((String) doc.get(i), doc.get(i + 1));
        assertEquals(fields.get("summary"), spec.summary(), name + " summary");
        assertEquals(fields.get("since"), spec.since(), name + " since");
        assertEquals(fields.get("group"), spec.group(), name + " group");
        assertEquals(fields.get("complexity"), spec.complexity(), name + " complexity");
    }
}
