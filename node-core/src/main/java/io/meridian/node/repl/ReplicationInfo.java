package io.meridian.node.repl;

import io.meridian.node.Node;
import io.meridian.node.config.Config;
import io.meridian.node.repl.master.Backlog;
import io.meridian.node.repl.master.ReplicaSession;
import io.meridian.node.repl.master.ReplicaState;
import io.meridian.node.repl.master.ReplicationMaster;
import io.meridian.node.server.Client;
import io.meridian.node.server.InfoRegistry.Section;

import java.util.List;

/**
 * INFO replication and ROLE, for both roles, with Redis 7.0's fields, order and shapes
 * (genRedisInfoString's replication section, roleCommand): Sentinel, exporters and drivers
 * parse them. A replica's own link comes from {@link UpstreamLink}; the replicas of this node
 * (a master's, or a replica's sub-replicas) from {@link ReplicationMaster}. Meridian's extra
 * fields come after Redis's, where parsers that do not know them ignore them.
 */
public final class ReplicationInfo {
    private ReplicationInfo() {}

    /** The "# Replication" section. */
    public static void write(Node node, Section s) {
        Config config = node.config();
        ReplicationStream stream = node.stream();
        ReplicationMaster m = node.master();
        UpstreamLink up = node.upstream();
        boolean replica = node.isReplica();
        s.field("role", replica ? "slave" : "master");
        if (replica) {
            boolean linkUp = up != null && up.linkUp();
            s.field("master_host", up == null ? "" : up.masterHost())
                    .field("master_port", up == null ? 0 : up.masterPort())
                    .field("master_link_status", linkUp ? "up" : "down")
                    .field("master_last_io_seconds_ago", up == null ? -1 : up.lastIoSecondsAgo())
                    .field("master_sync_in_progress", up != null && up.syncInProgress() ? 1 : 0)
                    .field("slave_read_repl_offset", up == null ? 1 : up.readReplOffset())
                    .field("slave_repl_offset", up == null ? 1 : up.replOffset());
            if (up != null && up.syncInProgress()) {
                long total = up.syncTotalBytes();
                long read = up.syncReadBytes();
                double perc = total > 0 ? read * 100.0 / total : 0;
                s.field("master_sync_total_bytes", total)
                        .field("master_sync_read_bytes", read)
                        .field("master_sync_left_bytes", total - read)
                        .fixed2("master_sync_perc", perc)
                        .field("master_sync_last_io_seconds_ago", up.syncLastIoSecondsAgo());
            }
            if (!linkUp) s.field("master_link_down_since_seconds", up == null ? -1 : up.linkDownSinceSeconds());
            s.field("slave_priority", config.getInt("replica-priority"))
                    .field("slave_read_only", config.getBool("replica-read-only") ? 1 : 0)
                    .field("replica_announced", config.getBool("replica-announced") ? 1 : 0);
            if (up != null) for (var e : up.extraInfo().entrySet()) s.field(e.getKey(), e.getValue());
        }
        List<ReplicaSession> replicas = m.replicas();
        s.field("connected_slaves", replicas.size());
        if (config.getInt("min-replicas-to-write") > 0 && config.getInt("min-replicas-max-lag") > 0) {
            s.field("min_slaves_good_slaves", m.goodReplicas());
        }
        long nowSeconds = node.clock().millis() / 1000;
        int id = 0;
        for (ReplicaSession r : replicas) {
            long lag = r.state() == ReplicaState.ONLINE ? nowSeconds - r.ackMillis() / 1000 : 0;
            s.field("slave" + id, "ip=" + r.ip() + ",port=" + r.listeningPort() + ",state=" + r.state().infoName()
                    + ",offset=" + r.ackOffset() + ",lag=" + lag);
            id++;
        }
        Backlog b = m.backlog();
        boolean active = b.active();
        long first = active ? b.firstOffset() : 0;
        long end = active ? b.endOffset() : 0;
        s.field("master_failover_state", io.meridian.node.repl.replica.Failover.of(node).infoState())
                .field("master_replid", stream.replid())
                .field("master_replid2", stream.replid2())
                .field("master_repl_offset", stream.offset())
                .field("second_repl_offset", stream.secondReplOffset())
                .field("repl_backlog_active", active ? 1 : 0)
                .field("repl_backlog_size", config.getLong("repl-backlog-size"))
                .field("repl_backlog_first_byte_offset", active ? first + 1 : 0)
                .field("repl_backlog_histlen", active ? end - first : 0);
        // Meridian's own, after Redis's fields
        long age = b.oldestAgeMillis(node.clock().millis());
        s.field("master_replid_history", ReplicationStream.encodeHistory(stream.history()))
                .field("repl_backlog_kind", b.kind())
                .field("repl_backlog_oldest_age_seconds", age < 0 ? -1 : age / 1000);
        String progress = m.fullSyncProgress();
        if (progress != null) s.field("full_sync_in_progress", progress);
        id = 0;
        for (ReplicaSession r : replicas) {
            long lagBytes = r.state() == ReplicaState.ONLINE ? Math.max(0, stream.offset() - r.ackOffset()) : -1;
            long lagMs = r.state() == ReplicaState.ONLINE ? Math.max(0, node.clock().millis() - r.ackMillis()) : -1;
            s.field("slave" + id + "_lag", "bytes=" + lagBytes + ",ms=" + lagMs + ",stream=" + (r.live() ? "live" : "backlog"));
            id++;
        }
    }

    /** ROLE: ["master", offset, [[ip, port, offset], ...]] or ["slave", host, port, state, offset]. */
    public static void role(Node node, Client c) {
        if (node.isReplica()) {
            UpstreamLink up = node.upstream();
            c.array(5);
            c.bulk("slave");
            c.bulk(up == null ? "" : up.masterHost());
            c.integer(up == null ? 0 : up.masterPort());
            c.bulk(up == null ? "connect" : up.roleState());
            c.integer(up != null && up.linkUp() ? up.replOffset() : -1);
            return;
        }
        c.array(3);
        c.bulk("master");
        c.integer(node.stream().offset());
        List<ReplicaSession> online = node.master().replicas().stream()
                .filter(r -> r.state() == ReplicaState.ONLINE).toList();
        c.array(online.size());
        for (ReplicaSession r : online) {
            c.array(3);
            c.bulk(r.ip());
            c.bulk(Long.toString(r.listeningPort()));
            c.bulk(Long.toString(r.ackOffset()));
        }
    }
}
