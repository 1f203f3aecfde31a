package io.meridian.node.ops;

import io.meridian.node.repl.UpstreamLink;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The replica readiness rules on a link whose state the test sets. */
class ReadinessTest {
    static final class FakeLink implements UpstreamLink {
        boolean up = true;
        boolean syncing;
        long lastIo = 1;
        long read = 1000;
        long applied = 1000;
        long downSince = -1;

        @Override public String roleState() { return up ? "connected" : "connect"; }
        @Override public String masterHost() { return "10.0.0.1"; }
        @Override public int masterPort() { return 6379; }
        @Override public boolean linkUp() { return up; }
        @Override public long lastIoSecondsAgo() { return lastIo; }
        @Override public boolean syncInProgress() { return syncing; }
        @Override public long syncTotalBytes() { return 0; }
        @Override public long syncReadBytes() { return 0; }
        @Override public long syncLastIoSecondsAgo() { return 0; }
        @Override public long linkDownSinceSeconds() { return downSince; }
        @Override public long readReplOffset() { return read; }
        @Override public long replOffset() { return applied; }
    }

    @Test
    void aLinkedCaughtUpReplicaIsReady() {
        Readiness.Status s = Readiness.evaluate(new FakeLink(), 30, 1024);
        assertTrue(s.ready(), s.reason());
        assertEquals("replica of 10.0.0.1:6379, link up", s.reason());
    }

    @Test
    void linkDownIsNotReady() {
        FakeLink l = new FakeLink();
        l.up = false;
        l.downSince = 12;
        Readiness.Status s = Readiness.evaluate(l, 30, 1024);
        assertFalse(s.ready());
        assertEquals("link to 10.0.0.1:6379 is connect (down for 12 s)", s.reason());
    }

    @Test
    void aFullSyncInProgressIsNotReady() {
        FakeLink l = new FakeLink();
        l.syncing = true;
        assertFalse(Readiness.evaluate(l, 30, 1024).ready());
    }

    @Test
    void silenceLongerThanTheBoundIsNotReady() {
        FakeLink l = new FakeLink();
        l.lastIo = 30;
        assertTrue(Readiness.evaluate(l, 30, 1024).ready(), "at the bound");
        l.lastIo = 31;
        Readiness.Status s = Readiness.evaluate(l, 30, 1024);
        assertFalse(s.ready());
        assertTrue(s.reason().contains("readiness-max-lag-seconds 30"), s.reason());
    }

    @Test
    void unappliedBytesOverTheBoundAreNotReady() {
        FakeLink l = new FakeLink();
        l.read = 1000 + 1024;
        assertTrue(Readiness.evaluate(l, 30, 1024).ready(), "at the bound");
        l.read = 1000 + 1025;
        Readiness.Status s = Readiness.evaluate(l, 30, 1024);
        assertFalse(s.ready());
        assertEquals("1025 bytes received but not applied (readiness-max-lag-bytes 1024)", s.reason());
        assertTrue(Readiness.evaluate(l, 30, 0).ready(), "0 = unchecked");
    }
}
