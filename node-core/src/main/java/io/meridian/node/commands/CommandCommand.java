package io.meridian.node.commands;

import io.meridian.node.command.AclCategory;
import io.meridian.node.command.CommandFlag;
import io.meridian.node.command.CommandSpec;
import io.meridian.node.command.CommandTable;
import io.meridian.node.server.Client;
import io.meridian.node.util.Bytes;
import io.meridian.node.util.Glob;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

/**
 * COMMAND and its subcommands: the command table as Redis 7.0 describes itself (COMMAND INFO's
 * ten fields, COMMAND DOCS maps, key extraction, filtered lists).
 *
 * <p>Key specs are derived from each command's key range: one spec per command with keys,
 * flagged RO/access for read-only commands and RW/update for writes. Redis declares finer
 * flags per command (OW, RM, insert, delete); they are not in Meridian's table yet.
 */
final class CommandCommand {

    // COMMAND
    void all(Client c, byte[][] argv) {
        Collection<CommandSpec> all = c.node().commands().all();
        c.array(all.size());
        for (CommandSpec s : all) info(c, s);
    }

    // COMMAND COUNT
    void count(Client c, byte[][] argv) {
        c.integer(c.node().commands().size());
    }

    // COMMAND INFO [command-name ...]
    void info(Client c, byte[][] argv) {
        if (argv.length == 2) {
            all(c, argv);
            return;
        }
        c.array(argv.length - 2);
        for (int i = 2; i < argv.length; i++) {
            CommandSpec s = lookupByFullName(c.node().commands(), argv[i]);
            if (s == null) c.nullBulk();
            else info(c, s);
        }
    }

    /** Redis's lookupCommandBySds: "get", or "config|get" for a subcommand. */
    static CommandSpec lookupByFullName(CommandTable t, byte[] name) {
        String n = new String(name, StandardCharsets.ISO_8859_1);
        String[] parts = n.split("\\|", -1);
        if (parts.length == 1) return t.lookup(n);
        if (parts.length == 2) return t.lookupSub(parts[0], parts[1]);
        return null;
    }

    /** One COMMAND INFO entry: name, arity, flags, first, last, step, categories, tips, key specs, subcommands. */
    static void info(Client c, CommandSpec s) {
        c.array(10);
        c.bulk(s.name());
        c.integer(s.arity());
        List<String> flags = new ArrayList<>();
        for (CommandFlag f : s.flags()) {
            // may_replicate is hidden on purpose, as Redis hides it
            if (f != CommandFlag.MAY_REPLICATE) flags.add(f.word());
        }
        c.set(flags.size());
        for (String f : flags) c.simple(f);
        c.integer(s.firstKey());
        c.integer(s.lastKey());
        c.integer(s.step());
        c.set(s.categories().size());
        for (AclCategory a : s.categories()) c.simple("@" + a.word());
        c.set(s.tips().size());
        for (String t : s.tips()) c.bulk(t);
        keySpecs(c, s);
        if (s.subcommands().isEmpty()) {
            c.set(0);
        } else {
            c.array(s.subcommands().size());
            for (CommandSpec sub : s.subcommands().values()) info(c, sub);
        }
    }

    /** The flags of this command's keys, as a key spec would declare them. */
    static List<String> keyFlags(CommandSpec s) {
        if (s.keySpecFlags() != null) return s.keySpecFlags();
        if (s.has(CommandFlag.WRITE)) return List.of("RW", "update");
        return List.of("RO", "access");
    }

    private static void keySpecs(Client c, CommandSpec s) {
        if (s.keySpecs() != null) {
            c.set(s.keySpecs().size());
            for (CommandSpec.KeySpec k : s.keySpecs()) {
                c.map(k.notes() == null ? 3 : 4);
                if (k.notes() != null) {
                    c.bulk("notes");
                    c.bulk(k.notes());
                }
                c.bulk("flags");
                flagSet(c, k.flags());
                c.bulk("begin_search");
                c.map(2);
                c.bulk("type");
                c.bulk("index");
                c.bulk("spec");
                c.map(1);
                c.bulk("index");
                c.integer(k.index());
                c.bulk("find_keys");
                c.map(2);
                c.bulk("type");
                if (k.isKeynum()) {
                    c.bulk("keynum");
                    c.bulk("spec");
                    c.map(3);
                    c.bulk("keynumidx");
                    c.integer(k.keynumIdx());
                    c.bulk("firstkey");
                    c.integer(k.firstKey());
                    c.bulk("keystep");
                    c.integer(k.keyStep());
                    continue;
                }
                c.bulk("range");
                c.bulk("spec");
                c.map(3);
                c.bulk("lastkey");
                c.integer(k.lastKey());
                c.bulk("keystep");
                c.integer(k.keyStep());
                c.bulk("limit");
                c.integer(0);
            }
            return;
        }
        if (s.firstKey() <= 0) {
            if (s.keyFinder() == null) {
                c.set(0);
                return;
            }
            c.set(1);
            c.map(3);
            c.bulk("flags");
            flagSet(c, keyFlags(s));
            c.bulk("begin_search");
            c.map(2);
            c.bulk("type");
            c.bulk("unknown");
            c.bulk("spec");
            c.map(0);
            c.bulk("find_keys");
            c.map(2);
            c.bulk("type");
            c.bulk("unknown");
            c.bulk("spec");
            c.map(0);
            return;
        }
        c.set(1);
        c.map(3);
        c.bulk("flags");
        flagSet(c, keyFlags(s));
        c.bulk("begin_search");
        c.map(2);
        c.bulk("type");
        c.bulk("index");
        c.bulk("spec");
        c.map(1);
        c.bulk("index");
        c.integer(s.firstKey());
        c.bulk("find_keys");
        c.map(2);
        c.bulk("type");
        c.bulk("range");
        c.bulk("spec");
        c.map(3);
        c.bulk("lastkey");
        c.integer(s.lastKey() < 0 ? s.lastKey() : s.lastKey() - s.firstKey());
        c.bulk("keystep");
        c.integer(s.step());
        c.bulk("limit");
        c.integer(0);
    }

    /** The flags of the key at argv position k: those of the first declared key spec covering it. */
    private static List<String> flagsOfKey(CommandSpec s, List<String> derived, int k, byte[][] cmd) {
        if (s.keySpecs() == null) return derived;
        for (CommandSpec.KeySpec spec : s.keySpecs()) {
            if (!spec.covers(k, cmd.length)) continue;
            if (spec.flags().contains("variable_flags") && s.name().equals("set")) return setKeyFlags(cmd);
            return spec.flags();
        }
        return derived;
    }

    /** Redis's setGetKeys: SET reads its key only with GET. */
    private static List<String> setKeyFlags(byte[][] cmd) {
        for (int i = 3; i < cmd.length; i++) {
            if (Args.is(cmd[i], "get")) return List.of("RW", "access", "update");
        }
        return List.of("OW", "update");
    }

    private static void flagSet(Client c, List<String> flags) {
        c.set(flags.size());
        for (String f : flags) c.simple(f);
    }

    // COMMAND DOCS [command-name ...]
    void docs(Client c, byte[][] argv) {
        CommandTable t = c.node().commands();
        List<CommandSpec> found = new ArrayList<>();
        if (argv.length == 2) {
            found.addAll(t.all());
        } else {
            for (int i = 2; i < argv.length; i++) {
                CommandSpec s = lookupByFullName(t, argv[i]);
                if (s != null) found.add(s);
            }
        }
        c.map(found.size());
        for (CommandSpec s : found) {
            c.bulk(s.name());
            docs(c, s);
        }
    }

    /** Redis 7.0.15's syscmd doc flag (commands.def's CMD_DOC_SYSCMD). */
    private static final java.util.Set<String> SYSCMD =
            java.util.Set.of("debug", "pfdebug", "pfselftest", "replconf", "restore-asking");

    /** Redis 7.0.15's deprecated commands: full name -> {deprecated_since, replaced_by}. */
    private static final java.util.Map<String, String[]> DEPRECATED = java.util.Map.ofEntries(
            java.util.Map.entry("brpoplpush", new String[]{"6.2.0", "`BLMOVE` with the `RIGHT` and `LEFT` arguments"}),
            java.util.Map.entry("cluster|slaves", new String[]{"5.0.0", "`CLUSTER REPLICAS`"}),
            java.util.Map.entry("cluster|slots", new String[]{"7.0.0", "`CLUSTER SHARDS`"}),
            java.util.Map.entry("georadius", new String[]{"6.2.0", "`GEOSEARCH` and `GEOSEARCHSTORE` with the `BYRADIUS` argument"}),
            java.util.Map.entry("georadius_ro", new String[]{"6.2.0", "`GEOSEARCH` with the `BYRADIUS` argument"}),
            java.util.Map.entry("georadiusbymember", new String[]{"6.2.0",
                    "`GEOSEARCH` and `GEOSEARCHSTORE` with the `BYRADIUS` and `FROMMEMBER` arguments"}),
            java.util.Map.entry("georadiusbymember_ro", new String[]{"6.2.0", "`GEOSEARCH` with the `BYRADIUS` and `FROMMEMBER` arguments"}),
            java.util.Map.entry("getset", new String[]{"6.2.0", "`SET` with the `!GET` argument"}),
            java.util.Map.entry("hmset", new String[]{"4.0.0", "`HSET` with multiple field-value pairs"}),
            java.util.Map.entry("rpoplpush", new String[]{"6.2.0", "`LMOVE` with the `RIGHT` and `LEFT` arguments"}),
            java.util.Map.entry("slaveof", new String[]{"5.0.0", "`REPLICAOF`"}),
            java.util.Map.entry("substr", new String[]{"2.0.0", "`GETRANGE`"}),
            java.util.Map.entry("zrangebylex", new String[]{"6.2.0", "`ZRANGE` with the `BYLEX` argument"}),
            java.util.Map.entry("zrangebyscore", new String[]{"6.2.0", "`ZRANGE` with the `BYSCORE` argument"}),
            java.util.Map.entry("zrevrange", new String[]{"6.2.0", "`ZRANGE` with the `REV` argument"}),
            java.util.Map.entry("zrevrangebylex", new String[]{"6.2.0", "`ZRANGE` with the `REV` and `BYLEX` arguments"}),
            java.util.Map.entry("zrevrangebyscore", new String[]{"6.2.0", "`ZRANGE` with the `REV` and `BYSCORE` arguments"}));

    private static void docs(Client c, CommandSpec s) {
        boolean hasSummary = !s.summary().isEmpty();
        boolean syscmd = SYSCMD.contains(s.name());
        String[] deprecated = DEPRECATED.get(s.name());
        int n = 1 + (hasSummary ? 1 : 0) + 1 + (s.complexity() != null ? 1 : 0) + (syscmd || deprecated != null ? 1 : 0)
                + (deprecated != null ? 2 : 0) + (s.subcommands().isEmpty() ? 0 : 1);
        c.map(n);
        if (hasSummary) {
            c.bulk("summary");
            c.bulk(s.summary());
        }
        c.bulk("since");
        c.bulk(s.since());
        c.bulk("group");
        c.bulk(s.group());
        if (s.complexity() != null) {
            c.bulk("complexity");
            c.bulk(s.complexity());
        }
        if (syscmd || deprecated != null) {
            c.bulk("doc_flags");
            c.set(syscmd && deprecated != null ? 2 : 1);
            if (deprecated != null) c.simple("deprecated");
            if (syscmd) c.simple("syscmd");
        }
        if (deprecated != null) {
            c.bulk("deprecated_since");
            c.bulk(deprecated[0]);
            c.bulk("replaced_by");
            c.bulk(deprecated[1]);
        }
        if (!s.subcommands().isEmpty()) {
            c.bulk("subcommands");
            c.map(s.subcommands().size());
            for (CommandSpec sub : s.subcommands().values()) {
                c.bulk(sub.name());
                docs(c, sub);
            }
        }
    }

    // COMMAND GETKEYS command [arg ...]
    void getKeys(Client c, byte[][] argv) {
        getKeys(c, argv, false);
    }

    // COMMAND GETKEYSANDFLAGS command [arg ...]
    void getKeysAndFlags(Client c, byte[][] argv) {
        getKeys(c, argv, true);
    }

    private void getKeys(Client c, byte[][] argv, boolean withFlags) {
        byte[][] cmd = Arrays.copyOfRange(argv, 2, argv.length);
        CommandSpec s = c.node().commands().lookup(cmd[0]);
        if (s != null && !s.subcommands().isEmpty() && cmd.length > 1) {
            s = s.subcommands().get(Bytes.lower(cmd[1]));
        }
        if (s == null) {
            c.error("ERR Invalid command specified");
            return;
        }
        if (s.firstKey() <= 0 && s.keyFinder() == null) {
            c.error("ERR The command has no key arguments");
            return;
        }
        if (!s.arityOk(cmd.length)) {
            c.error("ERR Invalid number of arguments specified for command");
            return;
        }
        int[] keys;
        try {
            keys = s.keys(cmd);
        } catch (RuntimeException e) {
            keys = null;
        }
        if (keys == null || keys.length == 0) {
            if (s.has(CommandFlag.NO_MANDATORY_KEYS)) {
                c.emptyArray();
            } else {
                c.error("ERR Invalid arguments specified for command");
            }
            return;
        }
        c.array(keys.length);
        List<String> flags = keyFlags(s);
        for (int k : keys) {
            if (withFlags) {
                c.array(2);
                c.bulk(cmd[k]);
                flagSet(c, flagsOfKey(s, flags, k, cmd));
            } else {
                c.bulk(cmd[k]);
            }
        }
    }

    // COMMAND LIST [FILTERBY MODULE module-name | ACLCAT category | PATTERN pattern]
    void list(Client c, byte[][] argv) {
        String type = null;
        byte[] arg = null;
        for (int i = 2; i < argv.length; i++) {
            int more = argv.length - 1 - i;
            if (Args.is(argv[i], "filterby") && more == 2) {
                type = Bytes.lower(argv[i + 1]);
                if (!type.equals("module") && !type.equals("aclcat") && !type.equals("pattern")) {
                    c.error(Errors.SYNTAX);
                    return;
                }
                arg = argv[i + 2];
                i += 2;
            } else {
                c.error(Errors.SYNTAX);
                return;
            }
        }
        List<String> names = new ArrayList<>();
        for (CommandSpec s : c.node().commands().all()) {
            if (keep(s, type, arg)) names.add(s.name());
            for (CommandSpec sub : s.subcommands().values()) if (keep(sub, type, arg)) names.add(sub.name());
        }
        c.array(names.size());
        for (String n : names) c.bulk(n);
    }

    private static boolean keep(CommandSpec s, String type, byte[] arg) {
        if (type == null) return true;
        return switch (type) {
            case "module" -> false; // Meridian loads no modules
            case "aclcat" -> {
                AclCategory cat = AclCategory.byName(new String(arg, StandardCharsets.ISO_8859_1).toLowerCase(Locale.ROOT));
                yield cat != null && s.categories().contains(cat);
            }
            default -> Glob.match(arg, s.name().getBytes(StandardCharsets.ISO_8859_1), true);
        };
    }

    // COMMAND HELP
    void help(Client c, byte[][] argv) {
        ServerCommands.help(c, "COMMAND",
                "(no subcommand)",
                "    Return details about all Redis commands.",
                "COUNT",
                "    Return the total number of commands in this Redis server.",
                "LIST",
                "    Return a list of all commands in this Redis server.",
                "INFO [<command-name> ...]",
                "    Return details about multiple Redis commands.",
                "    If no command names are given, documentation details for all",
                "    commands are returned.",
                "DOCS [<command-name> ...]",
                "    Return documentation details about multiple Redis commands.",
                "    If no command names are given, documentation details for all",
                "    commands are returned.",
                "GETKEYS <full-command>",
                "    Return the keys from a full Redis command.",
                "GETKEYSANDFLAGS <full-command>",
                "    Return the keys and the access flags from a full Redis command.");
    }
}
