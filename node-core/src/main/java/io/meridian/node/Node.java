package io.meridian.node;

import io.meridian.node.command.CommandFlag;
import io.meridian.node.command.CommandSpec;
import io.meridian.node.command.CommandTable;
import io.meridian.node.commands.Commands;
import io.meridian.node.config.Config;
import io.meridian.node.keyspace.Keyspace;
import io.meridian.node.keyspace.KeyspaceEvents;
import io.meridian.node.persist.ReplyGate;
import io.meridian.node.persist.WriteAheadLog;
import io.meridian.node.repl.ReplicationStream;
import io.meridian.node.server.Acl;
import io.meridian.node.server.BlockingRegistry;
import io.meridian.node.server.Client;
import io.meridian.node.server.Dispatcher;
import io.meridian.node.server.InfoRegistry;
import io.meridian.node.server.LatencyMonitor;
import io.meridian.node.server.PasswordAcl;
import io.meridian.node.server.PubSub;
import io.meridian.node.server.RespServer;
import io.meridian.node.server.Shutdown;
import io.meridian.node.server.SlowLog;
import io.meridian.node.server.Stats;
import io.meridian.node.server.WatchRegistry;
import io.netty.channel.EventLoop;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A Meridian node: one keyspace served over RESP, whatever its role. Master and replica are
 * runtime state, as in Redis. All commands run on one event-loop thread (the keyspace is
 * single-writer); background work (snapshots, fsync, Kafka) runs elsewhere and hands
 * results back to that thread.
 */
public final class Node implements KeyspaceEvents {
    public static final String VERSION = "0.1.0";
    public static final String REDIS_VERSION = "7.0.15";

    /** Runtime role, as INFO replication names it. */
    public enum Role { MASTER, REPLICA }

    private static final Logger LOG = LoggerFactory.getLogger("meridian");
    private final Config config;
    private final Clock clock;
    private final Keyspace keyspace;
    private final CommandTable commands = new CommandTable();
    private final Stats stats = new Stats();
    private final Dispatcher dispatcher;
    private final BlockingRegistry blocking;
    private final WatchRegistry watches = new WatchRegistry();
    private final PubSub pubsub = new PubSub(this);
    private final SlowLog slowlog;
    private final ReplicationStream stream = new ReplicationStream();
    /** Holds replies until the replication log has secured the writes they follow (appendfsync). */
    private final ReplyGate replyGate = new ReplyGate(stream);
    /** The replication log (backlog + write-ahead log), or null when repl-log-enabled is no. */
    private volatile WriteAheadLog wal;
    private final io.meridian.node.snapshot.Persistence persistence;
    private volatile io.meridian.node.repl.UpstreamLink upstream;
    /** The master side of replication: the replicas this node serves (a replica serves sub-replicas too), full and partial syncs, WAIT. */
    private final io.meridian.node.repl.master.ReplicationMaster master;
    private final InfoRegistry info = new InfoRegistry();
    private final LatencyMonitor latency;
    private final Shutdown shutdown = new Shutdown();
    private final java.util.concurrent.atomic.AtomicBoolean stopped = new java.util.concurrent.atomic.AtomicBoolean();
    /** The serverCron task, rescheduled when CONFIG SET hz changes its period. */
    private io.netty.util.concurrent.ScheduledFuture<?> cronTask;
    private final RespServer server;
    private final Map<Long, Client> clients = new LinkedHashMap<>();
    private final List<Runnable> crons = new CopyOnWriteArrayList<>();
    private final List<Runnable> stopHooks = new CopyOnWriteArrayList<>();
    private final long startedAt;
    private volatile Acl acl;
    private volatile Role role = Role.MASTER;
    /** Replica state the dispatcher reads; the replication component keeps it current. */
    private volatile boolean masterLinkUp;
    private volatile boolean loading;
    /** Refuses writes when set (min-replicas, bgsave error); null = writes allowed. */
    private volatile java.util.function.Supplier<String> writeGuard = () -> null;
    private long pauseUntil;
    private boolean pauseWritesOnly;
    private boolean inCommand;
    private long nextClientId = 1;
    /** DEBUG SET-ACTIVE-EXPIRE 0 turns the background expiry cycle off (tests of lazy expiry). */
    private volatile boolean activeExpire = true;

    public Node(Config config, Clock clock) {
        this.config = config;
        this.clock = clock;
        this.startedAt = clock.millis();
        this.keyspace = new Keyspace(config.getInt("databases"), clock);
        this.keyspace.setEvents(this);
        this.watches.setKeyspace(keyspace);
        this.dispatcher = new Dispatcher(this);
        this.blocking = new BlockingRegistry(this);
        this.slowlog = new SlowLog(config);
        this.latency = new LatencyMonitor(config, clock);
        this.acl = new PasswordAcl(config);
        this.server = new RespServer(this);
        Commands.registerAll(this, commands);
        for (String[] r : config.renames()) commands.rename(r[0], r[1]);
        this.persistence = new io.meridian.node.snapshot.Persistence(this);
        info.register("persistence", persistence::info);
        addCron(persistence::cron);
        shutdown.addStep(persistence::shutdownStep);
        this.master = new io.meridian.node.repl.master.ReplicationMaster(this);
    }

    public Node(Config config) {
        this(config, Clock.systemUTC());
    }

    // ---- lifecycle ---------------------------------------------------------------------

    /** Binds the listeners and starts the cron. */
    public Node start() throws InterruptedException {
        // start-up = the newest RDB, then the log replayed from the offset the RDB records
        io.meridian.node.rdb.RdbLoader.Result rdb;
        try {
            rdb = persistence.loadAtStartup();
        } catch (java.io.IOException | RuntimeException e) {
            server.stop();
            LOG.warn("Fatal error loading the DB: {}. Exiting.", e.getMessage());
            throw new IllegalStateException("Fatal error loading the DB " + persistence.rdbPath() + ": " + e.getMessage(), e);
        }
        if (rdb != null && rdb.replId != null && rdb.replOffset >= 0) {
            // as Redis 4+: a restarted master keeps the replication ID and offset its RDB recorded
            stream.reset(rdb.replId, rdb.replOffset, rdb.replStreamDb);
        }
        if (config.getBool("repl-log-enabled")) {
            try {
                wal = rdb != null && rdb.replId != null && rdb.replOffset >= 0
                        ? WriteAheadLog.open(this, rdb.replOffset, rdb.replStreamDb)
                        : WriteAheadLog.open(this);
            } catch (RuntimeException e) {
                server.stop();
                throw e;
            }
            onStop(wal::close);
        }
        server.start();
        scheduleCron();
        config.watch("hz", c -> loop().execute(this::scheduleCron));
        LOG.info("Ready to accept connections");
        return this;
    }

    public boolean stopped() {
        return stopped.get();
    }

    /**
     * What SIGTERM does in Redis (prepareForShutdown with default options): the shutdown steps,
     * e.g. the final RDB save when save points are set, run on the command thread; then stop.
     * Called from a JVM shutdown hook; waits at most timeoutMillis for the steps.
     */
    public void shutdownOnSignal(long timeoutMillis) {
        if (stopped.get()) return;
        java.util.concurrent.CompletableFuture<Void> done = new java.util.concurrent.CompletableFuture<>();
        try {
            execute(() -> {
                try {
                    for (io.meridian.node.server.Shutdown.Step step : shutdown.steps()) {
                        String failure = step.run(new io.meridian.node.server.Shutdown.Options(false, false, false, false));
                        if (failure != null) LOG.warn("Error during shutdown: {}", failure);
                    }
                } finally {
                    done.complete(null);
                }
            });
            done.get(timeoutMillis, TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            LOG.warn("Shutdown steps did not finish: {}", e.toString());
        }
        stop();
    }

    public void stop() {
        // SHUTDOWN stops the node and the JVM shutdown hook stops it again: the second call does nothing
        if (!stopped.compareAndSet(false, true)) return;
        // no new connections, then close every connection, so replicas and clients see the node go at once
        server.closeListeners();
        try {
            loop().submit(() -> {
                // the link to our own master is stopped by its stop hook, without a reconnect
                for (Client c : new ArrayList<>(clients.values())) if (!c.isMaster()) c.close();
            }).await(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.debug("Closing connections at stop: {}", e.toString());
        }
        for (Runnable r : stopHooks) {
            try {
                r.run();
            } catch (RuntimeException e) {
                LOG.warn("Error while stopping: {}", e.toString());
            }
        }
        server.stop();
    }

    private void scheduleCron() {
        if (cronTask != null) cronTask.cancel(false);
        long period = Math.max(1, 1000 / Math.max(1, config.getInt("hz")));
        cronTask = loop().scheduleAtFixedRate(this::cron, period, period, TimeUnit.MILLISECONDS);
    }

    public void onStop(Runnable r) {
        stopHooks.add(0, r);
    }

    /** Runs periodically on the command thread (serverCron): expiry, timeouts, replication. */
    public void addCron(Runnable r) {
        crons.add(r);
    }

    private void cron() {
        try {
            inCommand = true;
            keyspace.tick();
            int effort = config.getInt("active-expire-effort");
            // Redis's slow cycle: at most 25% (+2% per effort step) of a cron period
            long budgetNanos = (25 + 2L * (effort - 1)) * 10_000_000L / config.getInt("hz");
            if (activeExpire) keyspace.activeExpireCycle(effort, budgetNanos);
            inCommand = false;
            dispatcherFlush();
            long timeout = config.getLong("timeout");
            if (timeout > 0) {
                long now = clock.millis();
                for (Client c : new ArrayList<>(clients.values())) {
                    // replicas, masters, blocked (or paused) and pub/sub clients never time out, as in Redis
                    if (c.kind == 'N' && c.blocked == null && !c.postponed && !c.isSubscriber()
                            && now / 1000 - c.lastInteraction / 1000 > timeout) {
                        LOG.debug("Closing idle client");
                        c.close();
                    }
                }
            }
            if (pauseUntil > 0 && clock.millis() > pauseUntil) unpause();
            for (Runnable r : crons) r.run();
            server.flushAll();
        } catch (RuntimeException e) {
            LOG.warn("cron failed: {}", e.toString(), e);
        } finally {
            inCommand = false;
        }
    }

    private void dispatcherFlush() {
        dispatcher.flushExpired();
    }

    /** Runs a task on the command thread. */
    public void execute(Runnable r) {
        EventLoop l = loop();
        if (l.inEventLoop()) r.run();
        else l.execute(() -> {
            r.run();
            server.flushAll();
        });
    }

    public EventLoop loop() {
        return server.commandLoop();
    }

    // ---- parts -------------------------------------------------------------------------

    public Config config() { return config; }
    public Clock clock() { return clock; }
    public Keyspace keyspace() { return keyspace; }
    public CommandTable commands() { return commands; }
    public Stats stats() { return stats; }
    public Dispatcher dispatcher() { return dispatcher; }
    public BlockingRegistry blocking() { return blocking; }
    public WatchRegistry watches() { return watches; }
    public PubSub pubsub() { return pubsub; }
    public SlowLog slowlog() { return slowlog; }
    public ReplicationStream stream() { return stream; }
    public ReplyGate replyGate() { return replyGate; }
    /** The replication log, or null when disabled. */
    public WriteAheadLog wal() { return wal; }
    public io.meridian.node.snapshot.Persistence persistence() { return persistence; }

    /** The link to this node's master while it is a replica, else null (INFO replication, ROLE). */
    public io.meridian.node.repl.UpstreamLink upstream() { return upstream; }

    public void setUpstream(io.meridian.node.repl.UpstreamLink link) { this.upstream = link; }

    /** The master side of replication: the replicas this node serves (a replica serves sub-replicas too). */
    public io.meridian.node.repl.master.ReplicationMaster master() { return master; }
    public InfoRegistry info() { return info; }
    public LatencyMonitor latency() { return latency; }
    /** SHUTDOWN's steps: persistence adds its final SAVE, the launcher its process exit. */
    public Shutdown shutdown() { return shutdown; }
    public RespServer server() { return server; }
    public Logger log() { return LOG; }
    public long startedAt() { return startedAt; }
    public Acl acl() { return acl; }
    public void setAcl(Acl acl) { this.acl = acl; }
    public boolean inCommand() { return inCommand; }
    public void setActiveExpire(boolean on) { activeExpire = on; }

    public Map<Long, Client> clients() {
        return clients;
    }

    public Client newClient(io.netty.channel.Channel ch) {
        Client c = new Client(this, ch, nextClientId++);
        c.authenticated = !acl.authRequired();
        clients.put(c.id, c);
        return c;
    }

    public void removeClient(Client c) {
        clients.remove(c.id);
        if (master != null) master.forget(c);
        blocking.unblock(c);
        watches.unwatchAll(c);
        pubsub.forget(c);
        c.discardOutput();
    }

    public boolean authRequired() {
        return acl.authRequired();
    }

    // ---- role and write admission ------------------------------------------------------

    public Role role() { return role; }

    public void setRole(Role r) {
        role = r;
        keyspace.setExpireLocally(r == Role.MASTER);
    }

    public boolean isReplica() { return role == Role.REPLICA; }
    public void setMasterLinkUp(boolean up) { masterLinkUp = up; }
    public boolean masterLinkUp() { return masterLinkUp; }
    public void setLoading(boolean b) { loading = b; }
    public boolean loading() { return loading; }

    public void setWriteGuard(java.util.function.Supplier<String> guard) {
        this.writeGuard = guard;
    }

    /** Whether this node's writes go to the stream (a master, or a replica relaying none of its own). */
    public boolean propagates() {
        return role == Role.MASTER;
    }

    /** Why a client's write is refused now (Redis's processCommand order), or null. */
    public String writeRefusal(Client c, CommandSpec spec) {
        String g = writeGuard.get();
        if (g != null) return g;
        if (role == Role.MASTER && (g = persistence.writeRefusal()) != null) return g;
        WriteAheadLog w = wal;
        if (w != null && w.failure() != null) return "MISCONF Errors writing to the AOF file: " + w.failure();
        if (role == Role.REPLICA && config.getBool("replica-read-only")) {
            return "READONLY You can't write against a read only replica.";
        }
        return null;
    }

    /** MASTERDOWN / LOADING refusals, or null. */
    public String staleRefusal(Client c, CommandSpec spec) {
        if (role == Role.REPLICA && !masterLinkUp && !config.getBool("replica-serve-stale-data")
                && !spec.has(CommandFlag.STALE) && !c.isMaster()) {
            return "MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'.";
        }
        if (loading && !spec.has(CommandFlag.LOADING)) return "LOADING Redis is loading the dataset in memory";
        return null;
    }

    // ---- CLIENT PAUSE ------------------------------------------------------------------

    /** Whether c's next command must wait (CLIENT PAUSE ALL, or WRITE for a write command). */
    public boolean paused(Client c, byte[][] argv) {
        CommandSpec spec = commands.lookup(argv[0]);
        return spec != null && pauseBlocks(c, spec);
    }

    /**
     * Whether CLIENT PAUSE postpones this command (processCommand): everything under ALL; under
     * WRITE the commands that may write or replicate, and an EXEC whose queue holds one.
     */
    public boolean pauseBlocks(Client c, CommandSpec spec) {
        if (pauseUntil == 0) return false;
        if (clock.millis() > pauseUntil) return false; // over; the cron resumes the waiting clients
        if (!pauseWritesOnly) return true;
        if (spec.has(CommandFlag.WRITE) || spec.has(CommandFlag.MAY_REPLICATE)) return true;
        if (spec.parent() == null && spec.name().equals("exec") && c.queuedSpecs != null) {
            for (CommandSpec q : c.queuedSpecs) {
                if (q.has(CommandFlag.WRITE) || q.has(CommandFlag.MAY_REPLICATE)) return true;
            }
        }
        return false;
    }

    /** CLIENT PAUSE: the furthest end and the most restrictive type win, as pauseClients. */
    public void pause(long untilMillis, boolean writesOnly) {
        boolean wasAll = pauseUntil > 0 && !pauseWritesOnly;
        pauseWritesOnly = writesOnly && !wasAll;
        if (untilMillis > pauseUntil) pauseUntil = untilMillis;
    }

    public void unpause() {
        pauseUntil = 0;
        pauseWritesOnly = false;
        for (Client c : new ArrayList<>(clients.values())) {
            if (c.postponed && c.blocked == null) dispatcher.resume(c);
        }
    }

    public boolean isPaused() {
        return pauseUntil > 0;
    }

    // ---- keyspace events ---------------------------------------------------------------

    @Override
    public void modified(int db, byte[] key) {
        stats.dirty++;
        watches.touched(db, key);
    }

    @Override
    public void ready(int db, byte[] key) {
        if (blocking.anyWaiting(db)) blocking.signal(db, key);
    }

    @Override
    public void flushed(int db) {
        watches.flushed(db);
    }

    @Override
    public void swapped(int a, int b) {
        watches.swapped(a, b);
    }

    @Override
    public void expired(int db, byte[] key) {
        stats.dirty--; // an expiry is not a change a client made (Redis does not count it)
        if (role == Role.MASTER) dispatcher.propagateExpired(db, key);
        io.meridian.node.commands.Notify.event(this, io.meridian.node.commands.Notify.EXPIRED, "expired", key, db);
    }

    public long uptimeMillis() {
        return clock.millis() - startedAt;
    }
}
