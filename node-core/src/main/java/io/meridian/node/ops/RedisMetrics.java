package io.meridian.node.ops;

import io.meridian.node.Node;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Prometheus metrics with the names operators already alert on from redis_exporter
 * (oliver006/redis_exporter: {@code redis_connected_clients}, {@code redis_master_repl_offset},
 * {@code redis_db_keys{db="db0"}}, ...), read at each scrape from one {@link InfoSnapshot}
 * (so every value is what INFO says at that moment), plus Meridian's own {@code meridian_*}
 * (the replication log's offsets, readiness, role, snapshot age). Registered into the
 * Prometheus registry behind Micrometer, so /prometheus shows both.
 */
public final class RedisMetrics implements MultiCollector {
    /** INFO field → redis_exporter gauge name (without the "redis_" namespace), for the fields Meridian has. */
    static final Map<String, String> GAUGES = new LinkedHashMap<>();
    /** INFO field → redis_exporter counter name (exposed with "_total"). */
    static final Map<String, String> COUNTERS = new LinkedHashMap<>();

    static {
        String[] g = {
                "uptime_in_seconds", "uptime_in_seconds",
                "process_id", "process_id",
                "io_threads_active", "io_threads_active",
                "connected_clients", "connected_clients",
                "blocked_clients", "blocked_clients",
                "tracking_clients", "tracking_clients",
                "clients_in_timeout_table", "clients_in_timeout_table",
                "maxclients", "max_clients",
                "client_recent_max_output_buffer", "client_recent_max_output_buffer_bytes",
                "client_recent_max_input_buffer", "client_recent_max_input_buffer_bytes",
                "allocator_active", "allocator_active_bytes",
                "allocator_allocated", "allocator_allocated_bytes",
                "allocator_resident", "allocator_resident_bytes",
                "allocator_frag_ratio", "allocator_frag_ratio",
                "allocator_frag_bytes", "allocator_frag_bytes",
                "allocator_rss_ratio", "allocator_rss_ratio",
                "allocator_rss_bytes", "allocator_rss_bytes",
                "used_memory", "memory_used_bytes",
                "used_memory_rss", "memory_used_rss_bytes",
                "used_memory_peak", "memory_used_peak_bytes",
                "used_memory_lua", "memory_used_lua_bytes",
                "used_memory_overhead", "memory_used_overhead_bytes",
                "used_memory_startup", "memory_used_startup_bytes",
                "used_memory_dataset", "memory_used_dataset_bytes",
                "used_memory_scripts", "memory_used_scripts_bytes",
                "maxmemory", "memory_max_bytes",
                "total_system_memory", "total_system_memory_bytes",
                "mem_fragmentation_ratio", "mem_fragmentation_ratio",
                "mem_fragmentation_bytes", "mem_fragmentation_bytes",
                "mem_clients_slaves", "mem_clients_slaves",
                "mem_clients_normal", "mem_clients_normal",
                "mem_not_counted_for_evict", "mem_not_counted_for_eviction_bytes",
                "lazyfree_pending_objects", "lazyfree_pending_objects",
                "active_defrag_running", "active_defrag_running",
                "loading", "loading_dump_file",
                "rdb_changes_since_last_save", "rdb_changes_since_last_save",
                "rdb_bgsave_in_progress", "rdb_bgsave_in_progress",
                "rdb_last_save_time", "rdb_last_save_timestamp_seconds",
                "rdb_last_bgsave_status", "rdb_last_bgsave_status",
                "rdb_last_bgsave_time_sec", "rdb_last_bgsave_duration_sec",
                "rdb_current_bgsave_time_sec", "rdb_current_bgsave_duration_sec",
                "rdb_last_cow_size", "rdb_last_cow_size_bytes",
                "aof_enabled", "aof_enabled",
                "aof_rewrite_in_progress", "aof_rewrite_in_progress",
                "aof_rewrite_scheduled", "aof_rewrite_scheduled",
                "aof_last_rewrite_time_sec", "aof_last_rewrite_duration_sec",
                "aof_current_rewrite_time_sec", "aof_current_rewrite_duration_sec",
                "aof_last_cow_size", "aof_last_cow_size_bytes",
                "aof_last_bgrewrite_status", "aof_last_bgrewrite_status",
                "aof_last_write_status", "aof_last_write_status",
                "module_fork_in_progress", "module_fork_in_progress",
                "module_fork_last_cow_size", "module_fork_last_cow_size",
                "pubsub_channels", "pubsub_channels",
                "pubsub_patterns", "pubsub_patterns",
                "latest_fork_usec", "latest_fork_usec",
                "expired_stale_perc", "expired_stale_percentage",
                "active_defrag_hits", "defrag_hits",
                "active_defrag_misses", "defrag_misses",
                "active_defrag_key_hits", "defrag_key_hits",
                "active_defrag_key_misses", "defrag_key_misses",
                "connected_slaves", "connected_slaves",
                "repl_backlog_size", "replication_backlog_bytes",
                "repl_backlog_active", "repl_backlog_is_active",
                "repl_backlog_first_byte_offset", "repl_backlog_first_byte_offset",
                "repl_backlog_histlen", "repl_backlog_history_bytes",
                "master_repl_offset", "master_repl_offset",
                "second_repl_offset", "second_repl_offset",
                "slave_expires_tracked_keys", "slave_expires_tracked_keys",
                "slave_priority", "slave_priority",
                "sync_full", "replica_resyncs_full",
                "sync_partial_ok", "replica_partial_resync_accepted",
                "sync_partial_err", "replica_partial_resync_denied",
                "sync_full_resumed", "replica_resyncs_full_resumed", // Meridian: cut transfers resumed (REPLCONF rdb-resume)
        };
        for (int i = 0; i < g.length; i += 2) GAUGES.put(g[i], g[i + 1]);
        String[] c = {
                "total_connections_received", "connections_received",
                "total_commands_processed", "commands_processed",
                "rejected_connections", "rejected_connections",
                "total_net_input_bytes", "net_input_bytes",
                "total_net_output_bytes", "net_output_bytes",
                "expired_keys", "expired_keys",
                "evicted_keys", "evicted_keys",
                "keyspace_hits", "keyspace_hits",
                "keyspace_misses", "keyspace_misses",
                "used_cpu_sys", "cpu_sys_seconds",
                "used_cpu_user", "cpu_user_seconds",
                "used_cpu_sys_children", "cpu_sys_children_seconds",
                "used_cpu_user_children", "cpu_user_children_seconds",
        };
        for (int i = 0; i < c.length; i += 2) COUNTERS.put(c[i], c[i + 1]);
    }

    private static final String NS = "redis_";
    private final Node node;
    private final long timeoutMillis;

    public RedisMetrics(Node node) {
        this(node, 5000);
    }

    RedisMetrics(Node node, long timeoutMillis) {
        this.node = node;
        this.timeoutMillis = timeoutMillis;
    }

    @Override
    public MetricSnapshots collect() {
        InfoSnapshot s;
        try {
            s = InfoSnapshot.take(node).get(timeoutMillis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            s = null;
        } catch (Exception e) {
            s = null;
        }
        return snapshots(s, System.currentTimeMillis());
    }

    /** The metrics of one reading; null = the node did not answer (redis_up 0, as the exporter). */
    static MetricSnapshots snapshots(InfoSnapshot s, long nowMillis) {
        Builder b = new Builder();
        b.gauge(NS + "up", "Information about the Redis instance", Labels.EMPTY, s == null ? 0 : 1);
        if (s == null) return b.build();
        Map<String, String> f = s.fields();
        for (Map.Entry<String, String> e : GAUGES.entrySet()) {
            Double v = value(f.get(e.getKey()));
            if (v != null) b.gauge(NS + e.getValue(), e.getKey() + " (INFO)", Labels.EMPTY, v);
        }
        for (Map.Entry<String, String> e : COUNTERS.entrySet()) {
            Double v = value(f.get(e.getKey()));
            if (v != null) b.counter(NS + e.getValue(), e.getKey() + " (INFO)", Labels.EMPTY, v);
        }
        Double uptime = value(f.get("uptime_in_seconds"));
        if (uptime != null) b.gauge(NS + "start_time_seconds", "Start time of the Redis instance since unix epoch in seconds.",
                Labels.EMPTY, Math.floor(nowMillis / 1000.0) - uptime);
        b.info(NS + "instance", "Information about the Redis instance", Labels.of(
                "role", f.getOrDefault("role", ""),
                "redis_version", f.getOrDefault("redis_version", ""),
                "redis_build_id", f.getOrDefault("redis_build_id", ""),
                "redis_mode", f.getOrDefault("redis_mode", ""),
                "os", f.getOrDefault("os", ""),
                "maxmemory_policy", f.getOrDefault("maxmemory_policy", ""),
                "tcp_port", f.getOrDefault("tcp_port", ""),
                "run_id", f.getOrDefault("run_id", ""),
                "process_id", f.getOrDefault("process_id", ""),
                "master_replid", f.getOrDefault("master_replid", "")));
        replication(b, s.section("Replication"));
        keyspace(b, s.section("Keyspace"));
        commandstats(b, s.section("Commandstats"));
        for (Map.Entry<String, String> e : s.section("Errorstats").entrySet()) {
            if (!e.getKey().startsWith("errorstat_")) continue;
            Double v = value(InfoSnapshot.subfields(e.getValue()).get("count"));
            if (v != null) b.counter(NS + "errors", "Total number of errors per error type",
                    Labels.of("err", e.getKey().substring("errorstat_".length())), v);
        }
        meridian(b, s, nowMillis);
        return b.build();
    }

    private static void replication(Builder b, Map<String, String> r) {
        String host = r.getOrDefault("master_host", "");
        String port = r.getOrDefault("master_port", "");
        Labels master = Labels.of("master_host", host, "master_port", port);
        for (Map.Entry<String, String> e : r.entrySet()) {
            String k = e.getKey();
            if (k.equals("master_link_status")) {
                b.gauge(NS + "master_link_up", "Master link status on Redis slave", master, "up".equals(e.getValue()) ? 1 : 0);
            } else if (k.equals("master_last_io_seconds_ago") || k.equals("master_sync_in_progress") || k.equals("slave_repl_offset")) {
                Double v = value(e.getValue());
                if (v != null) b.gauge(NS + k, k + " (INFO)", master, v);
            } else if (k.matches("slave\\d+")) {
                Map<String, String> sf = InfoSnapshot.subfields(e.getValue());
                Labels l = Labels.of("slave_ip", sf.getOrDefault("ip", ""), "slave_port", sf.getOrDefault("port", ""),
                        "slave_state", sf.getOrDefault("state", ""));
                Double off = value(sf.get("offset"));
                if (off != null) b.gauge(NS + "connected_slave_offset_bytes", "Offset of connected slave", l, off);
                Double lag = value(sf.get("lag"));
                if (lag != null) b.gauge(NS + "connected_slave_lag_seconds", "Lag of connected slave", l, lag);
            } else if (k.matches("slave\\d+_lag")) {
                // Meridian's own: lag in bytes and milliseconds per replica (INFO slaveN_lag)
                Map<String, String> sf = InfoSnapshot.subfields(e.getValue());
                String id = k.substring(0, k.length() - "_lag".length());
                Map<String, String> main = InfoSnapshot.subfields(r.getOrDefault(id, ""));
                Labels l = Labels.of("slave_ip", main.getOrDefault("ip", ""), "slave_port", main.getOrDefault("port", ""));
                Double bytes = value(sf.get("bytes"));
                if (bytes != null && bytes >= 0) b.gauge("meridian_replica_lag_bytes", "Stream bytes a replica has not acknowledged", l, bytes);
                Double ms = value(sf.get("ms"));
                if (ms != null && ms >= 0) b.gauge("meridian_replica_ack_age_seconds", "Seconds since a replica's last acknowledgement", l, ms / 1000.0);
            } else if (k.equals("repl_backlog_oldest_age_seconds")) {
                Double age = value(e.getValue());
                if (age != null) b.gauge("meridian_repl_backlog_oldest_age_seconds", "Age of the oldest stream byte the backlog (log) holds", Labels.EMPTY, age);
            }
        }
        if ("slave".equals(r.get("role"))) {
            b.info(NS + "slave", "Information about the Redis slave", Labels.of("master_host", host, "master_port", port,
                    "read_only", r.getOrDefault("slave_read_only", "")));
        }
    }

    private static void keyspace(Builder b, Map<String, String> k) {
        for (Map.Entry<String, String> e : k.entrySet()) {
            if (!e.getKey().startsWith("db")) continue;
            Labels db = Labels.of("db", e.getKey());
            Map<String, String> sf = InfoSnapshot.subfields(e.getValue());
            Double keys = value(sf.get("keys"));
            Double expires = value(sf.get("expires"));
            if (keys == null || expires == null) continue;
            b.gauge(NS + "db_keys", "Total number of keys by DB", db, keys);
            b.gauge(NS + "db_keys_expiring", "Total number of expiring keys by DB", db, expires);
            Double ttl = value(sf.get("avg_ttl"));
            if (ttl != null) b.gauge(NS + "db_avg_ttl_seconds", "Avg TTL in seconds", db, ttl / 1000);
        }
    }

    private static void commandstats(Builder b, Map<String, String> c) {
        for (Map.Entry<String, String> e : c.entrySet()) {
            if (!e.getKey().startsWith("cmdstat_")) continue;
            Labels cmd = Labels.of("cmd", e.getKey().substring("cmdstat_".length()));
            Map<String, String> sf = InfoSnapshot.subfields(e.getValue());
            Double calls = value(sf.get("calls"));
            Double usec = value(sf.get("usec"));
            if (calls == null || usec == null) continue;
            b.counter(NS + "commands", "Total number of calls per command", cmd, calls);
            b.counter(NS + "commands_duration_seconds", "Total amount of time in seconds spent per command", cmd, usec / 1e6);
            Double rejected = value(sf.get("rejected_calls"));
            if (rejected != null) b.counter(NS + "commands_rejected_calls", "Total number of errors prior command execution per command", cmd, rejected);
            Double failed = value(sf.get("failed_calls"));
            if (failed != null) b.counter(NS + "commands_failed_calls", "Total number of errors within command execution per command", cmd, failed);
        }
    }

    private static void meridian(Builder b, InfoSnapshot s, long nowMillis) {
        dr(b, s);
        b.gauge("meridian_ready", "1 when /health/readiness reports UP", Labels.EMPTY, s.readiness().ready() ? 1 : 0);
        b.gauge("meridian_role_master", "1 on a writable master, 0 on a replica", Labels.EMPTY, s.replica() ? 0 : 1);
        b.gauge("meridian_repl_log_enabled", "1 when the replication log (write-ahead log) is on", Labels.EMPTY, s.logEnabled() ? 1 : 0);
        if (s.logEnabled()) {
            b.gauge("meridian_repl_log_first_offset", "First stream offset the replication log holds", Labels.EMPTY, s.logFirstOffset());
            b.gauge("meridian_repl_log_last_offset", "Stream offset the replication log reaches", Labels.EMPTY, s.logLastOffset());
            b.gauge("meridian_repl_log_durable_offset", "Stream offset up to which the replication log is synced to disk", Labels.EMPTY, s.logDurableOffset());
            b.gauge("meridian_repl_log_unsynced_bytes", "Stream bytes written but not yet synced to disk", Labels.EMPTY,
                    Math.max(0, s.logLastOffset() - s.logDurableOffset()));
        }
        Double lastSave = value(s.get("rdb_last_save_time"));
        if (lastSave != null) b.gauge("meridian_snapshot_age_seconds", "Seconds since the last successful RDB snapshot", Labels.EMPTY,
                Math.max(0, Math.floor(nowMillis / 1000.0) - lastSave));
        Double read = value(s.get("slave_read_repl_offset"));
        Double applied = value(s.get("slave_repl_offset"));
        if (read != null && applied != null) {
            b.gauge("meridian_replica_unapplied_bytes", "Bytes received from the master and not yet applied", Labels.EMPTY, Math.max(0, read - applied));
        }
        // a Kafka-sourced replica (replica-source kafka): its INFO replication extras
        String kafkaState = s.get("kafka_state");
        if (kafkaState != null) {
            b.gauge("meridian_kafka_following", "1 while a Kafka-sourced replica follows its stream topic", Labels.EMPTY,
                    kafkaState.equals("following") ? 1 : 0);
            kafkaGauge(b, s, "kafka_lag_bytes", "meridian_kafka_lag_bytes", "Stream bytes the Kafka topic holds past what this replica applied");
            kafkaGauge(b, s, "kafka_lag_records", "meridian_kafka_lag_records", "Stream topic records not yet applied");
            kafkaGauge(b, s, "kafka_lag_seconds", "meridian_kafka_lag_seconds", "Seconds since the last applied record was produced, while records wait");
            kafkaGauge(b, s, "kafka_region_epoch", "meridian_kafka_region_epoch", "Highest region epoch applied");
            Double dup = value(s.get("kafka_duplicates_skipped"));
            if (dup != null) b.counter("meridian_kafka_duplicates_skipped", "Stream records skipped as already applied", Labels.EMPTY, dup);
            Double rej = value(s.get("kafka_epoch_rejected"));
            if (rej != null) b.counter("meridian_kafka_epoch_rejected", "Stream records rejected for a lower region epoch", Labels.EMPTY, rej);
        }
    }

    /** The DR bridge (INFO bridge) and the last drill run in this process (INFO drill). */
    private static void dr(Builder b, InfoSnapshot s) {
        String state = s.get("bridge_state");
        if (state != null) {
            b.gauge("meridian_bridge_publishing", "1 while the bridge publishes (following or holding the master for backpressure)", Labels.EMPTY,
                    state.equals("following") || state.equals("backpressure") ? 1 : 0);
            b.gauge("meridian_bridge_fenced", "1 when another bridge of the cluster fenced this one", Labels.EMPTY, state.equals("fenced") ? 1 : 0);
            kafkaGauge(b, s, "bridge_kafka", "meridian_bridge_kafka_up", "1 when Kafka takes the bridge's batches");
            kafkaGauge(b, s, "bridge_master_link", "meridian_bridge_master_link_up", "1 when the bridge's link to its master is up");
            kafkaGauge(b, s, "bridge_master_held", "meridian_bridge_master_held", "1 while the bridge does not read its master (its buffer is full)");
            kafkaGauge(b, s, "bridge_lag_bytes", "meridian_bridge_lag_bytes", "Stream bytes the bridge received and Kafka does not hold yet");
            kafkaGauge(b, s, "bridge_buffer_bytes", "meridian_bridge_buffer_bytes", "Stream bytes buffered in the bridge");
            kafkaGauge(b, s, "bridge_published_offset", "meridian_bridge_published_offset", "Repl offset up to which Kafka holds the stream");
            kafkaGauge(b, s, "bridge_epoch", "meridian_bridge_region_epoch", "Region epoch the bridge stamps on records");
            kafkaGauge(b, s, "bridge_last_snapshot_age_seconds", "meridian_bridge_snapshot_age_seconds", "Seconds since the bridge published a snapshot");
            bridgeCounter(b, s, "bridge_bytes_total", "meridian_bridge_published_bytes", "Stream bytes published to Kafka (rate = publish rate)");
            bridgeCounter(b, s, "bridge_records_total", "meridian_bridge_published_records", "Stream records published to Kafka");
            bridgeCounter(b, s, "bridge_transactions_total", "meridian_bridge_transactions", "Kafka transactions committed");
            bridgeCounter(b, s, "bridge_retries_total", "meridian_bridge_retries", "Batches retried after Kafka failed to take them");
            bridgeCounter(b, s, "bridge_snapshots_total", "meridian_bridge_snapshots", "Snapshots published to Kafka");
        }
        Double id = value(s.get("drill_last_id"));
        if (id != null && id > 0) {
            kafkaGauge(b, s, "drill_last_passed", "meridian_drill_last_passed", "1 when the last drill passed");
            kafkaGauge(b, s, "drill_last_rpo_bytes", "meridian_drill_last_rpo_bytes", "Bytes lost in the last drill (-1 unknown)");
            kafkaGauge(b, s, "drill_last_rpo_writes", "meridian_drill_last_rpo_writes", "Acknowledged writes lost in the last drill (-1 unknown)");
            kafkaGauge(b, s, "drill_last_rto_seconds", "meridian_drill_last_rto_seconds", "Seconds until the standby took writes in the last drill");
            kafkaGauge(b, s, "drill_last_finished", "meridian_drill_last_timestamp_seconds", "When the last drill finished (unix time, -1 running)");
        }
    }

    private static void bridgeCounter(Builder b, InfoSnapshot s, String field, String name, String help) {
        Double v = value(s.get(field));
        if (v != null) b.counter(name, help, Labels.EMPTY, v);
    }

    private static void kafkaGauge(Builder b, InfoSnapshot s, String field, String name, String help) {
        Double v = value(s.get(field));
        if (v != null) b.gauge(name, help, Labels.EMPTY, v);
    }

    /** The exporter's reading of an INFO value: ok/up/true = 1, err/down/fail/false = 0, else a number. */
    static Double value(String v) {
        if (v == null) return null;
        switch (v) {
            case "ok", "up", "true" -> { return 1.0; }
            case "err", "down", "fail", "false" -> { return 0.0; }
            default -> {
                try {
                    return Double.parseDouble(v);
                } catch (NumberFormatException e) {
                    return null;
                }
            }
        }
    }

    /** Collects data points per metric name, in first-seen order. */
    private static final class Builder {
        private final Map<String, GaugeSnapshot.Builder> gauges = new LinkedHashMap<>();
        private final Map<String, CounterSnapshot.Builder> counters = new LinkedHashMap<>();
        private final Map<String, io.prometheus.metrics.model.snapshots.InfoSnapshot.Builder> infos = new LinkedHashMap<>();
        private final List<String> order = new ArrayList<>();

        void gauge(String name, String help, Labels labels, double v) {
            GaugeSnapshot.Builder g = gauges.computeIfAbsent(name, n -> {
                order.add(n);
                return GaugeSnapshot.builder().name(n).help(help);
            });
            g.dataPoint(GaugeDataPointSnapshot.builder().labels(labels).value(v).build());
        }

        void counter(String name, String help, Labels labels, double v) {
            CounterSnapshot.Builder c = counters.computeIfAbsent(name, n -> {
                order.add(n);
                return CounterSnapshot.builder().name(n).help(help);
            });
            c.dataPoint(CounterDataPointSnapshot.builder().labels(labels).value(v).build());
        }

        /** An info metric: exposed as name_info{labels} 1 (the 1.x Prometheus model reserves the suffix). */
        void info(String name, String help, Labels labels) {
            var i = infos.computeIfAbsent(name, n -> {
                order.add(n);
                return io.prometheus.metrics.model.snapshots.InfoSnapshot.builder().name(n).help(help);
            });
            i.dataPoint(io.prometheus.metrics.model.snapshots.InfoSnapshot.InfoDataPointSnapshot.builder().labels(labels).build());
        }

        MetricSnapshots build() {
            List<MetricSnapshot> out = new ArrayList<>(order.size());
            for (String n : order) {
                GaugeSnapshot.Builder g = gauges.get(n);
                CounterSnapshot.Builder c = counters.get(n);
                out.add(g != null ? g.build() : c != null ? c.build() : infos.get(n).build());
            }
            return new MetricSnapshots(out);
        }
    }
}
