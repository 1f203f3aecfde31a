package io.meridian.node.repl.master;

import io.meridian.node.server.BlockingRegistry;
import io.meridian.node.server.Client;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Clients blocked in WAIT (replicas acknowledging an offset) or WAITAOF (the local log
 * fsynced and replicas acknowledging their own fsync). They block through the node's
 * {@link BlockingRegistry} with no keys, so they count in blocked_clients, queue their next
 * commands and obey CLIENT UNBLOCK; the reply, on success or timeout alike, is the count
 * reached (Redis's replyToBlockedClientTimedOut for BLOCKED_WAIT).
 */
final class WaitRegistry {
    private static final byte[][] NO_KEYS = new byte[0][];
    private final ReplicationMaster master;
    /** Waiting clients, in the order they blocked; a waiter whose client no longer holds its block is stale. */
    private final Map<Client, Waiter> waiting = new LinkedHashMap<>();

    /** One WAIT or WAITAOF: the offset, and how many acknowledgements it wants. */
    private final class Waiter implements BlockingRegistry.Waiter {
        final long offset;
        final long replicas;
        /** WAITAOF: the local fsyncs wanted (0 or 1); -1 for WAIT. */
        final long local;
        Client.Blocked blocked;

        Waiter(long offset, long replicas, long local) {
            this.offset = offset;
            this.replicas = replicas;
            this.local = local;
        }

        boolean aof() {
            return local >= 0;
        }

        boolean satisfied() {
            if (!aof()) return master.acked(offset) >= replicas;
            return master.localFsynced(offset) >= local && master.aofAcked(offset) >= replicas;
        }

        @Override
        public boolean tryServe(Client c, byte[] key) {
            return false;
        }

        @Override
        public void timeout(Client c) {
            waiting.remove(c);
            reply(c, this);
        }
    }

    WaitRegistry(ReplicationMaster master) {
        this.master = master;
    }

    private void reply(Client c, Waiter w) {
        if (!w.aof()) {
            c.integer(master.acked(w.offset));
        } else {
            c.array(2);
            c.integer(master.localFsynced(w.offset));
            c.integer(master.aofAcked(w.offset));
        }
    }

    /** WAIT numreplicas timeout: answers now when satisfied (or blocking is not allowed), else blocks. */
    void waitReplicas(Client c, long offset, long numReplicas, long timeoutMs) {
        block(c, new Waiter(offset, numReplicas, -1), timeoutMs);
    }

    /** WAITAOF numlocal numreplicas timeout. */
    void waitAof(Client c, long offset, long numLocal, long numReplicas, long timeoutMs) {
        block(c, new Waiter(offset, numReplicas, numLocal), timeoutMs);
    }

    private void block(Client c, Waiter w, long timeoutMs) {
        BlockingRegistry blocking = master.node().blocking();
        if (w.satisfied() || c.inMulti || !blocking.mayBlock(c)) {
            reply(c, w);
            return;
        }
        blocking.block(c, NO_KEYS, timeoutMs, w);
        w.blocked = c.blocked;
        waiting.put(c, w);
        master.requestAcks();
    }

    boolean isEmpty() {
        return waiting.isEmpty();
    }

    /** Whether any waiter waits on the local log's fsync (checked by the cron). */
    boolean anyAof() {
        for (Waiter w : waiting.values()) if (w.aof()) return true;
        return false;
    }

    /** Answers every waiter whose acknowledgements arrived (processClientsWaitingReplicas). */
    void check() {
        if (waiting.isEmpty()) return;
        List<Client> ready = null;
        for (var it = waiting.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<Client, Waiter> e = it.next();
            Client c = e.getKey();
            if (c.blocked != e.getValue().blocked) {
                it.remove(); // disconnected, or unblocked some other way
                continue;
            }
            if (e.getValue().satisfied()) {
                if (ready == null) ready = new ArrayList<>();
                ready.add(c);
            }
        }
        if (ready == null) return;
        for (Client c : ready) master.node().blocking().unblockWith(c, null);
    }
}
