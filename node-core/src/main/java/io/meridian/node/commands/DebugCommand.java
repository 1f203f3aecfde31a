package io.meridian.node.commands;

import io.meridian.node.Node;
import io.meridian.node.keyspace.Entry;
import io.meridian.node.keyspace.ListValue;
import io.meridian.node.rdb.Digest;
import io.meridian.node.server.Client;
import io.meridian.node.util.Bytes;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * DEBUG, gated by enable-debug-command (no / yes / local) exactly as Redis 7 gates it. The
 * subcommands are the ones tools and test suites use: SLEEP, SET-ACTIVE-EXPIRE, OBJECT,
 * DIGEST, DIGEST-VALUE, ERROR, LOG, PROTOCOL, POPULATE, CHANGE-REPL-ID, HELP.
 */
final class DebugCommand {
    /** Redis's refusal of a protected command, word for word. */
    static final String NOT_ALLOWED = "ERR DEBUG command not allowed. If the enable-debug-command option is set to \"local\", "
            + "you can run it from a local connection, otherwise you need to set this option in the configuration file, "
            + "and then restart the server.";

    /** The gate Dispatcher runs after the arity check (Redis's CMD_PROTECTED check). */
    static String refuse(Client c, byte[][] argv) {
        String mode = c.node().config().get("enable-debug-command");
        return ConfigCommand.allowProtected(mode, c) ? null : NOT_ALLOWED;
    }

    void debug(Client c, byte[][] argv) {
        String sub = Bytes.lower(argv[1]);
        int argc = argv.length;
        switch (sub) {
            case "help" -> help(c);
            case "sleep" -> {
                if (argc != 3) break;
                sleep(c, argv[2]);
                return;
            }
            case "set-active-expire" -> {
                if (argc != 3) break;
                c.node().setActiveExpire(atoi(argv[2]) != 0);
                c.ok();
                return;
            }
            case "object" -> {
                if (argc != 3) break;
                object(c, argv[2]);
                return;
            }
            case "digest" -> {
                if (argc != 2) break;
                c.simple(Digest.dataset(c.node().keyspace()));
                return;
            }
            case "digest-value" -> {
                c.array(argc - 2);
                for (int i = 2; i < argc; i++) {
                    // a debug command sees logically expired keys too
                    Entry e = c.db.dict().get(argv[i]);
                    c.simple(e == null ? "0000000000000000000000000000000000000000" : Digest.value(e));
                }
                return;
            }
            case "error" -> {
                if (argc != 3) break;
                c.error(new String(argv[2], StandardCharsets.UTF_8));
                return;
            }
            case "log" -> {
                if (argc != 3) break;
                c.node().log().warn("DEBUG LOG: {}", new String(argv[2], StandardCharsets.UTF_8));
                c.ok();
                return;
            }
            case "protocol" -> {
                if (argc != 3) break;
                protocol(c, Bytes.lower(argv[2]));
                return;
            }
            case "populate" -> {
                if (argc < 3 || argc > 5) break;
                populate(c, argv);
                return;
            }
            case "reload" -> {
                reload(c, argv);
                return;
            }
            case "change-repl-id" -> {
                if (argc != 2) break;
                c.node().log().warn("Changing replication IDs after receiving DEBUG change-repl-id");
                c.node().stream().shiftReplid();
                c.node().stream().setSecondary("0000000000000000000000000000000000000000", -1);
                c.ok();
                return;
            }
            default -> { }
        }
        if (!sub.equals("help")) ServerCommands.subcommandSyntaxError(c, argv);
    }

    private static void help(Client c) {
        ServerCommands.help(c, "DEBUG",
                "CHANGE-REPL-ID",
                "    Change the replication IDs of the instance.",
                "    Dangerous: should be used only for testing the replication subsystem.",
                "DIGEST",
                "    Output a hex signature representing the current DB content.",
                "DIGEST-VALUE <key> [<key> ...]",
                "    Output a hex signature of the values of all the specified keys.",
                "ERROR <string>",
                "    Return a Redis protocol error with <string> as message. Useful for clients",
                "    unit tests to simulate Redis errors.",
                "LOG <message>",
                "    Write <message> to the server log.",
                "OBJECT <key>",
                "    Show low level info about `key` and associated value.",
                "POPULATE <count> [<prefix>] [<size>]",
                "    Create <count> string keys named key:<num>. If <prefix> is specified then",
                "    it is used instead of the 'key' prefix. These are not propagated to",
                "    replicas. Cluster slots are not respected so keys not belonging to the",
                "    current node can be created in cluster mode.",
                "RELOAD [option ...]",
                "    Save the RDB on disk and reload it back to memory. Valid <option> values:",
                "    * MERGE: conflicting keys will be loaded from RDB.",
                "    * NOFLUSH: the existing database will not be removed before load, but",
                "      conflicting keys will generate an exception and kill the server.",
                "    * NOSAVE: the database will be loaded from an existing RDB file.",
                "    Examples:",
                "    * DEBUG RELOAD: verify that the server is able to persist, flush and reload",
                "      the database.",
                "    * DEBUG RELOAD NOSAVE: replace the current database with the contents of an",
                "      existing RDB file.",
                "    * DEBUG RELOAD NOSAVE NOFLUSH MERGE: add the contents of an existing RDB",
                "      file to the database.",
                "PROTOCOL <type>",
                "    Reply with a test value of the specified type. <type> can be: string,",
                "    integer, double, bignum, null, array, set, map, attrib, push, verbatim,",
                "    true, false.",
                "SET-ACTIVE-EXPIRE <0|1>",
                "    Setting it to 0 disables expiring keys in background when they are not",
                "    accessed (otherwise the Redis behavior). Setting it to 1 reenables back the",
                "    default.",
                "SLEEP <seconds>",
                "    Stop the server for <seconds>. Decimals allowed.");
    }

    /** C's atoi: leading digits with an optional sign, 0 when none. */
    static long atoi(byte[] b) {
        String s = new String(b, StandardCharsets.ISO_8859_1).trim();
        int i = 0;
        boolean neg = false;
        if (i < s.length() && (s.charAt(i) == '-' || s.charAt(i) == '+')) neg = s.charAt(i++) == '-';
        long v = 0;
        while (i < s.length() && Character.isDigit(s.charAt(i)) && v < Integer.MAX_VALUE) v = v * 10 + (s.charAt(i++) - '0');
        return neg ? -v : v;
    }

    /** C's strtod prefix parse: 0 when nothing parses. */
    static double strtod(byte[] b) {
        String s = new String(b, StandardCharsets.ISO_8859_1).trim();
        for (int end = s.length(); end > 0; end--) {
            try {
                return Double.parseDouble(s.substring(0, end));
            } catch (NumberFormatException ignored) {
                // try a shorter prefix
            }
        }
        return 0;
    }

    // DEBUG SLEEP <seconds>: blocks the command thread, as Redis blocks its main thread
    private static void sleep(Client c, byte[] arg) {
        long micros = (long) (strtod(arg) * 1_000_000);
        if (micros > 0) {
            try {
                Thread.sleep(micros / 1000, (int) (micros % 1000) * 1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        c.ok();
    }

    // DEBUG OBJECT <key>
    private static void object(Client c, byte[] key) {
        Entry e = c.db.dict().get(key);
        if (e == null) {
            c.error(Errors.NO_SUCH_KEY);
            return;
        }
        String encoding = encoding(e.value);
        String extra = "";
        if (e.value instanceof ListValue l) {
            long fill = c.node().config().getLong("list-max-listpack-size");
            extra = String.format(Locale.ROOT, " ql_nodes:1 ql_avg_node:%.2f ql_listpack_max:%d ql_compressed:%d ql_uncompressed_size:%d",
                    (double) l.size(), fill, c.node().config().getLong("list-compress-depth") != 0 ? 1 : 0, 0);
        }
        long idle = Math.max(0, c.node().keyspace().now() / 1000 - e.lru);
        c.simple("Value at:0x" + Integer.toHexString(System.identityHashCode(e.value)) + " refcount:1 encoding:" + encoding
                + " serializedlength:" + serializedLength(e.value) + " lru:" + (e.lru & ((1 << 24) - 1))
                + " lru_seconds_idle:" + idle + extra);
    }

    /** OBJECT ENCODING's name of a value. */
    static String encoding(Object v) {
        if (v instanceof io.meridian.node.keyspace.AppendableString) return "raw";
        if (v instanceof byte[] s) {
            if (s.length <= 20 && Bytes.isLong(s)) return "int";
            return s.length <= 44 ? "embstr" : "raw";
        }
        try {
            return (String) v.getClass().getMethod("encoding").invoke(v);
        } catch (ReflectiveOperationException ex) {
            return "unknown";
        }
    }

    /** An estimate of the value's RDB size (Meridian does not serialise it here). */
    private static long serializedLength(Object v) {
        if (v instanceof io.meridian.node.keyspace.AppendableString s) return s.length() + 1;
        if (v instanceof byte[] s) return s.length + 1;
        try {
            Object n = v.getClass().getMethod("size").invoke(v);
            return ((Number) n).longValue() * 8 + 1;
        } catch (ReflectiveOperationException ex) {
            return 1;
        }
    }

    // DEBUG RELOAD [MERGE] [NOFLUSH] [NOSAVE]
    private static void reload(Client c, byte[][] argv) {
        boolean flush = true, save = true, merge = false;
        for (int j = 2; j < argv.length; j++) {
            if (Args.is(argv[j], "merge")) merge = true;
            else if (Args.is(argv[j], "noflush")) flush = false;
            else if (Args.is(argv[j], "nosave")) save = false;
            else {
                c.error("ERR DEBUG RELOAD only supports the MERGE, NOFLUSH and NOSAVE options.");
                return;
            }
        }
        Node node = c.node();
        io.meridian.node.snapshot.Persistence p = node.persistence();
        c.preventPropagation = true;
        if (save) {
            try {
                p.save();
            } catch (java.io.IOException | RuntimeException e) {
                node.log().warn("DEBUG RELOAD: save failed: {}", e.getMessage());
                c.error("ERR");
                return;
            }
        }
        long dirty = node.stats().dirty;
        try {
            java.nio.file.Path path = p.rdbPath();
            long size = java.nio.file.Files.size(path);
            if (flush) {
                for (int i = 0; i < node.keyspace().size(); i++) node.keyspace().db(i).clear();
                p.load(path, size, node.keyspace());
            } else {
                io.meridian.node.keyspace.Keyspace loaded = new io.meridian.node.keyspace.Keyspace(node.keyspace().size(), node.clock());
                p.load(path, size, loaded);
                if (!mergeInto(node, loaded, merge)) {
                    c.error("ERR Error trying to load the RDB dump");
                    return;
                }
            }
        } catch (java.io.IOException | RuntimeException e) {
            node.log().warn("DEBUG RELOAD: load failed: {}", e.getMessage());
            c.error("ERR Error trying to load the RDB dump");
            return;
        } finally {
            // reloading is not a change of the dataset: save points do not fire for it
            node.stats().dirty = dirty;
        }
        node.log().warn("DB reloaded by DEBUG RELOAD");
        c.ok();
    }

    /** NOFLUSH: adds the loaded keys; a key present in both is an error unless MERGE lets the file's win. */
    private static boolean mergeInto(Node node, io.meridian.node.keyspace.Keyspace loaded, boolean merge) {
        for (int i = 0; i < loaded.size(); i++) {
            io.meridian.node.keyspace.Database from = loaded.db(i), to = node.keyspace().db(i);
            boolean[] conflict = {false};
            if (!merge) from.forEach(e -> conflict[0] |= to.find(e.key) != null);
            if (conflict[0]) return false;
            from.forEach(e -> {
                to.delete(e.key);
                Entry n = to.add(e.key, e.value);
                if (e.expireAt >= 0) to.setExpire(n, e.expireAt);
            });
        }
        return true;
    }

    // DEBUG PROTOCOL <type>
    private static void protocol(Client c, String type) {
        switch (type) {
            case "string" -> c.bulk("Hello World");
            case "integer" -> c.integer(12345);
            case "double" -> c.doubleReply(3.141);
            case "bignum" -> {
                if (c.resp == 3) c.writeRaw("(1234567999999999999999999999999999999\r\n".getBytes(StandardCharsets.US_ASCII));
                else c.bulk("1234567999999999999999999999999999999");
            }
            case "null" -> c.nil();
            case "array" -> {
                c.array(3);
                for (int j = 0; j < 3; j++) c.integer(j);
            }
            case "set" -> {
                c.set(3);
                for (int j = 0; j < 3; j++) c.integer(j);
            }
            case "map" -> {
                c.map(3);
                for (int j = 0; j < 3; j++) {
                    c.integer(j);
                    c.bool(j == 1);
                }
            }
            case "attrib" -> {
                if (c.resp >= 3) {
                    c.writeRaw("|1\r\n".getBytes(StandardCharsets.US_ASCII));
                    c.bulk("key-popularity");
                    c.array(2);
                    c.bulk("key:123");
                    c.integer(90);
                }
                c.bulk("Some real reply following the attribute");
            }
            case "push" -> {
                if (c.resp < 3) {
                    c.error("ERR RESP2 is not supported by this command");
                    return;
                }
                c.push(2);
                c.bulk("server-cpu-usage");
                c.integer(42);
                c.bulk("Some real reply following the push reply");
            }
            case "true" -> c.bool(true);
            case "false" -> c.bool(false);
            case "verbatim" -> c.verbatim("This is a verbatim\nstring");
            default -> c.error("ERR Wrong protocol type name. Please use one of the following: "
                    + "string|integer|double|bignum|null|array|set|map|attrib|push|verbatim|true|false");
        }
    }

    // DEBUG POPULATE <count> [<prefix>] [<size>]
    private static void populate(Client c, byte[][] argv) {
        Long count = Bytes.parseLong(argv[2]);
        if (count == null || count < 0) {
            c.error(Errors.OUT_OF_RANGE_POSITIVE);
            return;
        }
        long size = 0;
        if (argv.length == 5) {
            Long s = Bytes.parseLong(argv[4]);
            if (s == null || s < 0) {
                c.error(Errors.OUT_OF_RANGE_POSITIVE);
                return;
            }
            size = s;
        }
        String prefix = argv.length >= 4 ? new String(argv[3], StandardCharsets.ISO_8859_1) : "key";
        Node node = c.node();
        for (long j = 0; j < count; j++) {
            byte[] key = (prefix + ":" + j).getBytes(StandardCharsets.ISO_8859_1);
            if (c.db.find(key) != null) continue;
            byte[] v = ("value:" + j).getBytes(StandardCharsets.ISO_8859_1);
            if (size > 0) {
                byte[] sized = new byte[(int) size];
                System.arraycopy(v, 0, sized, 0, (int) Math.min(size, v.length));
                v = sized;
            }
            c.db.add(key, v);
        }
        // not propagated, as Redis does not propagate DEBUG POPULATE
        c.preventPropagation = true;
        node.log().debug("DEBUG POPULATE created up to {} keys", count);
        c.ok();
    }
}
