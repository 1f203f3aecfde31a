package io.meridian.node.commands;

import io.meridian.node.Node;
import io.meridian.node.command.CommandSpec;
import io.meridian.node.config.Config;
import io.meridian.node.config.ConfigRewriter;
import io.meridian.node.config.ConfigTable;
import io.meridian.node.config.Directive;
import io.meridian.node.server.Client;
import io.meridian.node.util.Bytes;
import io.meridian.node.util.Glob;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** CONFIG GET/SET/RESETSTAT/REWRITE/HELP over the one configuration table, with Redis's replies and errors. */
final class ConfigCommand {
    // CONFIG GET parameter [parameter ...]
    void get(Client c, byte[][] argv) {
        Map<String, Directive> matches = new LinkedHashMap<>();
        for (int i = 2; i < argv.length; i++) {
            String p = new String(argv[i], StandardCharsets.ISO_8859_1);
            if (p.indexOf('*') < 0 && p.indexOf('?') < 0 && p.indexOf('[') < 0) {
                if (matches.containsKey(p)) continue;
                Directive d = ConfigTable.find(p);
                if (d != null && !d.has(Directive.Flag.FILE_ONLY)) matches.put(p, d);
                continue;
            }
            for (String name : ConfigTable.names()) {
                Directive d = ConfigTable.find(name);
                // hidden directives answer only to their exact name
                if (d.has(Directive.Flag.HIDDEN) || d.has(Directive.Flag.FILE_ONLY)) continue;
                if (matches.containsKey(name)) continue;
                if (Glob.match(argv[i], name.getBytes(StandardCharsets.ISO_8859_1), true)) matches.put(name, d);
            }
        }
        Config config = c.node().config();
        c.map(matches.size());
        for (Map.Entry<String, Directive> e : matches.entrySet()) {
            c.bulk(e.getKey());
            c.bulk(config.get(e.getValue().name()));
        }
    }

    // CONFIG SET parameter value [parameter value ...]
    void set(Client c, byte[][] argv) {
        if ((argv.length & 1) != 0) {
            c.error(Errors.SYNTAX);
            return;
        }
        Node node = c.node();
        String unknown = null, errName = null, errText = null;
        boolean denyLoading = false;
        List<Directive> ds = new ArrayList<>();
        List<String> values = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (int i = 2; i < argv.length; i += 2) {
            String name = new String(argv[i], StandardCharsets.ISO_8859_1);
            Directive d = ConfigTable.find(name);
            if (d == null || d.has(Directive.Flag.FILE_ONLY)) {
                if (unknown == null && errName == null && !denyLoading) unknown = name;
                continue;
            }
            // a password never reaches the slow log, even when the command fails
            if (d.has(Directive.Flag.SENSITIVE) && i + 1 < 64) c.redactMask |= 1L << (i + 1);
            if (unknown != null || errName != null || denyLoading) continue;
            boolean isProtected = d.has(Directive.Flag.PROTECTED)
                    && !allowProtected(node.config().get("enable-protected-configs"), c);
            if (!d.mutable() || isProtected) {
                errText = !d.mutable() ? "can't set immutable config" : "can't set protected config";
                errName = name;
                continue;
            }
            if (node.loading() && d.has(Directive.Flag.DENY_LOADING)) {
                denyLoading = true;
                continue;
            }
            // an alias and its directive are two parameters here, as in Redis 7.0
            if (names.stream().anyMatch(n -> n.equalsIgnoreCase(name))) {
                errText = "duplicate parameter";
                errName = name;
                continue;
            }
            ds.add(d);
            names.add(name);
            values.add(new String(argv[i + 1], StandardCharsets.UTF_8));
        }
        if (denyLoading) {
            c.error("LOADING Redis is loading the dataset in memory");
            return;
        }
        if (unknown != null) {
            c.error("ERR Unknown option or number of arguments for CONFIG SET - '" + unknown + "'");
            return;
        }
        if (errName != null) {
            c.error("ERR CONFIG SET failed (possibly related to argument '" + errName + "') - " + errText);
            return;
        }
        try {
            node.config().setAll(ds, names, values);
        } catch (Config.SetError e) {
            String reason = e.getMessage();
            c.error("ERR CONFIG SET failed (possibly related to argument '" + e.directive() + "')"
                    + (reason == null || reason.isEmpty() ? "" : " - " + reason));
            return;
        }
        c.ok();
    }

    /** Redis's allowProtectedAction: "yes", or "local" for a loopback connection. */
    static boolean allowProtected(String mode, Client c) {
        if (mode.equals("yes")) return true;
        if (!mode.equals("local")) return false;
        if (c.channel() == null) return true;
        return c.channel().remoteAddress() instanceof InetSocketAddress a && a.getAddress().isLoopbackAddress()
                || !(c.channel().remoteAddress() instanceof InetSocketAddress);
    }

    // CONFIG RESETSTAT
    void resetStat(Client c, byte[][] argv) {
        resetStats(c.node());
        c.ok();
    }

    /** Redis's resetServerStats, resetCommandTableStats and resetErrorTableStats. */
    static void resetStats(Node node) {
        node.stats().reset();
        node.keyspace().hits = 0;
        node.keyspace().misses = 0;
        node.keyspace().expiredKeys = 0;
        for (CommandSpec spec : node.commands().all()) {
            reset(spec);
            for (CommandSpec sub : spec.subcommands().values()) reset(sub);
        }
    }

    private static void reset(CommandSpec s) {
        s.calls = 0;
        s.usec = 0;
        s.rejectedCalls = 0;
        s.failedCalls = 0;
    }

    // CONFIG REWRITE
    void rewrite(Client c, byte[][] argv) {
        Node node = c.node();
        String file = node.config().configFile();
        if (file == null) {
            c.error("ERR The server is running without a config file");
            return;
        }
        try {
            ConfigRewriter.rewrite(node.config(), Path.of(file));
        } catch (IOException | RuntimeException e) {
            String reason = e instanceof java.nio.file.AccessDeniedException ? "Permission denied"
                    : e instanceof java.nio.file.NoSuchFileException ? "No such file or directory" : String.valueOf(e.getMessage());
            node.log().warn("CONFIG REWRITE failed: {}", reason);
            c.error("ERR Rewriting config file: " + reason);
            return;
        }
        node.log().warn("CONFIG REWRITE executed with success.");
        c.ok();
    }

    // CONFIG HELP
    void help(Client c, byte[][] argv) {
        ServerCommands.help(c, "CONFIG",
                "GET <pattern>",
                "    Return parameters matching the glob-like <pattern> and their values.",
                "SET <directive> <value>",
                "    Set the configuration <directive> to <value>.",
                "RESETSTAT",
                "    Reset statistics reported by the INFO command.",
                "REWRITE",
                "    Rewrite the configuration file.");
    }
}
