package io.meridian.node.server;

import io.meridian.node.Node;
import io.meridian.node.util.ByteString;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Clients blocked on keys (BLPOP, BLMOVE, BZPOPMIN, ...), served first-come first-served
 * when a key they wait on receives data, or answered with a null on timeout. While blocked
 * a client's further commands wait in {@link Client#pending}.
 */
public final class BlockingRegistry {
    /** What a blocked command does when one of its keys may have data. */
    public interface Waiter {
        /** Tries to serve from this key; true when it replied (and recorded its propagation). */
        boolean tryServe(Client c, byte[] key);

        /** The timeout reply (a null array for BLPOP, a null bulk for BLMOVE). */
        void timeout(Client c);
    }

    private final Node node;
    private final Map<Integer, Map<ByteString, LinkedHashSet<Client>>> byDb = new HashMap<>();
    /** Keys signalled ready during the current command, served after it. */
    private final LinkedHashMap<DbKey, Boolean> ready = new LinkedHashMap<>();
    private int blockedClients;

    record DbKey(int db, ByteString key) {}

    public BlockingRegistry(Node node) {
        this.node = node;
    }

    public int blockedClients() {
        return blockedClients;
    }

    public int blockedKeys() {
        int n = 0;
        for (Map<ByteString, LinkedHashSet<Client>> m : byDb.values()) n += m.size();
        return n;
    }

    /** Blocks c on keys; timeoutMs 0 = forever. */
    public void block(Client c, byte[][] keys, long timeoutMs, Waiter waiter) {
        long deadline = timeoutMs == 0 ? 0 : node.clock().millis() + timeoutMs;
        Client.Blocked b = new Client.Blocked(c.dbIndex, keys, deadline, waiter);
        c.blocked = b;
        blockedClients++;
        Map<ByteString, LinkedHashSet<Client>> m = byDb.computeIfAbsent(c.dbIndex, k -> new HashMap<>());
        for (byte[] k : keys) m.computeIfAbsent(ByteString.of(k), x -> new LinkedHashSet<>()).add(c);
        if (timeoutMs > 0 && c.channel() != null) {
            b.timer = c.channel().eventLoop().schedule(() -> {
                if (c.blocked == b) {
                    node.keyspace().tick();
                    b.waiter.timeout(c);
                    unblock(c);
                }
            }, timeoutMs, TimeUnit.MILLISECONDS);
        }
    }

    /** Whether anyone waits on this db at all: the cheap check on every write. */
    public boolean anyWaiting(int db) {
        Map<ByteString, LinkedHashSet<Client>> m = byDb.get(db);
        return m != null && !m.isEmpty();
    }

    public void signal(int db, byte[] key) {
        Map<ByteString, LinkedHashSet<Client>> m = byDb.get(db);
        if (m == null) return;
        ByteString k = ByteString.of(key);
        if (m.containsKey(k)) ready.put(new DbKey(db, k), Boolean.TRUE);
    }

    /** Serves clients waiting on keys that became ready; called after every command. */
    public void serveReady() {
        while (!ready.isEmpty()) {
            List<DbKey> keys = new ArrayList<>(ready.keySet());
            ready.clear();
            for (DbKey dk : keys) {
                Map<ByteString, LinkedHashSet<Client>> m = byDb.get(dk.db());
                if (m == null) continue;
                LinkedHashSet<Client> waiting = m.get(dk.key());
                if (waiting == null) continue;
                for (Client c : new ArrayList<>(waiting)) {
                    if (c.blocked == null) continue;
                    int saved = c.dbIndex;
                    c.select(c.blocked.db);
                    node.keyspace().tick();
                    c.propagateAs = null;
                    boolean served = c.blocked.waiter.tryServe(c, dk.key().bytes());
                    if (served) {
                        node.dispatcher().propagateServed(c);
                        c.select(saved);
                        unblock(c);
                    } else {
                        c.select(saved);
                        break; // the key has no data left for the rest of the queue
                    }
                }
            }
        }
    }

    /** Ends c's blocking (served, timed out, CLIENT UNBLOCK or disconnect) and resumes its pending commands. */
    public void unblock(Client c) {
        Client.Blocked b = c.blocked;
        if (b == null) return;
        c.blocked = null;
        blockedClients--;
        if (b.timer != null) b.timer.cancel(false);
        Map<ByteString, LinkedHashSet<Client>> m = byDb.get(b.db);
        if (m != null) {
            for (byte[] k : b.keys) {
                ByteString bk = ByteString.of(k);
                LinkedHashSet<Client> s = m.get(bk);
                if (s != null) {
                    s.remove(c);
                    if (s.isEmpty()) m.remove(bk);
                }
            }
        }
        if (c.channel() != null && c.channel().isActive()) {
            c.flush();
            node.dispatcher().resume(c);
        }
    }
}
