package io.meridian.node.command;

import io.meridian.node.server.Client;

/** Runs one command. argv[0] is the command name as sent; the arity is already checked. */
@FunctionalInterface
public interface CommandHandler {
    void execute(Client c, byte[][] argv);
}
