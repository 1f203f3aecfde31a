package io.meridian.node.repl.replica;

import io.meridian.node.Node;
import io.meridian.node.repl.ReplicationStream;
import io.meridian.node.server.Client;
import io.meridian.node.testing.TestNode;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static io.meridian.node.repl.replica.ReplTesting.onLoop;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The stream applied as the master client: commands cut anywhere, MULTI/EXEC applied whole
 * and counted only at EXEC, GETACK answered with the offset before it, the applied bytes
 * relayed verbatim into the node's own stream, and bytes that are not RESP refused.
 */
class StreamApplierTest {
    private static TestNode node;

    @BeforeAll
    static void start() {
        node = TestNode.start();
        onLoop(node.node(), () -> {
            node.node().setRole(Node.Role.REPLICA);
            return null;
        });
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    private static String cmd(String... argv) {
        StringBuilder s = new StringBuilder("*" + argv.length + "\r\n");
        for (String a : argv) s.append('$').append(a.length()).append("\r\n").append(a).append("\r\n");
        return s.toString();
    }

    /** An applier starting at the node stream's current offset, relaying into relayed, acks into acks. */
    private record Setup(StreamApplier applier, ByteArrayOutputStream relayed, List<Long> acks, long start) {}

    private static Setup setup() {
        Node n = node.node();
        return onLoop(n, () -> {
            n.dispatcher(); // command thread
            Client m = new Client(n, null, 1000);
            m.kind = 'M';
            m.authenticated = true;
            m.replyOff = true;
            List<Long> acks = new ArrayList<>();
            ByteArrayOutputStream relayed = new ByteArrayOutputStream();
            long start = n.stream().offset();
            n.stream().addListener(new ReplicationStream.Listener() {
                @Override
                public void onAppend(long at, byte[] data) {
                    assertEquals(start + relayed.size(), at);
                    relayed.writeBytes(data);
                }
            });
            return new Setup(new StreamApplier(n, m, start, acks::add), relayed, acks, start);
        });
    }

    private static void apply(Setup s, byte[] bytes, int from, int to) {
        onLoop(node.node(), () -> {
            s.applier().apply(Unpooled.wrappedBuffer(bytes, from, to - from));
            return null;
        });
    }

    private static Object get(String key) {
        Node n = node.node();
        return onLoop(n, () -> {
            var e = n.keyspace().db(0).find(key.getBytes(StandardCharsets.ISO_8859_1));
            return e == null ? null : new String((byte[]) e.value, StandardCharsets.ISO_8859_1);
        });
    }

    @Test
    void commandsCutAnywhereAreAppliedAndRelayedVerbatim() {
        byte[] all = (cmd("SELECT", "0") + cmd("SET", "cut", "x") + cmd("APPEND", "cut", "yz") + "\n" + cmd("PING")
                + cmd("SET", "bin", "a\r\nb")).getBytes(StandardCharsets.ISO_8859_1);
        for (int cut = 1; cut < all.length; cut++) {
            Setup s = setup();
            apply(s, all, 0, cut);
            apply(s, all, cut, all.length);
            assertEquals(s.start() + all.length, s.applier().appliedOffset(), "cut " + cut);
            assertEquals(s.start() + all.length, s.applier().readOffset());
            assertArrayEquals(all, s.relayed().toByteArray(), "cut " + cut);
            assertEquals("xyz", get("cut"));
            assertEquals("a\r\nb", get("bin"));
            assertEquals(0, s.applier().errors());
        }
    }

    @Test
    void aTransactionCountsOnlyOnceItsExecArrives() {
        Setup s = setup();
        byte[] head = (cmd("MULTI") + cmd("SET", "tx", "1") + cmd("INCR", "tx")).getBytes(StandardCharsets.ISO_8859_1);
        byte[] tail = cmd("EXEC").getBytes(StandardCharsets.ISO_8859_1);
        apply(s, head, 0, head.length);
        assertEquals(s.start(), s.applier().appliedOffset(), "nothing applied inside MULTI");
        assertEquals(s.start() + head.length, s.applier().readOffset());
        assertEquals(0, s.relayed().size());
        assertNull(get("tx"));
        apply(s, tail, 0, tail.length);
        assertEquals("2", get("tx"));
        assertEquals(s.start() + head.length + tail.length, s.applier().appliedOffset());
        assertEquals(head.length + tail.length, s.relayed().size());
    }

    @Test
    void getackIsAnsweredWithTheOffsetBeforeIt() {
        Setup s = setup();
        String set = cmd("SET", "a", "1");
        byte[] all = (set + cmd("REPLCONF", "GETACK", "*") + cmd("SET", "a", "2")).getBytes(StandardCharsets.ISO_8859_1);
        apply(s, all, 0, all.length);
        assertEquals(List.of(s.start() + set.length()), s.acks());
        assertEquals(s.start() + all.length, s.applier().appliedOffset(), "GETACK counts in the offset");
        assertEquals("2", get("a"));
    }

    @Test
    void theMastersCommandsSeeKeysTheReplicaHidesAsExpired() {
        Setup s = setup();
        byte[] a = (cmd("SET", "ek", "old") + cmd("PEXPIREAT", "ek", "1")).getBytes(StandardCharsets.ISO_8859_1);
        apply(s, a, 0, a.length);
        assertNull(get("ek"), "hidden from readers once logically expired");
        Node n = node.node();
        assertEquals(1, onLoop(n, () -> n.keyspace().db(0).dict().get("ek".getBytes(StandardCharsets.ISO_8859_1)) != null ? 1 : 0));
        byte[] b = (cmd("APPEND", "ek", "+") + cmd("PERSIST", "ek")).getBytes(StandardCharsets.ISO_8859_1);
        apply(s, b, 0, b.length);
        assertEquals("old+", get("ek"), "the master's APPEND found the key");
        byte[] c = (cmd("PEXPIREAT", "ek", "1") + cmd("DEL", "ek")).getBytes(StandardCharsets.ISO_8859_1);
        apply(s, c, 0, c.length);
        assertEquals(0, onLoop(n, () -> n.keyspace().db(0).dict().get("ek".getBytes(StandardCharsets.ISO_8859_1)) != null ? 1 : 0),
                "the master's DEL removes a key the replica saw as expired");
        assertEquals(0, s.applier().errors());
    }

    @Test
    void errorsOfTheMastersCommandsAreCountedNotSent() {
        Setup s = setup();
        byte[] all = (cmd("SET", "w", "1") + cmd("LPUSH", "w", "x") + cmd("NOSUCHCOMMAND")).getBytes(StandardCharsets.ISO_8859_1);
        apply(s, all, 0, all.length);
        assertEquals(2, s.applier().errors());
        assertEquals(s.start() + all.length, s.applier().appliedOffset());
    }

    @Test
    void bytesThatAreNotRespAreRefused() {
        Setup s = setup();
        byte[] ok = cmd("SET", "p", "1").getBytes(StandardCharsets.ISO_8859_1);
        byte[] bad = "*2\r\n$x\r\n".getBytes(StandardCharsets.ISO_8859_1);
        byte[] all = new byte[ok.length + bad.length];
        System.arraycopy(ok, 0, all, 0, ok.length);
        System.arraycopy(bad, 0, all, ok.length, bad.length);
        Node n = node.node();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> apply(s, all, 0, all.length));
        assertEquals(StreamApplier.ProtocolException.class, rootCause(e).getClass());
        // what came before the damage is applied and relayed
        assertEquals("1", get("p"));
        assertEquals(ok.length, s.relayed().size());
        assertEquals(s.start() + ok.length, onLoop(n, () -> s.applier().appliedOffset()));
    }

    private static Throwable rootCause(Throwable t) {
        while (t.getCause() != null) t = t.getCause();
        return t;
    }
}
