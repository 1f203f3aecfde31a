package io.meridian.node.persist;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The sync loop driven step by step with a hand-moved clock (no thread, no sleeps). */
class GroupCommitterTest {
    @TempDir
    Path dir;
    private ReplicationLog log;
    private final MutableClock clock = new MutableClock();
    private final List<Long> durable = new ArrayList<>();
    private final AtomicInteger maintenance = new AtomicInteger();
    private FsyncPolicy policy = FsyncPolicy.ALWAYS;
    private GroupCommitter committer;

    static final class MutableClock extends Clock {
        long millis = 1_000_000;

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis);
        }

        @Override
        public long millis() {
            return millis;
        }
    }

    @BeforeEach
    void open() {
        log = ReplicationLog.open(dir);
        log.initialize("a".repeat(40), "0".repeat(40), -1, 0, 0, -1);
        committer = new GroupCommitter(log, 0, () -> policy, clock, durable::add,
                e -> { throw new AssertionError(e); }, maintenance::incrementAndGet);
    }

    @AfterEach
    void close() {
        log.close();
    }

    private void write(int n) {
        long at = log.lastOffset();
        log.append(at, new byte[n], new int[]{n}, 1, clock.millis(), "a".repeat(40), "0".repeat(40), -1);
        committer.written(at + n);
    }

    @Test
    void alwaysSyncsEverythingRequestedInOneFsync() throws Exception {
        write(10);
        committer.requestSync(10);
        write(20);
        committer.requestSync(30);
        write(5);
        committer.requestSync(35);
        committer.runOnce(0);
        assertEquals(1, committer.syncs());
        assertEquals(List.of(35L), durable);
        assertEquals(35, committer.synced());
        committer.runOnce(0);
        assertEquals(1, committer.syncs(), "nothing new to sync");
    }

    @Test
    void everysecSyncsWhatWasWrittenOncePerSecondOfTheClock() throws Exception {
        policy = FsyncPolicy.EVERYSEC;
        write(10);
        committer.runOnce(0);
        assertEquals(0, committer.syncs(), "not a second yet");
        clock.millis += 999;
        committer.runOnce(0);
        assertEquals(0, committer.syncs());
        clock.millis += 1;
        committer.runOnce(0);
        assertEquals(1, committer.syncs());
        assertEquals(10, committer.synced());
        clock.millis += 5_000;
        committer.runOnce(0);
        assertEquals(1, committer.syncs(), "nothing written since");
        write(7);
        committer.runOnce(0);
        assertEquals(2, committer.syncs());
        assertEquals(17, committer.synced());
    }

    @Test
    void noNeverSyncs() throws Exception {
        policy = FsyncPolicy.NO;
        write(10);
        clock.millis += 10_000;
        committer.runOnce(0);
        assertEquals(0, committer.syncs());
    }

    @Test
    void maintenanceRunsOncePerSecondOfTheClock() throws Exception {
        committer.runOnce(0);
        assertEquals(0, maintenance.get());
        clock.millis += 1_000;
        committer.runOnce(0);
        committer.runOnce(0);
        assertEquals(1, maintenance.get());
        clock.millis += 1_000;
        committer.runOnce(0);
        assertEquals(2, maintenance.get());
    }

    @Test
    void stopSyncsWhatIsLeft() {
        policy = FsyncPolicy.NO;
        write(10);
        committer.stop();
        assertEquals(10, committer.synced());
        assertTrue(durable.isEmpty());
    }
}
