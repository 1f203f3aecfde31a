package io.meridian.node.lists;

import io.meridian.node.Node;
import io.meridian.node.server.Client;
import io.meridian.node.testing.Differential;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Byte-exact differential checks on top of {@link Differential}: each command goes to
 * Meridian and to the real redis-server over raw connections and the reply bytes must be
 * identical (so a null bulk and a null array, or RESP2 and RESP3 shapes, are told apart).
 */
final class ExactDiff implements AutoCloseable {
    final Differential d;
    final RawReplies m;
    final RawReplies r;

    ExactDiff() {
        d = new Differential();
        m = new RawReplies(d.meridian().host(), d.meridian().port());
        r = new RawReplies(d.redis().host(), d.redis().port());
    }

    /** Switches both raw connections to RESP3 (HELLO 3; on a node without HELLO yet, the protocol field directly). */
    ExactDiff resp3() {
        r.call("HELLO", "3");
        String reply = m.call("HELLO", "3");
        if (reply.startsWith("-")) {
            Node node = d.meridian().node();
            onLoop(node, () -> {
                List<Client> all = new ArrayList<>(node.clients().values());
                all.get(all.size() - 1).resp = 3; // the raw connection is the newest client
            });
        }
        return this;
    }

    static void onLoop(Node node, Runnable r) {
        try {
            node.loop().submit(r).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    /** Runs cmd on both; asserts the replies are the same bytes; returns Redis's reply text. */
    String check(String... cmd) {
        String expected = r.call(cmd);
        String actual = m.call(cmd);
        assertEquals(show(expected), show(actual), () -> "reply to " + String.join(" ", cmd));
        return expected;
    }

    String check(byte[]... cmd) {
        r.sendRaw(RawReplies.encode(cmd));
        String expected = r.read();
        m.sendRaw(RawReplies.encode(cmd));
        String actual = m.read();
        assertEquals(show(expected), show(actual), () -> "reply to binary " + new String(cmd[0], StandardCharsets.ISO_8859_1));
        return expected;
    }

    void script(String[]... cmds) {
        for (String[] c : cmds) check(c);
    }

    /** Sends to both without comparing. */
    void both(String... cmd) {
        r.call(cmd);
        m.call(cmd);
    }

    /**
     * Asserts both datasets have the same DEBUG DIGEST; while Meridian has no DEBUG command
     * yet its digest is computed in-process by the same code DEBUG DIGEST will use.
     */
    void assertSameDigest() {
        String expected = r.call("DEBUG", "DIGEST");
        String actual = m.call("DEBUG", "DIGEST");
        if (actual.startsWith("-")) {
            Node node = d.meridian().node();
            String[] digest = new String[1];
            onLoop(node, () -> digest[0] = io.meridian.node.rdb.Digest.dataset(node.keyspace()));
            actual = "+" + digest[0] + "\r\n";
        }
        assertEquals(show(expected), show(actual), "DEBUG DIGEST");
    }

    static String show(String raw) {
        return raw.replace("\r\n", "\\r\\n\n");
    }

    @Override
    public void close() {
        m.close();
        r.close();
        d.close();
    }
}
