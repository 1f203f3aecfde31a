package io.meridian.kafkareplica;

import io.meridian.node.Node;
import io.meridian.node.log.RoleConverter;
import io.meridian.node.repl.UpstreamSources;
import io.meridian.node.repl.replica.MasterLink;
import io.meridian.node.repl.replica.ReplicaOf;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * The Kafka source of the replica-node application: {@link #install()} registers it under
 * {@code replica-source kafka}, so a node started with that directive (or
 * {@code bin/meridian replica --source kafka --bootstrap ... --cluster NAME}) is a
 * {@link KafkaUpstream} replica from its first command on. {@link #attach} turns a running
 * node into one (failback: the old primary re-seeded from the new primary's log).
 */
public final class KafkaReplica {
    /** The Kafka link each node had last, for INFO dr after a promotion ended it. */
    private static final Map<Node, KafkaUpstream> LAST = new WeakHashMap<>();

    private KafkaReplica() {}

    public static void install() {
        UpstreamSources.register("kafka", node -> create(node, KafkaSourceSettings.from(node.config())));
        // the admin API's drills (POST /admin/drill) run bin/meridian drill's code in this process
        io.meridian.node.ops.Drills.install((args, progress) -> {
            io.meridian.kafkareplica.drill.DrillOptions o;
            try {
                o = io.meridian.kafkareplica.drill.DrillOptions.parse(args, System.getenv());
            } catch (io.meridian.kafkareplica.drill.DrillOptions.UsageException e) {
                throw new IllegalArgumentException(e.getMessage(), e);
            }
            io.meridian.kafkareplica.drill.DrillReport r = new io.meridian.kafkareplica.drill.Drill(o, null, progress::accept).run();
            return new io.meridian.node.ops.Drills.Result(r.passed(), r.toJson(), r.rpoBytes(), r.writesLost, r.rtoSeconds);
        });
    }

    private static KafkaUpstream create(Node node, KafkaSourceSettings settings) {
        KafkaUpstream u = new KafkaUpstream(node, settings);
        boolean first;
        synchronized (LAST) {
            first = !LAST.containsKey(node);
            LAST.put(node, u);
        }
        if (first) node.info().register("dr", s -> {
            KafkaUpstream k = last(node);
            boolean following = node.upstream() == k && k != null;
            s.field("dr_source", following ? "kafka" : node.isReplica() ? "resp" : "none");
            s.field("region_epoch", k == null ? 0 : following ? k.epoch() : Math.max(k.promotedEpoch(), 0));
            if (k != null) {
                s.field("dr_stream_topic", k.settings().layout().streamTopic());
                s.field("dr_state", k.state().infoName);
            }
        });
        return u;
    }

    /** The node's current or last Kafka link, or null. */
    public static KafkaUpstream last(Node node) {
        synchronized (LAST) {
            return LAST.get(node);
        }
    }

    /**
     * Makes a running node a replica of a Kafka log, as REPLICAOF does for a RESP master: the
     * current link ends, blocked clients are unblocked, the node turns read-only, and the new
     * link loads the newest snapshot (or continues from the node's own position when it is on
     * that history) at its first cron tick. Call on the command thread.
     */
    public static KafkaUpstream attach(Node node, KafkaSourceSettings settings) {
        MasterLink l = ReplicaOf.link(node);
        if (l != null) l.stop();
        else if (node.upstream() != null) node.upstream().stop();
        node.blocking().unblockAllOnRoleChange();
        node.setRole(Node.Role.REPLICA);
        node.setMasterLinkUp(false);
        RoleConverter.set('S');
        KafkaUpstream u = create(node, settings);
        node.setUpstream(u);
        return u;
    }

    /**
     * replica-node's short flags as directives: --source → --replica-source, --bootstrap →
     * --kafka-bootstrap-servers, --cluster → --kafka-cluster, --topic-prefix →
     * --kafka-topic-prefix, --client-config → --kafka-client-config, --at-offset →
     * --replica-at-offset, --at-time → --replica-at-time.
     */
    public static String[] translateFlags(String[] args) {
        List<String> out = new ArrayList<>(args.length);
        for (String a : args) {
            out.add(switch (a) {
                case "--source" -> "--replica-source";
                case "--bootstrap", "--bootstrap-servers" -> "--kafka-bootstrap-servers";
                case "--cluster" -> "--kafka-cluster";
                case "--topic-prefix" -> "--kafka-topic-prefix";
                case "--client-config" -> "--kafka-client-config";
                case "--at-offset" -> "--replica-at-offset";
                case "--at-time" -> "--replica-at-time";
                default -> a;
            });
        }
        return out.toArray(new String[0]);
    }
}
