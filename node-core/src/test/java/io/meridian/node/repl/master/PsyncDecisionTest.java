package io.meridian.node.repl.master;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** masterTryPartialResynchronization's rules: replid, replid2 up to second_repl_offset, the backlog's range. */
class PsyncDecisionTest {
    private static final String ID = "a".repeat(40);
    private static final String ID2 = "b".repeat(40);

    /** A master at offset 1000 whose backlog holds bytes 400..999 (0-based), promoted at 801 from ID2. */
    private static PsyncDecision ask(String replid, long offset) {
        return PsyncDecision.decide(replid, offset, ID, ID2, 801, true, 400, 1000, "10.0.0.1:6380");
    }

    @Test
    void continuesInsideTheBacklog() {
        PsyncDecision d = ask(ID, 401);
        assertTrue(d.partial());
        assertEquals(400, d.from(), "asked offset N+1 is read from 0-based N");
        assertNull(d.reason());
        assertTrue(ask(ID, 1001).partial(), "nothing missed: continue with no bytes");
        assertTrue(ask(ID.toUpperCase(), 500).partial(), "replids compare case-insensitively, as strcasecmp");
    }

    @Test
    void outsideTheBacklogIsAFullResync() {
        PsyncDecision d = ask(ID, 400);
        assertFalse(d.partial());
        assertTrue(d.counts());
        assertEquals("Unable to partial resync with replica 10.0.0.1:6380 for lack of backlog (Replica request was: 400).", d.reason());
        PsyncDecision ahead = ask(ID, 1002);
        assertFalse(ahead.partial());
        assertTrue(ahead.reason().contains("tried to PSYNC with an offset that is greater than the master replication offset"));
        assertFalse(PsyncDecision.decide(ID, 500, ID, ID2, 801, false, 400, 1000, "r").partial(), "no backlog at all");
    }

    @Test
    void theSecondIdOnlyUpToItsOffset() {
        assertTrue(ask(ID2, 801).partial());
        PsyncDecision d = ask(ID2, 802);
        assertFalse(d.partial());
        assertEquals("Partial resynchronization not accepted: Requested offset for second ID was 802, but I can reply up to 801", d.reason());
    }

    @Test
    void anotherHistoryOrAForcedFullResync() {
        PsyncDecision d = ask("c".repeat(40), 500);
        assertFalse(d.partial());
        assertTrue(d.counts());
        assertEquals("Partial resynchronization not accepted: Replication ID mismatch (Replica asked for '" + "c".repeat(40)
                + "', my replication IDs are '" + ID + "' and '" + ID2 + "')", d.reason());
        PsyncDecision q = ask("?", -1);
        assertFalse(q.partial());
        assertFalse(q.counts(), "PSYNC ? -1 is no failed partial resync");
        assertEquals("Full resync requested by replica 10.0.0.1:6380", q.reason());
    }
}
