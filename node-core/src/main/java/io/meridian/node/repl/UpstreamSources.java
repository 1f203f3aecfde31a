package io.meridian.node.repl;

import io.meridian.node.Node;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Upstreams of other kinds than a RESP master, by the name {@code replica-source} gives them
 * ("kafka": a remote region's Kafka log, provided by the replica-node application). An
 * application registers its factory before it boots a node; a node started with
 * {@code replica-source <name>} is a replica of that source from its first command on.
 */
public final class UpstreamSources {
    /** Makes the link of a node that starts as a replica of this source (it connects at its first cron tick). */
    @FunctionalInterface
    public interface Factory {
        UpstreamLink create(Node node);
    }

    private static final Map<String, Factory> FACTORIES = new ConcurrentHashMap<>();

    private UpstreamSources() {}

    public static void register(String source, Factory factory) {
        FACTORIES.put(source, factory);
    }

    /**
     * Makes node a replica of the named source: READONLY from the first command on, the link
     * installed as its upstream. Throws when no application registered that source.
     */
    public static UpstreamLink attach(Node node, String source) {
        Factory f = FACTORIES.get(source);
        if (f == null) {
            throw new IllegalStateException("replica-source " + source + " is not available in this application"
                    + " (start it with bin/meridian replica --source " + source + ")");
        }
        node.setRole(Node.Role.REPLICA);
        node.setMasterLinkUp(false);
        UpstreamLink link = f.create(node);
        node.setUpstream(link);
        return link;
    }
}
