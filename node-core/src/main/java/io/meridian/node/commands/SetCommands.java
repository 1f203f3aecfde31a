package io.meridian.node.commands;

import io.meridian.node.command.CommandFamily;
import io.meridian.node.command.CommandTable;
import io.meridian.node.keyspace.Entry;
import io.meridian.node.keyspace.SetValue;
import io.meridian.node.server.Client;
import io.meridian.node.util.ByteString;
import io.meridian.node.util.Bytes;
import io.meridian.node.util.Glob;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import static io.meridian.node.command.CommandSpec.command;

/** Set commands (Redis 7.0's t_set.c): members, random pops and draws, set algebra and SSCAN. */
public final class SetCommands implements CommandFamily {
    private static final byte[] SREM = Bytes.utf8("SREM");
    private static final byte[] DEL = Bytes.utf8("DEL");
    /** SPOP keeps drawing random members while the rest is this many times the count (SPOP_MOVE_STRATEGY_MUL). */
    private static final int SPOP_MOVE_STRATEGY_MUL = 5;
    /** SRANDMEMBER builds the answer by removal above this ratio (SRANDMEMBER_SUB_STRATEGY_MUL). */
    private static final int SRANDMEMBER_SUB_STRATEGY_MUL = 3;

    private enum Op { UNION, DIFF }

    @Override
    public void register(CommandTable t) {
        t.add(command("sadd", -3).flags("write denyoom fast").keys(1, 1, 1).acl("@set").keySpecFlags("RW insert")
                .complexity("O(1) for each element added, so O(N) to add N elements when the command is called with multiple arguments.")
                .doc("set", "1.0.0", "Add one or more members to a set").run(this::sadd));
        t.add(command("srem", -3).flags("write fast").keys(1, 1, 1).acl("@set").keySpecFlags("RW delete")
                .complexity("O(N) where N is the number of members to be removed.")
                .doc("set", "1.0.0", "Remove one or more members from a set").run(this::srem));
        t.add(command("smembers", 2).flags("readonly").keys(1, 1, 1).acl("@set").keySpecFlags("RO access").tips("nondeterministic_output_order")
                .complexity("O(N) where N is the set cardinality.")
                .doc("set", "1.0.0", "Get all the members in a set").run((c, a) -> sinter(c, a, 1, a.length, null, false, 0)));
        t.add(command("sismember", 3).flags("readonly fast").keys(1, 1, 1).acl("@set").keySpecFlags("RO")
                .complexity("O(1)")
                .doc("set", "1.0.0", "Determine if a given value is a member of a set").run(this::sismember));
        t.add(command("smismember", -3).flags("readonly fast").keys(1, 1, 1).acl("@set").keySpecFlags("RO access")
                .complexity("O(N) where N is the number of elements being checked for membership")
                .doc("set", "6.2.0", "Returns the membership associated with the given elements for a set").run(this::smismember));
        t.add(command("scard", 2).flags("readonly fast").keys(1, 1, 1).acl("@set").keySpecFlags("RO")
                .complexity("O(1)")
                .doc("set", "1.0.0", "Get the number of members in a set").run(this::scard));
        t.add(command("spop", -2).flags("write fast").keys(1, 1, 1).acl("@set").keySpecFlags("RW access delete").tips("nondeterministic_output")
                .complexity("Without the count argument O(1), otherwise O(N) where N is the value of the passed count.")
                .doc("set", "1.0.0", "Remove and return one or multiple random members from a set").run(this::spop));
        t.add(command("srandmember", -2).flags("readonly").keys(1, 1, 1).acl("@set").keySpecFlags("RO access").tips("nondeterministic_output")
                .complexity("Without the count argument O(1), otherwise O(N) where N is the absolute value of the passed count.")
                .doc("set", "1.0.0", "Get one or multiple random members from a set").run(this::srandmember));
        t.add(command("smove", 4).flags("write fast").keys(1, 2, 1).acl("@set").keySpec("RW access delete", 1, 0, 1).keySpec("RW insert", 2, 0, 1)
                .complexity("O(1)")
                .doc("set", "1.0.0", "Move a member from one set to another").run(this::smove));
        t.add(command("sinter", -2).flags("readonly").keys(1, -1, 1).acl("@set").keySpecFlags("RO access").tips("nondeterministic_output_order")
                .complexity("O(N*M) worst case where N is the cardinality of the smallest set and M is the number of sets.")
                .doc("set", "1.0.0", "Intersect multiple sets").run((c, a) -> sinter(c, a, 1, a.length, null, false, 0)));
        t.add(command("sintercard", -3).flags("readonly").keys(SetCommands::sintercardKeys).acl("@set").keySpecKeynum("RO access", 1, 0, 1, 1)
                .complexity("O(N*M) worst case where N is the cardinality of the smallest set and M is the number of sets.")
                .doc("set", "7.0.0", "Intersect multiple sets and return the cardinality of the result").run(this::sintercard));
        t.add(command("sinterstore", -3).flags("write denyoom").keys(1, -1, 1).acl("@set").keySpec("RW update", 1, 0, 1).keySpec("RO access", 2, -1, 1)
                .complexity("O(N*M) worst case where N is the cardinality of the smallest set and M is the number of sets.")
                .doc("set", "1.0.0", "Intersect multiple sets and store the resulting set in a key").run((c, a) -> sinter(c, a, 2, a.length, a[1], false, 0)));
        t.add(command("sunion", -2).flags("readonly").keys(1, -1, 1).acl("@set").keySpecFlags("RO access").tips("nondeterministic_output_order")
                .complexity("O(N) where N is the total number of elements in all given sets.")
                .doc("set", "1.0.0", "Add multiple sets").run((c, a) -> sunionDiff(c, a, 1, null, Op.UNION)));
        t.add(command("sunionstore", -3).flags("write denyoom").keys(1, -1, 1).acl("@set").keySpec("OW update", 1, 0, 1).keySpec("RO access", 2, -1, 1)
                .complexity("O(N) where N is the total number of elements in all given sets.")
                .doc("set", "1.0.0", "Add multiple sets and store the resulting set in a key").run((c, a) -> sunionDiff(c, a, 2, a[1], Op.UNION)));
        t.add(command("sdiff", -2).flags("readonly").keys(1, -1, 1).acl("@set").keySpecFlags("RO access").tips("nondeterministic_output_order")
                .complexity("O(N) where N is the total number of elements in all given sets.")
                .doc("set", "1.0.0", "Subtract multiple sets").run((c, a) -> sunionDiff(c, a, 1, null, Op.DIFF)));
        t.add(command("sdiffstore", -3).flags("write denyoom").keys(1, -1, 1).acl("@set").keySpec("OW update", 1, 0, 1).keySpec("RO access", 2, -1, 1)
                .complexity("O(N) where N is the total number of elements in all given sets.")
                .doc("set", "1.0.0", "Subtract multiple sets and store the resulting set in a key").run((c, a) -> sunionDiff(c, a, 2, a[1], Op.DIFF)));
        t.add(command("sscan", -3).flags("readonly").keys(1, 1, 1).acl("@set").keySpecFlags("RO access").tips("nondeterministic_output")
                .complexity("O(1) for every call. O(N) for a complete iteration, including enough command calls for the cursor to return back to 0. N is the number of elements inside the collection..")
                .doc("set", "2.8.0", "Incrementally iterate Set elements").run(this::sscan));
    }

    /** SINTERCARD numkeys key [key ...]: the keys, none when numkeys is not valid. */
    static int[] sintercardKeys(byte[][] argv) {
        Long n = argv.length > 1 ? Bytes.parseLong(argv[1]) : null;
        if (n == null || n < 1 || n > argv.length - 2) return new int[0];
        int[] k = new int[n.intValue()];
        for (int i = 0; i < k.length; i++) k[i] = 2 + i;
        return k;
    }

    // ---- lookups -----------------------------------------------------------------------

    /** Marks "the key holds another type" (WRONGTYPE already replied). */
    private static final SetValue WRONG = new SetValue();

    private static SetValue setOf(Client c, Entry e) {
        if (e == null) return null;
        if (e.value instanceof SetValue s) return s;
        c.error(Errors.WRONGTYPE);
        return WRONG;
    }

    private static long maxIntset(Client c) {
        return c.node().config().getLong("set-max-intset-entries");
    }

    /** Redis's setTypeCreate: an intset when the first member is an integer, else a hashtable. */
    private static SetValue createFor(byte[] first) {
        SetValue s = new SetValue();
        if (!Bytes.isLong(first)) s.toHashtable();
        return s;
    }

    // ---- writes ------------------------------------------------------------------------

    // SADD key member [member ...]
    void sadd(Client c, byte[][] argv) {
        Entry e = c.db.find(argv[1]);
        SetValue s = setOf(c, e);
        if (s == WRONG) return;
        long dirtyBefore = c.node().stats().dirty;
        long max = maxIntset(c);
        int added = 0;
        if (s == null) {
            s = createFor(argv[2]);
            for (int i = 2; i < argv.length; i++) if (s.add(argv[i], max)) added++;
            c.db.add(argv[1], s);
        } else {
            for (int i = 2; i < argv.length; i++) {
                if (s.contains(argv[i])) continue;
                if (added == 0) c.db.mutating(e);
                s.add(argv[i], max);
                added++;
            }
        }
        c.node().stats().dirty = dirtyBefore + added;
        if (added > 0) Notify.event(c, Notify.SET, "sadd", argv[1]);
        c.integer(added);
    }

    // SREM key member [member ...]
    void srem(Client c, byte[][] argv) {
        Entry e = c.db.find(argv[1]);
        SetValue s = setOf(c, e);
        if (s == WRONG) return;
        if (s == null) {
            c.integer(0);
            return;
        }
        long dirtyBefore = c.node().stats().dirty;
        int deleted = 0;
        for (int i = 2; i < argv.length; i++) {
            if (!s.contains(argv[i])) continue;
            if (deleted == 0) c.db.mutating(e);
            s.remove(argv[i]);
            deleted++;
            if (s.size() == 0) break;
        }
        if (deleted > 0) {
            Notify.event(c, Notify.SET, "srem", argv[1]);
            Notify.deleteIfEmpty(c, c.db, e);
            c.node().stats().dirty = dirtyBefore + deleted;
        }
        c.integer(deleted);
    }

    // SMOVE source destination member
    void smove(Client c, byte[][] argv) {
        Entry se = c.db.find(argv[1]);
        Entry de = c.db.find(argv[2]);
        byte[] member = argv[3];
        if (se == null) {
            c.integer(0);
            return;
        }
        SetValue src = setOf(c, se);
        if (src == WRONG) return;
        SetValue dst = setOf(c, de);
        if (dst == WRONG) return;
        if (src == dst) {
            c.integer(src.contains(member) ? 1 : 0);
            return;
        }
        if (!src.contains(member)) {
            c.integer(0);
            return;
        }
        c.db.mutating(se);
        src.remove(member);
        Notify.event(c, Notify.SET, "srem", argv[1]);
        Notify.deleteIfEmpty(c, c.db, se);
        long max = maxIntset(c);
        if (dst == null) {
            dst = createFor(member);
            dst.add(member, max);
            c.db.add(argv[2], dst);
            Notify.event(c, Notify.SET, "sadd", argv[2]);
        } else if (!dst.contains(member)) {
            c.db.mutating(de);
            dst.add(member, max);
            Notify.event(c, Notify.SET, "sadd", argv[2]);
        }
        c.integer(1);
    }

    // SPOP key [count]: propagated as the SREM of each popped member, or DEL when the whole set goes
    void spop(Client c, byte[][] argv) {
        if (argv.length == 3) {
            spopWithCount(c, argv);
            return;
        } else if (argv.length > 3) {
            c.error(Errors.SYNTAX);
            return;
        }
        Entry e = c.db.find(argv[1]);
        SetValue s = setOf(c, e);
        if (s == WRONG) return;
        if (s == null) {
            c.nullBulk();
            return;
        }
        byte[] member = s.random();
        c.db.mutating(e);
        s.remove(member);
        c.propagate(SREM, argv[1], member);
        c.bulk(member);
        Notify.event(c, Notify.SET, "spop", argv[1]);
        Notify.deleteIfEmpty(c, c.db, e);
    }

    private void spopWithCount(Client c, byte[][] argv) {
        // getPositiveLongFromObjectOrReply: one text for "not a number" and "negative"
        Long l = Args.integer(c, argv[2], Errors.OUT_OF_RANGE_POSITIVE);
        if (l == null) return;
        if (l < 0) {
            c.error(Errors.OUT_OF_RANGE_POSITIVE);
            return;
        }
        Entry e = c.db.find(argv[1]);
        SetValue s = setOf(c, e);
        if (s == WRONG) return;
        if (s == null || l == 0) {
            c.set(0);
            return;
        }
        long count = l;
        int size = s.size();
        long dirtyBefore = c.node().stats().dirty;
        Notify.event(c, Notify.SET, "spop", argv[1]);
        if (count >= size) {
            // the whole set: answered as SUNION of itself, then the key goes
            SetValue all = union(c, new SetValue[]{s});
            replySet(c, all);
            c.db.delete(argv[1]);
            Notify.event(c, Notify.GENERIC, "del", argv[1]);
            c.propagate(DEL, argv[1]);
            c.node().stats().dirty = dirtyBefore + size;
            return;
        }
        c.db.mutating(e);
        c.set(count);
        long remaining = size - count;
        if (remaining * SPOP_MOVE_STRATEGY_MUL > count) {
            for (long i = 0; i < count; i++) {
                byte[] m = s.random();
                c.bulk(m);
                s.remove(m);
                c.propagate(SREM, argv[1], m);
            }
        } else {
            // draw the members that stay into a new set, answer with what is left
            long max = maxIntset(c);
            SetValue kept = null;
            for (long i = 0; i < remaining; i++) {
                byte[] m = s.random();
                if (kept == null) kept = createFor(m);
                kept.add(m, max);
                s.remove(m);
            }
            s.forEach(m -> {
                c.bulk(m);
                c.propagate(SREM, argv[1], m);
            });
            e.value = kept;
        }
        c.node().stats().dirty = dirtyBefore + count;
    }

    // ---- reads -------------------------------------------------------------------------

    void sismember(Client c, byte[][] argv) {
        SetValue s = setOf(c, c.db.lookupRead(argv[1]));
        if (s == WRONG) return;
        c.integer(s != null && s.contains(argv[2]) ? 1 : 0);
    }

    void smismember(Client c, byte[][] argv) {
        SetValue s = setOf(c, c.db.lookupRead(argv[1]));
        if (s == WRONG) return;
        c.array(argv.length - 2);
        for (int i = 2; i < argv.length; i++) c.integer(s != null && s.contains(argv[i]) ? 1 : 0);
    }

    void scard(Client c, byte[][] argv) {
        SetValue s = setOf(c, c.db.lookupRead(argv[1]));
        if (s == WRONG) return;
        c.integer(s == null ? 0 : s.size());
    }

    // SRANDMEMBER key [count]: a negative count allows repetitions
    void srandmember(Client c, byte[][] argv) {
        if (argv.length == 3) {
            srandmemberWithCount(c, argv);
            return;
        } else if (argv.length > 3) {
            c.error(Errors.SYNTAX);
            return;
        }
        SetValue s = setOf(c, c.db.lookupRead(argv[1]));
        if (s == WRONG) return;
        if (s == null) {
            c.nullBulk();
            return;
        }
        c.bulk(s.random());
    }

    private void srandmemberWithCount(Client c, byte[][] argv) {
        Long l = Args.integer(c, argv[2]);
        if (l == null) return;
        if (l == Long.MIN_VALUE) {
            c.error(HashCommands.COUNT_RANGE);
            return;
        }
        boolean unique = l >= 0;
        long count = Math.abs(l);
        SetValue s = setOf(c, c.db.lookupRead(argv[1]));
        if (s == WRONG) return;
        if (s == null || count == 0) {
            c.emptyArray();
            return;
        }
        int size = s.size();
        if (!unique || count == 1) {
            // a reply that cannot fit one 2 GB buffer (redis-server dies trying): refused before any byte
            if (count > Integer.MAX_VALUE / 8) {
                c.error(SortedSetCommands.RANDMEMBER_TOO_MANY);
                return;
            }
            c.array(count);
            for (long i = 0; i < count; i++) c.bulk(s.random());
            return;
        }
        if (count >= size) {
            c.array(size);
            s.forEach(c::bulk);
            return;
        }
        int n = (int) count;
        c.array(n);
        ThreadLocalRandom r = ThreadLocalRandom.current();
        if (count * SRANDMEMBER_SUB_STRATEGY_MUL > size) {
            // a partial Fisher-Yates over all members
            byte[][] all = new byte[size][];
            int[] k = {0};
            s.forEach(m -> all[k[0]++] = m);
            for (int i = 0; i < n; i++) {
                int j = i + r.nextInt(size - i);
                byte[] t = all[i];
                all[i] = all[j];
                all[j] = t;
                c.bulk(all[i]);
            }
            return;
        }
        HashSet<ByteString> seen = new HashSet<>();
        while (seen.size() < n) {
            byte[] m = s.random();
            if (seen.add(ByteString.of(m))) c.bulk(m);
        }
    }

    // ---- set algebra -------------------------------------------------------------------

    /**
     * SINTER / SMEMBERS / SINTERSTORE / SINTERCARD (Redis's sinterGenericCommand): keys are
     * argv[from, to); dst is the STORE destination; cardinalityOnly with limit (0 = none)
     * is SINTERCARD.
     */
    void sinter(Client c, byte[][] argv, int from, int to, byte[] dst, boolean cardinalityOnly, long limit) {
        int n = to - from;
        SetValue[] sets = new SetValue[n];
        boolean empty = false;
        for (int j = 0; j < n; j++) {
            SetValue s = setOf(c, c.db.lookupRead(argv[from + j]));
            if (s == WRONG) return;
            if (s == null) empty = true;
            sets[j] = s;
        }
        if (empty) {
            if (dst != null) {
                if (c.db.delete(dst)) Notify.event(c, Notify.GENERIC, "del", dst);
                c.integer(0);
            } else if (cardinalityOnly) {
                c.integer(0);
            } else {
                c.set(0);
            }
            return;
        }
        // smallest first (a stable sort, as glibc's qsort is here)
        Arrays.sort(sets, Comparator.comparingInt(SetValue::size));
        SetValue first = sets[0];
        SetValue out = dst != null ? new SetValue() : null;
        List<byte[]> reply = dst == null && !cardinalityOnly ? new ArrayList<>() : null;
        long max = dst != null ? maxIntset(c) : 0;
        long cardinality = 0;
        if (first.isIntset()) {
            int size = first.size();
            for (int i = 0; i < size; i++) {
                long v = first.intAt(i);
                boolean all = true;
                for (int j = 1; j < n && all; j++) {
                    if (sets[j] != first && !sets[j].containsLong(v)) all = false;
                }
                if (!all) continue;
                cardinality++;
                if (cardinalityOnly) {
                    if (limit > 0 && cardinality >= limit) break;
                } else if (out != null) {
                    out.add(Bytes.fromLong(v), max);
                } else {
                    reply.add(Bytes.fromLong(v));
                }
            }
        } else {
            long[] card = {0};
            first.forEachWhile(m -> {
                for (int j = 1; j < n; j++) {
                    if (sets[j] != first && !sets[j].contains(m)) return true;
                }
                card[0]++;
                if (cardinalityOnly) return limit == 0 || card[0] < limit;
                if (out != null) out.add(m, max);
                else reply.add(m);
                return true;
            });
            cardinality = card[0];
        }
        if (cardinalityOnly) {
            c.integer(cardinality);
        } else if (dst != null) {
            store(c, dst, out, "sinterstore");
        } else {
            c.set(reply.size());
            for (byte[] m : reply) c.bulk(m);
        }
    }

    // SINTERCARD numkeys key [key ...] [LIMIT limit]
    void sintercard(Client c, byte[][] argv) {
        Long numkeys = Args.integer(c, argv[1], "ERR numkeys should be greater than 0");
        if (numkeys == null) return;
        if (numkeys < 1) {
            c.error("ERR numkeys should be greater than 0");
            return;
        }
        if (numkeys > argv.length - 2) {
            c.error("ERR Number of keys can't be greater than number of args");
            return;
        }
        long limit = 0;
        for (int j = 2 + numkeys.intValue(); j < argv.length; j++) {
            int more = argv.length - 1 - j;
            if (Args.is(argv[j], "limit") && more > 0) {
                j++;
                Long l = Args.integer(c, argv[j], "ERR LIMIT can't be negative");
                if (l == null) return;
                if (l < 0) {
                    c.error("ERR LIMIT can't be negative");
                    return;
                }
                limit = l;
            } else {
                c.error(Errors.SYNTAX);
                return;
            }
        }
        sinter(c, argv, 2, 2 + numkeys.intValue(), null, true, limit);
    }

    /** SUNION / SDIFF and their STORE forms (Redis's sunionDiffGenericCommand); keys are argv[from..]. */
    void sunionDiff(Client c, byte[][] argv, int from, byte[] dst, Op op) {
        int n = argv.length - from;
        SetValue[] sets = new SetValue[n];
        boolean sameSet = false;
        for (int j = 0; j < n; j++) {
            SetValue s = setOf(c, c.db.lookupRead(argv[from + j]));
            if (s == WRONG) return;
            sets[j] = s;
            if (j > 0 && s != null && sets[0] == s) sameSet = true;
        }
        SetValue result;
        if (op == Op.UNION) {
            result = union(c, sets);
        } else {
            result = diff(c, sets, sameSet);
        }
        if (dst == null) {
            replySet(c, result);
        } else {
            store(c, dst, result, op == Op.UNION ? "sunionstore" : "sdiffstore");
        }
    }

    /** The union, built as Redis builds it: from an empty intset, adding every member. */
    private static SetValue union(Client c, SetValue[] sets) {
        long max = maxIntset(c);
        SetValue out = new SetValue();
        for (SetValue s : sets) {
            if (s != null) s.forEach(m -> out.add(m, max));
        }
        return out;
    }

    /** The difference, with Redis's choice between its two algorithms (which decides the encoding). */
    private static SetValue diff(Client c, SetValue[] sets, boolean sameSet) {
        long max = maxIntset(c);
        SetValue out = new SetValue();
        int n = sets.length;
        if (sets[0] == null || sameSet) return out;
        long algoOne = 0, algoTwo = 0;
        for (SetValue s : sets) {
            if (s == null) continue;
            algoOne += sets[0].size();
            algoTwo += s.size();
        }
        // algorithm 1 has better constant times and performs less operations if there are elements in common
        algoOne /= 2;
        if (algoOne <= algoTwo) {
            if (n > 1) {
                Arrays.sort(sets, 1, n, Comparator.comparingInt((SetValue s) -> s == null ? 0 : s.size()).reversed());
            }
            SetValue first = sets[0];
            first.forEach(m -> {
                for (int j = 1; j < n; j++) {
                    if (sets[j] == null) continue;
                    if (sets[j] == first || sets[j].contains(m)) return;
                }
                out.add(m, max);
            });
            return out;
        }
        for (int j = 0; j < n; j++) {
            SetValue s = sets[j];
            if (s == null) continue;
            if (j == 0) {
                s.forEach(m -> out.add(m, max));
            } else {
                s.forEach(out::remove);
            }
            if (out.size() == 0) break;
        }
        return out;
    }

    private static void replySet(Client c, SetValue s) {
        c.set(s.size());
        s.forEach(c::bulk);
    }

    /** STORE: the result replaces dst (dropping its TTL), or an empty result deletes dst. */
    private static void store(Client c, byte[] dst, SetValue result, String event) {
        if (result.size() > 0) {
            c.db.put(dst, result);
            Notify.event(c, Notify.SET, event, dst);
            c.integer(result.size());
        } else {
            if (c.db.delete(dst)) Notify.event(c, Notify.GENERIC, "del", dst);
            c.integer(0);
        }
    }

    // SSCAN key cursor [MATCH pattern] [COUNT count]
    void sscan(Client c, byte[][] argv) {
        Long cursor = HashCommands.scanCursor(c, argv[2]);
        if (cursor == null) return;
        SetValue s = setOf(c, c.db.lookupRead(argv[1]));
        if (s == WRONG) return;
        if (s == null) {
            HashCommands.emptyScan(c);
            return;
        }
        HashCommands.ScanOptions o = HashCommands.ScanOptions.parse(c, argv, 3);
        if (o == null) return;
        List<byte[]> items = new ArrayList<>();
        long next;
        if (s.isIntset()) {
            next = s.scan(cursor, items::add);
        } else {
            long count = Math.min(o.count, Long.MAX_VALUE / 20);
            long maxIterations = count * 10;
            next = cursor;
            do {
                next = s.scan(next, items::add);
            } while (next != 0 && maxIterations-- > 0 && items.size() < count);
        }
        if (o.pattern != null) items.removeIf(m -> !Glob.match(o.pattern, m, false));
        HashCommands.scanReply(c, next, items);
    }
}
