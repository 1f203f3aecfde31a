package io.meridian.node.commands;

import io.meridian.node.Node;
import io.meridian.node.command.CommandFamily;
import io.meridian.node.command.CommandTable;
import io.meridian.node.keyspace.Database;
import io.meridian.node.keyspace.Entry;
import io.meridian.node.keyspace.HashValue;
import io.meridian.node.keyspace.Keyspace;
import io.meridian.node.keyspace.ListValue;
import io.meridian.node.keyspace.SetValue;
import io.meridian.node.keyspace.ZSetValue;
import io.meridian.node.server.Client;
import io.meridian.node.util.Bytes;
import io.meridian.node.util.Glob;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static io.meridian.node.command.CommandSpec.command;

/**
 * Generic key commands as Redis 7.0's db.c and expire.c: DEL, EXISTS, TYPE, RENAME, COPY,
 * MOVE, KEYS, SCAN, RANDOMKEY, TOUCH, OBJECT, and the expiry commands. Relative expiries are
 * propagated as PEXPIREAT, an expire time in the past as DEL.
 */
public final class KeyCommands implements CommandFamily {
    private static final byte[] PEXPIREAT = Bytes.utf8("PEXPIREAT");

    static final String SAME_OBJECT = "ERR source and destination objects are the same";
    static final String INT_RANGE = "ERR value is out of range, value must between -2147483648 and 2147483647";
    static final String INVALID_CURSOR = "ERR invalid cursor";
    static final String NX_XX_GT_LT = "ERR NX and XX, GT or LT options at the same time are not compatible";
    static final String GT_LT = "ERR GT and LT options at the same time are not compatible";
    static final String LFU_SELECTED = "ERR An LFU maxmemory policy is selected, idle time not tracked. Please note "
            + "that when switching between policies at runtime LRU and LFU data will take some time to adjust.";
    static final String LFU_NOT_SELECTED = "ERR An LFU maxmemory policy is not selected, access frequency not tracked. "
            + "Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.";
    private static final List<String> OBJECT_HELP = List.of(
            "OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
            "ENCODING <key>",
            "    Return the kind of internal representation used in order to store the value",
            "    associated with a <key>.",
            "FREQ <key>",
            "    Return the access frequency index of the <key>. The returned integer is",
            "    proportional to the logarithm of the recent access frequency of the key.",
            "IDLETIME <key>",
            "    Return the idle time of the <key>, that is the approximated number of",
            "    seconds elapsed since the last access to the key.",
            "REFCOUNT <key>",
            "    Return the number of references of the value associated with the specified",
            "    <key>.",
            "HELP",
            "    Prints this help.");
    /** Redis's LFU_INIT_VAL: the counter a new key starts with. */
    private static final int LFU_INIT_VAL = 5;

    @Override
    public void register(CommandTable t) {
        t.add(command("del", -2).flags("write").keys(1, -1, 1).acl("@keyspace")
                .keySpecFlags("RM delete").tips("request_policy:multi_shard response_policy:agg_sum")
                .doc("generic", "1.0.0", "Delete a key")
                .complexity("O(N) where N is the number of keys that will be removed. When a key to remove holds a value other than a string, the individual complexity for this key is O(M) where M is the number of elements in the list, set, sorted set or hash. Removing a single key that holds a string value is O(1).").run(this::del));
        t.add(command("unlink", -2).flags("write fast").keys(1, -1, 1).acl("@keyspace")
                .keySpecFlags("RM delete").tips("request_policy:multi_shard response_policy:agg_sum")
                .doc("generic", "4.0.0", "Delete a key asynchronously in another thread. Otherwise it is just as DEL, but non blocking.")
                
                .complexity("O(1) for each key removed regardless of its size. Then the command does O(N) work in a different thread in order to reclaim memory, where N is the number of allocations the deleted objects where composed of.").run(this::del));
        t.add(command("exists", -2).flags("readonly fast").keys(1, -1, 1).acl("@keyspace")
                .keySpecFlags("RO").tips("request_policy:multi_shard response_policy:agg_sum")
                .doc("generic", "1.0.0", "Determine if a key exists")
                .complexity("O(N) where N is the number of keys to check.").run(this::exists));
        t.add(command("type", 2).flags("readonly fast").keys(1, 1, 1).acl("@keyspace")
                .keySpecFlags("RO")
                .doc("generic", "1.0.0", "Determine the type stored at key")
                .complexity("O(1)").run(this::type));
        t.add(command("rename", 3).flags("write").keys(1, 2, 1).acl("@keyspace")
                .keySpec("RW access delete", 1, 0, 1).keySpec("OW update", 2, 0, 1)
                .doc("generic", "1.0.0", "Rename a key")
                .complexity("O(1)").run((c, a) -> rename(c, a, false)));
        t.add(command("renamenx", 3).flags("write fast").keys(1, 2, 1).acl("@keyspace")
                .keySpec("RW access delete", 1, 0, 1).keySpec("OW insert", 2, 0, 1)
                .doc("generic", "1.0.0", "Rename a key, only if the new key does not exist")
                .complexity("O(1)").run((c, a) -> rename(c, a, true)));
        t.add(command("copy", -3).flags("write denyoom").keys(1, 2, 1).acl("@keyspace")
                .keySpec("RO access", 1, 0, 1).keySpec("OW update", 2, 0, 1)
                .doc("generic", "6.2.0", "Copy a key")
                .complexity("O(N) worst case for collections, where N is the number of nested items. O(1) for string values.").run(this::copy));
        t.add(command("move", 3).flags("write fast").keys(1, 1, 1).acl("@keyspace")
                .keySpecFlags("RW access update")
                .doc("generic", "1.0.0", "Move a key to another database")
                .complexity("O(1)").run(this::move));
        t.add(command("keys", 2).flags("readonly").acl("@keyspace @dangerous")
                .tips("request_policy:all_shards nondeterministic_output_order")
                .doc("generic", "1.0.0", "Find all keys matching the given pattern")
                .complexity("O(N) with N being the number of keys in the database, under the assumption that the key names in the database and the given pattern have limited length.").run(this::keys));
        t.add(command("scan", -2).flags("readonly").acl("@keyspace")
                .tips("nondeterministic_output request_policy:special")
                .doc("generic", "2.8.0", "Incrementally iterate the keys space")
                .complexity("O(1) for every call. O(N) for a complete iteration, including enough command calls for the cursor to return back to 0. N is the number of elements inside the collection.").run(this::scan));
        t.add(command("randomkey", 1).flags("readonly").acl("@keyspace")
                .tips("request_policy:all_shards nondeterministic_output")
                .doc("generic", "1.0.0", "Return a random key from the keyspace")
                .complexity("O(1)").run(this::randomkey));
        t.add(command("touch", -2).flags("readonly fast").keys(1, -1, 1).acl("@keyspace")
                .keySpecFlags("RO").tips("request_policy:multi_shard response_policy:agg_sum")
                .doc("generic", "3.2.1", "Alters the last access time of a key(s). Returns the number of existing keys specified.")
                
                .complexity("O(N) where N is the number of keys that will be touched.").run(this::touch));
        t.add(command("object", -2).doc("generic", "2.2.3", "A container for object introspection commands")
                .complexity("Depends on subcommand.")
                .sub(command("encoding", 3).flags("readonly").keys(2, 2, 1).acl("@keyspace")
                        .keySpecFlags("RO").tips("nondeterministic_output")
                        .doc("generic", "2.2.3", "Inspect the internal encoding of a Redis object")
                        .complexity("O(1)").run(this::objectEncoding))
                .sub(command("freq", 3).flags("readonly").keys(2, 2, 1).acl("@keyspace")
                        .keySpecFlags("RO").tips("nondeterministic_output")
                        .doc("generic", "4.0.0", "Get the logarithmic access frequency counter of a Redis object")
                        .complexity("O(1)").run(this::objectFreq))
                .sub(command("idletime", 3).flags("readonly").keys(2, 2, 1).acl("@keyspace")
                        .keySpecFlags("RO").tips("nondeterministic_output")
                        .doc("generic", "2.2.3", "Get the time since a Redis object was last accessed")
                        .complexity("O(1)").run(this::objectIdletime))
                .sub(command("refcount", 3).flags("readonly").keys(2, 2, 1).acl("@keyspace")
                        .keySpecFlags("RO").tips("nondeterministic_output")
                        .doc("generic", "2.2.3", "Get the number of references to the value of the key")
                        .complexity("O(1)").run(this::objectRefcount))
                .sub(command("help", 2).flags("loading stale").acl("@keyspace")
                        .doc("generic", "6.2.0", "Show helpful text about the different subcommands")
                        .complexity("O(1)").run(this::objectHelp)));
        t.add(command("expire", -3).flags("write fast").keys(1, 1, 1).acl("@keyspace")
                .doc("generic", "1.0.0", "Set a key's time to live in seconds")
                .complexity("O(1)").run((c, a) -> expire(c, a, "expire", true, true)));
        t.add(command("pexpire", -3).flags("write fast").keys(1, 1, 1).acl("@keyspace")
                .doc("generic", "2.6.0", "Set a key's time to live in milliseconds")
                .complexity("O(1)").run((c, a) -> expire(c, a, "pexpire", true, false)));
        t.add(command("expireat", -3).flags("write fast").keys(1, 1, 1).acl("@keyspace")
                .doc("generic", "1.2.0", "Set the expiration for a key as a UNIX timestamp")
                .complexity("O(1)").run((c, a) -> expire(c, a, "expireat", false, true)));
        t.add(command("pexpireat", -3).flags("write fast").keys(1, 1, 1).acl("@keyspace")
                .doc("generic", "2.6.0", "Set the expiration for a key as a UNIX timestamp specified in milliseconds")
                
                .complexity("O(1)").run((c, a) -> expire(c, a, "pexpireat", false, false)));
        t.add(command("ttl", 2).flags("readonly fast").keys(1, 1, 1).acl("@keyspace")
                .tips("nondeterministic_output")
                .doc("generic", "1.0.0", "Get the time to live for a key in seconds")
                .complexity("O(1)").run((c, a) -> ttl(c, a, false, false)));
        t.add(command("pttl", 2).flags("readonly fast").keys(1, 1, 1).acl("@keyspace")
                .tips("nondeterministic_output")
                .doc("generic", "2.6.0", "Get the time to live for a key in milliseconds")
                .complexity("O(1)").run((c, a) -> ttl(c, a, true, false)));
        t.add(command("expiretime", 2).flags("readonly fast").keys(1, 1, 1).acl("@keyspace")
                .doc("generic", "7.0.0", "Get the expiration Unix timestamp for a key")
                .complexity("O(1)").run((c, a) -> ttl(c, a, false, true)));
        t.add(command("pexpiretime", 2).flags("readonly fast").keys(1, 1, 1).acl("@keyspace")
                .doc("generic", "7.0.0", "Get the expiration Unix timestamp for a key in milliseconds")
                .complexity("O(1)").run((c, a) -> ttl(c, a, true, true)));
        t.add(command("persist", 2).flags("write fast").keys(1, 1, 1).acl("@keyspace")
                .doc("generic", "2.2.0", "Remove the expiration from a key")
                .complexity("O(1)").run(this::persist));
    }

    // ---- helpers shared with StringCommands --------------------------------------------

    /**
     * Redis's checkAlreadyExpired: an absolute time not after now deletes the key, except on a
     * replica or while loading, where the key keeps the past time and waits for the master's DEL.
     */
    static boolean alreadyExpired(Client c, long when) {
        Node node = c.node();
        return when <= c.db.keyspace().now() && !node.loading() && !node.isReplica();
    }

    /** A lazyfree-* directive: when set, deletions propagate as UNLINK. */
    static boolean lazy(Client c, String directive) {
        return c.node().config().getBool(directive);
    }

    /** Redis's lookupKeyReadWithFlags(LOOKUP_NOTOUCH): counts the hit or miss, leaves the access time. */
    static Entry lookupNoTouch(Database db, byte[] key) {
        Entry e = db.find(key);
        Keyspace ks = db.keyspace();
        if (e == null) ks.misses++;
        else ks.hits++;
        return e;
    }

    /** Redis's getIntFromObjectOrReply then selectDb: the database, or null after the error. */
    private static Database targetDb(Client c, byte[] arg) {
        Long id = Args.integer(c, arg);
        if (id == null) return null;
        if (id < Integer.MIN_VALUE || id > Integer.MAX_VALUE) {
            c.error(INT_RANGE);
            return null;
        }
        Keyspace ks = c.db.keyspace();
        if (id < 0 || id >= ks.size()) {
            c.error(Errors.DB_INDEX);
            return null;
        }
        return ks.db((int) (long) id);
    }

    /** A deep copy of a value (COPY): the copy shares nothing mutable with the original. */
    static Object copyOf(Object v) {
        if (v instanceof byte[] b) return b.clone();
        if (v instanceof ListValue l) return l.copy();
        if (v instanceof HashValue h) return h.copy();
        if (v instanceof SetValue s) return s.copy();
        if (v instanceof ZSetValue z) return z.copy();
        throw new IllegalStateException("unknown value class " + v.getClass());
    }

    /** OBJECT ENCODING's name for a value. */
    static String encodingOf(Object v) {
        if (v instanceof byte[] b) return StringEncoding.of(b);
        if (v instanceof ListValue l) return l.encoding();
        if (v instanceof HashValue h) return h.encoding();
        if (v instanceof SetValue s) return s.encoding();
        if (v instanceof ZSetValue z) return z.encoding();
        throw new IllegalStateException("unknown value class " + v.getClass());
    }

    // ---- DEL, EXISTS, TYPE, TOUCH ------------------------------------------------------

    // DEL key [key ...] / UNLINK key [key ...]
    void del(Client c, byte[][] argv) {
        long n = 0;
        for (int j = 1; j < argv.length; j++) {
            if (c.db.delete(argv[j])) {
                n++;
                Notify.event(c, Notify.GENERIC, "del", argv[j]);
            }
        }
        c.integer(n);
    }

    // EXISTS key [key ...]: a key named twice counts twice
    void exists(Client c, byte[][] argv) {
        long n = 0;
        for (int j = 1; j < argv.length; j++) {
            if (lookupNoTouch(c.db, argv[j]) != null) n++;
        }
        c.integer(n);
    }

    // TYPE key
    void type(Client c, byte[][] argv) {
        Entry e = lookupNoTouch(c.db, argv[1]);
        c.simple(e == null ? "none" : e.type().typeName());
    }

    // TOUCH key [key ...]
    void touch(Client c, byte[][] argv) {
        long n = 0;
        for (int j = 1; j < argv.length; j++) {
            if (c.db.lookupRead(argv[j]) != null) n++;
        }
        c.integer(n);
    }

    // ---- RENAME, MOVE, COPY ------------------------------------------------------------

    // RENAME key newkey / RENAMENX key newkey
    void rename(Client c, byte[][] argv, boolean nx) {
        Database db = c.db;
        Entry src = db.find(argv[1]);
        if (src == null) {
            c.error(Errors.NO_SUCH_KEY);
            return;
        }
        if (Arrays.equals(argv[1], argv[2])) {
            if (nx) c.integer(0);
            else c.ok();
            return;
        }
        Object value = src.value;
        long expire = src.expireAt;
        if (db.find(argv[2]) != null) {
            if (nx) {
                c.integer(0);
                return;
            }
            db.delete(argv[2]);
        }
        db.delete(argv[1]);
        Entry n = db.add(argv[2], value);
        if (expire >= 0) db.setExpire(n, expire);
        Notify.event(c, Notify.GENERIC, "rename_from", argv[1]);
        Notify.event(c, Notify.GENERIC, "rename_to", argv[2]);
        if (nx) c.integer(1);
        else c.ok();
    }

    // MOVE key db
    void move(Client c, byte[][] argv) {
        Database src = c.db;
        Database dst = targetDb(c, argv[2]);
        if (dst == null) return;
        if (dst == src) {
            c.error(SAME_OBJECT);
            return;
        }
        Entry e = src.find(argv[1]);
        if (e == null || dst.find(argv[1]) != null) {
            c.integer(0);
            return;
        }
        Object value = e.value;
        long expire = e.expireAt;
        src.delete(argv[1]);
        Entry n = dst.add(argv[1], value);
        if (expire >= 0) dst.setExpire(n, expire);
        Notify.event(c.node(), Notify.GENERIC, "move_from", argv[1], src.index);
        Notify.event(c.node(), Notify.GENERIC, "move_to", argv[1], dst.index);
        c.integer(1);
    }

    // COPY source destination [DB destination-db] [REPLACE]
    void copy(Client c, byte[][] argv) {
        Database src = c.db;
        Database dst = c.db;
        boolean replace = false;
        for (int j = 3; j < argv.length; j++) {
            boolean more = j < argv.length - 1;
            if (Args.is(argv[j], "replace")) {
                replace = true;
            } else if (Args.is(argv[j], "db") && more) {
                dst = targetDb(c, argv[++j]);
                if (dst == null) return;
            } else {
                c.error(Errors.SYNTAX);
                return;
            }
        }
        if (src == dst && Arrays.equals(argv[1], argv[2])) {
            c.error(SAME_OBJECT);
            return;
        }
        Entry e = src.lookupRead(argv[1]);
        if (e == null) {
            c.integer(0);
            return;
        }
        long expire = e.expireAt;
        if (dst.find(argv[2]) != null) {
            if (!replace) {
                c.integer(0);
                return;
            }
            dst.delete(argv[2]);
        }
        Entry n = dst.add(argv[2], copyOf(e.value));
        if (expire >= 0) dst.setExpire(n, expire);
        Notify.event(c.node(), Notify.GENERIC, "copy_to", argv[2], dst.index);
        c.integer(1);
    }

    // ---- KEYS, SCAN, RANDOMKEY ---------------------------------------------------------

    // KEYS pattern
    void keys(Client c, byte[][] argv) {
        byte[] pattern = argv[1];
        boolean all = pattern.length == 1 && pattern[0] == '*';
        Database db = c.db;
        List<byte[]> out = new ArrayList<>();
        db.forEach(e -> {
            if ((all || Glob.match(pattern, e.key, false)) && !db.isExpired(e)) out.add(e.key);
        });
        c.array(out.size());
        for (byte[] k : out) c.bulk(k);
    }

    /**
     * Redis's parseScanCursorOrReply: strtoul in base 10, so a sign is accepted (a negative
     * cursor wraps around) and the empty string is 0; null when invalid or out of range.
     */
    static Long parseCursor(byte[] b) {
        int n = b.length;
        if (n == 0) return 0L;
        if (isSpace(b[0])) return null;
        int i = 0;
        boolean neg = false;
        if (b[i] == '+' || b[i] == '-') {
            neg = b[i] == '-';
            i++;
        }
        if (i == n || b[i] < '0' || b[i] > '9') return null;
        long v = 0;
        for (; i < n; i++) {
            int d = b[i] - '0';
            if (d < 0 || d > 9) return null;
            // unsigned overflow: v * 10 + d > 2^64 - 1
            if (Long.compareUnsigned(v, Long.divideUnsigned(-1L, 10)) > 0) return null;
            long nv = v * 10 + d;
            if (Long.compareUnsigned(nv, v * 10) < 0) return null;
            v = nv;
        }
        return neg ? -v : v;
    }

    private static boolean isSpace(byte b) {
        return b == ' ' || b == '\t' || b == '\n' || b == '\u000b' || b == '\f' || b == '\r';
    }

    // SCAN cursor [MATCH pattern] [COUNT count] [TYPE type]
    void scan(Client c, byte[][] argv) {
        Long cursorArg = parseCursor(argv[1]);
        if (cursorArg == null) {
            c.error(INVALID_CURSOR);
            return;
        }
        long count = 10;
        byte[] pattern = null;
        byte[] typeName = null;
        for (int i = 2; i < argv.length; i += 2) {
            boolean pair = argv.length - i >= 2;
            if (Args.is(argv[i], "count") && pair) {
                Long n = Args.integer(c, argv[i + 1]);
                if (n == null) return;
                if (n < 1) {
                    c.error(Errors.SYNTAX);
                    return;
                }
                count = n;
            } else if (Args.is(argv[i], "match") && pair) {
                pattern = argv[i + 1];
                if (pattern.length == 1 && pattern[0] == '*') pattern = null;
            } else if (Args.is(argv[i], "type") && pair) {
                typeName = argv[i + 1];
            } else {
                c.error(Errors.SYNTAX);
                return;
            }
        }
        Database db = c.db;
        List<byte[]> found = new ArrayList<>();
        long cursor = cursorArg;
        // at most ten buckets per wanted key, so a sparse table cannot stall the server
        long maxIterations = count * 10;
        do {
            cursor = db.scan(cursor, e -> found.add(e.key));
        } while (cursor != 0 && maxIterations-- != 0 && found.size() < count);
        List<byte[]> keys = new ArrayList<>(found.size());
        for (byte[] k : found) {
            if (pattern != null && !Glob.match(pattern, k, false)) continue;
            if (typeName != null) {
                Entry e = lookupNoTouch(db, k);
                String t = e == null ? "none" : e.type().typeName();
                if (!Bytes.eqIgnoreCase(typeName, t)) continue;
            }
            if (db.find(k) == null) continue;
            keys.add(k);
        }
        c.array(2);
        c.bulk(Bytes.utf8(Long.toUnsignedString(cursor)));
        c.array(keys.size());
        for (byte[] k : keys) c.bulk(k);
    }

    // RANDOMKEY
    void randomkey(Client c, byte[][] argv) {
        Database db = c.db;
        boolean allVolatile = db.size() == db.expires();
        int tries = 100;
        while (true) {
            Entry e = db.randomEntry();
            if (e == null) {
                c.nullBulk();
                return;
            }
            if (e.hasExpire()) {
                // a replica cannot delete keys that are logically expired: give up after some tries
                if (allVolatile && c.node().isReplica() && --tries == 0) {
                    c.bulk(e.key);
                    return;
                }
                if (db.isExpired(e)) {
                    db.find(e.key); // deletes it, on a master
                    continue;
                }
            }
            c.bulk(e.key);
            return;
        }
    }

    // ---- OBJECT ------------------------------------------------------------------------

    private static boolean lfu(Client c) {
        return c.node().config().getString("maxmemory-policy").contains("lfu");
    }

    void objectEncoding(Client c, byte[][] argv) {
        Entry e = lookupNoTouch(c.db, argv[2]);
        if (e == null) c.nullBulk();
        else c.bulk(encodingOf(e.value));
    }

    void objectRefcount(Client c, byte[][] argv) {
        Entry e = lookupNoTouch(c.db, argv[2]);
        if (e == null) {
            c.nullBulk();
            return;
        }
        boolean shared = e.value instanceof byte[] b && StringEncoding.shared(b,
                c.node().config().getLong("maxmemory"), c.node().config().getString("maxmemory-policy"));
        c.integer(shared ? StringEncoding.SHARED_REFCOUNT : 1);
    }

    void objectIdletime(Client c, byte[][] argv) {
        Entry e = lookupNoTouch(c.db, argv[2]);
        if (e == null) {
            c.nullBulk();
            return;
        }
        if (lfu(c)) {
            c.error(LFU_SELECTED);
            return;
        }
        long nowSeconds = c.db.keyspace().now() / 1000;
        c.integer(Math.max(0, nowSeconds - e.lru));
    }

    /**
     * OBJECT FREQ: Meridian does not keep Redis's logarithmic access counter; it answers the
     * counter a key starts with, decayed by one per idle minute (lfu-decay-time 1).
     */
    void objectFreq(Client c, byte[][] argv) {
        Entry e = lookupNoTouch(c.db, argv[2]);
        if (e == null) {
            c.nullBulk();
            return;
        }
        if (!lfu(c)) {
            c.error(LFU_NOT_SELECTED);
            return;
        }
        long idleMinutes = Math.max(0, c.db.keyspace().now() / 1000 - e.lru) / 60;
        c.integer(Math.max(0, LFU_INIT_VAL - idleMinutes));
    }

    void objectHelp(Client c, byte[][] argv) {
        c.array(OBJECT_HELP.size());
        for (String line : OBJECT_HELP) c.simple(line);
    }

    // ---- expiry ------------------------------------------------------------------------

    private static final int EXPIRE_NX = 1, EXPIRE_XX = 2, EXPIRE_GT = 4, EXPIRE_LT = 8;

    /** EXPIRE, PEXPIRE, EXPIREAT, PEXPIREAT key time [NX | XX | GT | LT]: Redis's expireGenericCommand. */
    void expire(Client c, byte[][] argv, String name, boolean relative, boolean seconds) {
        int flags = 0;
        for (int j = 3; j < argv.length; j++) {
            byte[] opt = argv[j];
            if (Args.is(opt, "nx")) flags |= EXPIRE_NX;
            else if (Args.is(opt, "xx")) flags |= EXPIRE_XX;
            else if (Args.is(opt, "gt")) flags |= EXPIRE_GT;
            else if (Args.is(opt, "lt")) flags |= EXPIRE_LT;
            else {
                c.error("ERR Unsupported option " + Bytes.latin1(opt));
                return;
            }
        }
        if ((flags & EXPIRE_NX) != 0 && (flags & (EXPIRE_XX | EXPIRE_GT | EXPIRE_LT)) != 0) {
            c.error(NX_XX_GT_LT);
            return;
        }
        if ((flags & EXPIRE_GT) != 0 && (flags & EXPIRE_LT) != 0) {
            c.error(GT_LT);
            return;
        }
        Long arg = Args.integer(c, argv[2]);
        if (arg == null) return;
        long when = arg;
        long base = relative ? c.db.keyspace().now() : 0;
        if (seconds) {
            if (when > Long.MAX_VALUE / 1000 || when < Long.MIN_VALUE / 1000) {
                c.error(Errors.invalidExpire(name));
                return;
            }
            when *= 1000;
        }
        if (when > Long.MAX_VALUE - base) {
            c.error(Errors.invalidExpire(name));
            return;
        }
        when += base;
        Database db = c.db;
        Entry e = db.find(argv[1]);
        if (e == null) {
            c.integer(0);
            return;
        }
        if (flags != 0) {
            long current = e.expireAt;
            if ((flags & EXPIRE_NX) != 0 && current != -1
                    || (flags & EXPIRE_XX) != 0 && current == -1
                    || (flags & EXPIRE_GT) != 0 && (when <= current || current == -1)
                    || (flags & EXPIRE_LT) != 0 && current != -1 && when >= current) {
                c.integer(0);
                return;
            }
        }
        if (alreadyExpired(c, when)) {
            db.delete(argv[1]);
            c.propagate(lazy(c, "lazyfree-lazy-expire") ? StringCommands.UNLINK : StringCommands.DEL, argv[1]);
            Notify.event(c, Notify.GENERIC, "del", argv[1]);
            c.integer(1);
            return;
        }
        // -1 means "no expire": a past time kept on a replica is stored as 0, equally past
        db.setExpire(e, Math.max(when, 0));
        Notify.event(c, Notify.GENERIC, "expire", argv[1]);
        c.integer(1);
        // replicas get the absolute time, with the same NX/XX/GT/LT words
        byte[][] p = argv.clone();
        p[0] = PEXPIREAT;
        p[2] = Bytes.fromLong(when);
        c.propagate(p);
    }

    /** TTL, PTTL, EXPIRETIME, PEXPIRETIME key. */
    void ttl(Client c, byte[][] argv, boolean millis, boolean absolute) {
        Entry e = lookupNoTouch(c.db, argv[1]);
        if (e == null) {
            c.integer(-2);
            return;
        }
        if (e.expireAt < 0) {
            c.integer(-1);
            return;
        }
        long ttl = absolute ? e.expireAt : e.expireAt - c.db.keyspace().now();
        if (ttl < 0) ttl = 0;
        c.integer(millis ? ttl : (ttl + 500) / 1000);
    }

    // PERSIST key
    void persist(Client c, byte[][] argv) {
        Entry e = c.db.find(argv[1]);
        boolean done = e != null && c.db.persist(e);
        if (done) Notify.event(c, Notify.GENERIC, "persist", argv[1]);
        c.integer(done ? 1 : 0);
    }
}
