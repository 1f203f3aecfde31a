package io.meridian.node.commands;

import io.meridian.node.Node;
import io.meridian.node.command.CommandFamily;
import io.meridian.node.command.CommandTable;
import io.meridian.node.keyspace.Database;
import io.meridian.node.keyspace.Keyspace;
import io.meridian.node.keyspace.ListValue;
import io.meridian.node.keyspace.ZSetValue;
import io.meridian.node.server.Client;
import io.meridian.node.server.Shutdown;
import io.meridian.node.util.Bytes;

import java.util.ArrayList;
import java.util.List;

import static io.meridian.node.command.CommandSpec.command;

/**
 * Server and introspection commands: INFO, CONFIG, COMMAND, DEBUG, SLOWLOG, LATENCY, MEMORY,
 * DBSIZE, FLUSHDB/FLUSHALL, SWAPDB, TIME, SHUTDOWN, LOLWUT. The bigger ones live in their own
 * classes ({@link InfoCommand}, {@link ConfigCommand}, {@link CommandCommand},
 * {@link DebugCommand}, {@link DiagnosticCommands}); this file is the family's table.
 */
public final class ServerCommands implements CommandFamily {
    private final InfoCommand info = new InfoCommand();
    private final ConfigCommand config = new ConfigCommand();
    private final CommandCommand commandCmd = new CommandCommand();
    private final DebugCommand debug = new DebugCommand();
    private final DiagnosticCommands diag = new DiagnosticCommands();

    @Override
    public void register(CommandTable t) {
        t.add(command("info", -1).flags("loading stale").acl("@dangerous")
                .doc("server", "1.0.0", "Get information and statistics about the server").complexity("O(1)")
                .tips("nondeterministic_output request_policy:all_shards response_policy:special").run(info::info));
        t.add(command("config", -2).doc("server", "2.0.0", "A container for server configuration commands")
                .complexity("Depends on subcommand.")
                .sub(command("get", -3).flags("admin noscript loading stale")
                        .doc("server", "2.0.0", "Get the values of configuration parameters")
                        .complexity("O(N) when N is the number of configuration parameters provided").run(config::get))
                .sub(command("set", -4).flags("admin noscript loading stale")
                        .doc("server", "2.0.0", "Set configuration parameters to the given values")
                        .complexity("O(N) when N is the number of configuration parameters provided")
                        .tips("request_policy:all_nodes response_policy:all_succeeded").run(config::set))
                .sub(command("resetstat", 2).flags("admin noscript loading stale")
                        .doc("server", "2.0.0", "Reset the stats returned by INFO").complexity("O(1)").run(config::resetStat))
                .sub(command("rewrite", 2).flags("admin noscript loading stale")
                        .doc("server", "2.8.0", "Rewrite the configuration file with the in memory configuration")
                        .complexity("O(1)").run(config::rewrite))
                .sub(command("help", 2).flags("loading stale")
                        .doc("server", "5.0.0", "Show helpful text about the different subcommands").complexity("O(1)")
                        .run(config::help)));
        t.add(command("command", -1).flags("loading stale").acl("@connection")
                .doc("server", "2.8.13", "Get array of Redis command details")
                .complexity("O(N) where N is the total number of Redis commands")
                .tips("nondeterministic_output_order").run(commandCmd::all)
                .sub(command("count", 2).flags("loading stale").acl("@connection")
                        .doc("server", "2.8.13", "Get total number of Redis commands").complexity("O(1)").run(commandCmd::count))
                .sub(command("info", -2).flags("loading stale").acl("@connection")
                        .doc("server", "2.8.13", "Get array of specific Redis command details, or all when no argument is given.")
                        .complexity("O(N) where N is the number of commands to look up")
                        .tips("nondeterministic_output_order").run(commandCmd::info))
                .sub(command("docs", -2).flags("loading stale").acl("@connection")
                        .doc("server", "7.0.0", "Get array of specific Redis command documentation")
                        .complexity("O(N) where N is the number of commands to look up")
                        .tips("nondeterministic_output_order").run(commandCmd::docs))
                .sub(command("getkeys", -4).flags("loading stale").acl("@connection")
                        .doc("server", "2.8.13", "Extract keys given a full Redis command")
                        .complexity("O(N) where N is the number of arguments to the command").run(commandCmd::getKeys))
                .sub(command("getkeysandflags", -4).flags("loading stale").acl("@connection")
                        .doc("server", "7.0.0", "Extract keys and access flags given a full Redis command")
                        .complexity("O(N) where N is the number of arguments to the command").run(commandCmd::getKeysAndFlags))
                .sub(command("list", -2).flags("loading stale").acl("@connection")
                        .doc("server", "7.0.0", "Get an array of Redis command names")
                        .complexity("O(N) where N is the total number of Redis commands")
                        .tips("nondeterministic_output_order").run(commandCmd::list))
                .sub(command("help", 2).flags("loading stale").acl("@connection")
                        .doc("server", "5.0.0", "Show helpful text about the different subcommands").complexity("O(1)")
                        .run(commandCmd::help)));
        t.add(command("debug", -2).flags("admin noscript loading stale")
                .doc("server", "1.0.0", "A container for debugging commands").complexity("Depends on subcommand.")
                .gate(DebugCommand::refuse).run(debug::debug));
        t.add(command("slowlog", -2).doc("server", "2.2.12", "A container for slow log commands")
                .complexity("Depends on subcommand.")
                .sub(command("get", -2).flags("admin loading stale")
                        .doc("server", "2.2.12", "Get the slow log's entries")
                        .complexity("O(N) where N is the number of entries returned")
                        .tips("request_policy:all_nodes nondeterministic_output").run(diag::slowlogGet))
                .sub(command("len", 2).flags("admin loading stale")
                        .doc("server", "2.2.12", "Get the slow log's length").complexity("O(1)")
                        .tips("request_policy:all_nodes response_policy:agg_sum nondeterministic_output").run(diag::slowlogLen))
                .sub(command("reset", 2).flags("admin loading stale")
                        .doc("server", "2.2.12", "Clear all entries from the slow log")
                        .complexity("O(N) where N is the number of entries in the slowlog")
                        .tips("request_policy:all_nodes response_policy:all_succeeded").run(diag::slowlogReset))
                .sub(command("help", 2).flags("loading stale")
                        .doc("server", "6.2.0", "Show helpful text about the different subcommands").complexity("O(1)")
                        .run(diag::slowlogHelp)));
        t.add(command("latency", -2).doc("server", "2.8.13", "A container for latency diagnostics commands")
                .complexity("Depends on subcommand.")
                .sub(command("latest", 2).flags("admin noscript loading stale")
                        .doc("server", "2.8.13", "Return the latest latency samples for all events.").complexity("O(1)")
                        .tips("nondeterministic_output request_policy:all_nodes response_policy:special").run(diag::latencyLatest))
                .sub(command("history", 3).flags("admin noscript loading stale")
                        .doc("server", "2.8.13", "Return timestamp-latency samples for the event.").complexity("O(1)")
                        .tips("nondeterministic_output request_policy:all_nodes response_policy:special").run(diag::latencyHistory))
                .sub(command("reset", -2).flags("admin noscript loading stale")
                        .doc("server", "2.8.13", "Reset latency data for one or more events.").complexity("O(1)")
                        .tips("request_policy:all_nodes response_policy:all_succeeded").run(diag::latencyReset))
                .sub(command("doctor", 2).flags("admin noscript loading stale")
                        .doc("server", "2.8.13", "Return a human readable latency analysis report.").complexity("O(1)")
                        .tips("nondeterministic_output request_policy:all_nodes response_policy:special").run(diag::latencyDoctor))
                .sub(command("graph", 3).flags("admin noscript loading stale")
                        .doc("server", "2.8.13", "Return a latency graph for the event.").complexity("O(1)")
                        .tips("nondeterministic_output request_policy:all_nodes response_policy:special").run(diag::latencyGraph))
                .sub(command("histogram", -2).flags("admin noscript loading stale")
                        .doc("server", "7.0.0", "Return the cumulative distribution of latencies of a subset of commands or all.")
                        .complexity("O(N) where N is the number of commands with latency information being retrieved.")
                        .tips("nondeterministic_output request_policy:all_nodes response_policy:special").run(diag::latencyHistogram))
                .sub(command("help", 2).flags("loading stale")
                        .doc("server", "2.8.13", "Show helpful text about the different subcommands.").complexity("O(1)")
                        .run(diag::latencyHelp)));
        t.add(command("memory", -2).doc("server", "4.0.0", "A container for memory diagnostics commands")
                .complexity("Depends on subcommand.")
                .sub(command("usage", -3).flags("readonly").keys(2, 2, 1).keySpecFlags("RO")
                        .doc("server", "4.0.0", "Estimate the memory usage of a key")
                        .complexity("O(N) where N is the number of samples.").run(diag::memoryUsage))
                .sub(command("doctor", 2).doc("server", "4.0.0", "Outputs memory problems report").complexity("O(1)")
                        .tips("nondeterministic_output request_policy:all_shards response_policy:special").run(diag::memoryDoctor))
                .sub(command("malloc-stats", 2).doc("server", "4.0.0", "Show allocator internal stats")
                        .complexity("Depends on how much memory is allocated, could be slow")
                        .tips("nondeterministic_output request_policy:all_shards response_policy:special").run(diag::mallocStats))
                .sub(command("purge", 2).doc("server", "4.0.0", "Ask the allocator to release memory")
                        .complexity("Depends on how much memory is allocated, could be slow")
                        .tips("request_policy:all_shards response_policy:all_succeeded").run(diag::memoryPurge))
                .sub(command("help", 2).flags("loading stale")
                        .doc("server", "4.0.0", "Show helpful text about the different subcommands").complexity("O(1)")
                        .run(diag::memoryHelp)));
        t.add(command("dbsize", 1).flags("readonly fast").acl("@keyspace")
                .doc("server", "1.0.0", "Return the number of keys in the selected database").complexity("O(1)")
                .tips("request_policy:all_shards response_policy:agg_sum").run(this::dbsize));
        t.add(command("flushdb", -1).flags("write").acl("@keyspace @dangerous")
                .doc("server", "1.0.0", "Remove all keys from the current database")
                .complexity("O(N) where N is the number of keys in the selected database")
                .tips("request_policy:all_shards response_policy:all_succeeded").run(this::flushdb));
        t.add(command("flushall", -1).flags("write").acl("@keyspace @dangerous")
                .doc("server", "1.0.0", "Remove all keys from all databases")
                .complexity("O(N) where N is the total number of keys in all databases")
                .tips("request_policy:all_shards response_policy:all_succeeded").run(this::flushall));
        t.add(command("swapdb", 3).flags("write fast").acl("@keyspace @dangerous")
                .doc("server", "4.0.0", "Swaps two Redis databases")
                .complexity("O(N) where N is the count of clients watching or blocking on keys from both databases.")
                .run(this::swapdb));
        t.add(command("time", 1).flags("loading stale fast")
                .doc("server", "2.6.0", "Return the current server time").complexity("O(1)")
                .tips("nondeterministic_output").run(this::time));
        t.add(command("shutdown", -1).flags("admin noscript loading stale no_multi allow_busy")
                .doc("server", "1.0.0", "Synchronously save the dataset to disk and then shut down the server")
                .complexity("O(N) when saving, where N is the total number of keys in all databases when saving data, otherwise O(1)")
                .run(this::shutdown));
        t.add(command("lolwut", -1).flags("readonly fast")
                .doc("server", "5.0.0", "Display some computer art and the Redis version").run(this::lolwut));
    }

    @Override
    public void attach(Node node) {
        info.attach(node);
        node.addCron(() -> node.stats().sample(node.clock().millis()));
        node.config().watch("latency-tracking", c -> node.stats().latencyTracking = c.getBool("latency-tracking"));
        node.stats().latencyTracking = node.config().getBool("latency-tracking");
    }

    // ---- keyspace ----------------------------------------------------------------------

    void dbsize(Client c, byte[][] argv) {
        c.integer(c.db.size());
    }

    /** FLUSHDB/FLUSHALL [ASYNC|SYNC]: both free synchronously here; the mode is only validated. */
    private static boolean flushMode(Client c, byte[][] argv) {
        if (argv.length == 1) return true;
        if (argv.length == 2 && (Args.is(argv[1], "sync") || Args.is(argv[1], "async"))) return true;
        c.error(Errors.SYNTAX);
        return false;
    }

    void flushdb(Client c, byte[][] argv) {
        if (!flushMode(c, argv)) return;
        c.node().stats().dirty += c.db.size();
        c.db.clear();
        // FLUSHDB reaches replicas even when the database was already empty
        c.propagate(argv);
        c.ok();
    }

    void flushall(Client c, byte[][] argv) {
        if (!flushMode(c, argv)) return;
        Node node = c.node();
        flushAll(node);
        // with save points, the empty dataset is saved at once, as Redis's flushAllDataAndResetRDB
        var p = node.persistence();
        if (p != null && !node.config().savePoints().isEmpty() && !p.bgsaveInProgress()) {
            try {
                p.save();
            } catch (java.io.IOException | RuntimeException e) {
                node.log().warn("FLUSHALL could not save the empty dataset: {}", e.getMessage());
            }
        }
        c.propagate(argv);
        c.ok();
    }

    /** Empties every database (FLUSHALL, and replicas before a full sync). */
    public static void flushAll(Node node) {
        Keyspace ks = node.keyspace();
        for (int i = 0; i < ks.size(); i++) {
            Database db = ks.db(i);
            node.stats().dirty += db.size();
            db.clear();
        }
    }

    void swapdb(Client c, byte[][] argv) {
        Long a = Bytes.parseLong(argv[1]);
        if (a == null || a != a.intValue()) {
            c.error("ERR invalid first DB index");
            return;
        }
        Long b = Bytes.parseLong(argv[2]);
        if (b == null || b != b.intValue()) {
            c.error("ERR invalid second DB index");
            return;
        }
        Keyspace ks = c.node().keyspace();
        if (a < 0 || a >= ks.size() || b < 0 || b >= ks.size()) {
            c.error(Errors.DB_INDEX);
            return;
        }
        if (a.longValue() != b.longValue()) {
            ks.swap(a.intValue(), b.intValue());
            // clients blocked on either database may now find their keys
            wakeBlocked(c.node(), a.intValue());
            wakeBlocked(c.node(), b.intValue());
        }
        c.node().stats().dirty++;
        c.ok();
    }

    private static void wakeBlocked(Node node, int db) {
        if (!node.blocking().anyWaiting(db)) return;
        List<byte[]> ready = new ArrayList<>();
        node.keyspace().db(db).forEach(e -> {
            if (e.value instanceof ListValue || e.value instanceof ZSetValue) ready.add(e.key);
        });
        for (byte[] k : ready) node.ready(db, k);
    }

    void time(Client c, byte[][] argv) {
        long micros = nowMicros(c.node());
        c.array(2);
        c.bulk(Bytes.fromLong(micros / 1_000_000));
        c.bulk(Bytes.fromLong(micros % 1_000_000));
    }

    /** Wall time in microseconds from the node's clock. */
    static long nowMicros(Node node) {
        java.time.Instant i = node.clock().instant();
        return i.getEpochSecond() * 1_000_000L + i.getNano() / 1000;
    }

    // ---- SHUTDOWN ----------------------------------------------------------------------

    // SHUTDOWN [NOSAVE | SAVE] [NOW] [FORCE] [ABORT]
    void shutdown(Client c, byte[][] argv) {
        boolean save = false, noSave = false, now = false, force = false, abort = false;
        for (int i = 1; i < argv.length; i++) {
            if (Args.is(argv[i], "nosave")) noSave = true;
            else if (Args.is(argv[i], "save")) save = true;
            else if (Args.is(argv[i], "now")) now = true;
            else if (Args.is(argv[i], "force")) force = true;
            else if (Args.is(argv[i], "abort")) abort = true;
            else {
                c.error(Errors.SYNTAX);
                return;
            }
        }
        if ((abort && (save || noSave || now || force)) || (save && noSave)) {
            c.error(Errors.SYNTAX);
            return;
        }
        if (abort) {
            // a shutdown here completes within the command: there is never one to abort
            c.error("ERR No shutdown in progress.");
            return;
        }
        Node node = c.node();
        Shutdown.Options options = new Shutdown.Options(save, noSave, now, force);
        node.log().warn("User requested shutdown...");
        for (Shutdown.Step step : node.shutdown().steps()) {
            String failure;
            try {
                failure = step.run(options);
            } catch (RuntimeException e) {
                failure = e.toString();
            }
            if (failure != null) {
                if (force) {
                    node.log().warn("{}. Exit anyway.", failure);
                } else {
                    node.log().warn("{}, can't exit.", failure);
                    node.log().warn("Errors trying to shut down the server. Check the logs for more information.");
                    c.error("ERR Errors trying to SHUTDOWN. Check logs.");
                    return;
                }
            }
        }
        node.log().warn("Meridian is now ready to exit, bye bye...");
        // no reply: the connection closes, as with redis-server
        c.closeAfterReply = true;
        c.close();
        Thread stopper = new Thread(() -> {
            node.stop();
            for (Runnable r : node.shutdown().afterStopActions()) r.run();
        }, "meridian-shutdown-command");
        stopper.start();
    }

    // ---- LOLWUT ------------------------------------------------------------------------

    // LOLWUT [VERSION version]: the art of versions 5 and 6 is not drawn; every version prints what 7.0's does
    void lolwut(Client c, byte[][] argv) {
        if (argv.length >= 3 && Args.is(argv[1], "version")) {
            if (Args.integer(c, argv[2]) == null) return;
        }
        c.verbatim("Redis ver. " + Node.REDIS_VERSION + "\n");
    }

    /** Redis's addReplyHelp: "<CMD> <subcommand> ..." then the lines, then HELP, as status replies. */
    static void help(Client c, String command, String... lines) {
        c.array(lines.length + 3);
        c.simple(command + " <subcommand> [<arg> [value] [opt] ...]. Subcommands are:");
        for (String l : lines) c.simple(l);
        c.simple("HELP");
        c.simple("    Prints this help.");
    }

    /** Redis's addReplySubcommandSyntaxError. */
    static void subcommandSyntaxError(Client c, byte[][] argv) {
        String sub = Bytes.latin1(argv[1]);
        if (sub.length() > 128) sub = sub.substring(0, 128);
        c.error("ERR unknown subcommand or wrong number of arguments for '" + sub + "'. Try "
                + Bytes.latin1(argv[0]).toUpperCase(java.util.Locale.ROOT) + " HELP.");
    }
}
