package io.meridian.node.commands;

import io.meridian.node.Node;
import io.meridian.node.command.CommandFamily;
import io.meridian.node.command.CommandTable;
import io.meridian.node.repl.master.ReplicaState;
import io.meridian.node.repl.replica.Failover;
import io.meridian.node.repl.replica.MasterLink;
import io.meridian.node.repl.replica.ReplicaOf;
import io.meridian.node.server.Client;
import io.meridian.node.util.Bytes;

import java.util.List;

import static io.meridian.node.command.CommandSpec.command;

/**
 * REPLICAOF / SLAVEOF host port | NO ONE, and the replicaof directive at start-up: the
 * replica side of replication ({@link ReplicaOf}, {@link MasterLink}).
 */
public final class ReplicaofCommands implements CommandFamily {
    private Node node;
    /** The first cron tick has run (start-up's replicaof directive is resolved then). */
    private boolean booted;

    @Override
    public void register(CommandTable t) {
        t.add(command("replicaof", 3).flags("admin noscript stale no_async_loading").acl("@admin @slow @dangerous")
                .doc("server", "5.0.0", "Make the server a replica of another instance, or promote it as master.")
                .complexity("O(1)").run(this::replicaof));
        t.add(command("slaveof", 3).flags("admin noscript stale no_async_loading").acl("@admin @slow @dangerous")
                .doc("server", "1.0.0", "Make the server a replica of another instance, or promote it as master.")
                .complexity("O(1)").run(this::replicaof));
        t.add(command("failover", -1).flags("admin noscript stale").acl("@admin @slow @dangerous")
                .doc("server", "6.2.0", "Start a coordinated failover between this server and one of its replicas.")
                .complexity("O(1)").run(this::failover));
    }

    @Override
    public void attach(Node node) {
        this.node = node;
        List<String> master = hostPort(node.config().getString("replicaof"));
        if (master != null) ReplicaOf.configure(node, master.get(0), Integer.parseInt(master.get(1)));
        // another kind of upstream (replica-source kafka: the replica-node application provides it)
        String source = node.config().getString("replica-source");
        if (master == null && !"resp".equals(source)) io.meridian.node.repl.UpstreamSources.attach(node, source);
        // FAILOVER sees the master side's replicas and their ACKs
        Failover.of(node).setReplicas(() -> node.master() == null ? List.of() : node.master().sessions().stream()
                .map(s -> new Failover.Replica(s.ip(), s.listeningPort(), s.ackOffset(), s.state() == ReplicaState.ONLINE))
                .toList());
        node.addCron(this::cron);
        node.onStop(() -> {
            MasterLink l = ReplicaOf.link(node);
            if (l != null) node.execute(l::shutdown); // a cut transfer to disk is kept for the next start
            else if (node.upstream() != null) node.upstream().stop();
        });
        // a new masterauth (or user) is tried at once instead of after the backoff
        for (String d : List.of("masterauth", "masteruser")) {
            node.config().watch(d, c -> node.execute(() -> {
                MasterLink l = ReplicaOf.link(node);
                if (l != null) l.backoff().retryNow();
            }));
        }
    }

    private void cron() {
        if (!booted) {
            booted = true;
            ReplicaOf.boot(node);
        }
        Failover.of(node).cron();
        MasterLink l = ReplicaOf.link(node);
        if (l != null) l.cron();
    }

    /** "host port" of the replicaof directive, or null when unset. */
    private static List<String> hostPort(String v) {
        if (v == null || v.isBlank()) return null;
        String[] p = v.trim().split("\\s+");
        return p.length == 2 ? List.of(p[0], p[1]) : null;
    }

    void replicaof(Client c, byte[][] argv) {
        Node n = c.node();
        if (Failover.of(n).state() != Failover.State.NO_FAILOVER) {
            c.error("ERR REPLICAOF not allowed while failing over.");
            return;
        }
        if (Bytes.eqIgnoreCase(argv[1], "no") && Bytes.eqIgnoreCase(argv[2], "one")) {
            if (ReplicaOf.unsetMaster(n)) {
                n.log().info("MASTER MODE enabled (user request from '{}')", ConnectionCommands.info(c, c));
            }
            c.ok();
            return;
        }
        if (c.kind == 'S') {
            c.error("ERR Command is not valid when client is a replica.");
            return;
        }
        Long port = Bytes.parseLong(argv[2]);
        if (port == null || port < 0 || port > 65535) {
            c.error("ERR Invalid master port");
            return;
        }
        String host = Bytes.str(argv[1]);
        MasterLink current = ReplicaOf.link(n);
        if (current != null && current.masterHost().equalsIgnoreCase(host) && current.masterPort() == port) {
            n.log().info("REPLICAOF would result into synchronization with the master we are already connected with. No operation performed.");
            c.simple("OK Already connected to specified master");
            return;
        }
        ReplicaOf.setMaster(n, host, port.intValue());
        n.log().info("REPLICAOF {}:{} enabled (user request from '{}')", host, port, ConnectionCommands.info(c, c));
        c.ok();
    }

    // FAILOVER [TO host port [FORCE]] [TIMEOUT ms] | ABORT
    void failover(Client c, byte[][] argv) {
        Failover f = Failover.of(c.node());
        if (argv.length == 2 && Args.is(argv[1], "abort")) {
            String err = f.abortByUser();
            if (err != null) c.error(err);
            else c.ok();
            return;
        }
        long timeout = 0;
        boolean force = false;
        String host = null;
        long port = 0;
        for (int j = 1; j < argv.length; j++) {
            if (Args.is(argv[j], "timeout") && j + 1 < argv.length && timeout == 0) {
                Long t = Bytes.parseLong(argv[j + 1]);
                if (t == null) {
                    c.error(Errors.NOT_INTEGER);
                    return;
                }
                if (t <= 0) {
                    c.error("ERR FAILOVER timeout must be greater than 0");
                    return;
                }
                timeout = t;
                j++;
            } else if (Args.is(argv[j], "to") && j + 2 < argv.length && host == null) {
                Long p = Bytes.parseLong(argv[j + 2]);
                if (p == null) {
                    c.error(Errors.NOT_INTEGER);
                    return;
                }
                host = Bytes.str(argv[j + 1]);
                port = p;
                j += 2;
            } else if (Args.is(argv[j], "force") && !force) {
                force = true;
            } else {
                c.error(Errors.SYNTAX);
                return;
            }
        }
        String err = f.start(host, (int) port, timeout, force);
        if (err != null) c.error(err);
        else c.ok();
    }
}
