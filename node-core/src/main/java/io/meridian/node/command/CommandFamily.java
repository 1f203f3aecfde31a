package io.meridian.node.command;

/** A group of commands (strings, hashes, replication, ...) declaring its rows of the table. */
public interface CommandFamily {
    void register(CommandTable table);

    /** Called once per node after registration: a family that keeps per-node state (INFO sections, crons, config watches) sets it up here. */
    default void attach(io.meridian.node.Node node) {
    }
}
