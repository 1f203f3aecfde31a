package io.meridian.node.commands;

import io.meridian.node.Node;
import io.meridian.node.command.CommandFamily;
import io.meridian.node.command.CommandTable;
import io.meridian.node.repl.UpstreamLink;
import io.meridian.node.repl.master.MasterReplication;
import io.meridian.node.repl.master.ReplicaSession;
import io.meridian.node.repl.master.ReplicaState;
import io.meridian.node.repl.replica.Failover;
import io.meridian.node.repl.replica.ReplicaOf;
import io.meridian.node.server.Client;
import io.meridian.node.util.Bytes;

import java.util.List;

import static io.meridian.node.command.CommandSpec.command;

/** The master's side of the replication protocol (SYNC, PSYNC, REPLCONF), WAIT and ROLE. */
public final class ReplicationCommands implements CommandFamily {
    @Override
    public void register(CommandTable t) {
        t.add(command("sync", 1).flags("admin noscript no_async_loading no_multi").acl("@admin @slow @dangerous")
                .doc("server", "1.0.0", "An internal command used in replication.").run(this::sync));
        t.add(command("psync", -3).flags("admin noscript no_async_loading no_multi").acl("@admin @slow @dangerous")
                .doc("server", "2.8.0", "An internal command used in replication.").run(this::psync));
        t.add(command("replconf", -1).flags("admin noscript loading stale allow_busy").acl("@admin @slow @dangerous")
                .doc("server", "3.0.0", "An internal command for configuring the replication stream.").run(this::replconf));
        t.add(command("wait", 3).flags("noscript").acl("@slow @connection")
                .tips("request_policy:all_shards response_policy:agg_min")
                .doc("generic", "3.0.0", "Blocks until the asynchronous replication of all preceding write commands sent by the connection is completed.")
                .run(this::waitCommand));
        t.add(command("role", 1).flags("noscript loading stale fast").acl("@admin @fast @dangerous")
                .doc("server", "2.8.12", "Returns the replication role.").run(this::role));
    }

    private static MasterReplication master(Client c) {
        return c.node().master();
    }

    void sync(Client c, byte[][] argv) {
        if (c.kind == 'S') return; // already a replica: ignore, as Redis
        if (failingOver(c)) return;
        master(c).psync(c, null, -1, true);
    }

    /** Replicas do not sync with a master that is handing its role over (FAILOVER). */
    private static boolean failingOver(Client c) {
        if (Failover.of(c.node()).state() == Failover.State.NO_FAILOVER) return false;
        c.error("NOMASTERLINK Can't SYNC while failing over");
        return true;
    }

    void psync(Client c, byte[][] argv) {
        if (c.kind == 'S') return;
        if (argv.length > 3 && Bytes.eqIgnoreCase(argv[3], "failover")) {
            // a master hands its role over to this replica (FAILOVER): it becomes a master if the replid is its own
            String refused = ReplicaOf.failoverRequested(c.node(), Bytes.latin1(argv[1]), ConnectionCommands.info(c, c));
            if (refused != null) {
                c.error(refused);
                return;
            }
        }
        if (failingOver(c)) return;
        Long off = Bytes.parseLong(argv[2]);
        if (off == null) {
            c.error(Errors.NOT_INTEGER);
            return;
        }
        master(c).psync(c, Bytes.latin1(argv[1]), off, false);
    }

    void replconf(Client c, byte[][] argv) {
        if (argv.length % 2 == 0) {
            c.error(Errors.SYNTAX);
            return;
        }
        MasterReplication m = master(c);
        for (int i = 1; i < argv.length; i += 2) {
            String opt = Bytes.lower(argv[i]);
            byte[] val = argv[i + 1];
            switch (opt) {
                case "listening-port" -> {
                    Long p = Bytes.parseLong(val);
                    if (p == null) {
                        c.error(Errors.NOT_INTEGER);
                        return;
                    }
                    m.session(c).setListeningPort(p.intValue());
                }
                case "ip-address" -> m.session(c).setAnnouncedIp(Bytes.latin1(val));
                case "capa" -> {
                    if (Bytes.eqIgnoreCase(val, "eof")) m.session(c).setCapaEof();
                    else if (Bytes.eqIgnoreCase(val, "psync2")) m.session(c).setCapaPsync2();
                }
                case "ack", "fack" -> {
                    // from a replica: never answered
                    if (opt.equals("ack")) {
                        Long off = Bytes.parseLong(val);
                        if (off != null) m.ack(c, off);
                    }
                    return;
                }
                case "getack" -> {
                    // on a replica the master link answers it (StreamApplier); from a client: ignored
                    return;
                }
                case "rdb-only", "rdb-filter-only" -> {
                    // accepted, as Redis 7 does, without effect here
                }
                default -> {
                    c.error("ERR Unrecognized REPLCONF option: " + Bytes.latin1(argv[i]));
                    return;
                }
            }
        }
        c.ok();
    }

    void waitCommand(Client c, byte[][] argv) {
        Long n = Bytes.parseLong(argv[1]);
        if (n == null) {
            c.error(Errors.NOT_INTEGER);
            return;
        }
        Long timeout = Bytes.parseLong(argv[2]);
        if (timeout == null) {
            c.error("ERR timeout is not an integer or out of range");
            return;
        }
        if (timeout < 0) {
            c.error("ERR timeout is negative");
            return;
        }
        if (c.node().isReplica()) {
            c.error("ERR WAIT cannot be used with replica instances. Please also note that since Redis 4.0 if a replica is configured to be writable (which is not the default) writes to replicas are just local and are not propagated.");
            return;
        }
        if (c.inMulti || c.node().dispatcher().inExec()) {
            c.integer(master(c).countOnlineAcked(c.node().stream().offset()));
            return;
        }
        master(c).waitFor(c, n, timeout);
    }

    void role(Client c, byte[][] argv) {
        Node node = c.node();
        UpstreamLink up = node.upstream();
        if (node.isReplica() && up != null) {
            c.array(5);
            c.bulk("slave");
            c.bulk(up.masterHost());
            c.integer(up.masterPort());
            c.bulk(up.roleState());
            c.integer(up.replOffset());
            return;
        }
        c.array(3);
        c.bulk("master");
        c.integer(node.stream().offset());
        List<ReplicaSession> rs = master(c).sessions().stream().filter(s -> s.state() == ReplicaState.ONLINE).toList();
        c.array(rs.size());
        for (ReplicaSession s : rs) {
            c.array(3);
            c.bulk(s.ip());
            c.bulk(Integer.toString(s.listeningPort()));
            c.bulk(Long.toString(s.ackOffset()));
        }
    }
}
