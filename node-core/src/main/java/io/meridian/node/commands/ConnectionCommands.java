package io.meridian.node.commands;

import io.meridian.node.command.CommandFamily;
import io.meridian.node.command.CommandTable;
import io.meridian.node.server.Client;

import static io.meridian.node.command.CommandSpec.command;

/** Connection commands: PING, ECHO, SELECT, QUIT, AUTH, HELLO, RESET, CLIENT. */
public final class ConnectionCommands implements CommandFamily {
    @Override
    public void register(CommandTable t) {
        t.add(command("ping", -1).flags("fast").acl("@connection")
                .doc("connection", "1.0.0", "Returns the server's liveliness response.").run(this::ping));
        t.add(command("echo", 2).flags("fast").acl("@connection")
                .doc("connection", "1.0.0", "Returns the given string.").run((c, argv) -> c.bulk(argv[1])));
        t.add(command("select", 2).flags("loading stale fast").acl("@connection")
                .doc("connection", "1.0.0", "Changes the selected database.").run(this::select));
        t.add(command("quit", -1).flags("allow_busy noscript loading stale fast no_auth").acl("@connection")
                .doc("connection", "1.0.0", "Closes the connection.").run(this::quit));
    }

    void ping(Client c, byte[][] argv) {
        if (argv.length > 2) {
            c.error("ERR wrong number of arguments for 'ping' command");
            return;
        }
        if (c.resp == 2 && c.isSubscriber()) {
            c.array(2);
            c.bulk("pong");
            c.bulk(argv.length == 2 ? argv[1] : new byte[0]);
            return;
        }
        if (argv.length == 2) c.bulk(argv[1]);
        else c.simple("PONG");
    }

    void select(Client c, byte[][] argv) {
        Long id = Args.integer(c, argv[1], "ERR value is not an integer or out of range");
        if (id == null) return;
        if (id < 0 || id >= c.node().keyspace().size()) {
            c.error(Errors.DB_INDEX);
            return;
        }
        c.select(id.intValue());
        c.ok();
    }

    void quit(Client c, byte[][] argv) {
        c.ok();
        c.closeAfterReply = true;
    }
}
