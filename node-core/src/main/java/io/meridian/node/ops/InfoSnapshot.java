package io.meridian.node.ops;

import io.meridian.node.Node;
import io.meridian.node.persist.WriteAheadLog;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * One consistent reading of a node for metrics, health and the admin API: the text INFO
 * everything prints (the same sources, so a metric always agrees with INFO), the replication
 * log's offsets and the readiness verdict, all taken in one turn of the command thread.
 */
public final class InfoSnapshot {
    /** Section title as INFO prints it ("Replication") to its fields, in order. */
    private final Map<String, Map<String, String>> sections;
    /** Every field of every section (names are unique across sections in Redis 7.0). */
    private final Map<String, String> fields;
    private final boolean logEnabled;
    private final long logFirstOffset;
    private final long logLastOffset;
    private final long logDurableOffset;
    private final Readiness.Status readiness;
    private final boolean replica;

    InfoSnapshot(String info, WriteAheadLog wal, Readiness.Status readiness, boolean replica) {
        this.sections = parse(info);
        Map<String, String> flat = new LinkedHashMap<>();
        for (Map<String, String> s : sections.values()) flat.putAll(s);
        this.fields = Collections.unmodifiableMap(flat);
        this.logEnabled = wal != null;
        this.logFirstOffset = wal == null ? -1 : wal.firstOffset();
        this.logLastOffset = wal == null ? -1 : wal.lastOffset();
        this.logDurableOffset = wal == null ? -1 : wal.durableOffset();
        this.readiness = readiness;
        this.replica = replica;
    }

    /** Takes a snapshot on the node's command thread. */
    public static CompletableFuture<InfoSnapshot> take(Node node) {
        CompletableFuture<InfoSnapshot> f = new CompletableFuture<>();
        try {
            node.execute(() -> {
                try {
                    f.complete(takeNow(node));
                } catch (RuntimeException e) {
                    f.completeExceptionally(e);
                }
            });
        } catch (RuntimeException e) {
            // the event loop is shut down (node stopping)
            f.completeExceptionally(e);
        }
        return f;
    }

    /** Takes a snapshot; call on the command thread. */
    public static InfoSnapshot takeNow(Node node) {
        return new InfoSnapshot(node.info().render(List.of("everything")), node.wal(), Readiness.evaluate(node), node.isReplica());
    }

    /** "# Section" headers and "field:value" lines, as redis_exporter reads them. */
    static Map<String, Map<String, String>> parse(String info) {
        Map<String, Map<String, String>> out = new LinkedHashMap<>();
        Map<String, String> current = new LinkedHashMap<>();
        out.put("", current);
        for (String raw : info.split("\n")) {
            String line = raw.strip();
            if (line.startsWith("# ")) {
                current = out.computeIfAbsent(line.substring(2), k -> new LinkedHashMap<>());
                continue;
            }
            int colon = line.indexOf(':');
            if (colon <= 0) continue;
            current.put(line.substring(0, colon), line.substring(colon + 1));
        }
        if (out.get("").isEmpty()) out.remove("");
        return out;
    }

    public Map<String, Map<String, String>> sections() {
        return sections;
    }

    public Map<String, String> section(String title) {
        return sections.getOrDefault(title, Map.of());
    }

    public Map<String, String> fields() {
        return fields;
    }

    public String get(String field) {
        return fields.get(field);
    }

    /** A numeric field, or def when absent or not a number. */
    public double number(String field, double def) {
        String v = fields.get(field);
        if (v == null) return def;
        try {
            return Double.parseDouble(v);
        } catch (NumberFormatException e) {
            return def;
        }
    }

    public long integer(String field, long def) {
        String v = fields.get(field);
        if (v == null) return def;
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            return def;
        }
    }

    public boolean logEnabled() {
        return logEnabled;
    }

    public long logFirstOffset() {
        return logFirstOffset;
    }

    public long logLastOffset() {
        return logLastOffset;
    }

    public long logDurableOffset() {
        return logDurableOffset;
    }

    public Readiness.Status readiness() {
        return readiness;
    }

    public boolean replica() {
        return replica;
    }

    /** "key=value,key=value" (keyspace dbN, slaveN lines) as a map. */
    public static Map<String, String> subfields(String value) {
        Map<String, String> m = new LinkedHashMap<>();
        if (value == null) return m;
        for (String part : value.split(",")) {
            int eq = part.indexOf('=');
            if (eq > 0) m.put(part.substring(0, eq), part.substring(eq + 1));
        }
        return m;
    }
}
