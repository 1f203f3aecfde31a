package io.meridian.node.commands;

import io.meridian.node.Node;
import io.meridian.node.command.CommandFamily;
import io.meridian.node.command.CommandTable;

import java.util.List;

/** Every command family, registered explicitly: the one place that says what the table holds. */
public final class Commands {
    private Commands() {}

    public static void registerAll(Node node, CommandTable table) {
        List<CommandFamily> families = List.of(
                new StringCommands(),
                new KeyCommands(),
                new DumpCommands(),
                new HashCommands(),
                new ListCommands(),
                new SetCommands(),
                new SortedSetCommands(),
                new TransactionCommands(),
                new PubSubCommands(),
                new ConnectionCommands(),
                new ServerCommands(),
                new PersistenceCommands(),
                new ReplicationCommands(),
                new ReplicaofCommands(),
                new AclCommands()
        );
        for (CommandFamily f : families) f.register(table);
        for (CommandFamily f : families) f.attach(node);
    }
}
