package io.meridian.node.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.meridian.node.config.Directive.Type.*;
import static io.meridian.node.config.Directive.*;

/** Every directive Meridian knows, once, with Redis's names, defaults and bounds. */
public final class ConfigTable {
    private static final long MB = 1024 * 1024;
    private static final long GB = 1024 * MB;
    private static final List<Directive> ALL = List.of(
            // network
            integer("port", 6379, 0, 65535, true, "TCP port for RESP clients (0 = no TCP listener)"),
            special("bind", MULTI_STRING, "* -::*", true, "addresses to listen on"),
            bool("protected-mode", true, true, "refuse non-loopback clients when no password is set"),
            integer("tcp-backlog", 511, 0, Integer.MAX_VALUE, false, "listen backlog"),
            integer("timeout", 0, 0, Integer.MAX_VALUE, true, "close a client idle this many seconds (0 = never)"),
            integer("tcp-keepalive", 300, 0, Integer.MAX_VALUE, true, "SO_KEEPALIVE period in seconds"),
            integer("maxclients", 10000, 1, Integer.MAX_VALUE, true, "maximum simultaneous clients"),
            memory("proto-max-bulk-len", "512mb", 1024 * 1024, Long.MAX_VALUE, true, "largest bulk string a client may send"),
            memory("client-query-buffer-limit", "1gb", 1024 * 1024, Long.MAX_VALUE, true, "largest query buffer of one client"),
            special("client-output-buffer-limit", CLIENT_OUTPUT_BUFFER_LIMIT,
                    "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60", true,
                    "output buffer limits per client class: <class> <hard> <soft> <soft seconds>"),
            integer("io-threads", 1, 1, 128, false, "event loop threads for client I/O"),
            // general
            integer("databases", 16, 1, Integer.MAX_VALUE, false, "number of databases"),
            enumeration("loglevel", "notice", true, "log verbosity", "debug", "verbose", "notice", "warning", "nothing"),
            string("logfile", "", false, "log file ('' = standard output)"),
            string("pidfile", "", false, "file to write the pid to"),
            bool("daemonize", false, false, "accepted for compatibility; Meridian runs in the foreground"),
            integer("hz", 10, 1, 500, true, "background task frequency"),
            string("requirepass", "", true, "password of the default user"),
            special("rename-command", MULTI_STRING, "", false, "rename or disable a command"),
            enumeration("enable-debug-command", "no", false, "allow DEBUG", "no", "yes", "local"),
            enumeration("enable-protected-configs", "no", false, "allow CONFIG SET of protected configs", "no", "yes", "local"),
            integer("slowlog-log-slower-than", 10000, -1, Long.MAX_VALUE, true, "microseconds a command must take to be logged"),
            integer("slowlog-max-len", 128, 0, Long.MAX_VALUE, true, "slow log length"),
            integer("latency-monitor-threshold", 0, 0, Long.MAX_VALUE, true, "milliseconds an event must take to be recorded"),
            memory("maxmemory", "0", 0, Long.MAX_VALUE, true, "memory limit (0 = none)"),
            enumeration("maxmemory-policy", "noeviction", true, "eviction policy", "volatile-lru", "volatile-lfu", "volatile-random",
                    "volatile-ttl", "allkeys-lru", "allkeys-lfu", "allkeys-random", "noeviction"),
            integer("active-expire-effort", 1, 1, 10, true, "effort of the active expiry cycle"),
            bool("lazyfree-lazy-user-flush", false, true, "FLUSHALL/FLUSHDB without a mode are ASYNC"),
            bool("lazyfree-lazy-user-del", false, true, "DEL frees like UNLINK; GETDEL propagates UNLINK"),
            bool("lazyfree-lazy-expire", false, true, "keys deleted by an expire time in the past propagate as UNLINK"),
            integer("hash-max-listpack-entries", 128, 0, Long.MAX_VALUE, true, "small hash encoding limit").alias("hash-max-ziplist-entries"),
            integer("hash-max-listpack-value", 64, 0, Long.MAX_VALUE, true, "small hash encoding limit").alias("hash-max-ziplist-value"),
            integer("set-max-intset-entries", 512, 0, Long.MAX_VALUE, true, "intset encoding limit"),
            integer("zset-max-listpack-entries", 128, 0, Long.MAX_VALUE, true, "small zset encoding limit").alias("zset-max-ziplist-entries"),
            integer("zset-max-listpack-value", 64, 0, Long.MAX_VALUE, true, "small zset encoding limit").alias("zset-max-ziplist-value"),
            integer("list-max-listpack-size", -2, Integer.MIN_VALUE, Integer.MAX_VALUE, true, "quicklist node size").alias("list-max-ziplist-size"),
            integer("list-compress-depth", 0, 0, Integer.MAX_VALUE, true, "quicklist compression depth"),
            // persistence
            string("dir", ".", true, "working directory: RDB files and the replication log"),
            string("dbfilename", "dump.rdb", true, "RDB file name"),
            special("save", SAVE, "3600 1 300 100 60 10000", true, "save points: <seconds> <changes> ..."),
            bool("rdbcompression", true, true, "LZF-compress long strings in RDB files"),
            bool("rdbchecksum", true, true, "write and check the RDB CRC64 trailer"),
            bool("stop-writes-on-bgsave-error", true, true, "refuse writes after a failed background save"),
            bool("appendonly", false, true, "accepted for compatibility: the replication log is always on"),
            enumeration("appendfsync", "everysec", true, "replication log sync policy", "everysec", "always", "no"),
            bool("repl-log-enabled", true, false, "keep the replication backlog in RocksDB (<dir>/replication-log) as the write-ahead log"),
            bool("log-truncate-on-corruption", false, true, "on a corrupt log record, truncate there instead of refusing to start"),
            // replication
            special("replicaof", HOST_PORT, "", false, "the master to replicate from: <host> <port>").alias("slaveof"),
            string("masterauth", "", true, "password for the master"),
            string("masteruser", "", true, "user for the master"),
            bool("replica-serve-stale-data", true, true, "serve reads while the link is down").alias("slave-serve-stale-data"),
            bool("replica-read-only", true, true, "refuse writes from clients on a replica").alias("slave-read-only"),
            bool("repl-diskless-sync", true, true, "stream full syncs without a file"),
            integer("repl-diskless-sync-delay", 5, 0, Integer.MAX_VALUE, true, "seconds to wait for more replicas before a diskless sync"),
            integer("repl-diskless-sync-max-replicas", 0, 0, Integer.MAX_VALUE, true, "start a diskless sync early at this many replicas"),
            enumeration("repl-diskless-load", "disabled", true, "how a replica loads a full sync", "disabled", "on-empty-db", "swapdb"),
            integer("repl-ping-replica-period", 10, 1, Integer.MAX_VALUE, true, "seconds between pings to replicas").alias("repl-ping-slave-period"),
            integer("repl-timeout", 60, 1, Integer.MAX_VALUE, true, "replication link timeout in seconds"),
            bool("repl-disable-tcp-nodelay", false, true, "Nagle on the replication link"),
            memory("repl-backlog-size", "1mb", 1, Long.MAX_VALUE, true, "replication log size kept for partial resyncs"),
            integer("repl-backlog-ttl", 3600, 0, Integer.MAX_VALUE, true, "seconds the log is kept without replicas"),
            integer("replica-priority", 100, 0, Integer.MAX_VALUE, true, "failover priority").alias("slave-priority"),
            string("replica-announce-ip", "", true, "address announced to the master").alias("slave-announce-ip"),
            integer("replica-announce-port", 0, 0, 65535, true, "port announced to the master").alias("slave-announce-port"),
            bool("replica-announced", true, true, "shown to Sentinel"),
            integer("min-replicas-to-write", 0, 0, Integer.MAX_VALUE, true, "refuse writes with fewer good replicas").alias("min-slaves-to-write"),
            integer("min-replicas-max-lag", 10, 0, Integer.MAX_VALUE, true, "seconds of lag a good replica may have").alias("min-slaves-max-lag"),
            memory("min-replicas-max-lag-bytes", "0", 0, Long.MAX_VALUE, true, "bytes of lag a good replica may have (0 = unchecked)"),
            // TLS
            integer("tls-port", 0, 0, 65535, false, "TLS port (0 = off)"),
            string("tls-cert-file", "", true, "server certificate"),
            string("tls-key-file", "", true, "server private key"),
            string("tls-ca-cert-file", "", true, "CA bundle for peers"),
            enumeration("tls-auth-clients", "yes", true, "require client certificates", "no", "yes", "optional"),
            bool("tls-replication", false, true, "use TLS for replication links"),
            // ACL
            string("aclfile", "", false, "ACL users file")
    );
    private static final Map<String, Directive> BY_NAME;

    static {
        Map<String, Directive> m = new LinkedHashMap<>();
        for (Directive d : ALL) {
            m.put(d.name(), d);
            for (String a : d.aliases()) m.put(a, d);
        }
        BY_NAME = Collections.unmodifiableMap(m);
    }

    private ConfigTable() {}

    public static List<Directive> all() {
        return ALL;
    }

    public static Directive find(String name) {
        return BY_NAME.get(name.toLowerCase(java.util.Locale.ROOT));
    }
}
