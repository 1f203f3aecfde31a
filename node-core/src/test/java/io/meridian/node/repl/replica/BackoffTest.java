package io.meridian.node.repl.replica;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Reconnection delays on a given clock: doubling to the cap, reset by a working link. */
class BackoffTest {
    @Test
    void doublesUpToTheCapAndStartsOverAfterASuccess() {
        Backoff b = new Backoff(1000, 10_000);
        assertTrue(b.ready(0));
        assertEquals(1000, b.failed(0));
        assertFalse(b.ready(999));
        assertTrue(b.ready(1000));
        assertEquals(2000, b.failed(1000));
        assertEquals(4000, b.failed(3000));
        assertEquals(8000, b.failed(7000));
        assertEquals(10_000, b.failed(15_000));
        for (int i = 0; i < 100; i++) assertEquals(10_000, b.failed(0));
        assertFalse(b.ready(5000));
        b.retryNow();
        assertTrue(b.ready(5000));
        b.succeeded();
        assertEquals(0, b.failures());
        assertEquals(1000, b.failed(50_000));
    }

    @Test
    void statesAreRedisesInRedisesOrder() {
        assertEquals(ReplState.values()[0], ReplState.NONE);
        assertEquals(ReplState.values()[ReplState.values().length - 1], ReplState.CONNECTED);
        for (ReplState s : ReplState.values()) {
            boolean handshake = s.ordinal() >= ReplState.RECEIVE_PING_REPLY.ordinal() && s.ordinal() <= ReplState.RECEIVE_PSYNC_REPLY.ordinal();
            assertEquals(handshake, s.inHandshake(), s.name());
            assertEquals(handshake ? "handshake" : s.roleName(), s.roleName());
        }
        assertEquals("sync", ReplState.TRANSFER.roleName());
        assertEquals("connect", ReplState.CONNECT.roleName());
    }
}
