package io.meridian.node.commands;

import io.meridian.node.command.CommandFamily;
import io.meridian.node.command.CommandTable;
import io.meridian.node.command.KeyFinder;
import io.meridian.node.keyspace.Database;
import io.meridian.node.keyspace.Entry;
import io.meridian.node.keyspace.ListValue;
import io.meridian.node.server.BlockingRegistry;
import io.meridian.node.server.Client;
import io.meridian.node.util.Bytes;

import java.util.Arrays;

import static io.meridian.node.command.CommandSpec.command;

/**
 * List commands, as Redis 7.0's t_list.c: pushes and pops at both ends, ranges, LPOS,
 * LMOVE/LMPOP and their blocking forms. A blocking pop that finds data behaves like its
 * non-blocking twin and propagates as it (BLPOP as LPOP key, BLMOVE as LMOVE, BLMPOP as
 * LPOP key count); one that blocks propagates only when it is served, the same way.
 */
public final class ListCommands implements CommandFamily {
    private static final byte[] LPOP = Bytes.utf8("LPOP");
    private static final byte[] RPOP = Bytes.utf8("RPOP");
    private static final byte[] LMOVE = Bytes.utf8("LMOVE");
    private static final byte[] RPOPLPUSH = Bytes.utf8("RPOPLPUSH");
    private static final byte[] LEFT = Bytes.utf8("left");
    private static final byte[] RIGHT = Bytes.utf8("right");

    static final String RANK_ZERO = "ERR RANK can't be zero: use 1 to start from the first match, "
            + "2 from the second ... or use negative to start from the end of the list";
    static final String COUNT_NEGATIVE = "ERR COUNT can't be negative";
    static final String MAXLEN_NEGATIVE = "ERR MAXLEN can't be negative";
    static final String NUMKEYS = "ERR numkeys should be greater than 0";
    static final String MPOP_COUNT = "ERR count should be greater than 0";

    @Override
    public void register(CommandTable t) {
        t.add(command("lpush", -3).flags("write denyoom fast").keys(1, 1, 1).acl("@list")
                .doc("list", "1.0.0", "Prepend one or multiple elements to a list")
                .complexity("O(1) for each element added, so O(N) to add N elements when the command is called with multiple arguments.").keySpecFlags("RW insert")
                .run((c, a) -> push(c, a, true, false)));
        t.add(command("rpush", -3).flags("write denyoom fast").keys(1, 1, 1).acl("@list")
                .doc("list", "1.0.0", "Append one or multiple elements to a list")
                .complexity("O(1) for each element added, so O(N) to add N elements when the command is called with multiple arguments.").keySpecFlags("RW insert")
                .run((c, a) -> push(c, a, false, false)));
        t.add(command("lpushx", -3).flags("write denyoom fast").keys(1, 1, 1).acl("@list")
                .doc("list", "2.2.0", "Prepend an element to a list, only if the list exists")
                .complexity("O(1) for each element added, so O(N) to add N elements when the command is called with multiple arguments.").keySpecFlags("RW insert")
                .run((c, a) -> push(c, a, true, true)));
        t.add(command("rpushx", -3).flags("write denyoom fast").keys(1, 1, 1).acl("@list")
                .doc("list", "2.2.0", "Append an element to a list, only if the list exists")
                .complexity("O(1) for each element added, so O(N) to add N elements when the command is called with multiple arguments.").keySpecFlags("RW insert")
                .run((c, a) -> push(c, a, false, true)));
        t.add(command("lpop", -2).flags("write fast").keys(1, 1, 1).acl("@list")
                .doc("list", "1.0.0", "Remove and get the first elements in a list")
                .complexity("O(N) where N is the number of elements returned").keySpecFlags("RW access delete")
                .run((c, a) -> pop(c, a, true)));
        t.add(command("rpop", -2).flags("write fast").keys(1, 1, 1).acl("@list")
                .doc("list", "1.0.0", "Remove and get the last elements in a list")
                .complexity("O(N) where N is the number of elements returned").keySpecFlags("RW access delete")
                .run((c, a) -> pop(c, a, false)));
        t.add(command("llen", 2).flags("readonly fast").keys(1, 1, 1).acl("@list")
                .doc("list", "1.0.0", "Get the length of a list")
                .complexity("O(1)").keySpecFlags("RO")
                .run(this::llen));
        t.add(command("lrange", 4).flags("readonly").keys(1, 1, 1).acl("@list")
                .doc("list", "1.0.0", "Get a range of elements from a list")
                .complexity("O(S+N) where S is the distance of start offset from HEAD for small lists, from nearest end (HEAD or TAIL) for large lists; and N is the number of elements in the specified range.").keySpecFlags("RO access")
                .run(this::lrange));
        t.add(command("lindex", 3).flags("readonly").keys(1, 1, 1).acl("@list")
                .doc("list", "1.0.0", "Get an element from a list by its index")
                .complexity("O(N) where N is the number of elements to traverse to get to the element at index. This makes asking for the first or the last element of the list O(1).").keySpecFlags("RO access")
                .run(this::lindex));
        t.add(command("lset", 4).flags("write denyoom").keys(1, 1, 1).acl("@list")
                .doc("list", "1.0.0", "Set the value of an element in a list by its index")
                .complexity("O(N) where N is the length of the list. Setting either the first or the last element of the list is O(1).").keySpecFlags("RW update")
                .run(this::lset));
        t.add(command("linsert", 5).flags("write denyoom").keys(1, 1, 1).acl("@list")
                .doc("list", "2.2.0", "Insert an element before or after another element in a list")
                .complexity("O(N) where N is the number of elements to traverse before seeing the value pivot. This means that inserting somewhere on the left end on the list (head) can be considered O(1) and inserting somewhere on the right end (tail) is O(N).").keySpecFlags("RW insert")
                .run(this::linsert));
        t.add(command("lrem", 4).flags("write").keys(1, 1, 1).acl("@list")
                .doc("list", "1.0.0", "Remove elements from a list")
                .complexity("O(N+M) where N is the length of the list and M is the number of elements removed.").keySpecFlags("RW delete")
                .run(this::lrem));
        t.add(command("ltrim", 4).flags("write").keys(1, 1, 1).acl("@list")
                .doc("list", "1.0.0", "Trim a list to the specified range")
                .complexity("O(N) where N is the number of elements to be removed by the operation.").keySpecFlags("RW delete")
                .run(this::ltrim));
        t.add(command("lpos", -3).flags("readonly").keys(1, 1, 1).acl("@list")
                .doc("list", "6.0.6", "Return the index of matching elements on a list")
                .complexity("O(N) where N is the number of elements in the list, for the average case. When searching for elements near the head or the tail of the list, or when the MAXLEN option is provided, the command may run in constant time.").keySpecFlags("RO access")
                .run(this::lpos));
        t.add(command("rpoplpush", 3).flags("write denyoom").keys(1, 2, 1).acl("@list")
                .doc("list", "1.2.0", "Remove the last element in a list, prepend it to another list and return it")
                .complexity("O(1)").keySpec("RW access delete", 1, 0, 1).keySpec("RW insert", 2, 0, 1)
                .run(this::rpoplpush));
        t.add(command("lmove", 5).flags("write denyoom").keys(1, 2, 1).acl("@list")
                .doc("list", "6.2.0", "Pop an element from a list, push it to another list and return it")
                .complexity("O(1)").keySpec("RW access delete", 1, 0, 1).keySpec("RW insert", 2, 0, 1)
                .run(this::lmove));
        t.add(command("lmpop", -4).flags("write").keys(numKeysAt(1)).acl("@list")
                .doc("list", "7.0.0", "Pop elements from a list")
                .complexity("O(N+M) where N is the number of provided keys and M is the number of elements returned.").keySpecKeynum("RW access delete", 1, 0, 1, 1)
                .run((c, a) -> mpop(c, a, 1, false)));
        t.add(command("blpop", -3).flags("write noscript blocking").keys(1, -2, 1).acl("@list")
                .doc("list", "2.0.0", "Remove and get the first element in a list, or block until one is available")
                .complexity("O(N) where N is the number of provided keys.").keySpecFlags("RW access delete")
                .run((c, a) -> bpop(c, a, true)));
        t.add(command("brpop", -3).flags("write noscript blocking").keys(1, -2, 1).acl("@list")
                .doc("list", "2.0.0", "Remove and get the last element in a list, or block until one is available")
                .complexity("O(N) where N is the number of provided keys.").keySpecFlags("RW access delete")
                .run((c, a) -> bpop(c, a, false)));
        t.add(command("brpoplpush", 4).flags("write denyoom noscript blocking").keys(1, 2, 1).acl("@list")
                .doc("list", "2.2.0", "Pop an element from a list, push it to another list and return it; or block until one is available")
                .complexity("O(1)").keySpec("RW access delete", 1, 0, 1).keySpec("RW insert", 2, 0, 1)
                .run(this::brpoplpush));
        t.add(command("blmove", 6).flags("write denyoom noscript blocking").keys(1, 2, 1).acl("@list")
                .doc("list", "6.2.0", "Pop an element from a list, push it to another list and return it; or block until one is available")
                .complexity("O(1)").keySpec("RW access delete", 1, 0, 1).keySpec("RW insert", 2, 0, 1)
                .run(this::blmove));
        t.add(command("blmpop", -5).flags("write blocking").keys(numKeysAt(2)).acl("@list")
                .doc("list", "7.0.0", "Pop elements from a list, or block until one is available")
                .complexity("O(N+M) where N is the number of provided keys and M is the number of elements returned.").keySpecKeynum("RW access delete", 2, 0, 1, 1)
                .run((c, a) -> mpop(c, a, 2, true)));
    }

    /** LMPOP / BLMPOP key positions: numkeys at argv[idx], then that many keys. */
    static KeyFinder numKeysAt(int idx) {
        return argv -> {
            if (argv.length <= idx) return new int[0];
            Long n = Bytes.parseLong(argv[idx]);
            if (n == null || n < 1 || n > argv.length - idx - 1) return new int[0];
            int[] k = new int[n.intValue()];
            for (int i = 0; i < k.length; i++) k[i] = idx + 1 + i;
            return k;
        };
    }

    // ---- helpers -----------------------------------------------------------------------

    /** Replies WRONGTYPE and returns true when e exists and is not a list. */
    private static boolean wrongType(Client c, Entry e) {
        if (e != null && !(e.value instanceof ListValue)) {
            c.error(Errors.WRONGTYPE);
            return true;
        }
        return false;
    }

    /** LEFT / RIGHT (case-insensitive) as head = true / false, or null after a syntax error. */
    private static Boolean position(Client c, byte[] arg) {
        if (Args.is(arg, "right")) return Boolean.FALSE;
        if (Args.is(arg, "left")) return Boolean.TRUE;
        c.error(Errors.SYNTAX);
        return null;
    }

    /** A long in [min, max] with one error text for anything else (getRangeLongFromObjectOrReply with a message). */
    private static Long ranged(Client c, byte[] arg, long min, String error) {
        Long v = Bytes.parseLong(arg);
        if (v == null || v < min) {
            c.error(error);
            return null;
        }
        return v;
    }

    private static void addRange(Client c, ListValue l, long start, long end, boolean reverse) {
        long len = l.size();
        if (start < 0) start = len + start;
        if (end < 0) end = len + end;
        if (start < 0) start = 0;
        if (start > end || start >= len) {
            c.emptyArray();
            return;
        }
        if (end >= len) end = len - 1;
        int s = (int) start, e = (int) end;
        c.array(e - s + 1);
        if (reverse) {
            for (int i = e; i >= s; i--) c.bulk(l.get(i));
        } else {
            for (int i = s; i <= e; i++) c.bulk(l.get(i));
        }
    }

    /** Pops up to count elements from one end, replying them as an array (from that end inwards). */
    private static int popRange(Client c, Entry e, boolean head, long count) {
        ListValue l = (ListValue) e.value;
        int n = (int) Math.min(count, l.size());
        c.db.mutating(e);
        c.array(n);
        for (int i = 0; i < n; i++) c.bulk(head ? l.removeFirst() : l.removeLast());
        Notify.event(c, Notify.LIST, head ? "lpop" : "rpop", e.key);
        Notify.deleteIfEmpty(c, c.db, e);
        return n;
    }

    /** LMPOP-style reply: [key, [elements...]]; returns how many were popped. */
    private static int popRangeWithKey(Client c, Entry e, byte[] key, boolean head, long count) {
        c.array(2);
        c.bulk(key);
        return popRange(c, e, head, count);
    }

    // ---- pushes ------------------------------------------------------------------------

    // LPUSH|RPUSH key element [element ...], LPUSHX|RPUSHX (only when the list exists)
    void push(Client c, byte[][] argv, boolean head, boolean onlyIfExists) {
        Database db = c.db;
        Entry e = db.find(argv[1]);
        if (wrongType(c, e)) return;
        ListValue l;
        if (e == null) {
            if (onlyIfExists) {
                c.integer(0);
                return;
            }
            l = new ListValue();
            pushAll(l, argv, head);
            db.add(argv[1], l);
        } else {
            db.mutating(e);
            l = (ListValue) e.value;
            pushAll(l, argv, head);
        }
        Notify.event(c, Notify.LIST, head ? "lpush" : "rpush", argv[1]);
        c.integer(l.size());
    }

    private static void pushAll(ListValue l, byte[][] argv, boolean head) {
        for (int j = 2; j < argv.length; j++) {
            if (head) l.addFirst(argv[j]);
            else l.addLast(argv[j]);
        }
    }

    // LINSERT key BEFORE|AFTER pivot element
    void linsert(Client c, byte[][] argv) {
        boolean after;
        if (Args.is(argv[2], "after")) {
            after = true;
        } else if (Args.is(argv[2], "before")) {
            after = false;
        } else {
            c.error(Errors.SYNTAX);
            return;
        }
        Entry e = c.db.find(argv[1]);
        if (e == null) {
            c.integer(0);
            return;
        }
        if (wrongType(c, e)) return;
        ListValue l = (ListValue) e.value;
        int i = l.indexOf(argv[3]);
        if (i < 0) {
            c.integer(-1);
            return;
        }
        c.db.mutating(e);
        l.insert(after ? i + 1 : i, argv[4]);
        Notify.event(c, Notify.LIST, "linsert", argv[1]);
        c.integer(l.size());
    }

    // ---- reads -------------------------------------------------------------------------

    void llen(Client c, byte[][] argv) {
        Entry e = c.db.lookupRead(argv[1]);
        if (e == null) {
            c.integer(0);
            return;
        }
        if (wrongType(c, e)) return;
        c.integer(((ListValue) e.value).size());
    }

    // LINDEX key index: the key is looked up before the index is parsed, as in Redis
    void lindex(Client c, byte[][] argv) {
        Entry e = c.db.lookupRead(argv[1]);
        if (e == null) {
            c.nullBulk();
            return;
        }
        if (wrongType(c, e)) return;
        Long index = Args.integer(c, argv[2]);
        if (index == null) return;
        ListValue l = (ListValue) e.value;
        long i = index < 0 ? l.size() + index : index;
        if (i < 0 || i >= l.size()) c.nullBulk();
        else c.bulk(l.get((int) i));
    }

    void lrange(Client c, byte[][] argv) {
        Long start = Args.integer(c, argv[2]);
        if (start == null) return;
        Long end = Args.integer(c, argv[3]);
        if (end == null) return;
        Entry e = c.db.lookupRead(argv[1]);
        if (e == null) {
            c.emptyArray();
            return;
        }
        if (wrongType(c, e)) return;
        addRange(c, (ListValue) e.value, start, end, false);
    }

    // LPOS key element [RANK rank] [COUNT num-matches] [MAXLEN len]
    void lpos(Client c, byte[][] argv) {
        long rank = 1, count = -1, maxlen = 0;
        for (int j = 3; j < argv.length; j++) {
            boolean more = j + 1 < argv.length;
            if (Args.is(argv[j], "rank") && more) {
                Long r = Args.integer(c, argv[++j]);
                if (r == null) return;
                if (r == 0) {
                    c.error(RANK_ZERO);
                    return;
                }
                rank = r;
            } else if (Args.is(argv[j], "count") && more) {
                Long n = ranged(c, argv[++j], 0, COUNT_NEGATIVE);
                if (n == null) return;
                count = n;
            } else if (Args.is(argv[j], "maxlen") && more) {
                Long n = ranged(c, argv[++j], 0, MAXLEN_NEGATIVE);
                if (n == null) return;
                maxlen = n;
            } else {
                c.error(Errors.SYNTAX);
                return;
            }
        }
        boolean fromTail = false;
        if (rank < 0) {
            rank = -rank; // Long.MIN_VALUE stays negative, as in C: every match then qualifies
            fromTail = true;
        }
        Entry e = c.db.lookupRead(argv[1]);
        if (e == null) {
            if (count != -1) c.emptyArray();
            else c.nullBulk();
            return;
        }
        if (wrongType(c, e)) return;
        ListValue l = (ListValue) e.value;
        int len = l.size();
        byte[] ele = argv[2];
        long matches = 0;
        long single = -1;
        long[] found = count != -1 ? new long[Math.min(len, 16)] : null;
        int nfound = 0;
        for (int index = 0; index < len && (maxlen == 0 || index < maxlen); index++) {
            int pos = fromTail ? len - index - 1 : index;
            if (!Arrays.equals(l.get(pos), ele)) continue;
            matches++;
            if (matches >= rank) {
                if (found != null) {
                    if (nfound == found.length) found = Arrays.copyOf(found, Math.min(len, found.length * 2));
                    found[nfound++] = pos;
                    if (count != 0 && matches - rank + 1 >= count) break;
                } else {
                    single = pos;
                    break;
                }
            }
        }
        if (found != null) {
            c.array(nfound);
            for (int i = 0; i < nfound; i++) c.integer(found[i]);
        } else if (single >= 0) {
            c.integer(single);
        } else {
            c.nullBulk();
        }
    }

    // ---- in-place writes ---------------------------------------------------------------

    // LSET key index element
    void lset(Client c, byte[][] argv) {
        Entry e = c.db.find(argv[1]);
        if (e == null) {
            c.error(Errors.NO_SUCH_KEY);
            return;
        }
        if (wrongType(c, e)) return;
        Long index = Args.integer(c, argv[2]);
        if (index == null) return;
        ListValue l = (ListValue) e.value;
        long i = index < 0 ? l.size() + index : index;
        if (i < 0 || i >= l.size()) {
            c.error(Errors.INDEX_OUT_OF_RANGE);
            return;
        }
        c.db.mutating(e);
        l.set((int) i, argv[3]);
        Notify.event(c, Notify.LIST, "lset", argv[1]);
        c.ok();
    }

    // LREM key count element: count > 0 from the head, < 0 from the tail, 0 all
    void lrem(Client c, byte[][] argv) {
        Long toRemove = Args.integer(c, argv[2]);
        if (toRemove == null) return;
        Entry e = c.db.find(argv[1]);
        if (e == null) {
            c.integer(0);
            return;
        }
        if (wrongType(c, e)) return;
        ListValue l = (ListValue) e.value;
        if (l.indexOf(argv[3]) < 0) {
            c.integer(0);
            return;
        }
        long n = toRemove;
        boolean fromTail = n < 0;
        if (fromTail) n = -n; // Long.MIN_VALUE stays negative: never reached, so all go, as in C
        c.db.mutating(e);
        long removed = l.removeEqual(argv[3], n < 0 ? 0 : n, fromTail);
        Notify.event(c, Notify.LIST, "lrem", argv[1]);
        Notify.deleteIfEmpty(c, c.db, e);
        c.integer(removed);
    }

    // LTRIM key start stop
    void ltrim(Client c, byte[][] argv) {
        Long startArg = Args.integer(c, argv[2]);
        if (startArg == null) return;
        Long endArg = Args.integer(c, argv[3]);
        if (endArg == null) return;
        Entry e = c.db.find(argv[1]);
        if (e == null) {
            c.ok();
            return;
        }
        if (wrongType(c, e)) return;
        ListValue l = (ListValue) e.value;
        long len = l.size(), start = startArg, end = endArg;
        if (start < 0) start = len + start;
        if (end < 0) end = len + end;
        if (start < 0) start = 0;
        long ltrim, rtrim;
        if (start > end || start >= len) {
            ltrim = len;
            rtrim = 0;
        } else {
            if (end >= len) end = len - 1;
            ltrim = start;
            rtrim = len - end - 1;
        }
        // Redis signals the key modified (WATCH) even when nothing goes, but then has nothing to propagate
        c.db.mutating(e);
        if (ltrim + rtrim == 0) {
            c.preventPropagation = true;
        } else {
            l.removeRange((int) (len - rtrim), (int) rtrim);
            l.removeRange(0, (int) ltrim);
        }
        Notify.event(c, Notify.LIST, "ltrim", argv[1]);
        Notify.deleteIfEmpty(c, c.db, e);
        c.ok();
    }

    // ---- pops --------------------------------------------------------------------------

    // LPOP|RPOP key [count]
    void pop(Client c, byte[][] argv, boolean head) {
        if (argv.length > 3) {
            c.error("ERR wrong number of arguments for '" + (head ? "lpop" : "rpop") + "' command");
            return;
        }
        boolean hasCount = argv.length == 3;
        long count = 0;
        if (hasCount) {
            Long n = ranged(c, argv[2], 0, Errors.OUT_OF_RANGE_POSITIVE);
            if (n == null) return;
            count = n;
        }
        Entry e = c.db.find(argv[1]);
        if (e == null) {
            if (hasCount) c.nullArray();
            else c.nullBulk();
            return;
        }
        if (wrongType(c, e)) return;
        if (hasCount && count == 0) {
            c.emptyArray();
            return;
        }
        if (!hasCount) {
            ListValue l = (ListValue) e.value;
            c.db.mutating(e);
            c.bulk(head ? l.removeFirst() : l.removeLast());
            Notify.event(c, Notify.LIST, head ? "lpop" : "rpop", argv[1]);
            Notify.deleteIfEmpty(c, c.db, e);
        } else {
            popRange(c, e, head, count);
        }
    }

    // LMPOP numkeys key [key ...] LEFT|RIGHT [COUNT count]
    // BLMPOP timeout numkeys key [key ...] LEFT|RIGHT [COUNT count]
    void mpop(Client c, byte[][] argv, int numKeysIdx, boolean blocking) {
        Long numKeys = ranged(c, argv[numKeysIdx], 1, NUMKEYS);
        if (numKeys == null) return;
        if (numKeys > argv.length - numKeysIdx - 2) {
            c.error(Errors.SYNTAX);
            return;
        }
        int whereIdx = numKeysIdx + numKeys.intValue() + 1;
        Boolean head = position(c, argv[whereIdx]);
        if (head == null) return;
        long count = -1;
        for (int j = whereIdx + 1; j < argv.length; j++) {
            if (count == -1 && Args.is(argv[j], "count") && j + 1 < argv.length) {
                Long n = ranged(c, argv[++j], 1, MPOP_COUNT);
                if (n == null) return;
                count = n;
            } else {
                c.error(Errors.SYNTAX);
                return;
            }
        }
        if (count == -1) count = 1;
        byte[][] keys = Arrays.copyOfRange(argv, numKeysIdx + 1, whereIdx);
        if (blocking) {
            // BLMPOP parses its timeout only after the rest, as Redis does
            Long timeout = Args.timeoutMillis(c, argv[1]);
            if (timeout == null) return;
            popOrBlock(c, keys, head, count, timeout);
            return;
        }
        for (byte[] key : keys) {
            Entry e = c.db.find(key);
            if (e == null) continue;
            if (wrongType(c, e)) return;
            int n = popRangeWithKey(c, e, key, head, count);
            c.propagate(head ? LPOP : RPOP, key, Bytes.fromLong(n));
            return;
        }
        c.nullArray();
    }

    // LMOVE source destination LEFT|RIGHT LEFT|RIGHT
    void lmove(Client c, byte[][] argv) {
        Boolean from = position(c, argv[3]);
        if (from == null) return;
        Boolean to = position(c, argv[4]);
        if (to == null) return;
        move(c, argv[1], argv[2], from, to);
    }

    // RPOPLPUSH source destination
    void rpoplpush(Client c, byte[][] argv) {
        move(c, argv[1], argv[2], false, true);
    }

    /** LMOVE's body; false when nothing moved (null or error replied). */
    private static boolean move(Client c, byte[] src, byte[] dst, boolean fromHead, boolean toHead) {
        Entry s = c.db.find(src);
        if (s == null) {
            c.nullBulk();
            return false;
        }
        if (wrongType(c, s)) return false;
        Entry d = c.db.find(dst);
        if (wrongType(c, d)) return false;
        moveElement(c, s, dst, d, fromHead, toHead);
        return true;
    }

    /** Pops from s, pushes onto dst (creating it), replies the element; types already checked. */
    private static void moveElement(Client c, Entry s, byte[] dst, Entry d, boolean fromHead, boolean toHead) {
        Database db = c.db;
        ListValue sl = (ListValue) s.value;
        db.mutating(s);
        byte[] v = fromHead ? sl.removeFirst() : sl.removeLast();
        if (d == null) {
            ListValue dl = new ListValue();
            dl.addLast(v);
            db.add(dst, dl);
        } else {
            db.mutating(d);
            ListValue dl = (ListValue) d.value;
            if (toHead) dl.addFirst(v);
            else dl.addLast(v);
        }
        Notify.event(c, Notify.LIST, toHead ? "lpush" : "rpush", dst);
        Notify.event(c, Notify.LIST, fromHead ? "lpop" : "rpop", s.key);
        Notify.deleteIfEmpty(c, db, s);
        c.bulk(v);
    }

    // ---- blocking pops -----------------------------------------------------------------

    // BLPOP|BRPOP key [key ...] timeout
    void bpop(Client c, byte[][] argv, boolean head) {
        Long timeout = Args.timeoutMillis(c, argv[argv.length - 1]);
        if (timeout == null) return;
        byte[][] keys = Arrays.copyOfRange(argv, 1, argv.length - 1);
        popOrBlock(c, keys, head, -1, timeout);
    }

    /** BLPOP, BRPOP (count -1: single-element reply) and BLMPOP (count >= 1: nested reply). */
    private void popOrBlock(Client c, byte[][] keys, boolean head, long count, long timeout) {
        for (byte[] key : keys) {
            Entry e = c.db.find(key);
            if (e == null) continue;
            if (wrongType(c, e)) return;
            popServing(c, e, key, head, count);
            return;
        }
        BlockingRegistry blocking = c.node().blocking();
        if (!blocking.mayBlock(c)) {
            c.nullArray();
            return;
        }
        blocking.block(c, keys, timeout, new BlockingRegistry.Waiter() {
            @Override
            public boolean tryServe(Client rc, byte[] key) {
                Entry e = rc.db.find(key);
                if (e == null || !(e.value instanceof ListValue)) return false;
                popServing(rc, e, key, head, count);
                return true;
            }

            @Override
            public void timeout(Client rc) {
                rc.nullArray();
            }
        });
    }

    /** Pops for BLPOP/BRPOP/BLMPOP from a non-empty list and records the LPOP/RPOP it stands for. */
    private static void popServing(Client c, Entry e, byte[] key, boolean head, long count) {
        if (count == -1) {
            ListValue l = (ListValue) e.value;
            c.db.mutating(e);
            byte[] v = head ? l.removeFirst() : l.removeLast();
            c.array(2);
            c.bulk(key);
            c.bulk(v);
            Notify.event(c, Notify.LIST, head ? "lpop" : "rpop", key);
            Notify.deleteIfEmpty(c, c.db, e);
            c.propagate(head ? LPOP : RPOP, key);
        } else {
            int n = popRangeWithKey(c, e, key, head, count);
            c.propagate(head ? LPOP : RPOP, key, Bytes.fromLong(n));
        }
    }

    // BLMOVE source destination LEFT|RIGHT LEFT|RIGHT timeout
    void blmove(Client c, byte[][] argv) {
        Boolean from = position(c, argv[3]);
        if (from == null) return;
        Boolean to = position(c, argv[4]);
        if (to == null) return;
        Long timeout = Args.timeoutMillis(c, argv[5]);
        if (timeout == null) return;
        blockingMove(c, argv, from, to, timeout, false);
    }

    // BRPOPLPUSH source destination timeout
    void brpoplpush(Client c, byte[][] argv) {
        Long timeout = Args.timeoutMillis(c, argv[3]);
        if (timeout == null) return;
        blockingMove(c, argv, false, true, timeout, true);
    }

    private void blockingMove(Client c, byte[][] argv, boolean fromHead, boolean toHead, long timeout, boolean rpoplpush) {
        byte[] src = argv[1], dst = argv[2];
        Entry s = c.db.find(src);
        if (wrongType(c, s)) return;
        if (s != null) {
            if (move(c, src, dst, fromHead, toHead)) {
                if (rpoplpush) c.propagate(RPOPLPUSH, src, dst);
                else c.propagate(LMOVE, src, dst, argv[3], argv[4]);
            }
            return;
        }
        BlockingRegistry blocking = c.node().blocking();
        if (!blocking.mayBlock(c)) {
            c.nullBulk();
            return;
        }
        blocking.block(c, new byte[][]{src}, timeout, new BlockingRegistry.Waiter() {
            @Override
            public boolean tryServe(Client rc, byte[] key) {
                Entry se = rc.db.find(key);
                if (se == null || !(se.value instanceof ListValue)) return false;
                Entry de = rc.db.find(dst);
                if (wrongType(rc, de)) return true; // answered with WRONGTYPE and unblocked, nothing moved
                moveElement(rc, se, dst, de, fromHead, toHead);
                if (rpoplpush) rc.propagate(RPOPLPUSH, key, dst);
                else rc.propagate(LMOVE, key, dst, fromHead ? LEFT : RIGHT, toHead ? LEFT : RIGHT);
                return true;
            }

            @Override
            public void timeout(Client rc) {
                rc.nullArray();
            }
        });
    }
}
