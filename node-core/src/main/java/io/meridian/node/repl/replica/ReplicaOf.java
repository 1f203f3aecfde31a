package io.meridian.node.repl.replica;

import io.meridian.node.Node;
import io.meridian.node.log.RoleConverter;
import io.meridian.node.repl.ReplicationStream;
import io.meridian.node.server.Client;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;

/**
 * The role changes of a node, as Redis's replicationSetMaster / replicationUnsetMaster do
 * them: become a replica of a master (keeping the dataset until the new master's sync
 * replaces it), or stop being one (PSYNC2 promotion: the master's replid becomes replid2,
 * a new replid starts). Call on the command thread.
 */
public final class ReplicaOf {
    private static final Logger LOG = LoggerFactory.getLogger("meridian");

    private ReplicaOf() {}

    /** The node's link to its master, or null when it is a master. */
    public static MasterLink link(Node node) {
        return node.upstream() instanceof MasterLink l ? l : null;
    }

    /**
     * The replicaof directive at start-up: the node is a replica from the first command on;
     * the link connects at the first cron tick, once the data on disk is loaded.
     */
    public static MasterLink configure(Node node, String host, int port) {
        node.setRole(Node.Role.REPLICA);
        node.setMasterLinkUp(false);
        MasterLink l = new MasterLink(node, host, port, false);
        node.setUpstream(l);
        return l;
    }

    /**
     * REPLICAOF host port (replicationSetMaster): drops the current link (its position is kept,
     * as Redis's cached master), unblocks blocked clients, and connects to the new master. A
     * master turning replica offers its own replid and offset, so it may continue with a
     * partial resync from the master that replaced it.
     */
    public static MasterLink setMaster(Node node, String host, int port) {
        return setMaster(node, host, port, l -> { });
    }

    /** {@link #setMaster(Node, String, int)} with a step before the link connects (FAILOVER asks for PSYNC ... FAILOVER). */
    public static MasterLink setMaster(Node node, String host, int port, java.util.function.Consumer<MasterLink> beforeConnect) {
        MasterLink old = link(node);
        boolean cached;
        if (old == null && node.upstream() != null) node.upstream().stop(); // a link of another kind (Kafka)
        if (old != null) {
            cached = old.cached();
            old.stop();
        } else {
            LOG.info("Before turning into a replica, using my own master parameters to synthesize a cached master: "
                    + "I may be able to synchronize with the new master with just a partial transfer.");
            cached = true;
        }
        node.blocking().unblockAllOnRoleChange();
        node.setRole(Node.Role.REPLICA);
        node.setMasterLinkUp(false);
        RoleConverter.set('S');
        MasterLink l = new MasterLink(node, host, port, cached);
        node.setUpstream(l);
        beforeConnect.accept(l);
        LOG.info("Connecting to MASTER {}:{}", host, port);
        l.connect();
        return l;
    }

    /**
     * REPLICAOF NO ONE (replicationUnsetMaster): the link ends, the master's replid is kept as
     * replid2 valid up to offset + 1 and a new replid starts, so the other replicas of the old
     * master can continue from this node with a partial resync; the node takes writes.
     * Returns false when it was not a replica.
     */
    public static boolean unsetMaster(Node node) {
        MasterLink l = link(node);
        if (l == null && !node.isReplica()) return false;
        if (l != null) l.stop();
        else if (node.upstream() != null) node.upstream().stop(); // a link of another kind (Kafka)
        node.setUpstream(null);
        ReplicationStream s = node.stream();
        s.shiftReplid();
        LOG.warn("Setting secondary replication ID to {}, valid up to offset: {}. New replication ID is {}",
                s.replid2(), s.secondReplOffset(), s.replid());
        // they must learn the new replid; they come back with a partial resync
        disconnectReplicas(node);
        node.setRole(Node.Role.MASTER);
        node.setMasterLinkUp(false);
        RoleConverter.set('M');
        return true;
    }

    /** disconnectSlaves: closes every replica connection (they resync: partially when they can). */
    public static void disconnectReplicas(Node node) {
        for (Client c : new ArrayList<>(node.clients().values())) {
            if (c.kind == 'S') c.close();
        }
    }

    /**
     * First cron tick of a node started with the replicaof directive: the data on disk is
     * loaded now; when it carries a replication position, PSYNC offers it (Redis's
     * replicationCacheMasterUsingMyself after loading an RDB with replication info).
     */
    public static void boot(Node node) {
        MasterLink l = link(node);
        if (l == null || l.state() != ReplState.CONNECT || l.cached()) return;
        RoleConverter.set('S');
        if (hasHistory(node)) {
            LOG.info("Before turning into a replica, using my own master parameters to synthesize a cached master: "
                    + "I may be able to synchronize with the new master with just a partial transfer.");
            l.setCached(true);
        }
    }

    /**
     * PSYNC ... FAILOVER received by this replica (the master's side calls it, as Redis's
     * syncCommand): when replid is this node's own, it becomes a master (REPLICAOF NO ONE)
     * and the PSYNC goes on as any PSYNC to a master; else Redis's error text.
     */
    public static String failoverRequested(Node node, String replid, String requestedBy) {
        LOG.warn("Failover request received for replid {}.", replid);
        if (!node.isReplica()) return "ERR PSYNC FAILOVER can't be sent to a master.";
        if (!replid.equalsIgnoreCase(node.stream().replid())) return "ERR PSYNC FAILOVER replid must match my replid.";
        unsetMaster(node);
        LOG.info("MASTER MODE enabled (failover request from '{}')", requestedBy);
        return null;
    }

    /** Whether the node has a replication history to offer in PSYNC (data loaded, or an offset). */
    static boolean hasHistory(Node node) {
        return node.stream().offset() > 0 || node.keyspace().totalKeys() > 0;
    }
}
