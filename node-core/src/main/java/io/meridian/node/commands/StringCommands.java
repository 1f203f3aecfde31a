package io.meridian.node.commands;

import io.meridian.node.command.CommandFamily;
import io.meridian.node.command.CommandTable;
import io.meridian.node.keyspace.AppendableString;
import io.meridian.node.keyspace.Database;
import io.meridian.node.keyspace.Entry;
import io.meridian.node.server.Client;
import io.meridian.node.util.Bytes;
import io.meridian.node.util.LongDouble;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static io.meridian.node.command.CommandSpec.command;

/**
 * String commands as Redis 7.0's t_string.c: GET/SET and their variants, counters, ranges
 * and LCS. Values are immutable {@code byte[]}: a write stores a new array, so a value may
 * be shared (COPY, a snapshot) without being changed under a reader.
 */
public final class StringCommands implements CommandFamily {
    private static final byte[] SET = Bytes.utf8("SET");
    private static final byte[] PXAT = Bytes.utf8("PXAT");
    private static final byte[] KEEPTTL = Bytes.utf8("KEEPTTL");
    private static final byte[] PEXPIREAT = Bytes.utf8("PEXPIREAT");
    private static final byte[] PERSIST = Bytes.utf8("PERSIST");
    static final byte[] DEL = Bytes.utf8("DEL");
    static final byte[] UNLINK = Bytes.utf8("UNLINK");

    static final String STRING_TOO_LONG = "ERR string exceeds maximum allowed size (proto-max-bulk-len)";
    static final String OFFSET_OUT_OF_RANGE = "ERR offset is out of range";
    static final String DECREMENT_OVERFLOW = "ERR decrement would overflow";
    static final String LCS_NOT_STRINGS = "ERR The specified keys must contain string values";
    static final String LCS_LEN_AND_IDX = "ERR If you want both the length and indexes, please just use IDX.";
    static final String LCS_TOO_LONG = "ERR String too long for LCS";
    static final String LCS_OVER_LIMIT = "ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len";
    static final String LCS_NO_MEMORY = "ERR Insufficient memory, failed allocating transient memory for LCS";

    @Override
    public void register(CommandTable t) {
        t.add(command("get", 2).flags("readonly fast").keys(1, 1, 1).acl("@string")
                .doc("string", "1.0.0", "Get the value of a key")
                .complexity("O(1)").run(this::get));
        t.add(command("set", -3).flags("write denyoom").keys(1, 1, 1).acl("@string")
                .keySpec("RW and ACCESS due to the optional `GET` argument", "RW access update variable_flags", 1, 0, 1)
                .doc("string", "1.0.0", "Set the string value of a key")
                .complexity("O(1)").run(this::set));
        t.add(command("getex", -2).flags("write fast").keys(1, 1, 1).acl("@string")
                .keySpec("RW and UPDATE because it changes the TTL", "RW access update", 1, 0, 1)
                .doc("string", "6.2.0", "Get the value of a key and optionally set its expiration")
                .complexity("O(1)").run(this::getex));
        t.add(command("getdel", 2).flags("write fast").keys(1, 1, 1).acl("@string")
                .keySpecFlags("RW access delete")
                .doc("string", "6.2.0", "Get the value of a key and delete the key")
                .complexity("O(1)").run(this::getdel));
        t.add(command("getset", 3).flags("write denyoom fast").keys(1, 1, 1).acl("@string")
                .keySpecFlags("RW access update")
                .doc("string", "1.0.0", "Set the string value of a key and return its old value")
                .complexity("O(1)").run(this::getset));
        t.add(command("mget", -2).flags("readonly fast").keys(1, -1, 1).acl("@string")
                .tips("request_policy:multi_shard")
                .doc("string", "1.0.0", "Get the values of all the given keys")
                .complexity("O(N) where N is the number of keys to retrieve.").run(this::mget));
        t.add(command("mset", -3).flags("write denyoom").keys(1, -1, 2).acl("@string")
                .keySpecFlags("OW update").tips("request_policy:multi_shard response_policy:all_succeeded")
                .doc("string", "1.0.1", "Set multiple keys to multiple values")
                .complexity("O(N) where N is the number of keys to set.").run((c, a) -> mset(c, a, false)));
        t.add(command("msetnx", -3).flags("write denyoom").keys(1, -1, 2).acl("@string")
                .keySpecFlags("OW insert").tips("request_policy:multi_shard response_policy:agg_min")
                .doc("string", "1.0.1", "Set multiple keys to multiple values, only if none of the keys exist")
                
                .complexity("O(N) where N is the number of keys to set.").run((c, a) -> mset(c, a, true)));
        t.add(command("incr", 2).flags("write denyoom fast").keys(1, 1, 1).acl("@string")
                .keySpecFlags("RW access update")
                .doc("string", "1.0.0", "Increment the integer value of a key by one")
                .complexity("O(1)").run((c, a) -> incrDecr(c, a[1], 1)));
        t.add(command("decr", 2).flags("write denyoom fast").keys(1, 1, 1).acl("@string")
                .keySpecFlags("RW access update")
                .doc("string", "1.0.0", "Decrement the integer value of a key by one")
                .complexity("O(1)").run((c, a) -> incrDecr(c, a[1], -1)));
        t.add(command("incrby", 3).flags("write denyoom fast").keys(1, 1, 1).acl("@string")
                .keySpecFlags("RW access update")
                .doc("string", "1.0.0", "Increment the integer value of a key by the given amount")
                .complexity("O(1)").run(this::incrby));
        t.add(command("decrby", 3).flags("write denyoom fast").keys(1, 1, 1).acl("@string")
                .keySpecFlags("RW access update")
                .doc("string", "1.0.0", "Decrement the integer value of a key by the given number")
                .complexity("O(1)").run(this::decrby));
        t.add(command("incrbyfloat", 3).flags("write denyoom fast").keys(1, 1, 1).acl("@string")
                .keySpecFlags("RW access update")
                .doc("string", "2.6.0", "Increment the float value of a key by the given amount")
                .complexity("O(1)").run(this::incrbyfloat));
        t.add(command("append", 3).flags("write denyoom fast").keys(1, 1, 1).acl("@string")
                .keySpecFlags("RW insert")
                .doc("string", "2.0.0", "Append a value to a key")
                .complexity("O(1). The amortized time complexity is O(1) assuming the appended value is small and the already present value is of any size, since the dynamic string library used by Redis will double the free space available on every reallocation.").run(this::append));
        t.add(command("strlen", 2).flags("readonly fast").keys(1, 1, 1).acl("@string")
                .keySpecFlags("RO")
                .doc("string", "2.2.0", "Get the length of the value stored in a key")
                .complexity("O(1)").run(this::strlen));
        t.add(command("setrange", 4).flags("write denyoom").keys(1, 1, 1).acl("@string")
                .doc("string", "2.2.0", "Overwrite part of a string at key starting at the specified offset")
                .complexity("O(1), not counting the time taken to copy the new string in place. Usually, this string is very small so the amortized complexity is O(1). Otherwise, complexity is O(M) with M being the length of the value argument.").run(this::setrange));
        t.add(command("getrange", 4).flags("readonly").keys(1, 1, 1).acl("@string")
                .doc("string", "2.4.0", "Get a substring of the string stored at a key")
                .complexity("O(N) where N is the length of the returned string. The complexity is ultimately determined by the returned length, but because creating a substring from an existing string is very cheap, it can be considered O(1) for small strings.").run(this::getrange));
        t.add(command("substr", 4).flags("readonly").keys(1, 1, 1).acl("@string")
                .doc("string", "1.0.0", "Get a substring of the string stored at a key")
                .complexity("O(N) where N is the length of the returned string. The complexity is ultimately determined by the returned length, but because creating a substring from an existing string is very cheap, it can be considered O(1) for small strings.").run(this::getrange));
        t.add(command("setnx", 3).flags("write denyoom fast").keys(1, 1, 1).acl("@string")
                .keySpecFlags("OW insert")
                .doc("string", "1.0.0", "Set the value of a key, only if the key does not exist")
                .complexity("O(1)").run(this::setnx));
        t.add(command("setex", 4).flags("write denyoom").keys(1, 1, 1).acl("@string")
                .keySpecFlags("OW update")
                .doc("string", "2.0.0", "Set the value and expiration of a key")
                .complexity("O(1)").run((c, a) -> setex(c, a, EX)));
        t.add(command("psetex", 4).flags("write denyoom").keys(1, 1, 1).acl("@string")
                .keySpecFlags("OW update")
                .doc("string", "2.6.0", "Set the value and expiration in milliseconds of a key")
                .complexity("O(1)").run((c, a) -> setex(c, a, PX)));
        t.add(command("lcs", -3).flags("readonly").keys(1, 2, 1).acl("@string")
                .doc("string", "7.0.0", "Find longest common substring")
                .complexity("O(N*M) where N and M are the lengths of s1 and s2, respectively").run(this::lcs));
    }

    // ---- shared lookups ----------------------------------------------------------------

    /** Marker returned by {@link #stringOrWrongType} after it replied WRONGTYPE. */
    static final Object WRONG = new Object();

    /** The value bytes, null when absent, or {@link #WRONG} after replying WRONGTYPE. */
    static Object stringOrWrongType(Client c, Entry e) {
        if (e == null) return null;
        if (!(e.value instanceof byte[])) {
            c.error(Errors.WRONGTYPE);
            return WRONG;
        }
        return e.value;
    }

    /** Redis's getGenericCommand: replies the value (or null); false after WRONGTYPE. */
    private static boolean replyGet(Client c, Entry e) {
        Object v = stringOrWrongType(c, e);
        if (v == WRONG) return false;
        c.bulkOrNull((byte[]) v);
        return true;
    }

    /** Redis's checkStringLength: a write may not make a string longer than proto-max-bulk-len. */
    private static boolean lengthOk(Client c, long size, long append) {
        if (c.isMaster()) return true;
        long total = size + append;
        long limit = c.node().config().getLong("proto-max-bulk-len");
        // a Java array cannot go beyond this, whatever the configured limit
        if (total > limit || total < 0 || total > Integer.MAX_VALUE - 8) {
            c.error(STRING_TOO_LONG);
            return false;
        }
        return true;
    }

    void get(Client c, byte[][] argv) {
        replyGet(c, c.db.lookupRead(argv[1]));
    }

    // ---- SET and its options -----------------------------------------------------------

    private static final int NX = 1, XX = 1 << 1, EX = 1 << 2, PX = 1 << 3, KEEP_TTL = 1 << 4, GET = 1 << 5,
            EXAT = 1 << 6, PX_AT = 1 << 7, PERSIST_OPT = 1 << 8;
    private static final int ANY_EXPIRE = EX | PX | EXAT | PX_AT;

    /** Parsed options of SET (from argv[3]) or GETEX (from argv[2]): flags and the expire argument. */
    private record Options(int flags, byte[] expire) {}

    private static final Options NO_OPTIONS = new Options(0, null);

    /** Redis's parseExtendedStringArgumentsOrReply; null after replying a syntax error. */
    private static Options parseOptions(Client c, byte[][] argv, boolean forSet) {
        int first = forSet ? 3 : 2;
        if (argv.length == first) return NO_OPTIONS;
        int flags = 0;
        byte[] expire = null;
        for (int j = first; j < argv.length; j++) {
            byte[] opt = argv[j];
            boolean next = j < argv.length - 1;
            if (forSet && Args.is(opt, "nx") && (flags & XX) == 0) {
                flags |= NX;
            } else if (forSet && Args.is(opt, "xx") && (flags & NX) == 0) {
                flags |= XX;
            } else if (forSet && Args.is(opt, "get")) {
                flags |= GET;
            } else if (forSet && Args.is(opt, "keepttl") && (flags & (PERSIST_OPT | ANY_EXPIRE)) == 0) {
                flags |= KEEP_TTL;
            } else if (!forSet && Args.is(opt, "persist") && (flags & (ANY_EXPIRE | KEEP_TTL)) == 0) {
                flags |= PERSIST_OPT;
            } else if (next && (flags & (KEEP_TTL | PERSIST_OPT)) == 0 && expireOption(opt) != 0
                    && (flags & ANY_EXPIRE & ~expireOption(opt)) == 0) {
                flags |= expireOption(opt);
                expire = argv[++j];
            } else {
                c.error(Errors.SYNTAX);
                return null;
            }
        }
        return new Options(flags, expire);
    }

    private static int expireOption(byte[] opt) {
        if (Args.is(opt, "ex")) return EX;
        if (Args.is(opt, "px")) return PX;
        if (Args.is(opt, "exat")) return EXAT;
        if (Args.is(opt, "pxat")) return PX_AT;
        return 0;
    }

    /**
     * Redis's getExpireMillisecondsOrReply: the absolute expire time in ms, or null after
     * replying "invalid expire time" (not positive, or overflowing).
     */
    private static Long expireMillis(Client c, String command, byte[] arg, int flags) {
        Long v = Args.integer(c, arg);
        if (v == null) return null;
        boolean seconds = (flags & (EX | EXAT)) != 0;
        long ms = v;
        if (ms <= 0 || (seconds && ms > Long.MAX_VALUE / 1000)) {
            c.error(Errors.invalidExpire(command));
            return null;
        }
        if (seconds) ms *= 1000;
        if ((flags & (EX | PX)) != 0) ms += c.db.keyspace().now();
        if (ms <= 0) {
            c.error(Errors.invalidExpire(command));
            return null;
        }
        return ms;
    }

    // SET key value [NX | XX] [GET] [EX seconds | PX milliseconds | EXAT unix-time-seconds | PXAT unix-time-milliseconds | KEEPTTL]
    void set(Client c, byte[][] argv) {
        Options o = parseOptions(c, argv, true);
        if (o == null) return;
        setGeneric(c, argv, "set", o.flags, argv[1], argv[2], o.expire, false);
    }

    // SETNX key value
    void setnx(Client c, byte[][] argv) {
        setGeneric(c, argv, "setnx", NX, argv[1], argv[2], null, true);
    }

    // SETEX key seconds value / PSETEX key milliseconds value
    void setex(Client c, byte[][] argv, int unit) {
        setGeneric(c, argv, unit == EX ? "setex" : "psetex", unit, argv[1], argv[3], argv[2], false);
    }

    /** Redis's setGenericCommand; {@code intReply} answers 1/0 (SETNX) instead of OK/null. */
    private static void setGeneric(Client c, byte[][] argv, String command, int flags, byte[] key, byte[] value,
                                   byte[] expire, boolean intReply) {
        long when = -1;
        if (expire != null) {
            Long ms = expireMillis(c, command, expire, flags);
            if (ms == null) return;
            when = ms;
        }
        Database db = c.db;
        boolean get = (flags & GET) != 0;
        if (get) {
            if (!replyGet(c, db.lookupRead(key))) return;
        }
        boolean found = (flags & (NX | XX)) != 0 && db.find(key) != null;
        if (((flags & NX) != 0 && found) || ((flags & XX) != 0 && !found)) {
            if (!get) {
                if (intReply) c.integer(0);
                else c.nullBulk();
            }
            return;
        }
        Entry e = (flags & KEEP_TTL) != 0 ? db.putKeepTtl(key, value) : db.put(key, value);
        Notify.event(c, Notify.STRING, "set", key);
        if (expire != null) {
            db.setExpire(e, when);
            Notify.event(c, Notify.GENERIC, "expire", key);
            // relative or not, replicas receive the absolute time
            c.propagate(SET, key, value, PXAT, Bytes.fromLong(when));
        } else if (get) {
            // GET changes nothing: propagate without it
            List<byte[]> p = new ArrayList<>(argv.length);
            for (int j = 0; j < argv.length; j++) {
                if (j >= 3 && Args.is(argv[j], "get")) continue;
                p.add(argv[j]);
            }
            c.propagate(p);
        }
        if (!get) {
            if (intReply) c.integer(1);
            else c.ok();
        }
    }

    // GETEX key [EX seconds | PX milliseconds | EXAT unix-time-seconds | PXAT unix-time-milliseconds | PERSIST]
    void getex(Client c, byte[][] argv) {
        Options o = parseOptions(c, argv, false);
        if (o == null) return;
        Database db = c.db;
        Entry e = db.lookupRead(argv[1]);
        Object v = stringOrWrongType(c, e);
        if (v == WRONG) return;
        if (v == null) {
            c.nullBulk();
            return;
        }
        long when = 0;
        if (o.expire != null) {
            Long ms = expireMillis(c, "getex", o.expire, o.flags);
            if (ms == null) return;
            when = ms;
        }
        c.bulk((byte[]) v);
        if ((o.flags & (EXAT | PX_AT)) != 0 && KeyCommands.alreadyExpired(c, when)) {
            db.delete(argv[1]);
            c.propagate(KeyCommands.lazy(c, "lazyfree-lazy-expire") ? UNLINK : DEL, argv[1]);
            Notify.event(c, Notify.GENERIC, "del", argv[1]);
        } else if (o.expire != null) {
            db.setExpire(e, when);
            c.propagate(PEXPIREAT, argv[1], Bytes.fromLong(when));
            Notify.event(c, Notify.GENERIC, "expire", argv[1]);
        } else if ((o.flags & PERSIST_OPT) != 0) {
            if (db.persist(e)) {
                c.propagate(PERSIST, argv[1]);
                Notify.event(c, Notify.GENERIC, "persist", argv[1]);
            }
        }
    }

    // GETDEL key
    void getdel(Client c, byte[][] argv) {
        Entry e = c.db.lookupRead(argv[1]);
        if (!replyGet(c, e)) return;
        if (e != null && c.db.delete(argv[1])) {
            c.propagate(KeyCommands.lazy(c, "lazyfree-lazy-user-del") ? UNLINK : DEL, argv[1]);
            Notify.event(c, Notify.GENERIC, "del", argv[1]);
        }
    }

    // GETSET key value
    void getset(Client c, byte[][] argv) {
        if (!replyGet(c, c.db.lookupRead(argv[1]))) return;
        c.db.put(argv[1], argv[2]);
        Notify.event(c, Notify.STRING, "set", argv[1]);
        c.propagate(SET, argv[1], argv[2]);
    }

    // MGET key [key ...]
    void mget(Client c, byte[][] argv) {
        c.array(argv.length - 1);
        for (int j = 1; j < argv.length; j++) {
            Entry e = c.db.lookupRead(argv[j]);
            c.bulkOrNull(e != null && e.value instanceof byte[] b ? b : null);
        }
    }

    // MSET key value [key value ...] / MSETNX
    void mset(Client c, byte[][] argv, boolean nx) {
        if (argv.length % 2 == 0) {
            c.error("ERR wrong number of arguments for '" + (nx ? "msetnx" : "mset") + "' command");
            return;
        }
        if (nx) {
            for (int j = 1; j < argv.length; j += 2) {
                if (c.db.find(argv[j]) != null) {
                    c.integer(0);
                    return;
                }
            }
        }
        for (int j = 1; j < argv.length; j += 2) {
            c.db.put(argv[j], argv[j + 1]);
            Notify.event(c, Notify.STRING, "set", argv[j]);
        }
        if (nx) c.integer(1);
        else c.ok();
    }

    // ---- counters ----------------------------------------------------------------------

    void incrby(Client c, byte[][] argv) {
        Long by = Args.integer(c, argv[2]);
        if (by != null) incrDecr(c, argv[1], by);
    }

    void decrby(Client c, byte[][] argv) {
        Long by = Args.integer(c, argv[2]);
        if (by == null) return;
        if (by == Long.MIN_VALUE) {
            c.error(DECREMENT_OVERFLOW);
            return;
        }
        incrDecr(c, argv[1], -by);
    }

    private static void incrDecr(Client c, byte[] key, long incr) {
        Database db = c.db;
        Entry e = db.find(key);
        Object v = stringOrWrongType(c, e);
        if (v == WRONG) return;
        long value = 0;
        if (v != null) {
            Long old = Bytes.parseLong((byte[]) v);
            if (old == null) {
                c.error(Errors.NOT_INTEGER);
                return;
            }
            value = old;
        }
        if ((incr < 0 && value < 0 && incr < Long.MIN_VALUE - value)
                || (incr > 0 && value > 0 && incr > Long.MAX_VALUE - value)) {
            c.error(Errors.OVERFLOW);
            return;
        }
        value += incr;
        store(db, key, e, Bytes.fromLong(value));
        Notify.event(c, Notify.STRING, "incrby", key);
        c.integer(value);
    }

    /** Replaces a string's value keeping its TTL (Redis's dbOverwrite), or adds the key. */
    private static void store(Database db, byte[] key, Entry e, byte[] value) {
        if (e == null) {
            db.add(key, value);
        } else {
            db.mutating(e);
            e.value = value;
        }
    }

    // INCRBYFLOAT key increment
    void incrbyfloat(Client c, byte[][] argv) {
        Database db = c.db;
        Entry e = db.find(argv[1]);
        Object v = stringOrWrongType(c, e);
        if (v == WRONG) return;
        LongDouble value = v == null ? LongDouble.of(0) : LongDouble.parse((byte[]) v);
        LongDouble incr = value == null ? null : LongDouble.parse(argv[2]);
        if (value == null || incr == null) {
            c.error(Errors.NOT_FLOAT);
            return;
        }
        LongDouble sum = value.add(incr);
        if (sum == null || sum.isInfinite()) {
            c.error(Errors.NAN_OR_INF);
            return;
        }
        byte[] text = Bytes.utf8(sum.toHumanString());
        store(db, argv[1], e, text);
        Notify.event(c, Notify.STRING, "incrbyfloat", argv[1]);
        c.bulk(text);
        // the float arithmetic is not repeated elsewhere: replicas get the result
        c.propagate(SET, argv[1], text, KEEPTTL);
    }

    // ---- lengths and ranges ------------------------------------------------------------

    /** Length from which APPEND keeps a growable buffer rather than an exact array. */
    static final int APPENDABLE_FROM = 256;

    // APPEND key value
    void append(Client c, byte[][] argv) {
        Database db = c.db;
        Entry e = db.findAppendable(argv[1]);
        long total;
        if (e == null) {
            db.add(argv[1], argv[2]);
            total = argv[2].length;
        } else if (e.value instanceof AppendableString s) {
            if (!lengthOk(c, s.length(), argv[2].length)) return;
            db.mutating(e);
            s.append(argv[2]);
            total = s.length();
        } else {
            Object v = stringOrWrongType(c, e);
            if (v == WRONG) return;
            byte[] old = (byte[]) v;
            if (!lengthOk(c, old.length, argv[2].length)) return;
            db.mutating(e);
            total = old.length + argv[2].length;
            // small strings stay plain arrays; a growing one gets room to grow (O(1) amortised per byte)
            if (total < APPENDABLE_FROM) {
                e.value = StringEncoding.markRaw(Bytes.concat(old, argv[2]));
            } else {
                AppendableString s = new AppendableString(old, argv[2].length);
                s.append(argv[2]);
                e.value = s;
            }
        }
        Notify.event(c, Notify.STRING, "append", argv[1]);
        c.integer(total);
    }

    // STRLEN key
    void strlen(Client c, byte[][] argv) {
        Object v = stringOrWrongType(c, c.db.lookupRead(argv[1]));
        if (v == WRONG) return;
        c.integer(v == null ? 0 : ((byte[]) v).length);
    }

    // SETRANGE key offset value
    void setrange(Client c, byte[][] argv) {
        Long offset = Args.integer(c, argv[2]);
        if (offset == null) return;
        if (offset < 0) {
            c.error(OFFSET_OUT_OF_RANGE);
            return;
        }
        byte[] value = argv[3];
        Database db = c.db;
        Entry e = db.find(argv[1]);
        byte[] old;
        if (e == null) {
            if (value.length == 0) {
                c.integer(0);
                return;
            }
            if (!lengthOk(c, offset, value.length)) return;
            old = Bytes.EMPTY;
        } else {
            Object v = stringOrWrongType(c, e);
            if (v == WRONG) return;
            old = (byte[]) v;
            if (value.length == 0) {
                c.integer(old.length);
                return;
            }
            if (!lengthOk(c, offset, value.length)) return;
        }
        int len = (int) Math.max(old.length, offset + value.length);
        byte[] n = Arrays.copyOf(old, len);
        System.arraycopy(value, 0, n, (int) (long) offset, value.length);
        store(db, argv[1], e, StringEncoding.markRaw(n));
        Notify.event(c, Notify.STRING, "setrange", argv[1]);
        c.integer(len);
    }

    // GETRANGE key start end (and SUBSTR)
    void getrange(Client c, byte[][] argv) {
        Long start = Args.integer(c, argv[2]);
        if (start == null) return;
        Long end = Args.integer(c, argv[3]);
        if (end == null) return;
        Object v = stringOrWrongType(c, c.db.lookupRead(argv[1]));
        if (v == WRONG) return;
        if (v == null) {
            c.bulk(Bytes.EMPTY);
            return;
        }
        byte[] s = (byte[]) v;
        long len = s.length;
        long from = start, to = end;
        if (from < 0 && to < 0 && from > to) {
            c.bulk(Bytes.EMPTY);
            return;
        }
        if (from < 0) from = len + from;
        if (to < 0) to = len + to;
        if (from < 0) from = 0;
        if (to < 0) to = 0;
        if (to >= len) to = len - 1;
        if (from > to || len == 0) {
            c.bulk(Bytes.EMPTY);
        } else {
            c.bulk(Arrays.copyOfRange(s, (int) from, (int) to + 1));
        }
    }

    // ---- LCS ---------------------------------------------------------------------------

    // LCS key1 key2 [LEN] [IDX] [MINMATCHLEN len] [WITHMATCHLEN]
    void lcs(Client c, byte[][] argv) {
        Entry ea = c.db.lookupRead(argv[1]);
        Entry eb = c.db.lookupRead(argv[2]);
        if ((ea != null && !(ea.value instanceof byte[])) || (eb != null && !(eb.value instanceof byte[]))) {
            c.error(LCS_NOT_STRINGS);
            return;
        }
        byte[] a = ea == null ? Bytes.EMPTY : (byte[]) ea.value;
        byte[] b = eb == null ? Bytes.EMPTY : (byte[]) eb.value;
        boolean getLen = false, getIdx = false, withMatchLen = false;
        long minMatchLen = 0;
        for (int j = 3; j < argv.length; j++) {
            boolean more = j < argv.length - 1;
            if (Args.is(argv[j], "idx")) {
                getIdx = true;
            } else if (Args.is(argv[j], "len")) {
                getLen = true;
            } else if (Args.is(argv[j], "withmatchlen")) {
                withMatchLen = true;
            } else if (Args.is(argv[j], "minmatchlen") && more) {
                Long m = Args.integer(c, argv[++j]);
                if (m == null) return;
                minMatchLen = Math.max(0, m);
            } else {
                c.error(Errors.SYNTAX);
                return;
            }
        }
        if (getLen && getIdx) {
            c.error(LCS_LEN_AND_IDX);
            return;
        }
        int alen = a.length, blen = b.length;
        long cells = (long) (alen + 1) * (blen + 1);
        if (cells * 4 > c.node().config().getLong("proto-max-bulk-len")) {
            c.error(LCS_OVER_LIMIT);
            return;
        }
        int[] lcs;
        try {
            if (cells > Integer.MAX_VALUE - 8) throw new OutOfMemoryError();
            lcs = new int[(int) cells];
        } catch (OutOfMemoryError oom) {
            c.error(LCS_NO_MEMORY);
            return;
        }
        int w = blen + 1;
        for (int i = 1; i <= alen; i++) {
            for (int j = 1; j <= blen; j++) {
                if (a[i - 1] == b[j - 1]) {
                    lcs[i * w + j] = lcs[(i - 1) * w + j - 1] + 1;
                } else {
                    lcs[i * w + j] = Math.max(lcs[(i - 1) * w + j], lcs[i * w + j - 1]);
                }
            }
        }
        int total = lcs[alen * w + blen];
        if (getLen) {
            c.integer(total);
            return;
        }
        // walk back from the end collecting the LCS string and, for IDX, its ranges
        byte[] result = new byte[total];
        List<long[]> ranges = new ArrayList<>();
        int idx = total;
        int aStart = alen, aEnd = 0, bStart = 0, bEnd = 0; // aStart == alen: no range open
        int i = alen, j = blen;
        while (i > 0 && j > 0) {
            boolean emit = false;
            if (a[i - 1] == b[j - 1]) {
                result[idx - 1] = a[i - 1];
                if (aStart == alen) {
                    aStart = i - 1;
                    aEnd = i - 1;
                    bStart = j - 1;
                    bEnd = j - 1;
                } else if (aStart == i && bStart == j) {
                    aStart--;
                    bStart--;
                } else {
                    emit = true;
                }
                if (aStart == 0 || bStart == 0) emit = true;
                idx--;
                i--;
                j--;
            } else {
                if (lcs[(i - 1) * w + j] > lcs[i * w + j - 1]) i--;
                else j--;
                if (aStart != alen) emit = true;
            }
            if (emit) {
                long matchLen = aEnd - aStart + 1;
                if (getIdx && (minMatchLen == 0 || matchLen >= minMatchLen)) {
                    ranges.add(new long[]{aStart, aEnd, bStart, bEnd, matchLen});
                }
                aStart = alen;
            }
        }
        if (!getIdx) {
            c.bulk(result);
            return;
        }
        c.map(2);
        c.bulk("matches");
        c.array(ranges.size());
        for (long[] r : ranges) {
            c.array(withMatchLen ? 3 : 2);
            c.array(2);
            c.integer(r[0]);
            c.integer(r[1]);
            c.array(2);
            c.integer(r[2]);
            c.integer(r[3]);
            if (withMatchLen) c.integer(r[4]);
        }
        c.bulk("len");
        c.integer(total);
    }
}
