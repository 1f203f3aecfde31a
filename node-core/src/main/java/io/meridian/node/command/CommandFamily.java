package io.meridian.node.command;

/** A group of commands (strings, hashes, replication, ...) declaring its rows of the table. */
public interface CommandFamily {
    void register(CommandTable table);
}
