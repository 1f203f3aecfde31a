package io.meridian.node.commands;

import io.meridian.node.command.CommandFamily;
import io.meridian.node.command.CommandTable;
import io.meridian.node.server.Client;
import io.meridian.node.server.PubSub;
import io.meridian.node.util.ByteString;

import java.util.List;

import static io.meridian.node.command.CommandSpec.command;

/**
 * Pub/sub commands (Redis's pubsub.c): SUBSCRIBE, UNSUBSCRIBE, PSUBSCRIBE, PUNSUBSCRIBE,
 * PUBLISH, the shard variants SSUBSCRIBE / SUNSUBSCRIBE / SPUBLISH, and PUBSUB introspection.
 * PUBLISH reaches replicas too (Redis forces its propagation), so a replica's subscribers
 * see what the master's see.
 */
public final class PubSubCommands implements CommandFamily {
    private static final String[] PUBSUB_HELP = {
        "CHANNELS [<pattern>]",
        "    Return the currently active channels matching a <pattern> (default: '*').",
        "NUMPAT",
        "    Return number of subscriptions to patterns.",
        "NUMSUB [<channel> ...]",
        "    Return the number of subscribers for the specified channels, excluding",
        "    pattern subscriptions(default: no channels).",
        "SHARDCHANNELS [<pattern>]",
        "    Return the currently active shard level channels matching a <pattern> (default: '*').",
        "SHARDNUMSUB [<shardchannel> ...]",
        "    Return the number of subscribers for the specified shard level channel(s)",
    };

    @Override
    public void register(CommandTable t) {
        t.add(command("subscribe", -2).flags("pubsub noscript loading stale").acl("")
                .doc("pubsub", "2.0.0", "Listen for messages published to the given channels").run(this::subscribe));
        t.add(command("unsubscribe", -1).flags("pubsub noscript loading stale").acl("")
                .doc("pubsub", "2.0.0", "Stop listening for messages posted to the given channels").run(this::unsubscribe));
        t.add(command("psubscribe", -2).flags("pubsub noscript loading stale").acl("")
                .doc("pubsub", "2.0.0", "Listen for messages published to channels matching the given patterns").run(this::psubscribe));
        t.add(command("punsubscribe", -1).flags("pubsub noscript loading stale").acl("")
                .doc("pubsub", "2.0.0", "Stop listening for messages posted to channels matching the given patterns").run(this::punsubscribe));
        t.add(command("publish", 3).flags("pubsub loading stale fast").acl("")
                .doc("pubsub", "2.0.0", "Post a message to a channel").run(this::publish));
        t.add(command("ssubscribe", -2).flags("pubsub noscript loading stale").keys(1, -1, 1).keySpecFlags("not_key").acl("")
                .doc("pubsub", "7.0.0", "Listen for messages published to the given shard channels").run(this::ssubscribe));
        t.add(command("sunsubscribe", -1).flags("pubsub noscript loading stale").keys(1, -1, 1).keySpecFlags("not_key").acl("")
                .doc("pubsub", "7.0.0", "Stop listening for messages posted to the given shard channels").run(this::sunsubscribe));
        t.add(command("spublish", 3).flags("pubsub loading stale fast").keys(1, 1, 1).keySpecFlags("not_key").acl("")
                .doc("pubsub", "7.0.0", "Post a message to a shard channel").run(this::spublish));
        t.add(command("pubsub", -2).acl("")
                .doc("pubsub", "2.8.0", "A container for Pub/Sub commands")
                .sub(command("numsub", -2).flags("pubsub loading stale").acl("")
                        .doc("pubsub", "2.8.0", "Get the count of subscribers for channels").run(this::numsub))
                .sub(command("shardnumsub", -2).flags("pubsub loading stale").acl("")
                        .doc("pubsub", "7.0.0", "Get the count of subscribers for shard channels").run(this::shardNumsub))
                .sub(command("help", 2).flags("loading stale").acl("")
                        .doc("pubsub", "6.2.0", "Show helpful text about the different subcommands")
                        .run((c, argv) -> ConnectionCommands.help(c, argv[0], PUBSUB_HELP)))
                .sub(command("channels", -2).flags("pubsub loading stale").acl("")
                        .doc("pubsub", "2.8.0", "List active channels").run(this::channels))
                .sub(command("numpat", 2).flags("pubsub loading stale").acl("")
                        .doc("pubsub", "2.8.0", "Get the count of unique patterns pattern subscriptions")
                        .run((c, argv) -> c.integer(c.node().pubsub().patternCount())))
                .sub(command("shardchannels", -2).flags("pubsub loading stale").acl("")
                        .doc("pubsub", "7.0.0", "List active shard channels").run(this::shardChannels)));
    }

    void subscribe(Client c, byte[][] argv) {
        if (c.denyBlocking && !c.inMulti) {
            c.error("ERR SUBSCRIBE isn't allowed for a DENY BLOCKING client");
            return;
        }
        PubSub ps = c.node().pubsub();
        for (int j = 1; j < argv.length; j++) ps.subscribe(c, argv[j]);
    }

    void unsubscribe(Client c, byte[][] argv) {
        PubSub ps = c.node().pubsub();
        if (argv.length == 1) ps.unsubscribeAll(c, true);
        else for (int j = 1; j < argv.length; j++) ps.unsubscribe(c, argv[j], true);
        ps.leaveModeIfIdle(c);
    }

    void psubscribe(Client c, byte[][] argv) {
        if (c.denyBlocking && !c.inMulti) {
            c.error("ERR PSUBSCRIBE isn't allowed for a DENY BLOCKING client");
            return;
        }
        PubSub ps = c.node().pubsub();
        for (int j = 1; j < argv.length; j++) ps.psubscribe(c, argv[j]);
    }

    void punsubscribe(Client c, byte[][] argv) {
        PubSub ps = c.node().pubsub();
        if (argv.length == 1) ps.punsubscribeAll(c, true);
        else for (int j = 1; j < argv.length; j++) ps.punsubscribe(c, argv[j], true);
        ps.leaveModeIfIdle(c);
    }

    void ssubscribe(Client c, byte[][] argv) {
        if (c.denyBlocking) {
            c.error("ERR SSUBSCRIBE isn't allowed for a DENY BLOCKING client");
            return;
        }
        PubSub ps = c.node().pubsub();
        for (int j = 1; j < argv.length; j++) ps.ssubscribe(c, argv[j]);
    }

    void sunsubscribe(Client c, byte[][] argv) {
        PubSub ps = c.node().pubsub();
        if (argv.length == 1) ps.sunsubscribeAll(c, true);
        else for (int j = 1; j < argv.length; j++) ps.sunsubscribe(c, argv[j], true);
        ps.leaveModeIfIdle(c);
    }

    void publish(Client c, byte[][] argv) {
        long n = c.node().pubsub().publish(argv[1], argv[2]);
        c.propagate(argv); // forceCommandPropagation: replicas deliver it to their subscribers
        c.integer(n);
    }

    void spublish(Client c, byte[][] argv) {
        long n = c.node().pubsub().spublish(argv[1], argv[2]);
        c.propagate(argv);
        c.integer(n);
    }

    void channels(Client c, byte[][] argv) {
        if (argv.length > 3) {
            ConnectionCommands.subcommandSyntaxError(c, argv);
            return;
        }
        reply(c, c.node().pubsub().channels(argv.length == 3 ? argv[2] : null));
    }

    void shardChannels(Client c, byte[][] argv) {
        if (argv.length > 3) {
            ConnectionCommands.subcommandSyntaxError(c, argv);
            return;
        }
        reply(c, c.node().pubsub().shardChannels(argv.length == 3 ? argv[2] : null));
    }

    private static void reply(Client c, List<ByteString> list) {
        c.array(list.size());
        for (ByteString ch : list) c.bulk(ch.bytes());
    }

    void numsub(Client c, byte[][] argv) {
        PubSub ps = c.node().pubsub();
        c.array((argv.length - 2) * 2L);
        for (int j = 2; j < argv.length; j++) {
            c.bulk(argv[j]);
            c.integer(ps.subscribers(argv[j]));
        }
    }

    void shardNumsub(Client c, byte[][] argv) {
        PubSub ps = c.node().pubsub();
        c.array((argv.length - 2) * 2L);
        for (int j = 2; j < argv.length; j++) {
            c.bulk(argv[j]);
            c.integer(ps.shardSubscribers(argv[j]));
        }
    }
}
