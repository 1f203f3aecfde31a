package io.meridian.node.persist;

import io.meridian.node.repl.ReplicationStream;
import io.meridian.node.server.Client;

import java.util.ArrayList;

/**
 * Withholds replies until the writes they follow are safe in the replication log: written
 * to it under {@code appendfsync everysec|no} (so a killed process loses nothing it
 * acknowledged), synced under {@code always}. A reply produced while the stream stood at
 * offset X is released once the log is safe up to X, as Redis sends replies only after
 * beforeSleep's AOF write and fsync.
 *
 * <p>Cheap when nothing gates: {@link #mustHold} is one comparison against an offset that is
 * {@code Long.MAX_VALUE} while no log is attached. Used on the command thread only.
 */
public final class ReplyGate {
    private final ReplicationStream stream;
    /** Replies produced at stream offsets up to here may go out. */
    private long released = Long.MAX_VALUE;
    /** Clients holding replies, in the order they were first held. */
    private final ArrayList<Client> waiting = new ArrayList<>();

    public ReplyGate(ReplicationStream stream) {
        this.stream = stream;
    }

    /** Whether output produced now must wait: the stream holds bytes the log has not secured. */
    public boolean mustHold() {
        return stream.offset() > released;
    }

    /** The offset output produced now waits for. */
    public long barrier() {
        return stream.offset();
    }

    public long released() {
        return released;
    }

    /** Starts gating: the log is safe up to offset. */
    public void enable(long offset) {
        released = offset;
    }

    /** Stops gating and lets everything held go. */
    public void disable() {
        release(Long.MAX_VALUE);
    }

    /** A client's first held reply: it waits for {@link #release}. */
    public void waiting(Client c) {
        waiting.add(c);
    }

    public int waitingClients() {
        return waiting.size();
    }

    /** The log is safe up to offset: sends what waited for it. */
    public void release(long offset) {
        if (offset > released) released = offset;
        if (waiting.isEmpty()) return;
        long upTo = released;
        int keep = 0;
        for (int i = 0; i < waiting.size(); i++) {
            Client c = waiting.get(i);
            if (!c.releaseHeld(upTo)) waiting.set(keep++, c);
        }
        waiting.subList(keep, waiting.size()).clear();
    }

    /** The stream restarted at another offset: release everything and gate from there. */
    public void restart(long offset) {
        release(Long.MAX_VALUE);
        released = offset;
    }

    /**
     * The log can no longer secure anything: the clients waiting are disconnected without
     * their replies (they must not believe unsafe writes were acknowledged).
     */
    public void fail() {
        for (Client c : waiting) {
            c.discardOutput();
            c.close();
        }
        waiting.clear();
    }
}
