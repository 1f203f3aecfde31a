package io.meridian.node.ops;

import io.meridian.node.Node;
import io.meridian.node.config.Config;
import io.meridian.node.repl.UpstreamLink;

/**
 * Whether a node should receive traffic (Kubernetes readiness): a master once its dataset is
 * loaded; a replica while its link is up, no full sync is loading, its master was heard from
 * within {@code readiness-max-lag-seconds} and it holds at most {@code readiness-max-lag-bytes}
 * received but not yet applied. Any {@link UpstreamLink} (a RESP master link, a Kafka source)
 * is judged the same way. Call on the command thread.
 */
public final class Readiness {
    /** The verdict and, when not ready, why (shown in /health/readiness and the admin status). */
    public record Status(boolean ready, String reason) {
        public static Status ready(String why) {
            return new Status(true, why);
        }

        public static Status notReady(String why) {
            return new Status(false, why);
        }
    }

    /** A further condition of a node's readiness (the DR bridge: Kafka reachable, not fenced); null means no objection. */
    public interface Check {
        Status check(Node node);
    }

    private static final java.util.Map<Node, java.util.List<Check>> CHECKS =
            java.util.Collections.synchronizedMap(new java.util.WeakHashMap<>());

    private Readiness() {}

    /** Adds a condition the node must also meet to be ready. */
    public static void addCheck(Node node, Check check) {
        CHECKS.computeIfAbsent(node, n -> new java.util.concurrent.CopyOnWriteArrayList<>()).add(check);
    }

    public static Status evaluate(Node node) {
        Status base = evaluateBase(node);
        if (!base.ready()) return base;
        java.util.List<Check> extra = CHECKS.get(node);
        if (extra != null) {
            for (Check c : extra) {
                Status s = c.check(node);
                if (s != null && !s.ready()) return s;
            }
        }
        return base;
    }

    private static Status evaluateBase(Node node) {
        if (node.loading()) return Status.notReady("loading the dataset");
        if (!node.isReplica()) return Status.ready("master");
        UpstreamLink link = node.upstream();
        if (link == null) return Status.notReady("replica without a source");
        Config c = node.config();
        return evaluate(link, c.getLong("readiness-max-lag-seconds"), c.getLong("readiness-max-lag-bytes"));
    }

    /** The replica rules alone, for any link. */
    public static Status evaluate(UpstreamLink link, long maxLagSeconds, long maxLagBytes) {
        String source = link.masterHost() + ":" + link.masterPort();
        if (link.syncInProgress()) return Status.notReady("full sync from " + source + " in progress");
        if (!link.linkUp()) {
            long down = link.linkDownSinceSeconds();
            return Status.notReady("link to " + source + " is " + link.roleState()
                    + (down >= 0 ? " (down for " + down + " s)" : ""));
        }
        long io = link.lastIoSecondsAgo();
        if (io > maxLagSeconds) {
            return Status.notReady("nothing from " + source + " for " + io + " s (readiness-max-lag-seconds " + maxLagSeconds + ")");
        }
        long unapplied = link.readReplOffset() - link.replOffset();
        if (maxLagBytes > 0 && unapplied > maxLagBytes) {
            return Status.notReady(unapplied + " bytes received but not applied (readiness-max-lag-bytes " + maxLagBytes + ")");
        }
        return Status.ready("replica of " + source + ", link up");
    }
}
