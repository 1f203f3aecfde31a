package io.meridian.node.commands;

import io.meridian.node.command.CommandFamily;
import io.meridian.node.command.CommandTable;
import io.meridian.node.command.KeyFinder;
import io.meridian.node.keyspace.Entry;
import io.meridian.node.keyspace.SetValue;
import io.meridian.node.keyspace.ZSetValue;
import io.meridian.node.keyspace.ZSkipList;
import io.meridian.node.keyspace.ZSkipList.LexRange;
import io.meridian.node.keyspace.ZSkipList.Node;
import io.meridian.node.keyspace.ZSkipList.ScoreRange;
import io.meridian.node.server.BlockingRegistry;
import io.meridian.node.server.Client;
import io.meridian.node.util.ByteString;
import io.meridian.node.util.Bytes;
import io.meridian.node.util.DoubleFormat;
import io.meridian.node.util.Glob;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import static io.meridian.node.command.CommandSpec.command;

/**
 * Sorted-set commands as Redis 7.0's t_zset.c: ZADD with every option, ranges by rank, score
 * and lex (ZRANGE with BYSCORE/BYLEX/REV/LIMIT and the older Z*RANGE* forms, ZRANGESTORE),
 * ZUNION/ZINTER/ZDIFF and their STORE forms, ZRANDMEMBER, the pops (ZPOPMIN/MAX, ZMPOP and
 * their blocking forms), ZSCAN. Argument errors come in Redis's order, and the encoding
 * (listpack/skiplist) follows zset-max-listpack-entries and zset-max-listpack-value.
 */
public final class SortedSetCommands implements CommandFamily {
    static final String NAN_RESULT = "ERR resulting score is not a number (NaN)";
    static final String XX_AND_NX = "ERR XX and NX options at the same time are not compatible";
    static final String GT_LT_NX = "ERR GT, LT, and/or NX options at the same time are not compatible";
    static final String INCR_PAIR = "ERR INCR option supports a single increment-element pair";
    static final String LIMIT_NEEDS_RANGE = "ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX";
    static final String WITHSCORES_BYLEX = "ERR syntax error, WITHSCORES not supported in combination with BYLEX";
    static final String WEIGHT_NOT_FLOAT = "ERR weight value is not a float";
    static final String LIMIT_NEGATIVE = "ERR LIMIT can't be negative";
    static final String NUMKEYS = "ERR numkeys should be greater than 0";
    static final String COUNT_POSITIVE = "ERR count should be greater than 0";
    static final String INVALID_CURSOR = "ERR invalid cursor";
    static final String RANDMEMBER_TOO_MANY = "ERR value is out of range";
    static final String RANDMEMBER_RANGE = "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807";

    private static final byte[] ZPOPMIN = Bytes.utf8("ZPOPMIN");
    private static final byte[] ZPOPMAX = Bytes.utf8("ZPOPMAX");
    private static final byte[] ZERO = Bytes.utf8("0");

    private enum RangeType { AUTO, RANK, SCORE, LEX }

    private enum Direction { AUTO, FORWARD, REVERSE }

    private enum SetOp { UNION, INTER, DIFF }

    private enum Aggregate { SUM, MIN, MAX }

    @Override
    public void register(CommandTable t) {
        String g = "sorted-set";
        t.add(command("zadd", -4).flags("write denyoom fast").keys(1, 1, 1).acl("@sortedset")
                .doc(g, "1.2.0", "Add one or more members to a sorted set, or update its score if it already exists").run((c, a) -> zadd(c, a, false)));
        t.add(command("zincrby", 4).flags("write denyoom fast").keys(1, 1, 1).keySpecFlags("RW access update").acl("@sortedset")
                .doc(g, "1.2.0", "Increment the score of a member in a sorted set").run((c, a) -> zadd(c, a, true)));
        t.add(command("zrem", -3).flags("write fast").keys(1, 1, 1).keySpecFlags("RW delete").acl("@sortedset")
                .doc(g, "1.2.0", "Remove one or more members from a sorted set").run(this::zrem));
        t.add(command("zcard", 2).flags("readonly fast").keys(1, 1, 1).keySpecFlags("RO").acl("@sortedset")
                .doc(g, "1.2.0", "Get the number of members in a sorted set").run(this::zcard));
        t.add(command("zscore", 3).flags("readonly fast").keys(1, 1, 1).acl("@sortedset")
                .doc(g, "1.2.0", "Get the score associated with the given member in a sorted set").run(this::zscore));
        t.add(command("zmscore", -3).flags("readonly fast").keys(1, 1, 1).acl("@sortedset")
                .doc(g, "6.2.0", "Get the score associated with the given members in a sorted set").run(this::zmscore));
        t.add(command("zrank", 3).flags("readonly fast").keys(1, 1, 1).acl("@sortedset")
                .doc(g, "2.0.0", "Determine the index of a member in a sorted set").run((c, a) -> zrank(c, a, false)));
        t.add(command("zrevrank", 3).flags("readonly fast").keys(1, 1, 1).acl("@sortedset")
                .doc(g, "2.0.0", "Determine the index of a member in a sorted set, with scores ordered from high to low").run((c, a) -> zrank(c, a, true)));
        t.add(command("zcount", 4).flags("readonly fast").keys(1, 1, 1).acl("@sortedset")
                .doc(g, "2.0.0", "Count the members in a sorted set with scores within the given values").run(this::zcount));
        t.add(command("zlexcount", 4).flags("readonly fast").keys(1, 1, 1).acl("@sortedset")
                .doc(g, "2.8.9", "Count the number of members in a sorted set between a given lexicographical range").run(this::zlexcount));
        t.add(command("zrange", -4).flags("readonly").keys(1, 1, 1).acl("@sortedset")
                .doc(g, "1.2.0", "Return a range of members in a sorted set").run((c, a) -> zrange(c, a, 1, false, RangeType.AUTO, Direction.AUTO)));
        t.add(command("zrangestore", -5).flags("write denyoom").keys(1, 2, 1).keySpec("OW update", 1, 0, 1).keySpec("RO access", 2, 0, 1).acl("@sortedset")
                .doc(g, "6.2.0", "Store a range of members from sorted set into another key").run((c, a) -> zrange(c, a, 2, true, RangeType.AUTO, Direction.AUTO)));
        t.add(command("zrevrange", -4).flags("readonly").keys(1, 1, 1).acl("@sortedset")
                .doc(g, "1.2.0", "Return a range of members in a sorted set, by index, with scores ordered from high to low").run((c, a) -> zrange(c, a, 1, false, RangeType.RANK, Direction.REVERSE)));
        t.add(command("zrangebyscore", -4).flags("readonly").keys(1, 1, 1).acl("@sortedset")
                .doc(g, "1.0.5", "Return a range of members in a sorted set, by score").run((c, a) -> zrange(c, a, 1, false, RangeType.SCORE, Direction.FORWARD)));
        t.add(command("zrevrangebyscore", -4).flags("readonly").keys(1, 1, 1).acl("@sortedset")
                .doc(g, "2.2.0", "Return a range of members in a sorted set, by score, with scores ordered from high to low").run((c, a) -> zrange(c, a, 1, false, RangeType.SCORE, Direction.REVERSE)));
        t.add(command("zrangebylex", -4).flags("readonly").keys(1, 1, 1).acl("@sortedset")
                .doc(g, "2.8.9", "Return a range of members in a sorted set, by lexicographical range").run((c, a) -> zrange(c, a, 1, false, RangeType.LEX, Direction.FORWARD)));
        t.add(command("zrevrangebylex", -4).flags("readonly").keys(1, 1, 1).acl("@sortedset")
                .doc(g, "2.8.9", "Return a range of members in a sorted set, by lexicographical range, ordered from higher to lower strings.").run((c, a) -> zrange(c, a, 1, false, RangeType.LEX, Direction.REVERSE)));
        t.add(command("zremrangebyrank", 4).flags("write").keys(1, 1, 1).keySpecFlags("RW delete").acl("@sortedset")
                .doc(g, "2.0.0", "Remove all members in a sorted set within the given indexes").run((c, a) -> zremrange(c, a, RangeType.RANK)));
        t.add(command("zremrangebyscore", 4).flags("write").keys(1, 1, 1).keySpecFlags("RW delete").acl("@sortedset")
                .doc(g, "1.2.0", "Remove all members in a sorted set within the given scores").run((c, a) -> zremrange(c, a, RangeType.SCORE)));
        t.add(command("zremrangebylex", 4).flags("write").keys(1, 1, 1).keySpecFlags("RW delete").acl("@sortedset")
                .doc(g, "2.8.9", "Remove all members in a sorted set between the given lexicographical range").run((c, a) -> zremrange(c, a, RangeType.LEX)));
        KeyFinder numkeysAt1 = numkeys(1);
        KeyFinder storeNumkeysAt2 = argv -> {
            int[] src = numkeys(2).keys(argv);
            int[] k = new int[src.length + 1];
            k[0] = 1;
            System.arraycopy(src, 0, k, 1, src.length);
            return k;
        };
        t.add(command("zunion", -3).flags("readonly").keys(0, 0, 0, numkeysAt1).keySpecKeynum("RO access", 1, 0, 1, 1).acl("@sortedset")
                .doc(g, "6.2.0", "Add multiple sorted sets").run((c, a) -> setOp(c, a, null, 1, SetOp.UNION, false)));
        t.add(command("zinter", -3).flags("readonly").keys(0, 0, 0, numkeysAt1).keySpecKeynum("RO access", 1, 0, 1, 1).acl("@sortedset")
                .doc(g, "6.2.0", "Intersect multiple sorted sets").run((c, a) -> setOp(c, a, null, 1, SetOp.INTER, false)));
        t.add(command("zdiff", -3).flags("readonly").keys(0, 0, 0, numkeysAt1).keySpecKeynum("RO access", 1, 0, 1, 1).acl("@sortedset")
                .doc(g, "6.2.0", "Subtract multiple sorted sets").run((c, a) -> setOp(c, a, null, 1, SetOp.DIFF, false)));
        t.add(command("zintercard", -3).flags("readonly").keys(0, 0, 0, numkeysAt1).keySpecKeynum("RO access", 1, 0, 1, 1).acl("@sortedset")
                .doc(g, "7.0.0", "Intersect multiple sorted sets and return the cardinality of the result").run((c, a) -> setOp(c, a, null, 1, SetOp.INTER, true)));
        t.add(command("zunionstore", -4).flags("write denyoom").keys(1, 1, 1, storeNumkeysAt2).keySpec("OW update", 1, 0, 1).keySpecKeynum("RO access", 2, 0, 1, 1).acl("@sortedset")
                .doc(g, "2.0.0", "Add multiple sorted sets and store the resulting sorted set in a new key").run((c, a) -> setOp(c, a, a[1], 2, SetOp.UNION, false)));
        t.add(command("zinterstore", -4).flags("write denyoom").keys(1, 1, 1, storeNumkeysAt2).keySpec("OW update", 1, 0, 1).keySpecKeynum("RO access", 2, 0, 1, 1).acl("@sortedset")
                .doc(g, "2.0.0", "Intersect multiple sorted sets and store the resulting sorted set in a new key").run((c, a) -> setOp(c, a, a[1], 2, SetOp.INTER, false)));
        t.add(command("zdiffstore", -4).flags("write denyoom").keys(1, 1, 1, storeNumkeysAt2).keySpec("OW update", 1, 0, 1).keySpecKeynum("RO access", 2, 0, 1, 1).acl("@sortedset")
                .doc(g, "6.2.0", "Subtract multiple sorted sets and store the resulting sorted set in a new key").run((c, a) -> setOp(c, a, a[1], 2, SetOp.DIFF, false)));
        t.add(command("zrandmember", -2).flags("readonly").keys(1, 1, 1).tips("nondeterministic_output").acl("@sortedset")
                .doc(g, "6.2.0", "Get one or multiple random elements from a sorted set").run(this::zrandmember));
        t.add(command("zpopmin", -2).flags("write fast").keys(1, 1, 1).keySpecFlags("RW access delete").acl("@sortedset")
                .doc(g, "5.0.0", "Remove and return members with the lowest scores in a sorted set").run((c, a) -> zpop(c, a, false)));
        t.add(command("zpopmax", -2).flags("write fast").keys(1, 1, 1).keySpecFlags("RW access delete").acl("@sortedset")
                .doc(g, "5.0.0", "Remove and return members with the highest scores in a sorted set").run((c, a) -> zpop(c, a, true)));
        t.add(command("zmpop", -4).flags("write").keys(0, 0, 0, numkeysAt1).keySpecKeynum("RW access delete", 1, 0, 1, 1).acl("@sortedset")
                .doc(g, "7.0.0", "Remove and return members with scores in a sorted set").run((c, a) -> zmpop(c, a, 1, false)));
        t.add(command("bzpopmin", -3).flags("write noscript blocking fast").keys(1, -2, 1).keySpecFlags("RW access delete").acl("@sortedset")
                .doc(g, "5.0.0", "Remove and return the member with the lowest score from one or more sorted sets, or block until one is available")
                .run((c, a) -> bzpop(c, a, false)));
        t.add(command("bzpopmax", -3).flags("write noscript blocking fast").keys(1, -2, 1).keySpecFlags("RW access delete").acl("@sortedset")
                .doc(g, "5.0.0", "Remove and return the member with the highest score from one or more sorted sets, or block until one is available")
                .run((c, a) -> bzpop(c, a, true)));
        t.add(command("bzmpop", -5).flags("write blocking").keys(0, 0, 0, numkeys(2)).keySpecKeynum("RW access delete", 2, 0, 1, 1).acl("@sortedset")
                .doc(g, "7.0.0", "Remove and return members with scores in a sorted set or block until one is available").run((c, a) -> zmpop(c, a, 2, true)));
        t.add(command("zscan", -3).flags("readonly").keys(1, 1, 1).tips("nondeterministic_output").acl("@sortedset")
                .doc(g, "2.8.0", "Incrementally iterate sorted sets elements and associated scores").run(this::zscan));
    }

    /** Keys given as "numkeys key ..." with numkeys at index idx. */
    private static KeyFinder numkeys(int idx) {
        return argv -> {
            Long n = idx < argv.length ? Bytes.parseLong(argv[idx]) : null;
            if (n == null || n < 1 || n > argv.length - idx - 1) return new int[0];
            int[] k = new int[n.intValue()];
            for (int i = 0; i < k.length; i++) k[i] = idx + 1 + i;
            return k;
        };
    }

    // ---- helpers ---------------------------------------------------------------------

    private static long maxEntries(Client c) {
        return c.node().config().getLong("zset-max-listpack-entries");
    }

    private static long maxValue(Client c) {
        return c.node().config().getLong("zset-max-listpack-value");
    }

    /** The zset of an entry; replies WRONGTYPE and returns null when it holds another type. */
    private static ZSetValue zsetOrWrongType(Client c, Entry e) {
        if (e.value instanceof ZSetValue z) return z;
        c.error(Errors.WRONGTYPE);
        return null;
    }

    /** Records n changes where the keyspace counted one (Redis's server.dirty counts elements). */
    private static void countChanges(Client c, long n) {
        if (n > 1) c.node().stats().dirty += n - 1;
    }

    /** Members, optionally with scores: RESP2 one flat array, RESP3 an array of pairs. */
    private static void replyNodes(Client c, List<Node> nodes, boolean withScores) {
        c.array(withScores && c.resp == 2 ? nodes.size() * 2L : nodes.size());
        for (Node n : nodes) {
            if (withScores && c.resp > 2) c.array(2);
            c.bulk(n.member());
            if (withScores) c.doubleReply(n.score());
        }
    }

    // ---- ZADD / ZINCRBY --------------------------------------------------------------

    void zadd(Client c, byte[][] argv, boolean incrCommand) {
        boolean nx = false, xx = false, ch = false, incr = incrCommand, gt = false, lt = false;
        int idx = 2;
        for (; idx < argv.length; idx++) {
            byte[] o = argv[idx];
            if (Args.is(o, "nx")) nx = true;
            else if (Args.is(o, "xx")) xx = true;
            else if (Args.is(o, "ch")) ch = true;
            else if (Args.is(o, "incr")) incr = true;
            else if (Args.is(o, "gt")) gt = true;
            else if (Args.is(o, "lt")) lt = true;
            else break;
        }
        int elements = argv.length - idx;
        if (elements % 2 != 0 || elements == 0) {
            c.error(Errors.SYNTAX);
            return;
        }
        elements /= 2;
        if (nx && xx) {
            c.error(XX_AND_NX);
            return;
        }
        if ((gt && nx) || (lt && nx) || (gt && lt)) {
            c.error(GT_LT_NX);
            return;
        }
        if (incr && elements > 1) {
            c.error(INCR_PAIR);
            return;
        }
        double[] scores = new double[elements];
        for (int j = 0; j < elements; j++) {
            Double s = ZRangeSpec.score(argv[idx + j * 2]);
            if (s == null) {
                c.error(Errors.NOT_FLOAT);
                return;
            }
            scores[j] = s;
        }
        byte[] key = argv[1];
        Entry e = c.db.find(key);
        ZSetValue z;
        boolean created = false;
        if (e == null) {
            if (xx) {
                if (incr) c.nullBulk();
                else c.integer(0);
                return;
            }
            z = new ZSetValue();
            created = true;
        } else {
            z = zsetOrWrongType(c, e);
            if (z == null) return;
        }
        long maxEntries = maxEntries(c), maxValue = maxValue(c);
        int added = 0, updated = 0, processed = 0;
        double score = 0;
        boolean touched = created;
        for (int j = 0; j < elements; j++) {
            double s = scores[j];
            byte[] member = argv[idx + 1 + j * 2];
            Node n = z.get(member);
            if (n != null) {
                if (nx) continue;
                double cur = n.score();
                if (incr) {
                    s += cur;
                    if (Double.isNaN(s)) {
                        c.error(NAN_RESULT);
                        return;
                    }
                }
                if ((lt && s >= cur) || (gt && s <= cur)) continue;
                if (s != cur) {
                    if (!touched) {
                        c.db.mutating(e);
                        touched = true;
                    }
                    z.setScore(n, s);
                    updated++;
                }
                processed++;
                score = s;
            } else if (!xx) {
                if (!touched) {
                    c.db.mutating(e);
                    touched = true;
                }
                z.insert(member, s, maxEntries, maxValue);
                added++;
                processed++;
                score = s;
            }
        }
        if (created) c.db.add(key, z);
        if (added + updated > 0) Notify.event(c, Notify.ZSET, incr ? "zincr" : "zadd", key);
        countChanges(c, added + updated);
        if (incr) {
            if (processed > 0) c.doubleReply(score);
            else c.nullBulk();
        } else {
            c.integer(ch ? added + updated : added);
        }
    }

    // ---- simple reads and removal ----------------------------------------------------

    void zrem(Client c, byte[][] argv) {
        Entry e = c.db.find(argv[1]);
        if (e == null) {
            c.integer(0);
            return;
        }
        ZSetValue z = zsetOrWrongType(c, e);
        if (z == null) return;
        int deleted = 0;
        for (int j = 2; j < argv.length; j++) {
            Node n = z.get(argv[j]);
            if (n == null) continue;
            if (deleted == 0) c.db.mutating(e);
            z.list().remove(n);
            deleted++;
            if (z.size() == 0) break;
        }
        if (deleted > 0) {
            Notify.event(c, Notify.ZSET, "zrem", argv[1]);
            Notify.deleteIfEmpty(c, c.db, e);
            countChanges(c, deleted);
        }
        c.integer(deleted);
    }

    void zcard(Client c, byte[][] argv) {
        Entry e = c.db.lookupRead(argv[1]);
        if (e == null) {
            c.integer(0);
            return;
        }
        ZSetValue z = zsetOrWrongType(c, e);
        if (z != null) c.integer(z.size());
    }

    void zscore(Client c, byte[][] argv) {
        Entry e = c.db.lookupRead(argv[1]);
        if (e == null) {
            c.nullBulk();
            return;
        }
        ZSetValue z = zsetOrWrongType(c, e);
        if (z == null) return;
        Node n = z.get(argv[2]);
        if (n == null) c.nullBulk();
        else c.doubleReply(n.score());
    }

    void zmscore(Client c, byte[][] argv) {
        Entry e = c.db.lookupRead(argv[1]);
        ZSetValue z = null;
        if (e != null) {
            z = zsetOrWrongType(c, e);
            if (z == null) return;
        }
        c.array(argv.length - 2);
        for (int j = 2; j < argv.length; j++) {
            Node n = z == null ? null : z.get(argv[j]);
            if (n == null) c.nullBulk();
            else c.doubleReply(n.score());
        }
    }

    void zrank(Client c, byte[][] argv, boolean reverse) {
        Entry e = c.db.lookupRead(argv[1]);
        if (e == null) {
            c.nullBulk();
            return;
        }
        ZSetValue z = zsetOrWrongType(c, e);
        if (z == null) return;
        Node n = z.get(argv[2]);
        if (n == null) {
            c.nullBulk();
            return;
        }
        long rank = z.list().rank(n);
        c.integer(reverse ? z.size() - rank : rank - 1);
    }

    void zcount(Client c, byte[][] argv) {
        ScoreRange r = ZRangeSpec.scoreRange(argv[2], argv[3]);
        if (r == null) {
            c.error(Errors.MIN_MAX_NOT_FLOAT);
            return;
        }
        Entry e = c.db.lookupRead(argv[1]);
        if (e == null) {
            c.integer(0);
            return;
        }
        ZSetValue z = zsetOrWrongType(c, e);
        if (z == null) return;
        Node first = z.list().firstInRange(r);
        if (first == null) {
            c.integer(0);
            return;
        }
        Node last = z.list().lastInRange(r);
        c.integer(z.list().rank(last) - z.list().rank(first) + 1);
    }

    void zlexcount(Client c, byte[][] argv) {
        LexRange r = ZRangeSpec.lexRange(argv[2], argv[3]);
        if (r == null) {
            c.error(Errors.MIN_MAX_NOT_STRING);
            return;
        }
        Entry e = c.db.lookupRead(argv[1]);
        if (e == null) {
            c.integer(0);
            return;
        }
        ZSetValue z = zsetOrWrongType(c, e);
        if (z == null) return;
        c.integer(z.lexCount(r));
    }

    // ---- ZRANGE and its older forms, ZRANGESTORE -------------------------------------

    /**
     * Redis's zrangeGenericCommand: keyIdx is the source key; options follow min and max;
     * the fixed forms (ZREVRANGE, ZRANGEBYSCORE, ...) pass their range type and direction.
     */
    void zrange(Client c, byte[][] argv, int keyIdx, boolean store, RangeType type, Direction dir) {
        int minIdx = keyIdx + 1, maxIdx = keyIdx + 2;
        boolean withScores = false;
        long offset = 0, limit = -1;
        for (int j = keyIdx + 3; j < argv.length; j++) {
            int left = argv.length - j - 1;
            byte[] o = argv[j];
            if (!store && Args.is(o, "withscores")) {
                withScores = true;
            } else if (Args.is(o, "limit") && left >= 2) {
                Long off = Args.integer(c, argv[j + 1]);
                if (off == null) return;
                Long lim = Args.integer(c, argv[j + 2]);
                if (lim == null) return;
                offset = off;
                limit = lim;
                j += 2;
            } else if (dir == Direction.AUTO && Args.is(o, "rev")) {
                dir = Direction.REVERSE;
            } else if (type == RangeType.AUTO && Args.is(o, "bylex")) {
                type = RangeType.LEX;
            } else if (type == RangeType.AUTO && Args.is(o, "byscore")) {
                type = RangeType.SCORE;
            } else {
                c.error(Errors.SYNTAX);
                return;
            }
        }
        if (dir == Direction.AUTO) dir = Direction.FORWARD;
        if (type == RangeType.AUTO) type = RangeType.RANK;
        boolean reverse = dir == Direction.REVERSE;
        if (limit != -1 && type == RangeType.RANK) {
            c.error(LIMIT_NEEDS_RANGE);
            return;
        }
        if (withScores && type == RangeType.LEX) {
            c.error(WITHSCORES_BYLEX);
            return;
        }
        if (reverse && type != RangeType.RANK) {
            int tmp = maxIdx;
            maxIdx = minIdx;
            minIdx = tmp;
        }
        long start = 0, end = 0;
        ScoreRange scoreRange = null;
        LexRange lexRange = null;
        switch (type) {
            case SCORE -> {
                scoreRange = ZRangeSpec.scoreRange(argv[minIdx], argv[maxIdx]);
                if (scoreRange == null) {
                    c.error(Errors.MIN_MAX_NOT_FLOAT);
                    return;
                }
            }
            case LEX -> {
                lexRange = ZRangeSpec.lexRange(argv[minIdx], argv[maxIdx]);
                if (lexRange == null) {
                    c.error(Errors.MIN_MAX_NOT_STRING);
                    return;
                }
            }
            default -> {
                Long s = Args.integer(c, argv[minIdx]);
                if (s == null) return;
                Long en = Args.integer(c, argv[maxIdx]);
                if (en == null) return;
                start = s;
                end = en;
            }
        }
        Entry e = c.db.lookupRead(argv[keyIdx]);
        if (e == null) {
            if (store) storeRange(c, argv[1], List.of(), -1);
            else c.emptyArray();
            return;
        }
        ZSetValue z = zsetOrWrongType(c, e);
        if (z == null) return;
        List<Node> result = new ArrayList<>();
        long knownLength = -1;
        ZSkipList l = z.list();
        switch (type) {
            case RANK -> {
                long len = z.size();
                if (start < 0) start = len + start;
                if (end < 0) end = len + end;
                if (start < 0) start = 0;
                if (start <= end && start < len) {
                    if (end >= len) end = len - 1;
                    long n = end - start + 1;
                    knownLength = n;
                    Node x = reverse ? l.byRank(len - start) : l.byRank(start + 1);
                    for (; n > 0 && x != null; n--) {
                        result.add(x);
                        x = reverse ? x.prev() : x.next();
                    }
                } else {
                    knownLength = 0;
                }
            }
            case SCORE -> {
                if (!(offset > 0 && offset >= z.size())) {
                    Node x = offset < 0 ? null : reverse ? l.lastInRange(scoreRange) : l.firstInRange(scoreRange);
                    for (long k = offset; x != null && k > 0; k--) x = reverse ? x.prev() : x.next();
                    for (long k = limit; x != null && k != 0; k--) {
                        if (reverse ? !scoreRange.gteMin(x.score()) : !scoreRange.lteMax(x.score())) break;
                        result.add(x);
                        x = reverse ? x.prev() : x.next();
                    }
                }
            }
            default -> {
                Node x = offset < 0 ? null : reverse ? z.lastInLexRange(lexRange) : z.firstInLexRange(lexRange);
                for (long k = offset; x != null && k > 0; k--) x = reverse ? x.prev() : x.next();
                for (long k = limit; x != null && k != 0; k--) {
                    if (reverse ? !lexRange.gteMin(x.member()) : !lexRange.lteMax(x.member())) break;
                    result.add(x);
                    x = reverse ? x.prev() : x.next();
                }
            }
        }
        if (store) storeRange(c, argv[1], result, knownLength);
        else replyNodes(c, result, withScores);
    }

    /** ZRANGESTORE's destination: a listpack unless the known length already exceeds the limit. */
    private void storeRange(Client c, byte[] dst, List<Node> nodes, long knownLength) {
        if (nodes.isEmpty()) {
            c.integer(0);
            if (c.db.delete(dst)) Notify.event(c, Notify.GENERIC, "del", dst);
            return;
        }
        long maxEntries = maxEntries(c), maxValue = maxValue(c);
        ZSetValue z = new ZSetValue();
        if (knownLength > maxEntries) z.convertToSkiplist();
        for (Node n : nodes) z.insert(n.member(), n.score(), maxEntries, maxValue);
        c.db.put(dst, z);
        Notify.event(c, Notify.ZSET, "zrangestore", dst);
        c.integer(nodes.size());
    }

    // ---- ZREMRANGEBY* ----------------------------------------------------------------

    void zremrange(Client c, byte[][] argv, RangeType type) {
        long start = 0, end = 0;
        ScoreRange scoreRange = null;
        LexRange lexRange = null;
        if (type == RangeType.RANK) {
            Long s = Args.integer(c, argv[2]);
            if (s == null) return;
            Long en = Args.integer(c, argv[3]);
            if (en == null) return;
            start = s;
            end = en;
        } else if (type == RangeType.SCORE) {
            scoreRange = ZRangeSpec.scoreRange(argv[2], argv[3]);
            if (scoreRange == null) {
                c.error(Errors.MIN_MAX_NOT_FLOAT);
                return;
            }
        } else {
            lexRange = ZRangeSpec.lexRange(argv[2], argv[3]);
            if (lexRange == null) {
                c.error(Errors.MIN_MAX_NOT_STRING);
                return;
            }
        }
        Entry e = c.db.find(argv[1]);
        if (e == null) {
            c.integer(0);
            return;
        }
        ZSetValue z = zsetOrWrongType(c, e);
        if (z == null) return;
        ZSkipList l = z.list();
        long deleted;
        if (type == RangeType.RANK) {
            long len = z.size();
            if (start < 0) start = len + start;
            if (end < 0) end = len + end;
            if (start < 0) start = 0;
            if (start > end || start >= len) {
                c.integer(0);
                return;
            }
            if (end >= len) end = len - 1;
            c.db.mutating(e);
            deleted = l.deleteRangeByRank(start + 1, end + 1);
        } else if (type == RangeType.SCORE) {
            if (l.firstInRange(scoreRange) == null) {
                c.integer(0);
                return;
            }
            c.db.mutating(e);
            deleted = l.deleteRangeByScore(scoreRange);
        } else {
            if (z.firstInLexRange(lexRange) == null) {
                c.integer(0);
                return;
            }
            c.db.mutating(e);
            deleted = z.deleteRangeByLex(lexRange);
        }
        if (deleted > 0) {
            Notify.event(c, Notify.ZSET, type == RangeType.RANK ? "zremrangebyrank"
                    : type == RangeType.SCORE ? "zremrangebyscore" : "zremrangebylex", argv[1]);
        }
        Notify.deleteIfEmpty(c, c.db, e);
        countChanges(c, deleted);
        c.integer(deleted);
    }

    // ---- ZUNION / ZINTER / ZDIFF (+STORE), ZINTERCARD --------------------------------

    /** One input of a set operation: a sorted set, a set (every score 1) or a missing key. */
    private record Source(Object value, double[] weight) {
        int length() {
            if (value instanceof ZSetValue z) return z.size();
            if (value instanceof SetValue s) return s.size();
            return 0;
        }

        /** The member's score, or null when absent. */
        Double find(byte[] member) {
            if (value instanceof ZSetValue z) {
                Node n = z.get(member);
                return n == null ? null : n.score();
            }
            if (value instanceof SetValue s) return s.contains(member) ? 1.0 : null;
            return null;
        }

        void forEach(ZSetValue.MemberScore v) {
            if (value instanceof ZSetValue z) z.forEachInOrder(v);
            else if (value instanceof SetValue s) s.forEach(m -> v.accept(m, 1.0));
        }
    }

    private static double aggregate(double target, double val, Aggregate agg) {
        switch (agg) {
            case SUM -> {
                double r = target + val;
                // +inf plus -inf: Redis's convention is 0
                return Double.isNaN(r) ? 0.0 : r;
            }
            case MIN -> {
                return val < target ? val : target;
            }
            default -> {
                return val > target ? val : target;
            }
        }
    }

    void setOp(Client c, byte[][] argv, byte[] dstKey, int numkeysIdx, SetOp op, boolean cardinalityOnly) {
        Long setnum = Args.integer(c, argv[numkeysIdx]);
        if (setnum == null) return;
        if (setnum < 1) {
            c.error("ERR at least 1 input key is needed for '" + Bytes.lower(argv[0]) + "' command");
            return;
        }
        if (setnum > argv.length - (numkeysIdx + 1)) {
            c.error(Errors.SYNTAX);
            return;
        }
        int n = setnum.intValue();
        List<Source> src = new ArrayList<>(n);
        int j = numkeysIdx + 1;
        for (int i = 0; i < n; i++, j++) {
            Entry e = c.db.lookupRead(argv[j]);
            Object v = null;
            if (e != null) {
                if (!(e.value instanceof ZSetValue) && !(e.value instanceof SetValue)) {
                    c.error(Errors.WRONGTYPE);
                    return;
                }
                v = e.value;
            }
            src.add(new Source(v, new double[]{1.0}));
        }
        Aggregate agg = Aggregate.SUM;
        boolean withScores = false;
        long limit = 0;
        int remaining = argv.length - j;
        while (remaining > 0) {
            byte[] o = argv[j];
            if (op != SetOp.DIFF && !cardinalityOnly && remaining >= n + 1 && Args.is(o, "weights")) {
                j++;
                remaining--;
                for (int i = 0; i < n; i++, j++, remaining--) {
                    Double w = ZRangeSpec.score(argv[j]);
                    if (w == null) {
                        c.error(WEIGHT_NOT_FLOAT);
                        return;
                    }
                    src.get(i).weight()[0] = w;
                }
            } else if (op != SetOp.DIFF && !cardinalityOnly && remaining >= 2 && Args.is(o, "aggregate")) {
                byte[] a = argv[j + 1];
                if (Args.is(a, "sum")) agg = Aggregate.SUM;
                else if (Args.is(a, "min")) agg = Aggregate.MIN;
                else if (Args.is(a, "max")) agg = Aggregate.MAX;
                else {
                    c.error(Errors.SYNTAX);
                    return;
                }
                j += 2;
                remaining -= 2;
            } else if (dstKey == null && !cardinalityOnly && Args.is(o, "withscores")) {
                j++;
                remaining--;
                withScores = true;
            } else if (cardinalityOnly && remaining >= 2 && Args.is(o, "limit")) {
                Long l = Bytes.parseLong(argv[j + 1]);
                if (l == null || l < 0) {
                    c.error(LIMIT_NEGATIVE);
                    return;
                }
                limit = l;
                j += 2;
                remaining -= 2;
            } else {
                c.error(Errors.SYNTAX);
                return;
            }
        }
        // smallest first (a stable sort, as glibc's qsort): fewer lookups, and the order of SUMs
        if (op != SetOp.DIFF) src.sort(Comparator.comparingInt(Source::length));

        ZSetValue dst = new ZSetValue();
        dst.convertToSkiplist();
        long[] maxLen = new long[1];
        long cardinality = 0;
        if (op == SetOp.INTER) {
            if (src.get(0).length() > 0) {
                Source first = src.get(0);
                List<byte[]> members = new ArrayList<>();
                List<Double> firstScores = new ArrayList<>();
                first.forEach((m, s) -> {
                    members.add(m);
                    firstScores.add(s);
                });
                for (int k = 0; k < members.size(); k++) {
                    byte[] m = members.get(k);
                    double zs = firstScores.get(k);
                    double score = first.weight()[0] * zs;
                    if (Double.isNaN(score)) score = 0;
                    int i = 1;
                    for (; i < n; i++) {
                        Source s = src.get(i);
                        if (s.value() == first.value()) {
                            score = aggregate(score, zs * s.weight()[0], agg);
                            continue;
                        }
                        Double v = s.find(m);
                        if (v == null) break;
                        score = aggregate(score, v * s.weight()[0], agg);
                    }
                    if (i < n) continue;
                    if (cardinalityOnly) {
                        cardinality++;
                        if (limit > 0 && cardinality >= limit) break;
                    } else {
                        dst.list().insert(m, score);
                        maxLen[0] = Math.max(maxLen[0], m.length);
                    }
                }
            }
        } else if (op == SetOp.UNION) {
            Map<ByteString, double[]> acc = new HashMap<>();
            List<ByteString> order = new ArrayList<>();
            final Aggregate how = agg;
            for (Source s : src) {
                if (s.length() == 0) continue;
                double w = s.weight()[0];
                s.forEach((m, sc) -> {
                    double score = w * sc;
                    if (Double.isNaN(score)) score = 0;
                    ByteString k = ByteString.of(m);
                    double[] cur = acc.get(k);
                    if (cur == null) {
                        acc.put(k, new double[]{score});
                        order.add(k);
                        maxLen[0] = Math.max(maxLen[0], m.length);
                    } else {
                        cur[0] = aggregate(cur[0], score, how);
                    }
                });
            }
            for (ByteString k : order) dst.list().insert(k.bytes(), acc.get(k)[0]);
        } else {
            Source first = src.get(0);
            first.forEach((m, sc) -> {
                for (int i = 1; i < n; i++) {
                    Source s = src.get(i);
                    if (s.value() == first.value() || s.find(m) != null) return;
                }
                dst.list().insert(m, sc);
                maxLen[0] = Math.max(maxLen[0], m.length);
            });
        }

        if (dstKey != null) {
            if (dst.size() > 0) {
                if (dst.size() <= maxEntries(c) && maxLen[0] <= maxValue(c)) dst.convertToListpack();
                c.db.put(dstKey, dst);
                Notify.event(c, Notify.ZSET, op == SetOp.UNION ? "zunionstore" : op == SetOp.INTER ? "zinterstore" : "zdiffstore", dstKey);
                c.integer(dst.size());
            } else {
                c.integer(0);
                if (c.db.delete(dstKey)) Notify.event(c, Notify.GENERIC, "del", dstKey);
            }
        } else if (cardinalityOnly) {
            c.integer(cardinality);
        } else {
            List<Node> nodes = new ArrayList<>(dst.size());
            for (Node x = dst.list().first(); x != null; x = x.next()) nodes.add(x);
            replyNodes(c, nodes, withScores);
        }
    }

    // ---- ZRANDMEMBER -----------------------------------------------------------------

    void zrandmember(Client c, byte[][] argv) {
        if (argv.length >= 3) {
            Long l = Args.integer(c, argv[2]);
            if (l == null) return;
            if (l == Long.MIN_VALUE) {
                c.error(RANDMEMBER_RANGE);
                return;
            }
            if (argv.length > 4 || (argv.length == 4 && !Args.is(argv[3], "withscores"))) {
                c.error(Errors.SYNTAX);
                return;
            }
            zrandmemberWithCount(c, argv, l, argv.length == 4);
            return;
        }
        Entry e = c.db.lookupRead(argv[1]);
        if (e == null) {
            c.nullBulk();
            return;
        }
        ZSetValue z = zsetOrWrongType(c, e);
        if (z == null) return;
        c.bulk(z.list().random().member());
    }

    private void zrandmemberWithCount(Client c, byte[][] argv, long l, boolean withScores) {
        Entry e = c.db.lookupRead(argv[1]);
        if (e == null) {
            c.emptyArray();
            return;
        }
        ZSetValue z = zsetOrWrongType(c, e);
        if (z == null) return;
        ZSkipList list = z.list();
        long size = z.size();
        boolean unique = l >= 0;
        long count = unique ? l : -l;
        if (count == 0) {
            c.emptyArray();
            return;
        }
        // case 1: repetitions allowed (or a single member): independent draws
        if (!unique || count == 1) {
            // a reply that cannot fit one 2 GB buffer (redis-server dies trying): refused before any byte
            if (count > Integer.MAX_VALUE / (withScores ? 16 : 8)) {
                c.error(RANDMEMBER_TOO_MANY);
                return;
            }
            c.array(withScores && c.resp == 2 ? count * 2 : count);
            for (long k = 0; k < count; k++) {
                Node x = list.random();
                if (withScores && c.resp > 2) c.array(2);
                c.bulk(x.member());
                if (withScores) c.doubleReply(x.score());
            }
            return;
        }
        List<Node> picked = new ArrayList<>();
        if (count >= size) {
            // case 2: the whole set, as Redis 7.0.15's zset iterator walks it: from the tail
            for (Node x = list.last(); x != null; x = x.prev()) picked.add(x);
        } else {
            // cases 3 and 4: count distinct members, in no particular order
            ThreadLocalRandom r = ThreadLocalRandom.current();
            if (count * 3 > size) {
                List<Node> all = new ArrayList<>((int) size);
                for (Node x = list.first(); x != null; x = x.next()) all.add(x);
                for (int i = all.size() - 1; i > 0; i--) {
                    int k = r.nextInt(i + 1);
                    Node t = all.get(i);
                    all.set(i, all.get(k));
                    all.set(k, t);
                }
                picked.addAll(all.subList(0, (int) count));
            } else {
                HashSet<Node> seen = new HashSet<>();
                while (picked.size() < count) {
                    Node x = list.random();
                    if (seen.add(x)) picked.add(x);
                }
            }
        }
        replyNodes(c, picked, withScores);
    }

    // ---- pops ------------------------------------------------------------------------

    /**
     * Redis's genericZpopCommand on one zset known to exist and be non-empty: pops up to
     * count members (count -1: one, the plain form) and replies in the requested shape.
     * Returns how many were popped.
     */
    private static long pop(Client c, Entry e, ZSetValue z, byte[] key, boolean max, long count,
                            boolean emitKey, boolean nested) {
        if (count == -1) count = 1;
        long len = z.size();
        long n = Math.min(count, len);
        if (!nested && !emitKey) {
            c.array(n * 2);
        } else if (nested && !emitKey) {
            c.array(n);
        } else if (!nested) {
            c.array(n * 2 + 1);
            c.bulk(key);
        } else {
            c.array(2);
            c.bulk(key);
            c.array(n);
        }
        c.db.mutating(e);
        ZSkipList l = z.list();
        for (long k = 0; k < n; k++) {
            Node x = max ? l.last() : l.first();
            l.remove(x);
            if (nested) c.array(2);
            c.bulk(x.member());
            c.doubleReply(x.score());
        }
        Notify.event(c, Notify.ZSET, max ? "zpopmax" : "zpopmin", key);
        Notify.deleteIfEmpty(c, c.db, e);
        countChanges(c, n);
        return n;
    }

    void zpop(Client c, byte[][] argv, boolean max) {
        if (argv.length > 3) {
            c.error(Errors.SYNTAX);
            return;
        }
        long count = -1;
        if (argv.length == 3) {
            Long v = Bytes.parseLong(argv[2]);
            if (v == null || v < 0) {
                c.error(Errors.OUT_OF_RANGE_POSITIVE);
                return;
            }
            count = v;
        }
        boolean nested = c.resp > 2 && count != -1;
        Entry e = c.db.find(argv[1]);
        if (e == null) {
            c.emptyArray();
            return;
        }
        ZSetValue z = zsetOrWrongType(c, e);
        if (z == null) return;
        if (count == 0) {
            c.emptyArray();
            return;
        }
        pop(c, e, z, argv[1], max, count, false, nested);
    }

    /** ZMPOP numkeys key ... MIN|MAX [COUNT n] (and BZMPOP timeout numkeys ...). */
    void zmpop(Client c, byte[][] argv, int numkeysIdx, boolean blocking) {
        Long numkeys = Bytes.parseLong(argv[numkeysIdx]);
        if (numkeys == null || numkeys < 1) {
            c.error(NUMKEYS);
            return;
        }
        long whereIdx = numkeysIdx + numkeys + 1;
        if (whereIdx < 0 || whereIdx >= argv.length) {
            c.error(Errors.SYNTAX);
            return;
        }
        boolean max;
        if (Args.is(argv[(int) whereIdx], "min")) max = false;
        else if (Args.is(argv[(int) whereIdx], "max")) max = true;
        else {
            c.error(Errors.SYNTAX);
            return;
        }
        long count = -1;
        for (int j = (int) whereIdx + 1; j < argv.length; j++) {
            boolean more = j < argv.length - 1;
            if (count == -1 && Args.is(argv[j], "count") && more) {
                j++;
                Long v = Bytes.parseLong(argv[j]);
                if (v == null || v < 1) {
                    c.error(COUNT_POSITIVE);
                    return;
                }
                count = v;
            } else {
                c.error(Errors.SYNTAX);
                return;
            }
        }
        if (count == -1) count = 1;
        byte[][] keys = Arrays.copyOfRange(argv, numkeysIdx + 1, (int) whereIdx);
        if (blocking) {
            blockingPop(c, keys, max, argv[1], count, true);
            return;
        }
        for (byte[] key : keys) {
            Entry e = c.db.find(key);
            if (e == null) continue;
            ZSetValue z = zsetOrWrongType(c, e);
            if (z == null) return;
            long n = pop(c, e, z, key, max, count, true, true);
            c.propagate(max ? ZPOPMAX : ZPOPMIN, key, Bytes.fromLong(n));
            return;
        }
        c.nullArray();
    }

    void bzpop(Client c, byte[][] argv, boolean max) {
        blockingPop(c, Arrays.copyOfRange(argv, 1, argv.length - 1), max, argv[argv.length - 1], -1, false);
    }

    /**
     * Redis's blockingGenericZpopCommand: pops from the first non-empty key at once, else
     * blocks; served pops propagate as ZPOPMIN/ZPOPMAX with the count actually popped.
     */
    private void blockingPop(Client c, byte[][] keys, boolean max, byte[] timeoutArg, long count, boolean nested) {
        Long timeout = Args.timeoutMillis(c, timeoutArg);
        if (timeout == null) return;
        for (byte[] key : keys) {
            Entry e = c.db.find(key);
            if (e == null) continue;
            ZSetValue z = zsetOrWrongType(c, e);
            if (z == null) return;
            if (z.size() == 0) continue;
            servePop(c, e, z, key, max, count, nested);
            return;
        }
        BlockingRegistry blocking = c.node().blocking();
        if (!blocking.mayBlock(c)) {
            // inside EXEC (CLIENT_DENY_BLOCKING): an immediate timeout
            c.nullArray();
            return;
        }
        blocking.block(c, keys, timeout, new BlockingRegistry.Waiter() {
            @Override
            public boolean tryServe(Client cl, byte[] key) {
                Entry e = cl.db.find(key);
                if (e == null || !(e.value instanceof ZSetValue z) || z.size() == 0) return false;
                servePop(cl, e, z, key, max, count, nested);
                return true;
            }

            @Override
            public void timeout(Client cl) {
                cl.nullArray();
            }
        });
    }

    private static void servePop(Client c, Entry e, ZSetValue z, byte[] key, boolean max, long count, boolean nested) {
        long n = pop(c, e, z, key, max, count, true, nested);
        if (count == -1) c.propagate(max ? ZPOPMAX : ZPOPMIN, key);
        else c.propagate(max ? ZPOPMAX : ZPOPMIN, key, Bytes.fromLong(n));
    }

    // ---- ZSCAN -----------------------------------------------------------------------

    void zscan(Client c, byte[][] argv) {
        Long cursorArg = parseCursor(argv[2]);
        if (cursorArg == null) {
            c.error(INVALID_CURSOR);
            return;
        }
        Entry e = c.db.lookupRead(argv[1]);
        if (e == null) {
            c.array(2);
            c.bulk(ZERO);
            c.emptyArray();
            return;
        }
        ZSetValue z = zsetOrWrongType(c, e);
        if (z == null) return;
        long count = 10;
        byte[] pattern = null;
        for (int i = 3; i < argv.length; ) {
            int left = argv.length - i;
            if (Args.is(argv[i], "count") && left >= 2) {
                Long v = Args.integer(c, argv[i + 1]);
                if (v == null) return;
                if (v < 1) {
                    c.error(Errors.SYNTAX);
                    return;
                }
                count = v;
                i += 2;
            } else if (Args.is(argv[i], "match") && left >= 2) {
                byte[] p = argv[i + 1];
                pattern = p.length == 1 && p[0] == '*' ? null : p;
                i += 2;
            } else {
                c.error(Errors.SYNTAX);
                return;
            }
        }
        List<Node> found = new ArrayList<>();
        long cursor = cursorArg;
        if (z.isListpack()) {
            for (Node x = z.list().first(); x != null; x = x.next()) found.add(x);
            cursor = 0;
        } else {
            long maxIterations = count * 10;
            do {
                cursor = z.list().scan(cursor, found::add);
            } while (cursor != 0 && maxIterations-- > 0 && found.size() < count);
        }
        if (pattern != null) {
            final byte[] p = pattern;
            found.removeIf(x -> !Glob.match(p, x.member(), false));
        }
        c.array(2);
        c.bulk(Bytes.utf8(Long.toUnsignedString(cursor)));
        c.array(found.size() * 2L);
        for (Node x : found) {
            c.bulk(x.member());
            c.bulk(scanScore(x.score(), z.isListpack()));
        }
    }

    /**
     * A score as ZSCAN shows it: a listpack holds integral scores within long long's half
     * range as integers (t_zset.c zzlInsertAt, double2ll) and returns them in full; a
     * skiplist's are printed by d2string, which is "%.17g" for them all.
     */
    static byte[] scanScore(double d, boolean listpack) {
        if (listpack && d >= -4611686018427387903.0 && d <= 4611686018427387903.0 && (double) (long) d == d) {
            return Bytes.fromLong((long) d);
        }
        return Bytes.utf8(DoubleFormat.g17(d));
    }

    /** Redis's parseScanCursorOrReply: C's strtoul (blanks, a sign, wrapping negatives; "" is 0). */
    static Long parseCursor(byte[] s) {
        if (s.length > 0 && ZRangeSpec.isSpace(s[0])) return null;
        int n = s.length;
        for (int k = 0; k < s.length; k++) {
            if (s[k] == 0) {
                n = k;
                break;
            }
        }
        int i = 0;
        boolean neg = false;
        if (i < n && (s[i] == '+' || s[i] == '-')) {
            neg = s[i] == '-';
            i++;
        }
        int digitsStart = i;
        long v = 0;
        boolean overflow = false;
        while (i < n && s[i] >= '0' && s[i] <= '9') {
            int d = s[i] - '0';
            if (Long.compareUnsigned(v, Long.divideUnsigned(-1L - d, 10)) > 0) overflow = true;
            v = v * 10 + d;
            i++;
        }
        if (i == digitsStart) return n == 0 ? 0L : null; // nothing converted: valid only for ""
        if (i != n || overflow) return null;
        return neg ? -v : v;
    }
}
