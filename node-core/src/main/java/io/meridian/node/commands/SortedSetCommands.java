package io.meridian.node.commands;

import io.meridian.node.command.CommandFamily;
import io.meridian.node.command.CommandTable;

/** Commands of this family: see register(). */
public final class SortedSetCommands implements CommandFamily {
    @Override
    public void register(CommandTable t) {
    }
}
