package io.meridian.node;

import io.meridian.node.command.AclCategory;
import io.meridian.node.command.CommandFlag;
import io.meridian.node.command.CommandSpec;
import io.meridian.node.testing.RealRedis;
import io.meridian.node.testing.RespClient;
import io.meridian.node.testing.TestNode;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * Arity, flags, key positions and ACL categories of the connection, transaction and pub/sub
 * commands (and every subcommand) exactly as the real redis-server's COMMAND INFO gives them.
 */
class ConnectionCommandSpecTest {
    private static final List<String> COMMANDS = List.of(
            "ping", "echo", "select", "quit", "auth", "hello", "reset", "client",
            "multi", "exec", "discard", "watch", "unwatch",
            "subscribe", "unsubscribe", "psubscribe", "punsubscribe", "publish", "pubsub",
            "ssubscribe", "sunsubscribe", "spublish");
    /** Client-side caching is not offered; these two subcommands are left out on purpose. */
    private static final Set<String> NOT_OFFERED = Set.of("client|tracking", "client|caching");

    @Test
    void specsMatchRedis() {
        try (RealRedis redis = RealRedis.start(); TestNode node = TestNode.start();
             RespClient r = new RespClient(redis.host(), redis.port())) {
            for (String name : COMMANDS) {
                List<?> info = (List<?>) ((List<?>) r.call("COMMAND", "INFO", name)).get(0);
                CommandSpec spec = node.node().commands().lookup(name);
                assertNotNull(spec, name);
                compare(info, spec);
                for (Object sub : (List<?>) info.get(9)) {
                    List<?> s = (List<?>) sub;
                    String full = (String) s.get(0);
                    if (NOT_OFFERED.contains(full)) continue;
                    CommandSpec ss = spec.subcommands().get(full.substring(full.indexOf('|') + 1));
                    assertNotNull(ss, full);
                    compare(s, ss);
                }
            }
        }
    }

    /** COMMAND INFO as Meridian serves it, whole (key specs included), subcommands in any order. */
    @Test
    void commandInfoRepliesMatchRedis() {
        try (io.meridian.node.testing.Differential d = new io.meridian.node.testing.Differential()) {
            for (String name : COMMANDS) {
                List<?> expected = (List<?>) ((List<?>) d.redisClient().call("COMMAND", "INFO", name)).get(0);
                List<?> actual = (List<?>) ((List<?>) d.meridianClient().call("COMMAND", "INFO", name)).get(0);
                assertEquals(expected.size(), actual.size(), name);
                for (int i = 0; i < expected.size(); i++) {
                    if (i == 9) {
                        Set<String> e = new TreeSet<>();
                        for (Object o : (List<?>) expected.get(i)) {
                            if (!NOT_OFFERED.contains(((List<?>) o).get(0))) e.add(o.toString());
                        }
                        Set<String> a = new TreeSet<>();
                        for (Object o : (List<?>) actual.get(i)) a.add(o.toString());
                        assertEquals(e, a, name + " subcommands");
                    } else {
                        assertEquals(expected.get(i), actual.get(i), name + " field " + i);
                    }
                }
            }
        }
    }

    private static void compare(List<?> info, CommandSpec spec) {
        String name = (String) info.get(0);
        assertEquals(name, spec.name());
        assertEquals(info.get(1), (long) spec.arity(), name + " arity");
        Set<String> flags = new TreeSet<>();
        for (Object f : (List<?>) info.get(2)) flags.add(((RespClient.Simple) f).text());
        Set<String> ours = new TreeSet<>();
        for (CommandFlag f : spec.flags()) ours.add(f.word());
        assertEquals(flags, ours, name + " flags");
        assertEquals(info.get(3), (long) spec.firstKey(), name + " first key");
        assertEquals(info.get(4), (long) spec.lastKey(), name + " last key");
        assertEquals(info.get(5), (long) spec.step(), name + " step");
        Set<String> cats = new TreeSet<>();
        for (Object c : (List<?>) info.get(6)) cats.add(((RespClient.Simple) c).text());
        Set<String> ourCats = new TreeSet<>();
        for (AclCategory c : spec.categories()) ourCats.add("@" + c.word());
        assertEquals(cats, ourCats, name + " ACL categories");
    }
}
