package io.meridian.node.commands;

import io.meridian.node.Node;
import io.meridian.node.command.CommandSpec;
import io.meridian.node.keyspace.Database;
import io.meridian.node.keyspace.Keyspace;
import io.meridian.node.server.Client;
import io.meridian.node.server.InfoRegistry;
import io.meridian.node.server.InfoRegistry.Section;
import io.meridian.node.server.LatencyHistogram;
import io.meridian.node.server.Stats;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * INFO: Redis 7.0's sections with its field names, in its order. Values are Meridian's own
 * where it has them (memory from the JVM, clients, commands, keyspace, hits and misses);
 * fields for machinery Meridian does not have (Lua, jemalloc, defrag, tracking, AOF
 * rewrites) keep Redis's idle values so parsers see the shape they expect. Replication and
 * persistence write their own sections through {@link InfoRegistry#register}; the versions
 * here are what a master without replicas and a node that never saved show.
 */
final class InfoCommand {
    private static final HexFormat HEX = HexFormat.of();
    private Node node;
    /** A 40-hex-digit id that changes at every start (Redis's run_id). */
    private String runId;
    private long startupMemory;
    private long peakMemory;
    /** The command thread, for used_cpu_*_main_thread (seen on the first INFO). */
    private volatile long commandThreadId = -1;

    void attach(Node n) {
        this.node = n;
        byte[] b = new byte[20];
        new SecureRandom().nextBytes(b);
        this.runId = HEX.formatHex(b);
        this.startupMemory = usedMemory();
        this.peakMemory = startupMemory;
        InfoRegistry r = n.info();
        r.registerBuiltIn("server", this::server);
        r.registerBuiltIn("clients", this::clients);
        r.registerBuiltIn("memory", this::memory);
        r.registerBuiltIn("persistence", this::persistence);
        r.registerBuiltIn("stats", this::stats);
        r.registerBuiltIn("replication", this::replication);
        r.registerBuiltIn("cpu", this::cpu);
        r.registerBuiltIn("modules", s -> { });
        r.registerBuiltIn("commandstats", this::commandstats);
        r.registerBuiltIn("errorstats", this::errorstats);
        r.registerBuiltIn("latencystats", this::latencystats);
        r.registerBuiltIn("cluster", s -> s.field("cluster_enabled", 0));
        r.registerBuiltIn("keyspace", this::keyspace);
    }

    String runId() {
        return runId;
    }

    // INFO [section [section ...]]
    void info(Client c, byte[][] argv) {
        commandThreadId = Thread.currentThread().getId();
        List<String> args = new ArrayList<>();
        for (int i = 1; i < argv.length; i++) args.add(new String(argv[i], java.nio.charset.StandardCharsets.ISO_8859_1));
        c.verbatim(c.node().info().render(args));
    }

    // ---- sections ----------------------------------------------------------------------

    private void server(Section s) {
        long now = ServerCommands.nowMicros(node);
        long uptime = node.uptimeMillis() / 1000;
        int port = node.server().port() > 0 ? node.server().port() : Math.max(0, node.server().tlsPort());
        s.field("redis_version", Node.REDIS_VERSION)
                .field("redis_git_sha1", "00000000")
                .field("redis_git_dirty", 0)
                .field("redis_build_id", "meridian-" + Node.VERSION)
                .field("redis_mode", "standalone")
                .field("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + machine())
                .field("arch_bits", 64)
                .field("monotonic_clock", "POSIX clock_gettime")
                .field("multiplexing_api", io.netty.channel.epoll.Epoll.isAvailable() ? "epoll" : "select")
                .field("atomicvar_api", "c11-builtin")
                .field("gcc_version", "0.0.0")
                .field("process_id", ProcessHandle.current().pid())
                .field("process_supervised", "no")
                .field("run_id", runId)
                .field("tcp_port", port)
                .field("server_time_usec", now)
                .field("uptime_in_seconds", uptime)
                .field("uptime_in_days", uptime / 86400)
                .field("hz", node.config().getInt("hz"))
                .field("configured_hz", node.config().getInt("hz"))
                .field("lru_clock", (node.clock().millis() / 1000) & ((1 << 24) - 1))
                .field("executable", ProcessHandle.current().info().command().orElse(""))
                .field("config_file", node.config().configFile() == null ? "" : node.config().configFile())
                .field("io_threads_active", 0);
    }

    private static String machine() {
        String a = System.getProperty("os.arch");
        return switch (a) {
            case "amd64" -> "x86_64";
            case "arm64" -> "aarch64";
            default -> a;
        };
    }

    private void clients(Section s) {
        int normal = 0, replicas = 0, inTimeout = 0;
        for (Client c : node.clients().values()) {
            if (c.kind == 'S') replicas++;
            else normal++;
            if (c.blocked != null && c.blocked.deadline > 0) inTimeout++;
        }
        s.field("connected_clients", normal)
                .field("cluster_connections", 0)
                .field("maxclients", node.config().getLong("maxclients"))
                .field("client_recent_max_input_buffer", 0)
                .field("client_recent_max_output_buffer", 0)
                .field("blocked_clients", node.blocking().blockedClients())
                .field("tracking_clients", 0)
                .field("clients_in_timeout_table", inTimeout);
    }

    /** Heap in use: what the dataset and the node cost, the JVM's used_memory. */
    static long usedMemory() {
        Runtime rt = Runtime.getRuntime();
        return rt.totalMemory() - rt.freeMemory();
    }

    /** Resident set size from /proc (Linux), else the committed heap. */
    static long rss() {
        try {
            String statm = Files.readString(Path.of("/proc/self/statm"));
            String[] f = statm.trim().split("\\s+");
            return Long.parseLong(f[1]) * 4096L;
        } catch (IOException | RuntimeException e) {
            return Runtime.getRuntime().totalMemory();
        }
    }

    private static long totalSystemMemory() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getTotalMemorySize();
        }
        return 0;
    }

    /** Redis's bytesToHuman. */
    static String human(long n) {
        double d = n;
        if (n < 1024) return n + "B";
        if (n < 1024L * 1024) return String.format(Locale.ROOT, "%.2fK", d / 1024);
        if (n < 1024L * 1024 * 1024) return String.format(Locale.ROOT, "%.2fM", d / (1024 * 1024));
        if (n < 1024L * 1024 * 1024 * 1024) return String.format(Locale.ROOT, "%.2fG", d / (1024L * 1024 * 1024));
        if (n < 1024L * 1024 * 1024 * 1024 * 1024) return String.format(Locale.ROOT, "%.2fT", d / (1024L * 1024 * 1024 * 1024));
        return String.format(Locale.ROOT, "%.2fP", d / (1024L * 1024 * 1024 * 1024 * 1024));
    }

    private void memory(Section s) {
        long used = usedMemory();
        if (used > peakMemory) peakMemory = used;
        long rss = rss();
        long committed = Runtime.getRuntime().totalMemory();
        long overhead = Math.min(used, startupMemory);
        long dataset = used - overhead;
        long net = used - Math.min(used, startupMemory);
        long maxmemory = node.config().getLong("maxmemory");
        long total = totalSystemMemory();
        s.field("used_memory", used)
                .field("used_memory_human", human(used))
                .field("used_memory_rss", rss)
                .field("used_memory_rss_human", human(rss))
                .field("used_memory_peak", peakMemory)
                .field("used_memory_peak_human", human(peakMemory))
                .field("used_memory_peak_perc", String.format(Locale.ROOT, "%.2f%%", peakMemory == 0 ? 0.0 : used * 100.0 / peakMemory))
                .field("used_memory_overhead", overhead)
                .field("used_memory_startup", startupMemory)
                .field("used_memory_dataset", dataset)
                .field("used_memory_dataset_perc", String.format(Locale.ROOT, "%.2f%%", net == 0 ? 0.0 : dataset * 100.0 / net))
                .field("allocator_allocated", used)
                .field("allocator_active", committed)
                .field("allocator_resident", committed)
                .field("total_system_memory", total)
                .field("total_system_memory_human", human(total))
                .field("used_memory_lua", 0)
                .field("used_memory_vm_eval", 0)
                .field("used_memory_lua_human", "0B")
                .field("used_memory_scripts_eval", 0)
                .field("number_of_cached_scripts", 0)
                .field("number_of_functions", 0)
                .field("number_of_libraries", 0)
                .field("used_memory_vm_functions", 0)
                .field("used_memory_vm_total", 0)
                .field("used_memory_vm_total_human", "0B")
                .field("used_memory_functions", 0)
                .field("used_memory_scripts", 0)
                .field("used_memory_scripts_human", "0B")
                .field("maxmemory", maxmemory)
                .field("maxmemory_human", human(maxmemory))
                .field("maxmemory_policy", node.config().get("maxmemory-policy"))
                .fixed2("allocator_frag_ratio", used == 0 ? 0 : (double) committed / used)
                .field("allocator_frag_bytes", committed - used)
                .fixed2("allocator_rss_ratio", committed == 0 ? 0 : (double) rss / committed)
                .field("allocator_rss_bytes", rss - committed)
                .fixed2("rss_overhead_ratio", 1.0)
                .field("rss_overhead_bytes", 0)
                .fixed2("mem_fragmentation_ratio", used == 0 ? 0 : (double) rss / used)
                .field("mem_fragmentation_bytes", rss - used)
                .field("mem_not_counted_for_evict", 0)
                .field("mem_replication_backlog", 0)
                .field("mem_total_replication_buffers", 0)
                .field("mem_clients_slaves", 0)
                .field("mem_clients_normal", 0)
                .field("mem_cluster_links", 0)
                .field("mem_aof_buffer", 0)
                .field("mem_allocator", "jvm")
                .field("active_defrag_running", 0)
                .field("lazyfree_pending_objects", 0)
                .field("lazyfreed_objects", 0);
    }

    private void persistence(Section s) {
        s.field("loading", node.loading() ? 1 : 0)
                .field("async_loading", 0)
                .field("current_cow_peak", 0)
                .field("current_cow_size", 0)
                .field("current_cow_size_age", 0)
                .fixed2("current_fork_perc", 0)
                .field("current_save_keys_processed", 0)
                .field("current_save_keys_total", 0)
                .field("rdb_changes_since_last_save", node.stats().dirty)
                .field("rdb_bgsave_in_progress", 0)
                .field("rdb_last_save_time", node.startedAt() / 1000)
                .field("rdb_last_bgsave_status", "ok")
                .field("rdb_last_bgsave_time_sec", -1)
                .field("rdb_current_bgsave_time_sec", -1)
                .field("rdb_saves", 0)
                .field("rdb_last_cow_size", 0)
                .field("rdb_last_load_keys_expired", 0)
                .field("rdb_last_load_keys_loaded", 0)
                .field("aof_enabled", 0)
                .field("aof_rewrite_in_progress", 0)
                .field("aof_rewrite_scheduled", 0)
                .field("aof_last_rewrite_time_sec", -1)
                .field("aof_current_rewrite_time_sec", -1)
                .field("aof_last_bgrewrite_status", "ok")
                .field("aof_rewrites", 0)
                .field("aof_rewrites_consecutive_failures", 0)
                .field("aof_last_write_status", "ok")
                .field("aof_last_cow_size", 0)
                .field("module_fork_in_progress", 0)
                .field("module_fork_last_cow_size", 0);
    }

    private void stats(Section s) {
        Stats st = node.stats();
        Keyspace ks = node.keyspace();
        long replIn = st.netReplInputBytes.get(), replOut = st.netReplOutputBytes.get();
        s.field("total_connections_received", st.connectionsReceived)
                .field("total_commands_processed", st.commandsProcessed)
                .field("instantaneous_ops_per_sec", st.instantaneousOpsPerSec())
                .field("total_net_input_bytes", st.netInputBytes.get() + replIn)
                .field("total_net_output_bytes", st.netOutputBytes.get() + replOut)
                .field("total_net_repl_input_bytes", replIn)
                .field("total_net_repl_output_bytes", replOut)
                .fixed2("instantaneous_input_kbps", st.instantaneousInputKbps())
                .fixed2("instantaneous_output_kbps", st.instantaneousOutputKbps())
                .fixed2("instantaneous_input_repl_kbps", 0)
                .fixed2("instantaneous_output_repl_kbps", 0)
                .field("rejected_connections", st.rejectedConnections)
                .field("sync_full", st.syncFull)
                .field("sync_partial_ok", st.syncPartialOk)
                .field("sync_partial_err", st.syncPartialErr)
                .field("expired_keys", ks.expiredKeys)
                .fixed2("expired_stale_perc", 0)
                .field("expired_time_cap_reached_count", 0)
                .field("expire_cycle_cpu_milliseconds", 0)
                .field("evicted_keys", st.evictedKeys)
                .field("evicted_clients", 0)
                .field("total_eviction_exceeded_time", 0)
                .field("current_eviction_exceeded_time", 0)
                .field("keyspace_hits", ks.hits)
                .field("keyspace_misses", ks.misses)
                .field("pubsub_channels", node.pubsub().channelCount())
                .field("pubsub_patterns", node.pubsub().patternCount())
                .field("pubsubshard_channels", 0)
                .field("latest_fork_usec", 0)
                .field("total_forks", 0)
                .field("migrate_cached_sockets", 0)
                .field("slave_expires_tracked_keys", 0)
                .field("active_defrag_hits", 0)
                .field("active_defrag_misses", 0)
                .field("active_defrag_key_hits", 0)
                .field("active_defrag_key_misses", 0)
                .field("total_active_defrag_time", 0)
                .field("current_active_defrag_time", 0)
                .field("tracking_total_keys", 0)
                .field("tracking_total_items", 0)
                .field("tracking_total_prefixes", 0)
                .field("unexpected_error_replies", st.unexpectedErrorReplies)
                .field("total_error_replies", st.totalErrorReplies)
                .field("dump_payload_sanitizations", 0)
                .field("total_reads_processed", st.commandsProcessed)
                .field("total_writes_processed", st.commandsProcessed)
                .field("io_threaded_reads_processed", 0)
                .field("io_threaded_writes_processed", 0)
                .field("reply_buffer_shrinks", 0)
                .field("reply_buffer_expands", 0)
                // Meridian's own, after Redis's fields
                .field("sync_full_resumed", st.syncFullResumed);
    }

    private void replication(Section s) {
        io.meridian.node.repl.ReplicationInfo.write(node, s);
    }

    private void cpu(Section s) {
        long[] proc = procCpuMicros();
        s.field("used_cpu_sys", seconds(proc[1]))
                .field("used_cpu_user", seconds(proc[0]))
                .field("used_cpu_sys_children", seconds(proc[3]))
                .field("used_cpu_user_children", seconds(proc[2]));
        ThreadMXBean t = ManagementFactory.getThreadMXBean();
        long id = commandThreadId;
        long total = id >= 0 && t.isThreadCpuTimeSupported() ? Math.max(0, t.getThreadCpuTime(id)) : 0;
        long user = id >= 0 && t.isThreadCpuTimeSupported() ? Math.max(0, t.getThreadUserTime(id)) : 0;
        s.field("used_cpu_sys_main_thread", seconds((total - user) / 1000))
                .field("used_cpu_user_main_thread", seconds(user / 1000));
    }

    /** utime, stime, cutime, cstime of this process in microseconds (/proc/self/stat, clock ticks of 10 ms). */
    private static long[] procCpuMicros() {
        try {
            String stat = Files.readString(Path.of("/proc/self/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            // after the command name: state(0) ... utime(11) stime(12) cutime(13) cstime(14)
            long tick = 10_000;
            return new long[]{Long.parseLong(f[11]) * tick, Long.parseLong(f[12]) * tick,
                    Long.parseLong(f[13]) * tick, Long.parseLong(f[14]) * tick};
        } catch (IOException | RuntimeException e) {
            return new long[4];
        }
    }

    /** "%ld.%06ld" of a duration in microseconds. */
    private static String seconds(long micros) {
        return String.format(Locale.ROOT, "%d.%06d", micros / 1_000_000, micros % 1_000_000);
    }

    private void commandstats(Section s) {
        for (CommandSpec spec : node.commands().all()) {
            commandstat(s, spec);
            for (CommandSpec sub : spec.subcommands().values()) commandstat(s, sub);
        }
    }

    private static void commandstat(Section s, CommandSpec c) {
        if (c.calls == 0 && c.failedCalls == 0 && c.rejectedCalls == 0) return;
        s.field("cmdstat_" + c.name(), "calls=" + c.calls + ",usec=" + c.usec + ",usec_per_call="
                + String.format(Locale.ROOT, "%.2f", c.calls == 0 ? 0.0 : (double) c.usec / c.calls)
                + ",rejected_calls=" + c.rejectedCalls + ",failed_calls=" + c.failedCalls);
    }

    private void errorstats(Section s) {
        for (Map.Entry<String, Long> e : node.stats().errorsByCode.entrySet()) {
            s.field("errorstat_" + e.getKey(), "count=" + e.getValue());
        }
    }

    private void latencystats(Section s) {
        if (!node.config().getBool("latency-tracking")) return;
        List<String> percentiles = node.config().getList("latency-tracking-info-percentiles");
        for (CommandSpec spec : node.commands().all()) {
            latencystat(s, spec, percentiles);
            for (CommandSpec sub : spec.subcommands().values()) latencystat(s, sub, percentiles);
        }
    }

    private void latencystat(Section s, CommandSpec spec, List<String> percentiles) {
        LatencyHistogram h = node.stats().latency(spec);
        if (h == null) return;
        StringBuilder b = new StringBuilder();
        for (String p : percentiles) {
            if (b.length() > 0) b.append(',');
            double pd = Double.parseDouble(p);
            b.append('p').append(p).append('=')
                    .append(String.format(Locale.ROOT, "%.3f", h.valueAtPercentile(pd) / 1000.0));
        }
        s.field("latency_percentiles_usec_" + spec.name(), b);
    }

    private void keyspace(Section s) {
        Keyspace ks = node.keyspace();
        for (int i = 0; i < ks.size(); i++) {
            Database db = ks.db(i);
            if (db.size() == 0 && db.expires() == 0) continue;
            s.field("db" + i, "keys=" + db.size() + ",expires=" + db.expires() + ",avg_ttl=" + avgTtl(db));
        }
    }

    /** The average remaining TTL in ms of up to 1000 volatile keys met while walking the table (Redis estimates it the same way, by sampling). */
    private static long avgTtl(Database db) {
        if (db.expires() == 0) return 0;
        long now = db.keyspace().now();
        long[] sum = {0, 0};
        long cursor = 0;
        int steps = 0;
        do {
            cursor = db.scan(cursor, e -> {
                if (e.expireAt >= 0 && e.expireAt > now) {
                    sum[0] += e.expireAt - now;
                    sum[1]++;
                }
            });
        } while (cursor != 0 && sum[1] < 1000 && ++steps < 4096);
        return sum[1] == 0 ? 0 : sum[0] / sum[1];
    }
}
