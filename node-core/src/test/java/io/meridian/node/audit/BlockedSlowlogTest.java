package io.meridian.node.audit;

import io.meridian.node.testing.Differential;
import io.meridian.node.testing.RespClient;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A blocked command is logged in SLOWLOG when it is answered (served by a push, timed out,
 * or CLIENT UNBLOCKed), as Redis's updateStatsOnUnblock does: same entries, same order as
 * redis-server's.
 */
class BlockedSlowlogTest {

    private static List<Object> argsOfSlowlog(RespClient c) {
        List<Object> out = new ArrayList<>();
        for (Object e : (List<?>) c.call("SLOWLOG", "GET", "-1")) {
            List<Object> args = new ArrayList<>((List<?>) ((List<?>) e).get(3));
            if (args.size() == 3 && args.get(1).equals("UNBLOCK")) args.set(2, "<id>"); // client ids differ
            out.add(args);
        }
        return out;
    }

    private static void scenario(RespClient admin, RespClient blocker, RespClient blocker2) throws Exception {
        admin.call("CONFIG", "SET", "slowlog-log-slower-than", "0");
        admin.call("SLOWLOG", "RESET");
        blocker.send("BLPOP", "l", "0");
        Thread.sleep(200);
        admin.call("LPUSH", "l", "x");
        assertEquals(List.of("l", "x"), blocker.read());
        blocker.send("BZPOPMIN", "z", "0.2");
        assertEquals(null, blocker.read()); // timed out
        Object id = blocker.call("CLIENT", "ID");
        blocker.send("BLMOVE", "a", "b", "LEFT", "RIGHT", "0");
        Thread.sleep(200);
        admin.call("CLIENT", "UNBLOCK", String.valueOf(id));
        assertEquals(null, blocker.read());
        blocker2.send("BRPOPLPUSH", "q", "r", "0");
        Thread.sleep(200);
        admin.call("RPUSH", "q", "1");
        assertEquals("1", blocker2.read());
    }

    @Test
    void blockedCommandsAreLoggedWhenAnswered() throws Exception {
        try (Differential d = new Differential();
             RespClient mb = new RespClient(d.meridian().host(), d.meridian().port());
             RespClient mb2 = new RespClient(d.meridian().host(), d.meridian().port());
             RespClient rb = new RespClient(d.redis().host(), d.redis().port());
             RespClient rb2 = new RespClient(d.redis().host(), d.redis().port())) {
            scenario(d.redisClient(), rb, rb2);
            scenario(d.meridianClient(), mb, mb2);
            List<Object> expected = argsOfSlowlog(d.redisClient());
            List<Object> actual = argsOfSlowlog(d.meridianClient());
            assertTrue(expected.toString().contains("BLPOP"), expected.toString());
            assertEquals(expected, actual);
            d.assertSameDigest();
        }
    }
}
