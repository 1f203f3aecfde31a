package io.meridian.node.server;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The sections of INFO, in Redis 7.0's order, and who writes each. INFO stays one command
 * while its fields live with their owners: the server family writes the built-in sections
 * and a component that owns a section (replication, persistence) replaces it with
 * {@link #register}:
 *
 * <pre>{@code
 * node.info().register("replication", s -> s
 *         .field("role", "master")
 *         .field("connected_slaves", replicas.size()));
 * }</pre>
 *
 * A source is called on the command thread each time its section is shown; it writes its
 * fields in order with {@link Section#field} and must not block. Names are Redis's
 * lower-case section names; an unknown name adds a section after the built-in ones (shown
 * by "all", "everything" or by name, as Redis shows module sections).
 */
public final class InfoRegistry {
    /** Writes the fields of one section. */
    @FunctionalInterface
    public interface Source {
        void write(Section s);
    }

    /** Every built-in section, in the order INFO prints them. */
    public static final List<String> ORDER = List.of("server", "clients", "memory", "persistence", "stats",
            "replication", "cpu", "modules", "commandstats", "errorstats", "latencystats", "cluster", "keyspace");
    /** What INFO (and INFO default) prints. */
    public static final List<String> DEFAULT = List.of("server", "clients", "memory", "persistence", "stats",
            "replication", "cpu", "modules", "errorstats", "cluster", "keyspace");

    private final Map<String, Source> builtIn = new LinkedHashMap<>();
    private final Map<String, Source> overrides = new LinkedHashMap<>();

    /** The server family's own sections: used unless a component {@link #register registers} one. */
    public void registerBuiltIn(String name, Source source) {
        builtIn.put(name.toLowerCase(Locale.ROOT), source);
    }

    /** A component takes over a section (e.g. "replication"), or adds a new one. */
    public void register(String name, Source source) {
        overrides.put(name.toLowerCase(Locale.ROOT), source);
    }

    /** The same, for a source that renders its whole section as "field:value\r\n" lines. */
    public void register(String name, java.util.function.Supplier<String> text) {
        register(name, s -> s.raw(text.get()));
    }

    public boolean has(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return overrides.containsKey(n) || builtIn.containsKey(n);
    }

    private Source source(String name) {
        Source s = overrides.get(name);
        return s != null ? s : builtIn.get(name);
    }

    /** The text of INFO with these arguments (empty = default sections), as genRedisInfoString. */
    public String render(List<String> args) {
        Set<String> wanted = new LinkedHashSet<>();
        boolean all = false;
        if (args.isEmpty()) wanted.addAll(DEFAULT);
        for (String a : args) {
            String l = a.toLowerCase(Locale.ROOT);
            switch (l) {
                case "default" -> wanted.addAll(DEFAULT);
                case "all", "everything" -> all = true;
                case "module_list" -> wanted.add("modules");
                default -> wanted.add(l);
            }
        }
        List<String> order = new ArrayList<>(ORDER);
        for (String n : overrides.keySet()) if (!order.contains(n)) order.add(n);
        StringBuilder out = new StringBuilder(4096);
        for (String name : order) {
            if (!all && !wanted.contains(name)) continue;
            Source src = source(name);
            if (src == null) continue;
            if (out.length() > 0) out.append("\r\n");
            out.append("# ").append(title(name)).append("\r\n");
            src.write(new Section(out));
        }
        return out.toString();
    }

    /** "cpu" → "CPU", "commandstats" → "Commandstats", as Redis titles them. */
    static String title(String name) {
        if (name.equals("cpu")) return "CPU";
        return Character.toUpperCase(name.charAt(0)) + name.substring(1);
    }

    /** The fields of one section, "name:value\r\n" each. */
    public static final class Section {
        private final StringBuilder out;

        Section(StringBuilder out) {
            this.out = out;
        }

        public Section field(String name, Object value) {
            out.append(name).append(':').append(value).append("\r\n");
            return this;
        }

        public Section field(String name, long value) {
            out.append(name).append(':').append(value).append("\r\n");
            return this;
        }

        /** Lines already formatted as "field:value\r\n". */
        public Section raw(String lines) {
            out.append(lines);
            return this;
        }

        /** A field whose value is a "%.2f" figure, as Redis prints ratios and kbps. */
        public Section fixed2(String name, double value) {
            return field(name, String.format(Locale.ROOT, "%.2f", value));
        }
    }
}
