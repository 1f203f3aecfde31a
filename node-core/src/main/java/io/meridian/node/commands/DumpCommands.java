package io.meridian.node.commands;

import io.meridian.node.command.CommandFamily;
import io.meridian.node.command.CommandTable;
import io.meridian.node.config.Config;
import io.meridian.node.keyspace.Entry;
import io.meridian.node.rdb.RdbException;
import io.meridian.node.rdb.RdbReader;
import io.meridian.node.rdb.RdbWriter;
import io.meridian.node.server.Client;
import io.meridian.node.util.Bytes;

import java.util.Arrays;

import static io.meridian.node.command.CommandSpec.command;

/**
 * DUMP and RESTORE in Redis's own payload format (cluster.c createDumpPayload / restoreCommand):
 * an RDB object type byte, the value as RDB writes it, the RDB version (2 bytes LE) and the
 * CRC64 of all that (8 bytes LE). A relative RESTORE TTL propagates as an absolute one with
 * ABSTTL, a RESTORE whose TTL is already past as DEL of the replaced key (or nothing).
 */
public final class DumpCommands implements CommandFamily {
    static final String BUSYKEY = "BUSYKEY Target key name already exists.";
    static final String BAD_PAYLOAD = "ERR DUMP payload version or checksum are wrong";
    static final String BAD_FORMAT = "ERR Bad data format";
    static final String BAD_TTL = "ERR Invalid TTL value, must be >= 0";
    static final String BAD_IDLETIME = "ERR Invalid IDLETIME value, must be >= 0";
    static final String BAD_FREQ = "ERR Invalid FREQ value, must be >= 0 and <= 255";
    private static final byte[] ABSTTL = Bytes.utf8("ABSTTL");

    @Override
    public void register(CommandTable t) {
        t.add(command("dump", 2).flags("readonly").keys(1, 1, 1).acl("@keyspace").tips("nondeterministic_output")
                .doc("generic", "2.6.0", "Return a serialized version of the value stored at the specified key.")
                .complexity("O(1) to access the key and additional O(N*M) to serialize it, where N is the number of Redis objects "
                        + "composing the value and M their average size. For small string values the time complexity is thus "
                        + "O(1)+O(1*M) where M is small, so simply O(1).")
                .run(this::dump));
        t.add(command("restore", -4).flags("write denyoom").keys(1, 1, 1).keySpecFlags("OW update").acl("@keyspace @dangerous")
                .doc("generic", "2.6.0", "Create a key using the provided serialized value, previously obtained using DUMP.")
                .complexity("O(1) to create the new key and additional O(N*M) to reconstruct the serialized value, where N is the "
                        + "number of Redis objects composing the value and M their average size. For small string values the time "
                        + "complexity is thus O(1)+O(1*M) where M is small, so simply O(1). However for sorted set values the "
                        + "complexity is O(N*M*log(N)) because inserting values into sorted sets is O(log(N)).")
                .run(this::restore));
    }

    void dump(Client c, byte[][] argv) {
        Entry e = c.db.lookupRead(argv[1]);
        if (e == null) {
            c.nullBulk();
            return;
        }
        c.bulk(RdbWriter.dumpPayload(e.value, RdbWriter.Options.from(c.node().config())));
    }

    void restore(Client c, byte[][] argv) {
        boolean replace = false, absttl = false;
        long idle = -1, freq = -1;
        for (int j = 4; j < argv.length; j++) {
            int additional = argv.length - j - 1;
            if (Args.is(argv[j], "replace")) {
                replace = true;
            } else if (Args.is(argv[j], "absttl")) {
                absttl = true;
            } else if (Args.is(argv[j], "idletime") && additional >= 1 && freq == -1) {
                Long v = Args.integer(c, argv[j + 1]);
                if (v == null) return;
                if (v < 0) {
                    c.error(BAD_IDLETIME);
                    return;
                }
                idle = v;
                j++;
            } else if (Args.is(argv[j], "freq") && additional >= 1 && idle == -1) {
                Long v = Args.integer(c, argv[j + 1]);
                if (v == null) return;
                if (v < 0 || v > 255) {
                    c.error(BAD_FREQ);
                    return;
                }
                freq = v;
                j++;
            } else {
                c.error(Errors.SYNTAX);
                return;
            }
        }
        byte[] key = argv[1];
        if (!replace && c.db.find(key) != null) {
            c.error(BUSYKEY);
            return;
        }
        Long ttl = Args.integer(c, argv[2]);
        if (ttl == null) return;
        if (ttl < 0) {
            c.error(BAD_TTL);
            return;
        }
        byte[] payload = argv[3];
        if (!RdbReader.verifyDumpPayload(payload, true)) {
            c.error(BAD_PAYLOAD);
            return;
        }
        Object value;
        try {
            value = RdbReader.readDumpValue(payload, RdbReader.Limits.from(c.node().config()));
        } catch (RdbException e) {
            c.error(BAD_FORMAT);
            return;
        }
        boolean deleted = replace && c.db.delete(key);
        long when = ttl;
        if (when != 0 && !absttl) when += c.db.keyspace().now();
        if (when != 0 && KeyCommands.alreadyExpired(c, when)) {
            if (deleted) c.propagate(StringCommands.DEL, key); // Redis rewrites it as DEL whatever lazyfree says
            else c.preventPropagation = true;
            c.ok();
            return;
        }
        Entry e = c.db.add(key, value);
        if (when != 0) {
            c.db.setExpire(e, when);
            if (!absttl) {
                byte[][] p = Arrays.copyOf(argv, argv.length + 1);
                p[2] = Bytes.fromLong(when);
                p[argv.length] = ABSTTL;
                c.propagate(p);
            }
        }
        Config config = c.node().config();
        boolean lfu = config.getString("maxmemory-policy").contains("lfu");
        if (!lfu && idle >= 0) e.lru = (int) (c.db.keyspace().now() / 1000 - idle);
        c.ok();
    }
}
