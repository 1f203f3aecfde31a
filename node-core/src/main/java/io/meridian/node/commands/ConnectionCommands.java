package io.meridian.node.commands;

import io.meridian.node.Node;
import io.meridian.node.command.CommandFamily;
import io.meridian.node.command.CommandTable;
import io.meridian.node.server.Client;
import io.meridian.node.util.Bytes;

import java.util.ArrayList;
import java.util.List;

import static io.meridian.node.command.CommandSpec.command;

/**
 * Connection commands (Redis's networking.c and acl.c): PING, ECHO, SELECT, QUIT, AUTH, HELLO,
 * RESET and the CLIENT container. Replies and error texts are Redis 7.0.15's.
 */
public final class ConnectionCommands implements CommandFamily {
    static final String WRONGPASS = "WRONGPASS invalid username-password pair or user is disabled.";
    static final String AUTH_NOPASS = "ERR AUTH <password> called without any password configured for the default user. "
            + "Are you sure your configuration is correct?";
    static final String HELLO_NOAUTH = "NOAUTH HELLO must be called with the client already authenticated, otherwise the "
            + "HELLO AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time";
    static final String BAD_NAME = "ERR Client names cannot contain spaces, newlines or special characters.";

    private static final String[] CLIENT_HELP = {
        "CACHING (YES|NO)",
        "    Enable/disable tracking of the keys for next command in OPTIN/OPTOUT modes.",
        "GETREDIR",
        "    Return the client ID we are redirecting to when tracking is enabled.",
        "GETNAME",
        "    Return the name of the current connection.",
        "ID",
        "    Return the ID of the current connection.",
        "INFO",
        "    Return information about the current client connection.",
        "KILL <ip:port>",
        "    Kill connection made from <ip:port>.",
        "KILL <option> <value> [<option> <value> [...]]",
        "    Kill connections. Options are:",
        "    * ADDR (<ip:port>|<unixsocket>:0)",
        "      Kill connections made from the specified address",
        "    * LADDR (<ip:port>|<unixsocket>:0)",
        "      Kill connections made to specified local address",
        "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
        "      Kill connections by type.",
        "    * USER <username>",
        "      Kill connections authenticated by <username>.",
        "    * SKIPME (YES|NO)",
        "      Skip killing current connection (default: yes).",
        "LIST [options ...]",
        "    Return information about client connections. Options:",
        "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
        "      Return clients of specified type.",
        "UNPAUSE",
        "    Stop the current client pause, resuming traffic.",
        "PAUSE <timeout> [WRITE|ALL]",
        "    Suspend all, or just write, clients for <timeout> milliseconds.",
        "REPLY (ON|OFF|SKIP)",
        "    Control the replies sent to the current connection.",
        "SETNAME <name>",
        "    Assign the name <name> to the current connection.",
        "UNBLOCK <clientid> [TIMEOUT|ERROR]",
        "    Unblock the specified blocked client.",
        "TRACKING (ON|OFF) [REDIRECT <id>] [BCAST] [PREFIX <prefix> [...]]",
        "         [OPTIN] [OPTOUT] [NOLOOP]",
        "    Control server assisted client side caching.",
        "TRACKINGINFO",
        "    Report tracking status for the current connection.",
        "NO-EVICT (ON|OFF)",
        "    Protect current client connection from eviction.",
    };

    @Override
    public void register(CommandTable t) {
        t.add(command("ping", -1).flags("fast").acl("@connection").tips("request_policy:all_shards response_policy:all_succeeded")
                .doc("connection", "1.0.0", "Ping the server").run(this::ping));
        t.add(command("echo", 2).flags("loading stale fast").acl("@connection")
                .doc("connection", "1.0.0", "Echo the given string").run((c, argv) -> c.bulk(argv[1])));
        t.add(command("select", 2).flags("loading stale fast").acl("@connection")
                .doc("connection", "1.0.0", "Change the selected database for the current connection").run(this::select));
        t.add(command("quit", -1).flags("allow_busy noscript loading stale fast no_auth").acl("@connection")
                .doc("connection", "1.0.0", "Close the connection").run(this::quit));
        t.add(command("auth", -2).flags("noscript loading stale fast no_auth allow_busy").acl("@connection")
                .doc("connection", "1.0.0", "Authenticate to the server").run(this::auth));
        t.add(command("hello", -1).flags("noscript loading stale fast no_auth allow_busy").acl("@connection")
                .doc("connection", "6.0.0", "Handshake with Redis").run(this::hello));
        t.add(command("reset", 1).flags("noscript loading stale fast no_auth allow_busy").acl("@connection")
                .doc("connection", "6.2.0", "Reset the connection").run(this::reset));
        t.add(command("client", -2).acl("")
                .doc("connection", "2.4.0", "A container for client connection commands")
                .sub(command("getredir", 2).flags("noscript loading stale").acl("@connection")
                        .doc("connection", "6.0.0", "Get tracking notifications redirection client ID if any")
                        .run((c, argv) -> c.integer(-1)))
                .sub(command("info", 2).flags("noscript loading stale").acl("@connection").tips("nondeterministic_output")
                        .doc("connection", "6.2.0", "Returns information about the current client connection.")
                        .run((c, argv) -> c.verbatim(info(c, c) + "\n")))
                .sub(command("help", 2).flags("loading stale").acl("@connection")
                        .doc("connection", "5.0.0", "Show helpful text about the different subcommands")
                        .run((c, argv) -> help(c, argv[0], CLIENT_HELP)))
                .sub(command("kill", -3).flags("admin noscript loading stale").acl("@connection")
                        .doc("connection", "2.4.0", "Kill the connection of a client").run(this::kill))
                .sub(command("unpause", 2).flags("admin noscript loading stale").acl("@connection")
                        .doc("connection", "6.2.0", "Resume processing of clients that were paused").run(this::unpause))
                .sub(command("no-evict", 3).flags("admin noscript loading stale").acl("@connection")
                        .doc("connection", "7.0.0", "Set client eviction mode for the current connection").run(this::noEvict))
                .sub(command("unblock", -3).flags("admin noscript loading stale").acl("@connection")
                        .doc("connection", "5.0.0", "Unblock a client blocked in a blocking command from a different connection")
                        .run(this::unblock))
                .sub(command("trackinginfo", 2).flags("noscript loading stale").acl("@connection")
                        .doc("connection", "6.2.0", "Return information about server assisted client side caching for the current connection")
                        .run(this::trackingInfo))
                .sub(command("reply", 3).flags("noscript loading stale").acl("@connection")
                        .doc("connection", "3.2.0", "Instruct the server whether to reply to commands").run(this::reply))
                .sub(command("pause", -3).flags("admin noscript loading stale").acl("@connection")
                        .doc("connection", "2.9.50", "Stop processing commands from clients for some time").run(this::pause))
                .sub(command("id", 2).flags("noscript loading stale").acl("@connection")
                        .doc("connection", "5.0.0", "Returns the client ID for the current connection").run((c, argv) -> c.integer(c.id)))
                .sub(command("setname", 3).flags("noscript loading stale").acl("@connection")
                        .doc("connection", "2.6.9", "Set the current connection name").run(this::setName))
                .sub(command("getname", 2).flags("noscript loading stale").acl("@connection")
                        .doc("connection", "2.6.9", "Get the current connection name").run((c, argv) -> c.bulkOrNull(c.name)))
                .sub(command("list", -2).flags("admin noscript loading stale").acl("@connection").tips("nondeterministic_output")
                        .doc("connection", "2.4.0", "Get the list of client connections").run(this::list)));
    }

    // ---- PING ECHO SELECT QUIT ---------------------------------------------------------

    void ping(Client c, byte[][] argv) {
        if (argv.length > 2) {
            c.error("ERR wrong number of arguments for 'ping' command");
            return;
        }
        if (c.resp == 2 && c.pubsubMode) {
            c.array(2);
            c.bulk("pong");
            c.bulk(argv.length == 2 ? argv[1] : Bytes.EMPTY);
            return;
        }
        if (argv.length == 2) c.bulk(argv[1]);
        else c.simple("PONG");
    }

    void select(Client c, byte[][] argv) {
        Integer id = intArg(c, argv[1]);
        if (id == null) return;
        if (id < 0 || id >= c.node().keyspace().size()) {
            c.error(Errors.DB_INDEX);
            return;
        }
        c.select(id);
        c.ok();
    }

    /** getIntFromObjectOrReply: not a number, or outside int's range, each with its own error. */
    static Integer intArg(Client c, byte[] arg) {
        Long v = Args.integer(c, arg);
        if (v == null) return null;
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
            c.error("ERR value is out of range, value must between " + Integer.MIN_VALUE + " and " + Integer.MAX_VALUE);
            return null;
        }
        return v.intValue();
    }

    void quit(Client c, byte[][] argv) {
        c.ok();
        c.closeAfterReply();
    }

    // ---- AUTH HELLO RESET --------------------------------------------------------------

    void auth(Client c, byte[][] argv) {
        if (argv.length > 3) {
            c.error(Errors.SYNTAX);
            return;
        }
        c.redactMask |= 1L << 1;
        String user;
        byte[] password;
        if (argv.length == 2) {
            if (!c.node().authRequired()) {
                c.error(AUTH_NOPASS);
                return;
            }
            user = "default";
            password = argv[1];
        } else {
            c.redactMask |= 1L << 2;
            user = Bytes.latin1(argv[1]);
            password = argv[2];
        }
        if (authenticate(c, user, password)) c.ok();
        else c.error(WRONGPASS);
    }

    private static boolean authenticate(Client c, String user, byte[] password) {
        if (!c.node().acl().authenticate(c, user, password)) return false;
        c.authenticated = true;
        c.user = user;
        return true;
    }

    // HELLO [protover [AUTH username password] [SETNAME clientname]]
    void hello(Client c, byte[][] argv) {
        long ver = 0;
        int next = 1;
        if (argv.length >= 2) {
            Long v = Args.integer(c, argv[next++], "ERR Protocol version is not an integer or out of range");
            if (v == null) return;
            ver = v;
            if (ver < 2 || ver > 3) {
                c.error("NOPROTO unsupported protocol version");
                return;
            }
        }
        for (int j = next; j < argv.length; j++) {
            int more = argv.length - 1 - j;
            if (Args.is(argv[j], "auth") && more >= 2) {
                if (j + 2 < 64) c.redactMask |= (1L << (j + 1)) | (1L << (j + 2));
                if (!authenticate(c, Bytes.latin1(argv[j + 1]), argv[j + 2])) {
                    c.error(WRONGPASS);
                    return;
                }
                j += 2;
            } else if (Args.is(argv[j], "setname") && more >= 1) {
                if (!setName(c, argv[j + 1])) return;
                j++;
            } else {
                c.error("ERR Syntax error in HELLO option '" + Bytes.latin1(argv[j]) + "'");
                return;
            }
        }
        if (!c.authenticated) {
            c.error(HELLO_NOAUTH);
            return;
        }
        if (ver != 0) c.resp = (int) ver;
        c.map(7);
        c.bulk("server");
        c.bulk("redis");
        c.bulk("version");
        c.bulk(Node.REDIS_VERSION);
        c.bulk("proto");
        c.integer(c.resp);
        c.bulk("id");
        c.integer(c.id);
        c.bulk("mode");
        c.bulk("standalone");
        c.bulk("role");
        c.bulk(c.node().isReplica() ? "replica" : "master");
        c.bulk("modules");
        c.emptyArray();
    }

    void reset(Client c, byte[][] argv) {
        if (c.kind == 'S' || c.kind == 'M') {
            c.error("ERR can only reset normal client connections");
            return;
        }
        Node node = c.node();
        if (c.kind == 'O') c.kind = 'N'; // MONITOR ends
        c.select(0);
        c.resp = 2;
        c.user = "default";
        c.authenticated = !node.authRequired();
        node.dispatcher().discardTransaction(c);
        node.pubsub().forget(c);
        c.name = null;
        c.replyOff = false;
        c.replySkipNext = false;
        c.simple("RESET");
    }

    // ---- CLIENT ------------------------------------------------------------------------

    /** addReplyHelp: the header names the command as typed, upper-cased; HELP closes the list. */
    static void help(Client c, byte[] command, String[] lines) {
        c.array(lines.length + 3);
        c.simple(Bytes.latin1(command).toUpperCase(java.util.Locale.ROOT) + " <subcommand> [<arg> [value] [opt] ...]. Subcommands are:");
        for (String l : lines) c.simple(l);
        c.simple("HELP");
        c.simple("    Prints this help.");
    }

    /** addReplySubcommandSyntaxError. */
    static void subcommandSyntaxError(Client c, byte[][] argv) {
        String sub = Bytes.latin1(argv[1]);
        if (sub.length() > 128) sub = sub.substring(0, 128);
        c.error("ERR unknown subcommand or wrong number of arguments for '" + sub + "'. Try "
                + Bytes.latin1(argv[0]).toUpperCase(java.util.Locale.ROOT) + " HELP.");
    }

    void setName(Client c, byte[][] argv) {
        if (setName(c, argv[2])) c.ok();
    }

    /** clientSetNameOrReply: printable ASCII without spaces; empty removes the name. */
    static boolean setName(Client c, byte[] name) {
        if (name.length == 0) {
            c.name = null;
            return true;
        }
        for (byte b : name) {
            if (b < '!' || b > '~') {
                c.error(BAD_NAME);
                return false;
            }
        }
        c.name = name;
        return true;
    }

    void reply(Client c, byte[][] argv) {
        if (Args.is(argv[2], "on")) {
            c.replyOff = false;
            c.replySkipNext = false;
            c.replySkip = false;
            c.ok();
        } else if (Args.is(argv[2], "off")) {
            c.replyOff = true;
        } else if (Args.is(argv[2], "skip")) {
            if (!c.replyOff) c.replySkipNext = true;
        } else {
            c.error(Errors.SYNTAX);
        }
    }

    void noEvict(Client c, byte[][] argv) {
        if (Args.is(argv[2], "on")) {
            c.noEvict = true;
            c.ok();
        } else if (Args.is(argv[2], "off")) {
            c.noEvict = false;
            c.ok();
        } else {
            c.error(Errors.SYNTAX);
        }
    }

    void trackingInfo(Client c, byte[][] argv) {
        // server-assisted client-side caching is not offered: tracking is always off
        c.map(3);
        c.bulk("flags");
        c.set(1);
        c.bulk("off");
        c.bulk("redirect");
        c.integer(-1);
        c.bulk("prefixes");
        c.emptyArray();
    }

    // CLIENT PAUSE timeout [WRITE | ALL]
    void pause(Client c, byte[][] argv) {
        if (argv.length > 4) {
            subcommandSyntaxError(c, argv);
            return;
        }
        boolean writesOnly = false;
        if (argv.length == 4) {
            if (Args.is(argv[3], "write")) {
                writesOnly = true;
            } else if (!Args.is(argv[3], "all")) {
                c.error("ERR CLIENT PAUSE mode must be WRITE or ALL");
                return;
            }
        }
        Long ms = Args.integer(c, argv[2], "ERR timeout is not an integer or out of range");
        if (ms == null) return;
        if (ms < 0) {
            c.error("ERR timeout is negative");
            return;
        }
        long end = ms > 0 ? c.node().clock().millis() + ms : 0;
        c.node().pause(end, writesOnly);
        c.ok();
    }

    void unpause(Client c, byte[][] argv) {
        c.node().unpause();
        c.ok();
    }

    // CLIENT UNBLOCK client-id [TIMEOUT | ERROR]
    void unblock(Client c, byte[][] argv) {
        if (argv.length > 4) {
            subcommandSyntaxError(c, argv);
            return;
        }
        boolean error = false;
        if (argv.length == 4) {
            if (Args.is(argv[3], "error")) {
                error = true;
            } else if (!Args.is(argv[3], "timeout")) {
                c.error("ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR");
                return;
            }
        }
        Long id = Args.integer(c, argv[2]);
        if (id == null) return;
        Client target = c.node().clients().get(id);
        boolean done = target != null && c.node().blocking()
                .unblockWith(target, error ? io.meridian.node.server.BlockingRegistry.UNBLOCKED_BY_CLIENT : null);
        c.integer(done ? 1 : 0);
    }

    // CLIENT LIST [TYPE type] [ID id [id ...]]
    void list(Client c, byte[][] argv) {
        Node node = c.node();
        StringBuilder out = new StringBuilder();
        if (argv.length == 4 && Args.is(argv[2], "type")) {
            String type = clientType(argv[3]);
            if (type == null) {
                c.error("ERR Unknown client type '" + Bytes.latin1(argv[3]) + "'");
                return;
            }
            for (Client x : node.clients().values()) {
                if (typeOf(x).equals(type)) out.append(info(x, c)).append('\n');
            }
        } else if (argv.length > 3 && Args.is(argv[2], "id")) {
            for (int j = 3; j < argv.length; j++) {
                Long id = Args.integer(c, argv[j], "ERR Invalid client ID");
                if (id == null) return;
                Client x = node.clients().get(id);
                if (x != null) out.append(info(x, c)).append('\n');
            }
        } else if (argv.length != 2) {
            c.error(Errors.SYNTAX);
            return;
        } else {
            for (Client x : node.clients().values()) out.append(info(x, c)).append('\n');
        }
        c.verbatim(out.toString());
    }

    /** getClientTypeByName, as the names CLIENT LIST / KILL TYPE accept; null when unknown. */
    static String clientType(byte[] name) {
        if (Args.is(name, "normal")) return "normal";
        if (Args.is(name, "slave") || Args.is(name, "replica")) return "replica";
        if (Args.is(name, "pubsub")) return "pubsub";
        if (Args.is(name, "master")) return "master";
        return null;
    }

    /** getClientType: a MONITOR counts as normal. */
    static String typeOf(Client c) {
        if (c.kind == 'M') return "master";
        if (c.kind == 'S') return "replica";
        if (c.pubsubMode) return "pubsub";
        return "normal";
    }

    // CLIENT KILL ip:port | CLIENT KILL [ID id] [TYPE type] [USER user] [ADDR ip:port] [LADDR ip:port] [SKIPME yes/no]
    void kill(Client c, byte[][] argv) {
        Node node = c.node();
        String addr = null, laddr = null, user = null, type = null;
        long id = 0;
        boolean skipMe = true;
        if (argv.length == 3) {
            addr = Bytes.latin1(argv[2]);
            skipMe = false; // with the old form a client can kill itself
        } else {
            for (int i = 2; i < argv.length; i += 2) {
                boolean more = argv.length > i + 1;
                byte[] opt = argv[i];
                if (Args.is(opt, "id") && more) {
                    Long v = Bytes.parseLong(argv[i + 1]);
                    if (v == null || v < 1) {
                        c.error("ERR client-id should be greater than 0");
                        return;
                    }
                    id = v;
                } else if (Args.is(opt, "type") && more) {
                    type = clientType(argv[i + 1]);
                    if (type == null) {
                        c.error("ERR Unknown client type '" + Bytes.latin1(argv[i + 1]) + "'");
                        return;
                    }
                } else if (Args.is(opt, "addr") && more) {
                    addr = Bytes.latin1(argv[i + 1]);
                } else if (Args.is(opt, "laddr") && more) {
                    laddr = Bytes.latin1(argv[i + 1]);
                } else if (Args.is(opt, "user") && more) {
                    user = Bytes.latin1(argv[i + 1]);
                    if (!node.acl().userExists(user)) {
                        c.error("ERR No such user '" + user + "'");
                        return;
                    }
                } else if (Args.is(opt, "skipme") && more) {
                    if (Args.is(argv[i + 1], "yes")) {
                        skipMe = true;
                    } else if (Args.is(argv[i + 1], "no")) {
                        skipMe = false;
                    } else {
                        c.error(Errors.SYNTAX);
                        return;
                    }
                } else {
                    c.error(Errors.SYNTAX);
                    return;
                }
            }
        }
        int killed = 0;
        boolean closeSelf = false;
        List<Client> victims = new ArrayList<>();
        for (Client x : node.clients().values()) {
            if (addr != null && !x.remoteAddress().equals(addr)) continue;
            if (laddr != null && !x.localAddress().equals(laddr)) continue;
            if (type != null && !typeOf(x).equals(type)) continue;
            if (id != 0 && x.id != id) continue;
            if (user != null && !x.user.equals(user)) continue;
            if (x == c && skipMe) continue;
            if (x == c) closeSelf = true;
            else victims.add(x);
            killed++;
        }
        for (Client x : victims) {
            // freed at once, as Redis's freeClient: gone from CLIENT LIST right away
            x.discardOutput();
            x.closeAfterReply = true;
            node.removeClient(x);
            x.close();
        }
        if (argv.length == 3) {
            if (killed == 0) c.error("ERR No such client");
            else c.ok();
        } else {
            c.integer(killed);
        }
        if (closeSelf) c.closeAfterReply();
    }

    // ---- CLIENT LIST / INFO line -------------------------------------------------------

    /** One client as Redis 7.0's catClientInfoString renders it; self is the client asking. */
    static String info(Client x, Client self) {
        long now = x.node().clock().millis();
        StringBuilder flags = new StringBuilder();
        if (x.kind == 'S' || x.kind == 'O') flags.append(x.kind);
        if (x.kind == 'M') flags.append('M');
        if (x.pubsubMode) flags.append('P');
        if (x.inMulti) flags.append('x');
        if (x.blocked != null || x.postponed) flags.append('b');
        if (x.dirtyCas) flags.append('d');
        if (x.closeAfterReply) flags.append('c');
        if (x.noEvict) flags.append('e');
        if (flags.length() == 0) flags.append('N');
        boolean executing = x == self || x.blocked != null || x.postponed;
        long argvMem = 0;
        long qbuf = 0;
        if (executing && x.currentArgv != null) {
            qbuf = 1 + digits(x.currentArgv.length) + 2;
            for (byte[] a : x.currentArgv) {
                argvMem += a.length;
                qbuf += 1 + digits(a.length) + 2 + a.length + 2;
            }
        }
        long multiMem = 0;
        if (x.queued != null) {
            multiMem = x.queuedBytes;
            for (byte[][] q : x.queued) multiMem += 8L * q.length;
            multiMem += 24L * x.queued.size();
        }
        multiMem += 40L * x.watched.size();
        long omem = outboundBytes(x);
        long qbufFree = executing ? 20474 - Math.min(qbuf, 20474) : 0;
        long totMem = 1024 + 16384 + qbuf + qbufFree + argvMem + multiMem + omem;
        io.netty.channel.Channel ch = x.channel();
        String events = ch == null ? "" : (ch.config().isAutoRead() ? "r" : "") + (ch.isWritable() ? "" : "w");
        return "id=" + x.id
                + " addr=" + x.remoteAddress()
                + " laddr=" + x.localAddress()
                + " fd=" + fd(x)
                + " name=" + (x.name == null ? "" : Bytes.latin1(x.name))
                + " age=" + (now / 1000 - x.createdAt / 1000)
                + " idle=" + Math.max(0, now / 1000 - x.lastInteraction / 1000)
                + " flags=" + flags
                + " db=" + x.dbIndex
                + " sub=" + x.channels.size()
                + " psub=" + x.patterns.size()
                + " ssub=" + x.shardChannels.size()
                + " multi=" + (x.inMulti ? (x.queued == null ? 0 : x.queued.size()) : -1)
                + " qbuf=" + qbuf
                + " qbuf-free=" + qbufFree
                + " argv-mem=" + argvMem
                + " multi-mem=" + multiMem
                + " rbs=16384 rbp=16384"
                + " obl=" + x.pendingBytes() + " oll=0"
                + " omem=" + omem
                + " tot-mem=" + totMem
                + " events=" + events
                + " cmd=" + x.lastCommand
                + " user=" + x.user
                + " redir=-1"
                + " resp=" + x.resp;
    }

    private static int digits(long n) {
        return Long.toString(n).length();
    }

    private static int fd(Client x) {
        if (x.channel() instanceof io.netty.channel.unix.UnixChannel u && u.fd() != null) return u.fd().intValue();
        return -1;
    }

    private static long outboundBytes(Client x) {
        io.netty.channel.Channel ch = x.channel();
        if (ch == null) return 0;
        io.netty.channel.ChannelOutboundBuffer b = ch.unsafe().outboundBuffer();
        return b == null ? 0 : b.totalPendingWriteBytes();
    }
}
