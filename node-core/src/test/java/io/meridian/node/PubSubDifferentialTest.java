package io.meridian.node;

import io.meridian.node.testing.Differential;
import io.meridian.node.testing.RespClient;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Pub/sub replies, pushes and errors against the real redis-server, in RESP2 and RESP3. */
class PubSubDifferentialTest {
    /** Sends one command to both servers and compares the n replies (pushes) it produces. */
    private static void checkN(Differential d, int n, String... cmd) {
        d.meridianClient().send(cmd);
        d.redisClient().send(cmd);
        for (int i = 0; i < n; i++) {
            assertEquals(d.redisClient().read(), d.meridianClient().read(), "reply " + i + " to " + String.join(" ", cmd));
        }
    }

    private static void both(RespClient m, RespClient r, String... cmd) {
        assertEquals(r.call(cmd), m.call(cmd), String.join(" ", cmd));
    }

    private static List<String> sorted(Object reply) {
        List<String> l = new ArrayList<>();
        for (Object o : (List<?>) reply) l.add(String.valueOf(o));
        l.sort(null);
        return l;
    }

    private static void readBoth(Differential d, String what) {
        assertEquals(d.redisClient().read(), d.meridianClient().read(), what);
    }

    @Test
    void subscribeContextInResp2() {
        try (Differential d = new Differential()) {
            checkN(d, 3, "SUBSCRIBE", "a", "b", "a");
            checkN(d, 2, "PSUBSCRIBE", "h?llo", "news.*");
            d.script(
                    new String[]{"PING"},
                    new String[]{"PING", "x"},
                    new String[]{"GET", "k"},
                    new String[]{"SET", "k", "v"},
                    new String[]{"MULTI"},
                    new String[]{"CLIENT", "ID"},
                    new String[]{"NOSUCHCMD"},
                    new String[]{"SUBSCRIBE"},
                    new String[]{"PUBSUB", "NUMPAT"});
            checkN(d, 1, "UNSUBSCRIBE", "a");
            checkN(d, 2, "UNSUBSCRIBE", "nope", "b");
            checkN(d, 1, "UNSUBSCRIBE");
            d.check("GET", "k"); // still in pub/sub mode: two patterns left
            checkN(d, 1, "PUNSUBSCRIBE", "h?llo");
            checkN(d, 1, "PUNSUBSCRIBE", "news.*");
            checkN(d, 1, "PUNSUBSCRIBE");
            d.script(new String[]{"PING"}, new String[]{"GET", "k"});
            checkN(d, 1, "SSUBSCRIBE", "s1");
            d.check("GET", "k");
            checkN(d, 1, "SUNSUBSCRIBE");
            checkN(d, 1, "SUNSUBSCRIBE");
            d.check("PING");
        }
    }

    @Test
    void publishDeliversToChannelsAndPatterns() {
        try (Differential d = new Differential();
             RespClient m2 = new RespClient(d.meridian().host(), d.meridian().port());
             RespClient r2 = new RespClient(d.redis().host(), d.redis().port())) {
            both(m2, r2, "PUBLISH", "news.it", "nobody");
            checkN(d, 1, "SUBSCRIBE", "news.it");
            checkN(d, 1, "PSUBSCRIBE", "news.*");
            both(m2, r2, "PUBLISH", "news.it", "hello");
            readBoth(d, "message");
            readBoth(d, "pmessage");
            both(m2, r2, "PUBLISH", "news.sport", "goal");
            readBoth(d, "pmessage only");
            both(m2, r2, "PUBLISH", "other", "x");
            both(m2, r2, "PUBSUB", "NUMSUB", "news.it", "news.sport", "other");
            both(m2, r2, "PUBSUB", "NUMPAT");
            both(m2, r2, "PUBSUB", "CHANNELS");
            both(m2, r2, "PUBSUB", "CHANNELS", "news.*");
            both(m2, r2, "PUBSUB", "CHANNELS", "x*");
            byte[] bin = {0, (byte) 0xff, '\r', '\n'};
            d.check(new byte[][]{"SUBSCRIBE".getBytes(), bin});
            assertEquals(r2.call(new byte[][]{"PUBLISH".getBytes(), bin, bin}), m2.call(new byte[][]{"PUBLISH".getBytes(), bin, bin}));
            readBoth(d, "binary message");
            // PUBLISH is not a subscriber command: in RESP2 a subscriber cannot publish
            d.check("PUBLISH", "news.it", "self");
            d.meridianClient().sendBytes("UNSUBSCRIBE".getBytes(), "news.it".getBytes(), bin);
            d.redisClient().sendBytes("UNSUBSCRIBE".getBytes(), "news.it".getBytes(), bin);
            readBoth(d, "unsubscribe news.it");
            readBoth(d, "unsubscribe binary");
            both(m2, r2, "PUBLISH", "news.it", "to pattern only");
            readBoth(d, "pattern still there");
            both(m2, r2, "SPUBLISH", "news.it", "shard");
        }
    }

    @Test
    void shardChannels() {
        try (Differential d = new Differential();
             RespClient m2 = new RespClient(d.meridian().host(), d.meridian().port());
             RespClient r2 = new RespClient(d.redis().host(), d.redis().port())) {
            checkN(d, 2, "SSUBSCRIBE", "s1", "s2");
            checkN(d, 1, "SUBSCRIBE", "s1");
            checkN(d, 1, "PSUBSCRIBE", "s*");
            both(m2, r2, "SPUBLISH", "s1", "m");
            readBoth(d, "smessage");
            both(m2, r2, "PUBLISH", "s1", "m2");
            readBoth(d, "message");
            readBoth(d, "pmessage");
            assertEquals(sorted(r2.call("PUBSUB", "SHARDCHANNELS")), sorted(m2.call("PUBSUB", "SHARDCHANNELS")));
            both(m2, r2, "PUBSUB", "SHARDCHANNELS", "s1");
            both(m2, r2, "PUBSUB", "SHARDNUMSUB", "s1", "zz");
            both(m2, r2, "PUBSUB", "SHARDNUMSUB");
            checkN(d, 1, "SUNSUBSCRIBE", "s2");
            checkN(d, 1, "SUNSUBSCRIBE", "s1");
            checkN(d, 1, "SUNSUBSCRIBE", "s1");
            both(m2, r2, "PUBSUB", "SHARDNUMSUB", "s1");
            both(m2, r2, "MULTI");
            both(m2, r2, "SSUBSCRIBE", "x");
            both(m2, r2, "EXEC");
        }
    }

    @Test
    void pubsubIntrospectionErrors() {
        try (Differential d = new Differential()) {
            d.script(
                    new String[]{"PUBSUB"},
                    new String[]{"PUBSUB", "FOO"},
                    new String[]{"PUBSUB", "HELP"},
                    new String[]{"PUBSUB", "HELP", "x"},
                    new String[]{"PUBSUB", "CHANNELS"},
                    new String[]{"PUBSUB", "CHANNELS", "a", "b"},
                    new String[]{"PUBSUB", "SHARDCHANNELS", "a", "b"},
                    new String[]{"PUBSUB", "NUMSUB"},
                    new String[]{"PUBSUB", "NUMPAT", "x"},
                    new String[]{"PUBLISH", "a"},
                    new String[]{"PUBLISH", "a", "b", "c"},
                    new String[]{"SPUBLISH", "a"},
                    new String[]{"SUBSCRIBE"},
                    new String[]{"PSUBSCRIBE"},
                    new String[]{"SSUBSCRIBE"});
        }
    }

    @Test
    void resp3PushesAndFullCommandSet() {
        try (Differential d = new Differential();
             RespClient m2 = new RespClient(d.meridian().host(), d.meridian().port());
             RespClient r2 = new RespClient(d.redis().host(), d.redis().port())) {
            d.resp3();
            checkN(d, 1, "UNSUBSCRIBE");
            checkN(d, 1, "PUNSUBSCRIBE");
            checkN(d, 2, "SUBSCRIBE", "a", "b");
            checkN(d, 1, "PSUBSCRIBE", "*");
            d.script(
                    new String[]{"PING"},
                    new String[]{"PING", "x"},
                    new String[]{"SET", "k", "v"},
                    new String[]{"GET", "k"},
                    new String[]{"PUBLISH", "zzz", "from-subscriber"});
            both(m2, r2, "PUBLISH", "a", "hello");
            readBoth(d, "message push");
            readBoth(d, "pmessage push");
            checkN(d, 1, "UNSUBSCRIBE", "b");
            checkN(d, 1, "UNSUBSCRIBE", "a");
            checkN(d, 1, "PUNSUBSCRIBE", "*");
            d.check("PING");
        }
    }

    @Test
    void pushesBypassClientReplyOff() {
        try (Differential d = new Differential();
             RespClient m2 = new RespClient(d.meridian().host(), d.meridian().port());
             RespClient r2 = new RespClient(d.redis().host(), d.redis().port())) {
            for (RespClient c : List.of(d.meridianClient(), d.redisClient())) {
                c.send("CLIENT", "REPLY", "OFF");
                c.send("SUBSCRIBE", "ch");
            }
            readBoth(d, "subscribe confirmation despite REPLY OFF");
            both(m2, r2, "PUBLISH", "ch", "m");
            readBoth(d, "message despite REPLY OFF");
            for (RespClient c : List.of(d.meridianClient(), d.redisClient())) {
                c.send("PING"); // silenced
                c.send("UNSUBSCRIBE");
                c.send("CLIENT", "REPLY", "ON");
            }
            readBoth(d, "unsubscribe confirmation");
            readBoth(d, "CLIENT REPLY ON");
        }
    }

    @Test
    void manySubscribersCounted() throws InterruptedException {
        try (Differential d = new Differential()) {
            List<RespClient> subs = new ArrayList<>();
            try {
                for (int i = 0; i < 5; i++) {
                    RespClient m = new RespClient(d.meridian().host(), d.meridian().port());
                    RespClient r = new RespClient(d.redis().host(), d.redis().port());
                    subs.add(m);
                    subs.add(r);
                    both(m, r, "SUBSCRIBE", "room");
                }
                d.check("PUBLISH", "room", "hi");
                d.check("PUBSUB", "NUMSUB", "room");
                for (RespClient s : subs) assertEquals(List.of("message", "room", "hi"), s.read());
            } finally {
                for (RespClient s : subs) s.close();
            }
            // disconnected subscribers are gone
            long deadline = System.currentTimeMillis() + 5000;
            while (!d.meridianClient().call("PUBSUB", "NUMSUB", "room").equals(List.of("room", 0L))
                    && System.currentTimeMillis() < deadline) {
                Thread.sleep(20);
            }
            d.check("PUBLISH", "room", "nobody");
        }
    }
}
