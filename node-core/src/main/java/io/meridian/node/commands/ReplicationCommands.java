package io.meridian.node.commands;

import io.meridian.node.Node;
import io.meridian.node.command.CommandFamily;
import io.meridian.node.command.CommandTable;
import io.meridian.node.repl.ReplicationInfo;
import io.meridian.node.repl.master.ReplicationMaster;
import io.meridian.node.server.Client;
import io.meridian.node.util.Bytes;

import static io.meridian.node.command.CommandSpec.command;

/**
 * The master side's commands (Redis's replication.c): SYNC, PSYNC, REPLCONF, WAIT, WAITAOF
 * and ROLE. The work is {@link ReplicationMaster}'s; this family parses and answers as
 * Redis 7.0.15 does.
 */
public final class ReplicationCommands implements CommandFamily {
    static final String WAIT_ON_REPLICA = "ERR WAIT cannot be used with replica instances. Please also note that since Redis 4.0 if a replica is "
            + "configured to be writable (which is not the default) writes to replicas are just local and are not propagated.";
    static final String WAITAOF_ON_REPLICA = "ERR WAITAOF cannot be used with replica instances. Please also note that writes to replicas are just local and are not propagated.";
    static final String WAITAOF_NO_LOG = "ERR WAITAOF cannot be used when numlocal is set but appendonly is disabled.";
    /** NET_HOST_STR_LEN: the longest ip-address a replica may announce, plus one. */
    private static final int HOST_STR_LEN = 256;

    @Override
    public void register(CommandTable t) {
        t.add(command("sync", 1).flags("admin noscript no_async_loading no_multi").acl("@admin @slow @dangerous")
                .doc("server", "1.0.0", "Internal command used for replication").run(this::sync));
        t.add(command("psync", -3).flags("admin noscript no_async_loading no_multi").acl("@admin @slow @dangerous")
                .doc("server", "2.8.0", "Internal command used for replication").run(this::psync));
        t.add(command("replconf", -1).flags("admin noscript loading stale allow_busy").acl("@admin @slow @dangerous")
                .doc("server", "3.0.0", "An internal command for configuring the replication stream").complexity("O(1)").run(this::replconf));
        t.add(command("wait", 3).flags("noscript").acl("@slow @connection").tips("request_policy:all_shards response_policy:agg_min")
                .doc("generic", "3.0.0", "Wait for the synchronous replication of all the write commands sent in the context of the current connection")
                .complexity("O(1)").run(this::waitCommand));
        t.add(command("waitaof", 4).flags("noscript").acl("@slow @connection").tips("request_policy:all_shards response_policy:agg_min")
                .doc("generic", "7.2.0", "Wait for all write commands sent in the context of the current connection to be synced to AOF of local host and/or replicas")
                .complexity("O(1)").run(this::waitAof));
        t.add(command("role", 1).flags("noscript loading stale fast").acl("@admin @fast @dangerous")
                .doc("server", "2.8.12", "Return the role of the instance in the context of replication").complexity("O(1)").run(this::role));
    }

    void sync(Client c, byte[][] argv) {
        c.node().master().sync(c, argv, false);
    }

    void psync(Client c, byte[][] argv) {
        c.node().master().sync(c, argv, true);
    }

    // REPLCONF <option> <value> [<option> <value> ...]
    void replconf(Client c, byte[][] argv) {
        if (argv.length % 2 == 0) {
            c.error(Errors.SYNTAX);
            return;
        }
        ReplicationMaster m = c.node().master();
        for (int j = 1; j < argv.length; j += 2) {
            byte[] opt = argv[j];
            byte[] val = argv[j + 1];
            if (Args.is(opt, "listening-port")) {
                Long port = Args.integer(c, val);
                if (port == null) return;
                m.setListeningPort(c, port);
            } else if (Args.is(opt, "ip-address")) {
                if (val.length >= HOST_STR_LEN) {
                    c.error("ERR REPLCONF ip-address provided by replica instance is too long: " + val.length + " bytes");
                    return;
                }
                m.setAnnouncedIp(c, Bytes.latin1(val));
            } else if (Args.is(opt, "capa")) {
                m.setCapa(c, Bytes.latin1(val));
            } else if (Args.is(opt, "ack")) {
                // REPLCONF ACK <offset> [FACK <aofoffset>]: from replicas only, never answered
                if (m.session(c) == null) return;
                Long off = Bytes.parseLong(val);
                if (off == null) return;
                long fack = -1;
                if (argv.length > j + 3 && Args.is(argv[j + 2], "fack")) {
                    Long f = Bytes.parseLong(argv[j + 3]);
                    if (f == null) return;
                    fack = f;
                }
                m.ack(c, off, fack);
                return;
            } else if (Args.is(opt, "getack")) {
                // REPLCONF GETACK *: the master asks this replica for an ACK now; no reply
                m.onGetAck(c);
                return;
            } else if (Args.is(opt, "rdb-only")) {
                Long v = Bytes.parseLong(val);
                if (v == null || v < 0 || v > 1) {
                    c.error("ERR value is out of range, value must between 0 and 1");
                    return;
                }
                m.setRdbOnly(c, v == 1);
            } else if (Args.is(opt, "rdb-resume")) {
                // Meridian: the replica holds the first bytes of a snapshot whose transfer was cut (RdbResume)
                if (!m.setResume(c, Bytes.latin1(val))) {
                    c.error("ERR Invalid rdb-resume token: " + Bytes.latin1(val));
                    return;
                }
            } else if (Args.is(opt, "rdb-filter-only")) {
                // Redis 7.0's only filter is "functions"; Meridian has no functions, so every RDB already holds none
                for (String word : Bytes.latin1(val).trim().split("\\s+")) {
                    if (word.isEmpty()) continue;
                    if (!word.equalsIgnoreCase("functions")) {
                        c.error("ERR Unsupported rdb-filter-only option: " + word);
                        return;
                    }
                }
            } else {
                c.error("ERR Unrecognized REPLCONF option: " + Bytes.latin1(opt));
                return;
            }
        }
        c.ok();
    }

    // WAIT numreplicas timeout
    void waitCommand(Client c, byte[][] argv) {
        Node node = c.node();
        if (node.isReplica()) {
            c.error(WAIT_ON_REPLICA);
            return;
        }
        Long n = Args.integer(c, argv[1]);
        if (n == null) return;
        Long timeout = timeoutMillis(c, argv[2]);
        if (timeout == null) return;
        node.master().waitFor(c, n, timeout);
    }

    // WAITAOF numlocal numreplicas timeout (Redis 7.2; the local "AOF" is the replication log)
    void waitAof(Client c, byte[][] argv) {
        Node node = c.node();
        Long local = Args.integer(c, argv[1]);
        if (local == null) return;
        Long n = Args.integer(c, argv[2]);
        if (n == null) return;
        Long timeout = timeoutMillis(c, argv[3]);
        if (timeout == null) return;
        if (node.isReplica()) {
            c.error(WAITAOF_ON_REPLICA);
            return;
        }
        if (local > 0 && node.wal() == null) {
            c.error(WAITAOF_NO_LOG);
            return;
        }
        node.master().waitAof(c, local, n, timeout);
    }

    /** getTimeoutFromObjectOrReply in milliseconds: an integer, never negative; 0 = forever. */
    private static Long timeoutMillis(Client c, byte[] arg) {
        Long t = Bytes.parseLong(arg);
        if (t == null) {
            c.error("ERR timeout is not an integer or out of range");
            return null;
        }
        if (t < 0) {
            c.error("ERR timeout is negative");
            return null;
        }
        return t;
    }

    void role(Client c, byte[][] argv) {
        ReplicationInfo.role(c.node(), c);
    }
}
