package io.meridian.node.commands;

import io.meridian.node.command.CommandFamily;
import io.meridian.node.command.CommandTable;
import io.meridian.node.keyspace.Entry;
import io.meridian.node.keyspace.HashValue;
import io.meridian.node.server.Client;
import io.meridian.node.util.Bytes;
import io.meridian.node.util.Glob;
import io.meridian.node.util.LongDouble;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import static io.meridian.node.command.CommandSpec.command;

/** Hash commands (Redis 7.0's t_hash.c): fields, counters, random fields and HSCAN. */
public final class HashCommands implements CommandFamily {
    private static final byte[] HSET = Bytes.utf8("HSET");
    static final String NOT_INTEGER_VALUE = "ERR hash value is not an integer";
    static final String NOT_FLOAT_VALUE = "ERR hash value is not a float";
    static final String NAN_OR_INFINITY = "ERR value is NaN or Infinity";
    static final String INVALID_CURSOR = "ERR invalid cursor";
    /** getRangeLongFromObjectOrReply's text for counts limited to [-LONG_MAX, LONG_MAX]. */
    static final String COUNT_RANGE = "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807";
    /** HRANDFIELD's sampling strategy switch (Redis's HRANDFIELD_SUB_STRATEGY_MUL). */
    private static final int SUB_STRATEGY_MUL = 3;

    @Override
    public void register(CommandTable t) {
        t.add(command("hset", -4).flags("write denyoom fast").keys(1, 1, 1).acl("@hash").keySpecFlags("RW update")
                .complexity("O(1) for each field/value pair added, so O(N) to add N field/value pairs when the command is called with multiple field/value pairs.")
                .doc("hash", "2.0.0", "Set the string value of a hash field").run((c, a) -> hset(c, a, "hset")));
        t.add(command("hsetnx", 4).flags("write denyoom fast").keys(1, 1, 1).acl("@hash").keySpecFlags("RW insert")
                .complexity("O(1)")
                .doc("hash", "2.0.0", "Set the value of a hash field, only if the field does not exist").run(this::hsetnx));
        t.add(command("hmset", -4).flags("write denyoom fast").keys(1, 1, 1).acl("@hash").keySpecFlags("RW update")
                .complexity("O(N) where N is the number of fields being set.")
                .doc("hash", "2.0.0", "Set multiple hash fields to multiple values").run((c, a) -> hset(c, a, "hmset")));
        t.add(command("hget", 3).flags("readonly fast").keys(1, 1, 1).acl("@hash").keySpecFlags("RO access")
                .complexity("O(1)")
                .doc("hash", "2.0.0", "Get the value of a hash field").run(this::hget));
        t.add(command("hmget", -3).flags("readonly fast").keys(1, 1, 1).acl("@hash").keySpecFlags("RO access")
                .complexity("O(N) where N is the number of fields being requested.")
                .doc("hash", "2.0.0", "Get the values of all the given hash fields").run(this::hmget));
        t.add(command("hdel", -3).flags("write fast").keys(1, 1, 1).acl("@hash").keySpecFlags("RW delete")
                .complexity("O(N) where N is the number of fields to be removed.")
                .doc("hash", "2.0.0", "Delete one or more hash fields").run(this::hdel));
        t.add(command("hlen", 2).flags("readonly fast").keys(1, 1, 1).acl("@hash").keySpecFlags("RO")
                .complexity("O(1)")
                .doc("hash", "2.0.0", "Get the number of fields in a hash").run(this::hlen));
        t.add(command("hstrlen", 3).flags("readonly fast").keys(1, 1, 1).acl("@hash").keySpecFlags("RO")
                .complexity("O(1)")
                .doc("hash", "3.2.0", "Get the length of the value of a hash field").run(this::hstrlen));
        t.add(command("hexists", 3).flags("readonly fast").keys(1, 1, 1).acl("@hash").keySpecFlags("RO")
                .complexity("O(1)")
                .doc("hash", "2.0.0", "Determine if a hash field exists").run(this::hexists));
        t.add(command("hkeys", 2).flags("readonly").keys(1, 1, 1).acl("@hash").keySpecFlags("RO access").tips("nondeterministic_output_order")
                .complexity("O(N) where N is the size of the hash.")
                .doc("hash", "2.0.0", "Get all the fields in a hash").run((c, a) -> hgetall(c, a, true, false)));
        t.add(command("hvals", 2).flags("readonly").keys(1, 1, 1).acl("@hash").keySpecFlags("RO access").tips("nondeterministic_output_order")
                .complexity("O(N) where N is the size of the hash.")
                .doc("hash", "2.0.0", "Get all the values in a hash").run((c, a) -> hgetall(c, a, false, true)));
        t.add(command("hgetall", 2).flags("readonly").keys(1, 1, 1).acl("@hash").keySpecFlags("RO access").tips("nondeterministic_output_order")
                .complexity("O(N) where N is the size of the hash.")
                .doc("hash", "2.0.0", "Get all the fields and values in a hash").run((c, a) -> hgetall(c, a, true, true)));
        t.add(command("hincrby", 4).flags("write denyoom fast").keys(1, 1, 1).acl("@hash").keySpecFlags("RW access update")
                .complexity("O(1)")
                .doc("hash", "2.0.0", "Increment the integer value of a hash field by the given number").run(this::hincrby));
        t.add(command("hincrbyfloat", 4).flags("write denyoom fast").keys(1, 1, 1).acl("@hash").keySpecFlags("RW access update")
                .complexity("O(1)")
                .doc("hash", "2.6.0", "Increment the float value of a hash field by the given amount").run(this::hincrbyfloat));
        t.add(command("hrandfield", -2).flags("readonly").keys(1, 1, 1).acl("@hash").keySpecFlags("RO access").tips("nondeterministic_output")
                .complexity("O(N) where N is the number of fields returned")
                .doc("hash", "6.2.0", "Get one or multiple random fields from a hash").run(this::hrandfield));
        t.add(command("hscan", -3).flags("readonly").keys(1, 1, 1).acl("@hash").keySpecFlags("RO access").tips("nondeterministic_output")
                .complexity("O(1) for every call. O(N) for a complete iteration, including enough command calls for the cursor to return back to 0. N is the number of elements inside the collection..")
                .doc("hash", "2.8.0", "Incrementally iterate hash fields and associated values").run(this::hscan));
    }

    // ---- lookups -----------------------------------------------------------------------

    /** The hash at e, null when e is null; replies WRONGTYPE and returns {@link #WRONG} for another type. */
    private static final HashValue WRONG = new HashValue();

    private static HashValue hashOf(Client c, Entry e) {
        if (e == null) return null;
        if (e.value instanceof HashValue h) return h;
        c.error(Errors.WRONGTYPE);
        return WRONG;
    }

    private static long maxEntries(Client c) {
        return c.node().config().getLong("hash-max-listpack-entries");
    }

    private static long maxValue(Client c) {
        return c.node().config().getLong("hash-max-listpack-value");
    }

    /** Redis's hashTypeTryConversion: an argument longer than hash-max-listpack-value makes it a hashtable up front. */
    private static void tryConversion(HashValue h, byte[][] argv, int from, int to, long maxValue) {
        if (!h.isListpack()) return;
        for (int i = from; i <= to; i++) {
            if (argv[i].length > maxValue) {
                h.toHashtable();
                return;
            }
        }
    }

    // ---- writes ------------------------------------------------------------------------

    // HSET key field value [field value ...] / HMSET
    void hset(Client c, byte[][] argv, String name) {
        if (argv.length % 2 == 1) {
            c.error("ERR wrong number of arguments for '" + name + "' command");
            return;
        }
        Entry e = c.db.find(argv[1]);
        HashValue h = hashOf(c, e);
        if (h == WRONG) return;
        long dirtyBefore = c.node().stats().dirty;
        long maxEntries = maxEntries(c), maxValue = maxValue(c);
        if (h == null) {
            h = new HashValue();
        } else {
            c.db.mutating(e);
        }
        tryConversion(h, argv, 2, argv.length - 1, maxValue);
        int created = 0;
        for (int i = 2; i < argv.length; i += 2) {
            if (h.put(argv[i], argv[i + 1], maxEntries, maxValue)) created++;
        }
        if (e == null) c.db.add(argv[1], h);
        Notify.event(c, Notify.HASH, "hset", argv[1]);
        c.node().stats().dirty = dirtyBefore + (argv.length - 2) / 2;
        if (name.equals("hset")) c.integer(created);
        else c.ok();
    }

    // HSETNX key field value
    void hsetnx(Client c, byte[][] argv) {
        Entry e = c.db.find(argv[1]);
        HashValue h = hashOf(c, e);
        if (h == WRONG) return;
        if (h != null && h.contains(argv[2])) {
            c.integer(0);
            return;
        }
        if (h == null) {
            h = new HashValue();
        } else {
            c.db.mutating(e);
        }
        long maxValue = maxValue(c);
        tryConversion(h, argv, 2, 3, maxValue);
        h.put(argv[2], argv[3], maxEntries(c), maxValue);
        if (e == null) c.db.add(argv[1], h);
        Notify.event(c, Notify.HASH, "hset", argv[1]);
        c.integer(1);
    }

    // HDEL key field [field ...]
    void hdel(Client c, byte[][] argv) {
        Entry e = c.db.find(argv[1]);
        HashValue h = hashOf(c, e);
        if (h == WRONG) return;
        if (h == null) {
            c.integer(0);
            return;
        }
        long dirtyBefore = c.node().stats().dirty;
        int deleted = 0;
        for (int i = 2; i < argv.length; i++) {
            if (!h.contains(argv[i])) continue;
            if (deleted == 0) c.db.mutating(e);
            h.remove(argv[i]);
            deleted++;
            if (h.size() == 0) break;
        }
        if (deleted > 0) {
            Notify.event(c, Notify.HASH, "hdel", argv[1]);
            Notify.deleteIfEmpty(c, c.db, e);
            c.node().stats().dirty = dirtyBefore + deleted;
        }
        c.integer(deleted);
    }

    // HINCRBY key field increment
    void hincrby(Client c, byte[][] argv) {
        Long incr = Args.integer(c, argv[3]);
        if (incr == null) return;
        Entry e = c.db.find(argv[1]);
        HashValue h = hashOf(c, e);
        if (h == WRONG) return;
        long value = 0;
        byte[] current = h == null ? null : h.get(argv[2]);
        if (current != null) {
            Long v = Bytes.parseLong(current);
            if (v == null) {
                c.error(NOT_INTEGER_VALUE);
                return;
            }
            value = v;
        }
        if ((incr < 0 && value < 0 && incr < Long.MIN_VALUE - value)
                || (incr > 0 && value > 0 && incr > Long.MAX_VALUE - value)) {
            c.error(Errors.OVERFLOW);
            return;
        }
        value += incr;
        store(c, e, h, argv[1], argv[2], Bytes.fromLong(value));
        Notify.event(c, Notify.HASH, "hincrby", argv[1]);
        c.integer(value);
    }

    // HINCRBYFLOAT key field increment: computed in long double as Redis does, propagated as HSET
    void hincrbyfloat(Client c, byte[][] argv) {
        LongDouble incr = LongDouble.parse(argv[3]);
        if (incr == null) {
            c.error(Errors.NOT_FLOAT);
            return;
        }
        if (incr.isInfinite()) {
            c.error(NAN_OR_INFINITY);
            return;
        }
        Entry e = c.db.find(argv[1]);
        HashValue h = hashOf(c, e);
        if (h == WRONG) return;
        LongDouble value = LongDouble.of(0);
        byte[] current = h == null ? null : h.get(argv[2]);
        if (current != null) {
            value = LongDouble.parse(current);
            if (value == null) {
                c.error(NOT_FLOAT_VALUE);
                return;
            }
        }
        value = value.add(incr);
        if (value == null || value.isInfinite()) {
            c.error(Errors.NAN_OR_INF);
            return;
        }
        byte[] text = Bytes.utf8(value.toHumanString());
        store(c, e, h, argv[1], argv[2], text);
        Notify.event(c, Notify.HASH, "hincrbyfloat", argv[1]);
        c.bulk(text);
        c.propagate(HSET, argv[1], argv[2], text);
    }

    /** Sets one field (creating the hash when absent) as Redis's hashTypeSet. */
    private static void store(Client c, Entry e, HashValue h, byte[] key, byte[] field, byte[] value) {
        if (h == null) {
            h = new HashValue();
            h.put(field, value, maxEntries(c), maxValue(c));
            c.db.add(key, h);
            return;
        }
        c.db.mutating(e);
        h.put(field, value, maxEntries(c), maxValue(c));
    }

    // ---- reads -------------------------------------------------------------------------

    void hget(Client c, byte[][] argv) {
        HashValue h = hashOf(c, c.db.lookupRead(argv[1]));
        if (h == WRONG) return;
        c.bulkOrNull(h == null ? null : h.get(argv[2]));
    }

    void hmget(Client c, byte[][] argv) {
        HashValue h = hashOf(c, c.db.lookupRead(argv[1]));
        if (h == WRONG) return;
        c.array(argv.length - 2);
        for (int i = 2; i < argv.length; i++) c.bulkOrNull(h == null ? null : h.get(argv[i]));
    }

    void hlen(Client c, byte[][] argv) {
        HashValue h = hashOf(c, c.db.lookupRead(argv[1]));
        if (h == WRONG) return;
        c.integer(h == null ? 0 : h.size());
    }

    void hstrlen(Client c, byte[][] argv) {
        HashValue h = hashOf(c, c.db.lookupRead(argv[1]));
        if (h == WRONG) return;
        byte[] v = h == null ? null : h.get(argv[2]);
        c.integer(v == null ? 0 : v.length);
    }

    void hexists(Client c, byte[][] argv) {
        HashValue h = hashOf(c, c.db.lookupRead(argv[1]));
        if (h == WRONG) return;
        c.integer(h != null && h.contains(argv[2]) ? 1 : 0);
    }

    // HKEYS / HVALS / HGETALL: HGETALL is a map in RESP3
    void hgetall(Client c, byte[][] argv, boolean fields, boolean values) {
        HashValue h = hashOf(c, c.db.lookupRead(argv[1]));
        if (h == WRONG) return;
        int n = h == null ? 0 : h.size();
        if (fields && values) c.map(n);
        else c.array(n);
        if (h == null) return;
        h.forEach((f, v) -> {
            if (fields) c.bulk(f);
            if (values) c.bulk(v);
        });
    }

    // HRANDFIELD key [count [WITHVALUES]]
    void hrandfield(Client c, byte[][] argv) {
        if (argv.length >= 3) {
            Long l = Args.integer(c, argv[2]);
            if (l == null) return;
            if (l == Long.MIN_VALUE) {
                c.error(COUNT_RANGE);
                return;
            }
            boolean withValues = false;
            if (argv.length > 4 || (argv.length == 4 && !Args.is(argv[3], "withvalues"))) {
                c.error(Errors.SYNTAX);
                return;
            } else if (argv.length == 4) {
                withValues = true;
                if (l < -Long.MAX_VALUE / 2 || l > Long.MAX_VALUE / 2) {
                    c.error("ERR value is out of range");
                    return;
                }
            }
            hrandfieldWithCount(c, argv, l, withValues);
            return;
        }
        HashValue h = hashOf(c, c.db.lookupRead(argv[1]));
        if (h == WRONG) return;
        if (h == null) {
            c.nullBulk();
            return;
        }
        c.bulk(h.randomPair()[0]);
    }

    private void hrandfieldWithCount(Client c, byte[][] argv, long l, boolean withValues) {
        HashValue h = hashOf(c, c.db.lookupRead(argv[1]));
        if (h == WRONG) return;
        if (h == null) {
            c.emptyArray();
            return;
        }
        boolean unique = l >= 0;
        long count = Math.abs(l);
        int size = h.size();
        if (count == 0) {
            c.emptyArray();
            return;
        }
        boolean flat = withValues && c.resp == 2;
        // repetitions allowed: independent draws, in random order
        if (!unique || count == 1) {
            // a reply that cannot fit one 2 GB buffer (redis-server dies trying): refused before any byte
            if (count > Integer.MAX_VALUE / (withValues ? 16 : 8)) {
                c.error(SortedSetCommands.RANDMEMBER_TOO_MANY);
                return;
            }
            c.array(flat ? count * 2 : count);
            for (long i = 0; i < count; i++) {
                byte[][] p = h.randomPair();
                replyPair(c, p[0], p[1], withValues);
            }
            return;
        }
        c.array(flat ? Math.min(count, size) * 2L : Math.min(count, size));
        if (count >= size) {
            h.forEach((f, v) -> replyPair(c, f, v, withValues));
            return;
        }
        for (byte[][] p : distinct(h, (int) count)) replyPair(c, p[0], p[1], withValues);
    }

    /** count distinct random pairs (count < size). */
    private static List<byte[][]> distinct(HashValue h, int count) {
        int size = h.size();
        List<byte[][]> out = new ArrayList<>(count);
        ThreadLocalRandom r = ThreadLocalRandom.current();
        if (count * SUB_STRATEGY_MUL > size || h.isListpack()) {
            // a partial Fisher-Yates over all pairs
            byte[][][] all = new byte[size][][];
            int[] n = {0};
            h.forEach((f, v) -> all[n[0]++] = new byte[][]{f, v});
            for (int i = 0; i < count; i++) {
                int j = i + r.nextInt(size - i);
                byte[][] t = all[i];
                all[i] = all[j];
                all[j] = t;
                out.add(all[i]);
            }
            return out;
        }
        HashSet<io.meridian.node.util.ByteString> seen = new HashSet<>();
        while (out.size() < count) {
            byte[][] p = h.randomPair();
            if (seen.add(io.meridian.node.util.ByteString.of(p[0]))) out.add(p);
        }
        return out;
    }

    private static void replyPair(Client c, byte[] field, byte[] value, boolean withValues) {
        if (withValues && c.resp == 3) c.array(2);
        c.bulk(field);
        if (withValues) c.bulk(value);
    }

    // HSCAN key cursor [MATCH pattern] [COUNT count]
    void hscan(Client c, byte[][] argv) {
        Long cursor = scanCursor(c, argv[2]);
        if (cursor == null) return;
        HashValue h = hashOf(c, c.db.lookupRead(argv[1]));
        if (h == WRONG) return;
        if (h == null) {
            emptyScan(c);
            return;
        }
        ScanOptions o = ScanOptions.parse(c, argv, 3);
        if (o == null) return;
        List<byte[]> items = new ArrayList<>();
        long next;
        if (h.isListpack()) {
            next = h.scan(cursor, (f, v) -> {
                items.add(f);
                items.add(v);
            });
        } else {
            long count = Math.min(o.count, Long.MAX_VALUE / 20) * 2;
            long maxIterations = Math.min(o.count, Long.MAX_VALUE / 20) * 10;
            next = cursor;
            do {
                next = h.scan(next, (f, v) -> {
                    items.add(f);
                    items.add(v);
                });
            } while (next != 0 && maxIterations-- > 0 && items.size() < count);
        }
        List<byte[]> kept = items;
        if (o.pattern != null) {
            kept = new ArrayList<>();
            for (int i = 0; i < items.size(); i += 2) {
                if (Glob.match(o.pattern, items.get(i), false)) {
                    kept.add(items.get(i));
                    kept.add(items.get(i + 1));
                }
            }
        }
        scanReply(c, next, kept);
    }

    // ---- SCAN helpers shared with SetCommands ------------------------------------------

    /**
     * Redis's parseScanCursorOrReply: strtoul in base 10 over the whole (C) string, so a sign
     * is accepted ("-1" wraps), an empty string is 0, anything else or an overflow is
     * "invalid cursor". The cursor is an unsigned 64-bit value held in a long.
     */
    static Long scanCursor(Client c, byte[] arg) {
        int end = 0;
        while (end < arg.length && arg[end] != 0) end++;
        int i = 0;
        if (end > 0 && isSpace(arg[0])) {
            c.error(INVALID_CURSOR);
            return null;
        }
        // strtoul skips leading white space only after the first byte, which was checked
        boolean negative = false;
        if (i < end && (arg[i] == '+' || arg[i] == '-')) {
            negative = arg[i] == '-';
            i++;
        }
        int digitsStart = i;
        long v = 0;
        boolean overflow = false;
        while (i < end && arg[i] >= '0' && arg[i] <= '9') {
            int d = arg[i] - '0';
            if (Long.compareUnsigned(v, Long.divideUnsigned(-1L - d, 10)) > 0) overflow = true;
            v = v * 10 + d;
            i++;
        }
        if (i == digitsStart) {
            // no digits: strtoul consumed nothing, so only the empty string passes
            if (end == 0) return 0L;
            c.error(INVALID_CURSOR);
            return null;
        }
        if (i != end || overflow) {
            c.error(INVALID_CURSOR);
            return null;
        }
        return negative ? -v : v;
    }

    private static boolean isSpace(byte b) {
        return b == ' ' || b == '\t' || b == '\n' || b == '\r' || b == 0x0b || b == '\f';
    }

    static void emptyScan(Client c) {
        c.array(2);
        c.bulk(Bytes.utf8("0"));
        c.emptyArray();
    }

    static void scanReply(Client c, long cursor, List<byte[]> items) {
        c.array(2);
        c.bulk(Bytes.utf8(Long.toUnsignedString(cursor)));
        c.array(items.size());
        for (byte[] b : items) c.bulk(b);
    }

    /** HSCAN/SSCAN/ZSCAN options: MATCH (null when absent or "*") and COUNT. */
    static final class ScanOptions {
        byte[] pattern;
        long count = 10;

        /** Parses options from argv[from]; null after replying an error. */
        static ScanOptions parse(Client c, byte[][] argv, int from) {
            ScanOptions o = new ScanOptions();
            for (int i = from; i < argv.length; ) {
                int left = argv.length - i;
                if (Args.is(argv[i], "count") && left >= 2) {
                    Long n = Args.integer(c, argv[i + 1]);
                    if (n == null) return null;
                    if (n < 1) {
                        c.error(Errors.SYNTAX);
                        return null;
                    }
                    o.count = n;
                    i += 2;
                } else if (Args.is(argv[i], "match") && left >= 2) {
                    byte[] p = argv[i + 1];
                    o.pattern = p.length == 1 && p[0] == '*' ? null : p;
                    i += 2;
                } else {
                    c.error(Errors.SYNTAX);
                    return null;
                }
            }
            return o;
        }
    }
}
