package io.meridian.node.server;

import io.meridian.node.Node;
import io.meridian.node.keyspace.Entry;
import io.meridian.node.keyspace.ListValue;
import io.meridian.node.keyspace.ZSetValue;
import io.meridian.node.util.ByteString;

import java.util.ArrayDeque;
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
 *
 * <p>Redis's blocked.c, step for step: a write that creates a list or sorted set under a key
 * somebody waits on {@link #signal signals} it ready; after the command (or the whole
 * MULTI/EXEC) {@link #serveReady} serves the waiters of each ready key in the order they
 * blocked, until the key is gone; serving may make other keys ready (BLMOVE pushes), which
 * are served in the same pass. Clients that were unblocked resume their pending commands
 * only after the pass, as Redis's processUnblockedClients does in beforeSleep.
 */
public final class BlockingRegistry {
    /** The error CLIENT UNBLOCK ... ERROR answers the blocked client with. */
    public static final String UNBLOCKED_BY_CLIENT = "UNBLOCKED client unblocked via CLIENT UNBLOCK";
    /** The error blocked clients get when a master becomes a replica (then they are disconnected). */
    public static final String UNBLOCKED_ROLE_CHANGE =
            "UNBLOCKED force unblock from blocking operation, instance state changed (master -> replica?)";
    /** Timeouts longer than this are not scheduled at all (Redis overflows them into "never"). */
    private static final long MAX_SCHEDULED_MS = 100L * 365 * 24 * 3600 * 1000;

    /** What a blocked command does when one of its keys may have data. */
    public interface Waiter {
        /**
         * Tries to serve from this key; true when it replied (and recorded its propagation
         * with {@link Client#propagate}). False leaves the client blocked: the key holds no
         * data or not the type this waiter pops.
         */
        boolean tryServe(Client c, byte[] key);

        /** The timeout reply: a null array for every list and sorted-set command, as in Redis 7.0. */
        void timeout(Client c);
    }

    private final Node node;
    /** db -> key -> clients blocked on it, in the order they blocked. */
    private final Map<Integer, Map<ByteString, LinkedHashSet<Client>>> byDb = new HashMap<>();
    /** Keys signalled ready during the current command, served after it. */
    private final LinkedHashMap<DbKey, Boolean> ready = new LinkedHashMap<>();
    /** Blocked clients with a timeout: the cron checks them against the node's clock. */
    private final LinkedHashSet<Client> withTimeout = new LinkedHashSet<>();
    /** Clients unblocked during a serving pass: they resume their pending commands after it. */
    private final ArrayDeque<Client> unblocked = new ArrayDeque<>();
    private boolean serving;
    private int blockedClients;

    record DbKey(int db, ByteString key) {}

    public BlockingRegistry(Node node) {
        this.node = node;
        node.addCron(this::checkTimeouts);
    }

    /** INFO clients: blocked_clients. */
    public int blockedClients() {
        return blockedClients;
    }

    /** INFO clients: clients_in_timeout_table (blocked clients with a timeout). */
    public int clientsInTimeoutTable() {
        return withTimeout.size();
    }

    /** Keys with at least one blocked client, over all databases. */
    public int blockedKeys() {
        int n = 0;
        for (Map<ByteString, LinkedHashSet<Client>> m : byDb.values()) n += m.size();
        return n;
    }

    /**
     * Whether c may block now. Inside EXEC (and for the master link or a client without a
     * connection, such as log replay) Redis sets CLIENT_DENY_BLOCKING: a blocking command
     * with nothing to pop answers as if it timed out at once.
     */
    public boolean mayBlock(Client c) {
        return c.channel() != null && !c.denyBlocking && !c.isMaster() && !node.dispatcher().inExec();
    }

    /** Blocks c on keys; timeoutMs 0 = forever. A key listed twice is waited on once. */
    public void block(Client c, byte[][] keys, long timeoutMs, Waiter waiter) {
        long now = node.clock().millis();
        boolean timed = timeoutMs > 0 && timeoutMs <= MAX_SCHEDULED_MS;
        long deadline = timed ? now + timeoutMs : 0;
        Client.Blocked b = new Client.Blocked(c.dbIndex, keys, deadline, waiter);
        c.blocked = b;
        blockedClients++;
        Map<ByteString, LinkedHashSet<Client>> m = byDb.computeIfAbsent(c.dbIndex, k -> new HashMap<>());
        for (byte[] k : keys) m.computeIfAbsent(ByteString.of(k), x -> new LinkedHashSet<>()).add(c);
        if (timed) {
            withTimeout.add(c);
            if (c.channel() != null) {
                b.timer = c.channel().eventLoop().schedule(() -> {
                    if (c.blocked == b) {
                        timeOut(c);
                        node.server().flushAll();
                    }
                }, timeoutMs, TimeUnit.MILLISECONDS);
            }
        }
    }

    /** Times out blocked clients whose deadline passed on the node's clock (the cron's check). */
    public void checkTimeouts() {
        if (withTimeout.isEmpty()) return;
        long now = node.clock().millis();
        for (Client c : new ArrayList<>(withTimeout)) {
            Client.Blocked b = c.blocked;
            if (b != null && b.deadline > 0 && b.deadline <= now) timeOut(c);
        }
    }

    private void timeOut(Client c) {
        node.keyspace().tick();
        c.blocked.waiter.timeout(c); // Redis 7.0.15 logs no slow log entry for a timeout
        unblock(c);
    }

    /** Whether anyone waits on this db at all: the cheap check on every write. */
    public boolean anyWaiting(int db) {
        Map<ByteString, LinkedHashSet<Client>> m = byDb.get(db);
        return m != null && !m.isEmpty();
    }

    /** A list or sorted set appeared under key: its waiters are served after the current command. */
    public void signal(int db, byte[] key) {
        Map<ByteString, LinkedHashSet<Client>> m = byDb.get(db);
        if (m == null) return;
        ByteString k = ByteString.of(key);
        if (m.containsKey(k)) ready.put(new DbKey(db, k), Boolean.TRUE);
    }

    /**
     * Signals every key of db that has waiters and now holds a list or sorted set: after
     * SWAPDB or a database load (Redis's scanDatabaseForReadyKeys).
     */
    public void signalExisting(int db) {
        Map<ByteString, LinkedHashSet<Client>> m = byDb.get(db);
        if (m == null) return;
        for (ByteString k : new ArrayList<>(m.keySet())) {
            Entry e = node.keyspace().db(db).find(k.bytes());
            if (e != null && (e.value instanceof ListValue || e.value instanceof ZSetValue)) {
                ready.put(new DbKey(db, k), Boolean.TRUE);
            }
        }
    }

    /** Serves clients waiting on keys that became ready; called after every command. */
    public void serveReady() {
        if (serving) return; // the running pass picks up what was signalled meanwhile
        if (ready.isEmpty() && unblocked.isEmpty()) return;
        serving = true;
        try {
            while (!ready.isEmpty() || !unblocked.isEmpty()) {
                while (!ready.isEmpty()) {
                    List<DbKey> keys = new ArrayList<>(ready.keySet());
                    ready.clear();
                    for (DbKey dk : keys) serveKey(dk);
                }
                Client c = unblocked.poll();
                if (c != null) resume(c);
            }
        } finally {
            serving = false;
        }
    }

    private void serveKey(DbKey dk) {
        Map<ByteString, LinkedHashSet<Client>> m = byDb.get(dk.db());
        if (m == null) return;
        LinkedHashSet<Client> waiting = m.get(dk.key());
        if (waiting == null) return;
        for (Client c : new ArrayList<>(waiting)) {
            Client.Blocked b = c.blocked;
            if (b == null || b.db != dk.db()) continue;
            if (c.channel() != null && !c.channel().isActive()) {
                release(c); // closed and not yet removed: it must not take the data with it
                continue;
            }
            int saved = c.dbIndex;
            c.select(b.db);
            node.keyspace().tick();
            c.propagateAs = null;
            boolean served;
            long start = System.nanoTime();
            try {
                served = b.waiter.tryServe(c, dk.key().bytes());
            } catch (RuntimeException e) {
                node.log().warn("Serving a blocked client failed: {}", e.toString(), e);
                c.error("ERR " + e.getClass().getSimpleName() + ": " + e.getMessage());
                served = true;
            }
            if (served) {
                answered(b, c, (System.nanoTime() - start) / 1000);
                node.dispatcher().propagateServed(c);
                c.select(saved);
                release(c);
            } else {
                c.propagateAs = null;
                c.select(saved);
            }
        }
    }

    /**
     * CLIENT UNBLOCK id [TIMEOUT|ERROR]: answers c as if it timed out, or with error (for
     * example {@link #UNBLOCKED_BY_CLIENT}), and unblocks it. False when c is not blocked here.
     * c runs the commands that waited only after the current command, as Redis queues it
     * for processUnblockedClients.
     */
    public boolean unblockWith(Client c, String error) {
        Client.Blocked b = c.blocked;
        if (b == null) return false;
        if (error != null) c.error(error);
        else b.waiter.timeout(c);
        // Redis 7.0.15 logs it, but with its arguments already gone: an entry without args
        if (b.argv != null) {
            node.slowlog().record(c, new byte[0][], b.callMicros);
            node.latency().addSampleIfNeeded("command-unblocking", 0);
        }
        release(c);
        resumeLater();
        return true;
    }

    /** A master turned replica: every blocked client gets an -UNBLOCKED error and is disconnected. */
    public void unblockAllOnRoleChange() {
        for (Client c : new ArrayList<>(node.clients().values())) {
            if (c.blocked != null) {
                c.error(UNBLOCKED_ROLE_CHANGE);
                release(c);
                c.closeAfterReply();
            }
        }
        resumeLater();
    }

    /**
     * Ends c's blocking after it was answered (timed out or disconnected): forgets its keys
     * and, unless its connection is gone, lets it run the commands that waited. Not for use
     * inside a command (see {@link #unblockWith}).
     */
    public void unblock(Client c) {
        if (release(c)) serveReady();
    }

    /**
     * Redis's updateStatsOnUnblock: a blocked command reaches the slow log (and the
     * command-unblocking latency event) when served, with its call's time plus the reply's.
     */
    private void answered(Client.Blocked b, Client c, long replyMicros) {
        if (b.argv == null) return;
        node.slowlog().record(c, b.argv, b.callMicros + replyMicros);
        node.latency().addSampleIfNeeded("command-unblocking", replyMicros / 1000);
    }

    /** Forgets c's blocking; true when it has a live connection and was queued to resume. */
    private boolean release(Client c) {
        Client.Blocked b = c.blocked;
        if (b == null) return false;
        c.blocked = null;
        blockedClients--;
        withTimeout.remove(c);
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
            if (m.isEmpty()) byDb.remove(b.db);
        }
        if (c.channel() == null || !c.channel().isActive()) return false;
        unblocked.add(c);
        return true;
    }

    /** Resumes released clients once the running command is over: the dispatcher serves after each command, this covers the rest. */
    private void resumeLater() {
        if (unblocked.isEmpty()) return;
        node.loop().execute(() -> {
            serveReady();
            node.server().flushAll();
        });
    }

    /** Sends c's reply and runs the commands that arrived while it was blocked. */
    private void resume(Client c) {
        if (c.blocked != null || !c.channel().isActive()) return;
        c.flush();
        node.dispatcher().resume(c);
    }
}
