/**
 * The replica side of Redis 7 replication.
 *
 * <ul>
 * <li>{@link io.meridian.node.repl.replica.ReplicationClient}: one connection to a master, the
 *     handshake, PSYNC, the RDB payload ({@code $<len>} or {@code $EOF:<mark>}) and the stream,
 *     delivered to a listener. It knows nothing of nodes: anything that follows a master (the
 *     node's own {@link io.meridian.node.repl.replica.MasterLink}, a bridge) can use it.</li>
 * <li>{@link io.meridian.node.repl.replica.MasterLink}: the node's link while it is a replica,
 *     its {@link io.meridian.node.repl.UpstreamLink} (INFO replication, ROLE), states in
 *     {@link io.meridian.node.repl.replica.ReplState}, reconnection with
 *     {@link io.meridian.node.repl.replica.Backoff}.</li>
 * <li>{@link io.meridian.node.repl.replica.RdbTransfer}: a full sync loaded into a fresh keyspace,
 *     swapped in whole ({@code Keyspace.replaceWith}); {@link io.meridian.node.repl.replica.StreamApplier}:
 *     the stream applied as the master client and relayed verbatim into the node's own stream.</li>
 * <li>{@link io.meridian.node.repl.replica.ReplicaOf}: REPLICAOF host port / NO ONE as Redis's
 *     replicationSetMaster / replicationUnsetMaster; {@link io.meridian.node.repl.replica.Failover}: FAILOVER.</li>
 * </ul>
 *
 * <p>What the master side of replication calls here: {@code ReplicaOf.failoverRequested} when a
 * PSYNC carries FAILOVER; {@code Failover.of(node).setReplicas(...)} so FAILOVER sees the replicas
 * and their ACKs; {@code Failover.of(node).state()} (a PSYNC during a failover is refused with
 * NOMASTERLINK) and {@code pingsSuspended()} (no PING while a timed failover waits). A replica's
 * sub-replicas are served from the node's stream, into which {@code StreamApplier} relays the
 * master's bytes with the master's replid and offsets; {@code ReplicaOf.disconnectReplicas}
 * closes them when the history changes (a full sync, a new replid, a promotion). After a full
 * sync the node's stream jumps to the master's offset with an empty append, so listeners see it.
 */
package io.meridian.node.repl.replica;
