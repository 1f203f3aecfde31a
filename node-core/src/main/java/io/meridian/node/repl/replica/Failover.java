package io.meridian.node.repl.replica;

import io.meridian.node.Node;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.function.Supplier;

/**
 * A coordinated failover started by FAILOVER on a master (Redis 6.2+): writes are paused,
 * the master waits until a replica (the one named, or any) has acknowledged its whole
 * stream, then turns itself into a replica of it and sends {@code PSYNC <replid> <offset>
 * FAILOVER}, which makes that replica a master; the pause ends when the new master accepts
 * the PSYNC. A timeout aborts it, or with FORCE fails over to the named replica anyway.
 * One per node; everything runs on the command thread.
 *
 * <p>The replicas and their acknowledged offsets come from the master side of replication
 * through {@link #setReplicas}; until it is set the node has none.
 */
public final class Failover {
    private static final Logger LOG = LoggerFactory.getLogger("meridian");
    private static final Map<Node, Failover> BY_NODE = new WeakHashMap<>();

    /** Redis's failover_state, with the names INFO's master_failover_state shows. */
    public enum State {
        NO_FAILOVER("no-failover"), WAIT_FOR_SYNC("waiting-for-sync"), IN_PROGRESS("failover-in-progress");

        private final String infoName;

        State(String infoName) {
            this.infoName = infoName;
        }

        public String infoName() {
            return infoName;
        }
    }

    /** One replica as the master sees it: its address, announced port, acknowledged offset, online or still syncing. */
    public record Replica(String ip, int listeningPort, long ackOffset, boolean online) {}

    private final Node node;
    private Supplier<List<Replica>> replicas = List::of;
    private State state = State.NO_FAILOVER;
    private String targetHost;
    private int targetPort;
    private long endTime;
    private boolean force;

    private Failover(Node node) {
        this.node = node;
    }

    public static Failover of(Node node) {
        synchronized (BY_NODE) {
            return BY_NODE.computeIfAbsent(node, Failover::new);
        }
    }

    /** The master side tells where its replicas and their ACKs are. */
    public void setReplicas(Supplier<List<Replica>> replicas) {
        this.replicas = replicas;
    }

    public List<Replica> replicas() {
        return replicas.get();
    }

    public State state() {
        return state;
    }

    /** master_failover_state in INFO replication. */
    public String infoState() {
        return state.infoName();
    }

    /**
     * Whether the master must not PING its replicas now: a failover with a timeout waits for
     * offsets that a PING would move (Redis's manual_failover_in_progress).
     */
    public boolean pingsSuspended() {
        return state != State.NO_FAILOVER && endTime != 0 && node.isPaused();
    }

    /**
     * FAILOVER [TO host port [FORCE]] [TIMEOUT ms] once parsed: returns Redis's error text,
     * or null when the failover started (writes are paused from now on).
     */
    public String start(String host, int port, long timeoutMillis, boolean forceFlag) {
        if (state != State.NO_FAILOVER) return "ERR FAILOVER already in progress.";
        if (node.isReplica()) return "ERR FAILOVER is not valid when server is a replica.";
        List<Replica> all = replicas.get();
        if (all.isEmpty()) return "ERR FAILOVER requires connected replicas.";
        if (forceFlag && (timeoutMillis == 0 || host == null)) {
            return "ERR FAILOVER with force option requires both a timeout and target HOST and IP.";
        }
        if (host != null) {
            Replica r = find(all, host, port);
            if (r == null) return "ERR FAILOVER target HOST and PORT is not a replica.";
            if (!r.online()) return "ERR FAILOVER target replica is not online.";
            targetHost = host;
            targetPort = port;
            LOG.info("FAILOVER requested to {}:{}.", host, port);
        } else {
            LOG.info("FAILOVER requested to any replica.");
        }
        endTime = timeoutMillis > 0 ? node.clock().millis() + timeoutMillis : 0;
        force = forceFlag;
        state = State.WAIT_FOR_SYNC;
        node.pause(Long.MAX_VALUE, true);
        return null;
    }

    /** FAILOVER ABORT: Redis's error text, or null once aborted. */
    public String abortByUser() {
        if (state == State.NO_FAILOVER) return "ERR No failover in progress.";
        abort("Failover manually aborted");
        return null;
    }

    /** abortFailover: back to a master taking writes. */
    void abort(String why) {
        if (state == State.NO_FAILOVER) return;
        if (targetHost != null) LOG.info("FAILOVER to {}:{} aborted: {}", targetHost, targetPort, why);
        else LOG.info("FAILOVER to any replica aborted: {}", why);
        if (state == State.IN_PROGRESS) ReplicaOf.unsetMaster(node);
        clear();
    }

    /** clearFailoverState: the failover ended one way or the other; writes resume. */
    private void clear() {
        endTime = 0;
        force = false;
        targetHost = null;
        targetPort = 0;
        state = State.NO_FAILOVER;
        node.unpause();
    }

    /** updateFailoverStatus, from the cron: time out, or fail over once the target has caught up. */
    public void cron() {
        if (state != State.WAIT_FOR_SYNC) return;
        long now = node.clock().millis();
        if (endTime != 0 && endTime <= now) {
            if (force) {
                LOG.info("FAILOVER to {}:{} time out exceeded, failing over.", targetHost, targetPort);
                failOverTo(targetHost, targetPort);
            } else {
                abort("Replica never caught up before timeout");
            }
            return;
        }
        long offset = node.stream().offset();
        List<Replica> all = replicas.get();
        Replica target = null;
        if (targetHost != null) {
            target = find(all, targetHost, targetPort);
        } else {
            for (Replica r : all) {
                if (r.ackOffset() == offset) {
                    target = r;
                    targetHost = r.ip();
                    targetPort = r.listeningPort();
                    break;
                }
            }
        }
        if (target != null && target.ackOffset() == offset) {
            LOG.info("Failover target {}:{} is synced, failing over.", targetHost, targetPort);
            failOverTo(targetHost, targetPort);
        }
    }

    /** Becomes a replica of the target with PSYNC ... FAILOVER; the pause ends when it answers. */
    private void failOverTo(String host, int port) {
        state = State.IN_PROGRESS;
        MasterLink link = ReplicaOf.setMaster(node, host, port, l -> l.requestFailover(this::clear,
                why -> abort("Failover target rejected psync request")));
        if (link == null) abort("Failover target could not be reached");
    }

    private static Replica find(List<Replica> all, String host, int port) {
        for (Replica r : all) {
            if (r.ip().equalsIgnoreCase(host) && r.listeningPort() == port) return r;
        }
        return null;
    }
}
