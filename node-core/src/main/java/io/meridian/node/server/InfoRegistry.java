package io.meridian.node.server;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * INFO sections in Redis's order; each part of the node contributes its own section text
 * ("field:value\r\n" lines) so INFO stays one command while its fields live with their owners.
 */
public final class InfoRegistry {
    /** Redis's default INFO sections, then the ones only "all"/"everything" show. */
    public static final String[] DEFAULT = {"server", "clients", "memory", "persistence", "stats", "replication",
            "cpu", "modules", "errorstats", "cluster", "keyspace"};
    public static final String[] EXTRA = {"commandstats", "latencystats"};
    private final Map<String, Supplier<String>> sections = new LinkedHashMap<>();

    public void register(String name, Supplier<String> body) {
        sections.put(name, body);
    }

    public Supplier<String> get(String name) {
        return sections.get(name);
    }

    public boolean has(String name) {
        return sections.containsKey(name);
    }
}
