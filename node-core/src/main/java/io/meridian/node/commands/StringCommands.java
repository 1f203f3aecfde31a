package io.meridian.node.commands;

import io.meridian.node.command.CommandFamily;
import io.meridian.node.command.CommandTable;
import io.meridian.node.keyspace.Database;
import io.meridian.node.keyspace.Entry;
import io.meridian.node.server.Client;
import io.meridian.node.util.Bytes;

import static io.meridian.node.command.CommandSpec.command;

/** String commands: GET/SET and friends, counters, ranges, LCS. */
public final class StringCommands implements CommandFamily {
    private static final byte[] SET = Bytes.utf8("SET");
    private static final byte[] PXAT = Bytes.utf8("PXAT");

    @Override
    public void register(CommandTable t) {
        t.add(command("get", 2).flags("readonly fast").keys(1, 1, 1).acl("@string")
                .doc("string", "1.0.0", "Returns the string value of a key.").run(this::get));
        t.add(command("set", -3).flags("write denyoom").keys(1, 1, 1).acl("@string")
                .doc("string", "1.0.0", "Sets the string value of a key, ignoring its type. The key is created if it doesn't exist.").run(this::set));
    }

    /** The string at key, or null after replying WRONGTYPE (check c's output) — use {@link #stringOrWrongType}. */
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

    void get(Client c, byte[][] argv) {
        Entry e = c.db.lookupRead(argv[1]);
        Object v = stringOrWrongType(c, e);
        if (v == WRONG) return;
        c.bulkOrNull((byte[]) v);
    }

    // SET key value [NX | XX] [GET] [EX seconds | PX milliseconds | EXAT unix-time-seconds | PXAT unix-time-milliseconds | KEEPTTL]
    void set(Client c, byte[][] argv) {
        boolean nx = false, xx = false, get = false, keepTtl = false;
        String unit = null;
        long expireArg = 0;
        for (int i = 3; i < argv.length; i++) {
            byte[] a = argv[i];
            boolean hasNext = i + 1 < argv.length;
            if (Args.is(a, "nx") && !xx) {
                nx = true;
            } else if (Args.is(a, "xx") && !nx) {
                xx = true;
            } else if (Args.is(a, "get")) {
                get = true;
            } else if (Args.is(a, "keepttl") && unit == null) {
                keepTtl = true;
            } else if ((Args.is(a, "ex") || Args.is(a, "px") || Args.is(a, "exat") || Args.is(a, "pxat"))
                    && unit == null && !keepTtl && hasNext) {
                unit = Bytes.lower(a);
                Long v = Args.integer(c, argv[++i]);
                if (v == null) return;
                expireArg = v;
            } else {
                c.error(Errors.SYNTAX);
                return;
            }
        }
        long expireAt = -1;
        if (unit != null) {
            if (expireArg <= 0) {
                c.error(Errors.invalidExpire("set"));
                return;
            }
            long now = c.db.keyspace().now();
            try {
                expireAt = switch (unit) {
                    case "ex" -> Math.addExact(now, Math.multiplyExact(expireArg, 1000L));
                    case "px" -> Math.addExact(now, expireArg);
                    case "exat" -> Math.multiplyExact(expireArg, 1000L);
                    default -> expireArg;
                };
            } catch (ArithmeticException ex) {
                c.error(Errors.invalidExpire("set"));
                return;
            }
        }
        Database db = c.db;
        Entry e = db.find(argv[1]);
        if (get) {
            Object old = stringOrWrongType(c, e);
            if (old == WRONG) return;
        }
        if ((nx && e != null) || (xx && e == null)) {
            if (get) c.bulkOrNull(e == null ? null : (byte[]) e.value);
            else c.nullBulk();
            return;
        }
        byte[] old = e == null ? null : (e.value instanceof byte[] b ? b : null);
        Entry n = keepTtl ? db.putKeepTtl(argv[1], argv[2]) : db.put(argv[1], argv[2]);
        if (expireAt >= 0) {
            db.setExpire(n, expireAt);
            // relative expiries reach replicas as an absolute time
            c.propagate(SET, argv[1], argv[2], PXAT, Bytes.fromLong(expireAt));
        }
        if (get) c.bulkOrNull(old);
        else c.ok();
    }
}
