package io.meridian.node.commands;

import io.meridian.node.Node;
import io.meridian.node.command.CommandFamily;
import io.meridian.node.command.CommandSpec;
import io.meridian.node.command.CommandTable;
import io.meridian.node.server.Client;
import io.meridian.node.server.Dispatcher;

import java.util.List;

import static io.meridian.node.command.CommandSpec.command;

/**
 * MULTI, EXEC, DISCARD, WATCH, UNWATCH (Redis's multi.c). Queueing happens in the
 * {@link Dispatcher}; EXEC runs the queue through the dispatcher's call(), so every queued
 * write is propagated, wrapped in one MULTI/EXEC when there is more than one.
 */
public final class TransactionCommands implements CommandFamily {
    static final String EXECABORT = "EXECABORT Transaction discarded because of previous errors.";

    @Override
    public void register(CommandTable t) {
        t.add(command("multi", 1).flags("noscript loading stale fast allow_busy").acl("@transaction")
                .doc("transactions", "1.2.0", "Mark the start of a transaction block").run(this::multi));
        t.add(command("exec", 1).flags("noscript loading stale skip_slowlog").acl("@transaction")
                .doc("transactions", "1.2.0", "Execute all commands issued after MULTI").run(this::exec));
        t.add(command("discard", 1).flags("noscript loading stale fast allow_busy").acl("@transaction")
                .doc("transactions", "2.0.0", "Discard all commands issued after MULTI").run(this::discard));
        t.add(command("watch", -2).flags("noscript loading stale fast allow_busy").keys(1, -1, 1).keySpecFlags("RO").acl("@transaction")
                .doc("transactions", "2.2.0", "Watch the given keys to determine execution of the MULTI/EXEC block").run(this::watch));
        t.add(command("unwatch", 1).flags("noscript loading stale fast allow_busy").acl("@transaction")
                .doc("transactions", "2.2.0", "Forget about all watched keys").run(this::unwatch));
    }

    void multi(Client c, byte[][] argv) {
        if (c.inMulti) {
            c.error("ERR MULTI calls can not be nested");
            return;
        }
        c.inMulti = true;
        c.ok();
    }

    void discard(Client c, byte[][] argv) {
        if (!c.inMulti) {
            c.error("ERR DISCARD without MULTI");
            return;
        }
        c.node().dispatcher().discardTransaction(c);
        c.ok();
    }

    void exec(Client c, byte[][] argv) {
        Node node = c.node();
        Dispatcher d = node.dispatcher();
        if (!c.inMulti) {
            c.error("ERR EXEC without MULTI");
            return;
        }
        // a watched key that was live at WATCH and has expired since counts as touched
        if (node.watches().anyExpired(c)) c.dirtyCas = true;
        if (c.multiError || c.dirtyCas) {
            if (c.multiError) c.error(EXECABORT);
            else c.nullArray();
            d.discardTransaction(c);
            return;
        }
        List<byte[][]> queued = c.queued == null ? List.of() : c.queued;
        List<CommandSpec> specs = c.queuedSpecs == null ? List.of() : c.queuedSpecs;
        boolean wasDenyBlocking = c.denyBlocking;
        c.denyBlocking = true; // a blocking command inside EXEC answers as if it timed out
        node.watches().unwatchAll(c);
        boolean outer = d.inExec();
        d.beginExec();
        try {
            c.array(queued.size());
            for (int i = 0; i < queued.size(); i++) {
                CommandSpec spec = specs.get(i);
                byte[][] q = queued.get(i);
                String denied = node.acl().check(c, spec, q);
                if (denied != null) {
                    c.error("NOPERM ACLs rules changed between the moment the transaction was accumulated and the EXEC call. "
                            + "This command is no longer allowed for the following reason: " + aclReason(denied));
                    continue;
                }
                d.call(c, spec, q); // command time stays EXEC's, as Redis's fixed_time_expire
            }
        } finally {
            c.denyBlocking = wasDenyBlocking;
            d.discardTransaction(c);
            if (!outer) d.endExec();
        }
    }

    private static String aclReason(String denied) {
        if (denied.contains("keys")) return "no permission to touch the specified keys";
        if (denied.contains("channels")) return "no permission to access one of the channels used as arguments";
        return "no permission to execute the command or subcommand";
    }

    void watch(Client c, byte[][] argv) {
        if (c.inMulti) {
            c.error("ERR WATCH inside MULTI is not allowed");
            return;
        }
        // no point in watching when EXEC is already bound to fail
        if (!c.dirtyCas) {
            for (int j = 1; j < argv.length; j++) c.node().watches().watch(c, c.dbIndex, argv[j]);
        }
        c.ok();
    }

    void unwatch(Client c, byte[][] argv) {
        c.node().watches().unwatchAll(c);
        c.dirtyCas = false;
        c.ok();
    }
}
