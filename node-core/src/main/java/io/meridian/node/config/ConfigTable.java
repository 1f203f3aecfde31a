package io.meridian.node.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.meridian.node.config.Directive.Flag.*;
import static io.meridian.node.config.Directive.Type.*;
import static io.meridian.node.config.Directive.*;

/** Every directive Meridian knows, once, with Redis's names, defaults and bounds. */
public final class ConfigTable {
    private static final long MB = 1024 * 1024;
    private static final long GB = 1024 * MB;
    private static final String COMPAT_HELP = "Redis directive accepted for compatibility; Meridian does not act on it";
    private static final List<Directive> ALL = List.of(
            // network
            integer("port", 6379, 0, 65535, true, "TCP port for RESP clients (0 = no TCP listener)"),
            special("bind", MULTI_STRING, "* -::*", true, "addresses to listen on"),
            bool("protected-mode", true, true, "refuse non-loopback clients when no password is set"),
            integer("tcp-backlog", 511, 0, Integer.MAX_VALUE, false, "listen backlog"),
            integer("timeout", 0, 0, Integer.MAX_VALUE, true, "close a client idle this many seconds (0 = never)"),
            integer("tcp-keepalive", 300, 0, Integer.MAX_VALUE, true, "SO_KEEPALIVE period in seconds"),
            integer("maxclients", 10000, 1, 4294967295L, true, "maximum simultaneous clients").with(UNSIGNED),
            memory("proto-max-bulk-len", "512mb", 1024 * 1024, Long.MAX_VALUE, true, "largest bulk string a client may send"),
            memory("client-query-buffer-limit", "1gb", 1024 * 1024, Long.MAX_VALUE, true, "largest query buffer of one client").with(UNSIGNED),
            special("client-output-buffer-limit", CLIENT_OUTPUT_BUFFER_LIMIT,
                    "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60", true,
                    "output buffer limits per client class: <class> <hard> <soft> <soft seconds>"),
            integer("io-threads", 1, 1, 128, false, "event loop threads for client I/O"),
            // general
            integer("databases", 16, 1, Integer.MAX_VALUE, false, "number of databases"),
            enumeration("loglevel", "notice", true, "log verbosity", "debug", "verbose", "notice", "warning"),
            string("logfile", "", false, "log file ('' = standard output)"),
            string("pidfile", "", false, "file to write the pid to").with(EMPTY_IS_NULL),
            bool("daemonize", false, false, "accepted for compatibility; Meridian runs in the foreground"),
            integer("hz", 10, 0, Integer.MAX_VALUE, true, "background task frequency (kept within 1..500, as Redis)"),
            string("requirepass", "", true, "password of the default user").with(SENSITIVE, EMPTY_IS_NULL),
            special("rename-command", MULTI_STRING, "", false, "rename or disable a command (config file and flags only)").with(FILE_ONLY),
            enumeration("enable-debug-command", "no", false, "allow DEBUG", "no", "yes", "local"),
            enumeration("enable-protected-configs", "no", false, "allow CONFIG SET of protected configs", "no", "yes", "local"),
            integer("slowlog-log-slower-than", 10000, -1, Long.MAX_VALUE, true, "microseconds a command must take to be logged"),
            integer("slowlog-max-len", 128, 0, Long.MAX_VALUE, true, "slow log length").with(UNSIGNED),
            integer("latency-monitor-threshold", 0, 0, Long.MAX_VALUE, true, "milliseconds an event must take to be recorded"),
            bool("latency-tracking", true, true, "per-command latency histograms (INFO latencystats)"),
            special("latency-tracking-info-percentiles", PERCENTILES, "50 99 99.9", true, "percentiles INFO latencystats prints"),
            memory("maxmemory", "0", 0, -1L, true, "memory limit (0 = none)").with(UNSIGNED),
            enumeration("maxmemory-policy", "noeviction", true, "eviction policy", "volatile-lru", "volatile-lfu", "volatile-random",
                    "volatile-ttl", "allkeys-lru", "allkeys-lfu", "allkeys-random", "noeviction"),
            integer("active-expire-effort", 1, 1, 10, true, "effort of the active expiry cycle"),
            bool("lazyfree-lazy-user-flush", false, true, "FLUSHALL/FLUSHDB without a mode are ASYNC"),
            bool("lazyfree-lazy-user-del", false, true, "DEL frees like UNLINK; GETDEL propagates UNLINK"),
            bool("lazyfree-lazy-expire", false, true, "keys deleted by an expire time in the past propagate as UNLINK"),
            integer("hash-max-listpack-entries", 512, 0, Long.MAX_VALUE, true, "small hash encoding limit").alias("hash-max-ziplist-entries").with(UNSIGNED),
            memory("hash-max-listpack-value", "64", 0, Long.MAX_VALUE, true, "small hash encoding limit").alias("hash-max-ziplist-value").with(UNSIGNED),
            integer("set-max-intset-entries", 512, 0, Long.MAX_VALUE, true, "intset encoding limit").with(UNSIGNED),
            integer("zset-max-listpack-entries", 128, 0, Long.MAX_VALUE, true, "small zset encoding limit").alias("zset-max-ziplist-entries").with(UNSIGNED),
            memory("zset-max-listpack-value", "64", 0, Long.MAX_VALUE, true, "small zset encoding limit").alias("zset-max-ziplist-value").with(UNSIGNED),
            integer("list-max-listpack-size", -2, Integer.MIN_VALUE, Integer.MAX_VALUE, true, "quicklist node size").alias("list-max-ziplist-size"),
            integer("list-compress-depth", 0, 0, Integer.MAX_VALUE, true, "quicklist compression depth"),
            // persistence
            string("dir", ".", true, "working directory: RDB files and the replication log").with(PROTECTED, DENY_LOADING),
            string("dbfilename", "dump.rdb", true, "RDB file name").with(PROTECTED),
            special("save", SAVE, "3600 1 300 100 60 10000", true, "save points: <seconds> <changes> ..."),
            bool("rdbcompression", true, true, "LZF-compress long strings in RDB files"),
            bool("rdbchecksum", true, false, "write and check the RDB CRC64 trailer"),
            bool("stop-writes-on-bgsave-error", true, true, "refuse writes after a failed background save"),
            bool("appendonly", false, true, "accepted for compatibility: the replication log (repl-log-enabled) is the append-only log").with(DENY_LOADING),
            enumeration("appendfsync", "everysec", true, "replication log sync policy", "everysec", "always", "no"),
            bool("repl-log-enabled", true, false, "keep the replication backlog in RocksDB (<dir>/replication-log) as the write-ahead log").with(MERIDIAN),
            bool("log-truncate-on-corruption", false, true, "on a corrupt log record, truncate there instead of refusing to start").with(MERIDIAN),
            // replication
            special("replicaof", HOST_PORT, "", false, "the master to replicate from: <host> <port>").alias("slaveof"),
            string("masterauth", "", true, "password for the master").with(SENSITIVE, EMPTY_IS_NULL),
            string("masteruser", "", true, "user for the master").with(SENSITIVE, EMPTY_IS_NULL),
            bool("replica-serve-stale-data", true, true, "serve reads while the link is down").alias("slave-serve-stale-data"),
            bool("replica-read-only", true, true, "refuse writes from clients on a replica").alias("slave-read-only"),
            bool("repl-diskless-sync", true, true, "stream full syncs without a file (no: a file kept for later replicas, and cut transfers resume)"),
            integer("repl-diskless-sync-delay", 5, 0, Integer.MAX_VALUE, true, "seconds to wait for more replicas before a diskless sync"),
            integer("repl-diskless-sync-max-replicas", 0, 0, Integer.MAX_VALUE, true, "start a diskless sync early at this many replicas"),
            enumeration("repl-diskless-load", "disabled", true, "how a replica loads a full sync", "disabled", "on-empty-db", "swapdb").with(DENY_LOADING),
            integer("repl-ping-replica-period", 10, 1, Integer.MAX_VALUE, true, "seconds between pings to replicas").alias("repl-ping-slave-period"),
            integer("repl-timeout", 60, 1, Integer.MAX_VALUE, true, "replication link timeout in seconds"),
            bool("repl-disable-tcp-nodelay", false, true, "Nagle on the replication link"),
            memory("repl-backlog-size", "1mb", 1, Long.MAX_VALUE, true, "replication log size kept for partial resyncs"),
            integer("repl-backlog-ttl", 3600, 0, Long.MAX_VALUE, true, "seconds a record stays in the replication log (0 = no age limit); never trimmed past the last snapshot"),
            integer("replica-priority", 100, 0, Integer.MAX_VALUE, true, "failover priority").alias("slave-priority"),
            string("replica-announce-ip", "", true, "address announced to the master").alias("slave-announce-ip").with(EMPTY_IS_NULL),
            integer("replica-announce-port", 0, 0, 65535, true, "port announced to the master").alias("slave-announce-port"),
            bool("replica-announced", true, true, "shown to Sentinel"),
            integer("min-replicas-to-write", 0, 0, Integer.MAX_VALUE, true, "refuse writes with fewer good replicas").alias("min-slaves-to-write"),
            integer("min-replicas-max-lag", 10, 0, Integer.MAX_VALUE, true, "seconds of lag a good replica may have").alias("min-slaves-max-lag"),
            memory("min-replicas-max-lag-bytes", "0", 0, Long.MAX_VALUE, true, "bytes of lag a good replica may have (0 = unchecked)").with(MERIDIAN),
            // the DR bridge's Kafka log: a replica that follows a remote region's Kafka topics (replica-node --source kafka)
            enumeration("replica-source", "resp", false, "where a replica's stream comes from: resp (replicaof) or kafka (kafka-* below)", "resp", "kafka").with(MERIDIAN),
            string("kafka-bootstrap-servers", "", false, "Kafka bootstrap.servers of the replication log").with(MERIDIAN, EMPTY_IS_NULL),
            string("kafka-cluster", "", false, "the replicated dataset's name in the topic names: <prefix>.<cluster>.stream / .snapshots").with(MERIDIAN, EMPTY_IS_NULL),
            string("kafka-topic-prefix", "meridian", false, "first part of the topic names").with(MERIDIAN),
            string("kafka-client-config", "", false, "properties file of extra Kafka client settings (security.protocol, sasl.*, ssl.*) passed through").with(MERIDIAN, EMPTY_IS_NULL),
            integer("replica-at-offset", -1, -1, Long.MAX_VALUE, false, "point in time: rebuild from Kafka up to this repl offset and stop there (-1 = follow live)").with(MERIDIAN),
            string("replica-at-time", "", false, "point in time: rebuild from Kafka as of this ISO-8601 instant and stop there ('' = follow live)").with(MERIDIAN, EMPTY_IS_NULL),
            // TLS
            integer("tls-port", 0, 0, 65535, true, "TLS port (0 = off)"),
            string("tls-cert-file", "", true, "server certificate").with(EMPTY_IS_NULL),
            string("tls-key-file", "", true, "server private key").with(EMPTY_IS_NULL),
            string("tls-ca-cert-file", "", true, "CA bundle for peers").with(EMPTY_IS_NULL),
            enumeration("tls-auth-clients", "yes", true, "require client certificates", "no", "yes", "optional"),
            bool("tls-replication", false, true, "use TLS for replication links"),
            // operations (io.meridian.node.ops): health, metrics and the admin API over HTTP
            integer("management-port", 0, 0, 65535, false, "HTTP port for /health, /prometheus and the admin API (0 = off)").with(MERIDIAN),
            string("management-bind", "127.0.0.1", false, "address the management port listens on").with(MERIDIAN),
            string("admin-token", "", true, "bearer token the admin API requires ('' and no admin-token-file = admin API refused)").with(MERIDIAN, SENSITIVE, EMPTY_IS_NULL),
            string("admin-token-file", "", true, "file holding the admin token, read at each request (a mounted Secret rotates without a restart)").with(MERIDIAN, EMPTY_IS_NULL),
            bool("k8s-role-label", false, false, "keep this pod's meridian.io/role label (master/replica) current through the Kubernetes API (POD_NAME, POD_NAMESPACE, the service account)").with(MERIDIAN),
            integer("readiness-max-lag-seconds", 30, 1, Integer.MAX_VALUE, true, "a replica is ready while its master was heard from within this many seconds").with(MERIDIAN),
            memory("readiness-max-lag-bytes", "1mb", 0, Long.MAX_VALUE, true, "a replica is ready while it has at most this many received bytes not yet applied (0 = unchecked)").with(MERIDIAN),
            // ACL
            string("aclfile", "", false, "ACL users file"),
            // Redis 7.0 directives Meridian accepts (files, flags, CONFIG GET/SET) without acting on them
            enumeration("acl-pubsub-default", "resetchannels", true, COMPAT_HELP, "allchannels", "resetchannels").with(COMPAT),
            integer("acllog-max-len", 128, 0, Long.MAX_VALUE, true, COMPAT_HELP).with(COMPAT, UNSIGNED),
            integer("active-defrag-cycle-max", 25, 1, 99, true, COMPAT_HELP).with(COMPAT),
            integer("active-defrag-cycle-min", 1, 1, 99, true, COMPAT_HELP).with(COMPAT),
            memory("active-defrag-ignore-bytes", "104857600", 1, Long.MAX_VALUE, true, COMPAT_HELP).with(COMPAT, UNSIGNED),
            integer("active-defrag-max-scan-fields", 1000, 1, Long.MAX_VALUE, true, COMPAT_HELP).with(COMPAT, UNSIGNED),
            integer("active-defrag-threshold-lower", 10, 0, 1000, true, COMPAT_HELP).with(COMPAT),
            integer("active-defrag-threshold-upper", 100, 0, 1000, true, COMPAT_HELP).with(COMPAT),
            bool("activedefrag", false, true, COMPAT_HELP).with(COMPAT),
            bool("activerehashing", true, true, COMPAT_HELP).with(COMPAT),
            bool("always-show-logo", false, false, COMPAT_HELP).with(COMPAT),
            bool("aof-disable-auto-gc", false, true, COMPAT_HELP).with(COMPAT),
            bool("aof-load-truncated", true, true, COMPAT_HELP).with(COMPAT),
            bool("aof-rewrite-incremental-fsync", true, true, COMPAT_HELP).with(COMPAT),
            bool("aof-timestamp-enabled", false, true, COMPAT_HELP).with(COMPAT),
            bool("aof-use-rdb-preamble", true, true, COMPAT_HELP).with(COMPAT),
            string("aof_rewrite_cpulist", "", false, COMPAT_HELP).with(COMPAT, EMPTY_IS_NULL),
            string("appenddirname", "appendonlydir", false, COMPAT_HELP).with(COMPAT),
            string("appendfilename", "appendonly.aof", false, COMPAT_HELP).with(COMPAT),
            memory("auto-aof-rewrite-min-size", "67108864", 0, Long.MAX_VALUE, true, COMPAT_HELP).with(COMPAT),
            integer("auto-aof-rewrite-percentage", 100, 0, Integer.MAX_VALUE, true, COMPAT_HELP).with(COMPAT),
            string("bgsave_cpulist", "", false, COMPAT_HELP).with(COMPAT, EMPTY_IS_NULL),
            string("bind-source-addr", "", true, COMPAT_HELP).with(COMPAT, EMPTY_IS_NULL),
            string("bio_cpulist", "", false, COMPAT_HELP).with(COMPAT, EMPTY_IS_NULL),
            integer("busy-reply-threshold", 5000, 0, Long.MAX_VALUE, true, COMPAT_HELP).alias("lua-time-limit").with(COMPAT),
            bool("cluster-allow-pubsubshard-when-down", true, true, COMPAT_HELP).with(COMPAT),
            bool("cluster-allow-reads-when-down", false, true, COMPAT_HELP).with(COMPAT),
            bool("cluster-allow-replica-migration", true, true, COMPAT_HELP).with(COMPAT),
            integer("cluster-announce-bus-port", 0, 0, 65535, true, COMPAT_HELP).with(COMPAT),
            string("cluster-announce-hostname", "", true, COMPAT_HELP).with(COMPAT, EMPTY_IS_NULL),
            string("cluster-announce-ip", "", true, COMPAT_HELP).with(COMPAT, EMPTY_IS_NULL),
            integer("cluster-announce-port", 0, 0, 65535, true, COMPAT_HELP).with(COMPAT),
            integer("cluster-announce-tls-port", 0, 0, 65535, true, COMPAT_HELP).with(COMPAT),
            string("cluster-config-file", "nodes.conf", false, COMPAT_HELP).with(COMPAT),
            bool("cluster-enabled", false, false, COMPAT_HELP).with(COMPAT),
            memory("cluster-link-sendbuf-limit", "0", 0, -1L, true, COMPAT_HELP).with(COMPAT, UNSIGNED),
            integer("cluster-migration-barrier", 1, 0, Integer.MAX_VALUE, true, COMPAT_HELP).with(COMPAT),
            integer("cluster-node-timeout", 15000, 0, Long.MAX_VALUE, true, COMPAT_HELP).with(COMPAT),
            integer("cluster-port", 0, 0, 65535, false, COMPAT_HELP).with(COMPAT),
            enumeration("cluster-preferred-endpoint-type", "ip", true, COMPAT_HELP, "ip", "hostname", "unknown-endpoint").with(COMPAT),
            bool("cluster-replica-no-failover", false, true, COMPAT_HELP).alias("cluster-slave-no-failover").with(COMPAT),
            integer("cluster-replica-validity-factor", 10, 0, Integer.MAX_VALUE, true, COMPAT_HELP).alias("cluster-slave-validity-factor").with(COMPAT),
            bool("cluster-require-full-coverage", true, true, COMPAT_HELP).with(COMPAT),
            bool("crash-log-enabled", true, true, COMPAT_HELP).with(COMPAT),
            bool("crash-memcheck-enabled", true, true, COMPAT_HELP).with(COMPAT),
            bool("disable-thp", true, false, COMPAT_HELP).with(COMPAT),
            bool("dynamic-hz", true, true, COMPAT_HELP).with(COMPAT),
            enumeration("enable-module-command", "no", false, COMPAT_HELP, "no", "yes", "local").with(COMPAT),
            memory("hll-sparse-max-bytes", "3000", 0, Long.MAX_VALUE, true, COMPAT_HELP).with(COMPAT, UNSIGNED),
            string("ignore-warnings", "", true, COMPAT_HELP).with(COMPAT),
            bool("io-threads-do-reads", false, false, COMPAT_HELP).with(COMPAT),
            bool("jemalloc-bg-thread", true, true, COMPAT_HELP).with(COMPAT),
            integer("key-load-delay", 0, Integer.MIN_VALUE, Integer.MAX_VALUE, true, COMPAT_HELP).with(COMPAT, HIDDEN),
            bool("lazyfree-lazy-eviction", false, true, COMPAT_HELP).with(COMPAT),
            bool("lazyfree-lazy-server-del", false, true, COMPAT_HELP).with(COMPAT),
            integer("lfu-decay-time", 1, 0, Integer.MAX_VALUE, true, COMPAT_HELP).with(COMPAT),
            integer("lfu-log-factor", 10, 0, Integer.MAX_VALUE, true, COMPAT_HELP).with(COMPAT),
            integer("loading-process-events-interval-bytes", 2097152, 1024, Integer.MAX_VALUE, true, COMPAT_HELP).with(COMPAT, HIDDEN),
            numeric("maxmemory-clients", MEMORY_OR_PERCENT, "0", -100, Long.MAX_VALUE, true, COMPAT_HELP).with(COMPAT),
            integer("maxmemory-eviction-tenacity", 10, 0, 100, true, COMPAT_HELP).with(COMPAT),
            integer("maxmemory-samples", 5, 1, Integer.MAX_VALUE, true, COMPAT_HELP).with(COMPAT),
            bool("no-appendfsync-on-rewrite", false, true, COMPAT_HELP).with(COMPAT),
            special("notify-keyspace-events", NOTIFY_KEYSPACE_EVENTS, "", true, COMPAT_HELP).with(COMPAT),
            enumeration("oom-score-adj", "no", true, COMPAT_HELP, "no", "yes", "relative", "absolute").with(COMPAT),
            special("oom-score-adj-values", OOM_SCORE_ADJ_VALUES, "0 200 800", true, COMPAT_HELP).with(COMPAT),
            string("proc-title-template", "{title} {listen-addr} {server-mode}", true, COMPAT_HELP).with(COMPAT),
            enumeration("propagation-error-behavior", "ignore", true, COMPAT_HELP, "ignore", "panic", "panic-on-replicas").with(COMPAT),
            bool("rdb-del-sync-files", false, true, COMPAT_HELP).with(COMPAT),
            integer("rdb-key-save-delay", 0, Integer.MIN_VALUE, Integer.MAX_VALUE, true, COMPAT_HELP).with(COMPAT, HIDDEN),
            bool("rdb-save-incremental-fsync", true, true, COMPAT_HELP).with(COMPAT),
            bool("replica-ignore-disk-write-errors", false, true, COMPAT_HELP).with(COMPAT),
            bool("replica-ignore-maxmemory", true, true, COMPAT_HELP).alias("slave-ignore-maxmemory").with(COMPAT),
            bool("replica-lazy-flush", false, true, COMPAT_HELP).alias("slave-lazy-flush").with(COMPAT),
            enumeration("sanitize-dump-payload", "no", true, COMPAT_HELP, "no", "yes", "clients").with(COMPAT),
            string("server_cpulist", "", false, COMPAT_HELP).with(COMPAT, EMPTY_IS_NULL),
            bool("set-proc-title", true, false, COMPAT_HELP).with(COMPAT),
            enumeration("shutdown-on-sigint", "default", true, COMPAT_HELP, "default", "save", "nosave", "now", "force").with(COMPAT),
            enumeration("shutdown-on-sigterm", "default", true, COMPAT_HELP, "default", "save", "nosave", "now", "force").with(COMPAT),
            integer("shutdown-timeout", 10, 0, Integer.MAX_VALUE, true, COMPAT_HELP).with(COMPAT),
            integer("socket-mark-id", 0, 0, 4294967295L, false, COMPAT_HELP).with(COMPAT, UNSIGNED),
            memory("stream-node-max-bytes", "4096", 0, Long.MAX_VALUE, true, COMPAT_HELP).with(COMPAT, UNSIGNED),
            integer("stream-node-max-entries", 100, 0, Long.MAX_VALUE, true, COMPAT_HELP).with(COMPAT),
            enumeration("supervised", "no", false, COMPAT_HELP, "upstart", "systemd", "auto", "no").with(COMPAT),
            bool("syslog-enabled", false, false, COMPAT_HELP).with(COMPAT),
            enumeration("syslog-facility", "local0", false, COMPAT_HELP, "user", "local0", "local1", "local2", "local3", "local4", "local5", "local6", "local7").with(COMPAT),
            string("syslog-ident", "redis", false, COMPAT_HELP).with(COMPAT),
            string("tls-ca-cert-dir", "", true, COMPAT_HELP).with(COMPAT, EMPTY_IS_NULL),
            string("tls-ciphers", "", true, COMPAT_HELP).with(COMPAT, EMPTY_IS_NULL),
            string("tls-ciphersuites", "", true, COMPAT_HELP).with(COMPAT, EMPTY_IS_NULL),
            string("tls-client-cert-file", "", true, COMPAT_HELP).with(COMPAT, EMPTY_IS_NULL),
            string("tls-client-key-file", "", true, COMPAT_HELP).with(COMPAT, EMPTY_IS_NULL),
            string("tls-client-key-file-pass", "", true, COMPAT_HELP).with(COMPAT, EMPTY_IS_NULL),
            bool("tls-cluster", false, true, COMPAT_HELP).with(COMPAT),
            string("tls-dh-params-file", "", true, COMPAT_HELP).with(COMPAT, EMPTY_IS_NULL),
            string("tls-key-file-pass", "", true, COMPAT_HELP).with(COMPAT, EMPTY_IS_NULL),
            bool("tls-prefer-server-ciphers", false, true, COMPAT_HELP).with(COMPAT),
            string("tls-protocols", "", true, COMPAT_HELP).with(COMPAT, EMPTY_IS_NULL),
            integer("tls-session-cache-size", 20480, 0, Integer.MAX_VALUE, true, COMPAT_HELP).with(COMPAT),
            integer("tls-session-cache-timeout", 300, 0, Integer.MAX_VALUE, true, COMPAT_HELP).with(COMPAT),
            bool("tls-session-caching", true, true, COMPAT_HELP).with(COMPAT),
            integer("tracking-table-max-keys", 1000000, 0, Long.MAX_VALUE, true, COMPAT_HELP).with(COMPAT, UNSIGNED),
            string("unixsocket", "", false, COMPAT_HELP).with(COMPAT, EMPTY_IS_NULL),
            numeric("unixsocketperm", OCTAL, "0", 0, 0777, false, COMPAT_HELP).with(COMPAT, UNSIGNED),
            bool("use-exit-on-panic", false, true, COMPAT_HELP).with(COMPAT, HIDDEN),
            integer("watchdog-period", 0, 0, Integer.MAX_VALUE, true, COMPAT_HELP).with(COMPAT, HIDDEN)
    );
    private static final Map<String, Directive> BY_NAME;

    static {
        Map<String, Directive> m = new LinkedHashMap<>();
        for (Directive d : ALL) {
            // a directive declared twice (two families adding the same row) is a bug: fail at once
            if (m.put(d.name(), d) != null) throw new IllegalStateException("directive declared twice: " + d.name());
            for (String a : d.aliases()) {
                if (m.put(a, d) != null) throw new IllegalStateException("directive declared twice: " + a);
            }
        }
        BY_NAME = Collections.unmodifiableMap(m);
    }

    private ConfigTable() {}

    public static List<Directive> all() {
        return ALL;
    }

    /** Every name CONFIG GET patterns match: directives and their aliases, in table order. */
    public static java.util.Set<String> names() {
        return BY_NAME.keySet();
    }

    public static Directive find(String name) {
        return BY_NAME.get(name.toLowerCase(java.util.Locale.ROOT));
    }
}
