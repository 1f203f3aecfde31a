package io.meridian.node.commands;

import io.meridian.node.command.CommandFamily;
import io.meridian.node.command.CommandTable;
import io.meridian.node.server.Client;
import io.meridian.node.snapshot.Persistence;

import java.io.IOException;

import static io.meridian.node.command.CommandSpec.command;

/** SAVE, BGSAVE, LASTSAVE: the RDB file, through {@link Persistence}. */
public final class PersistenceCommands implements CommandFamily {
    @Override
    public void register(CommandTable t) {
        t.add(command("save", 1).flags("admin noscript no_async_loading no_multi").acl("@admin @slow @dangerous")
                .doc("server", "1.0.0", "Synchronously saves the database(s) to disk.").run(this::save));
        t.add(command("bgsave", -1).flags("admin noscript no_async_loading").acl("@admin @slow @dangerous")
                .doc("server", "1.0.0", "Asynchronously saves the database(s) to disk.").run(this::bgsave));
        t.add(command("lastsave", 1).flags("loading stale fast").acl("@admin @fast @dangerous").tips("nondeterministic_output")
                .doc("server", "1.0.0", "Returns the Unix timestamp of the last successful save to disk.").run(this::lastsave));
    }

    void save(Client c, byte[][] argv) {
        Persistence p = c.node().persistence();
        if (p.bgsaveInProgress()) {
            c.error("ERR Background save already in progress");
            return;
        }
        try {
            p.save();
            c.ok();
        } catch (IOException | RuntimeException e) {
            c.error("ERR");
        }
    }

    void bgsave(Client c, byte[][] argv) {
        boolean schedule = false;
        if (argv.length > 1) {
            if (argv.length == 2 && Args.is(argv[1], "schedule")) {
                schedule = true;
            } else {
                c.error(Errors.SYNTAX);
                return;
            }
        }
        Persistence p = c.node().persistence();
        if (p.bgsaveInProgress()) {
            // Redis schedules only behind an AOF rewrite; behind a running BGSAVE it refuses, even with SCHEDULE
            c.error("ERR Background save already in progress");
            return;
        }
        p.bgsave();
        c.simple("Background saving started");
    }

    void lastsave(Client c, byte[][] argv) {
        c.integer(c.node().persistence().lastSaveSeconds());
    }
}
