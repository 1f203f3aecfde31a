package io.meridian.node.commands;

import io.meridian.node.Node;
import io.meridian.node.acl.AclUser;
import io.meridian.node.acl.AclUsers;
import io.meridian.node.command.AclCategory;
import io.meridian.node.command.CommandFamily;
import io.meridian.node.command.CommandSpec;
import io.meridian.node.command.CommandTable;
import io.meridian.node.server.Client;
import io.meridian.node.util.Bytes;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeMap;

import static io.meridian.node.command.CommandSpec.command;

/** Redis 7.0's ACL command (acl.c) and the aclfile. */
public final class AclCommands implements CommandFamily {
    static final String NO_ACLFILE = "ERR This Redis instance is not configured to use an ACL file. You may want to specify users via the "
            + "ACL SETUSER command and then issue a CONFIG REWRITE (assuming you have a Redis configuration file set) in order to store users in the Redis configuration.";
    private static final SecureRandom RANDOM = new SecureRandom();

    private AclUsers acl(Client c) {
        return (AclUsers) c.node().acl();
    }

    @Override
    public void register(CommandTable t) {
        String admin = "admin noscript loading stale";
        t.add(command("acl", -2).doc("server", "6.0.0", "A container for Access List Control commands")
                .complexity("Depends on subcommand.")
                .sub(command("cat", -2).flags("noscript loading stale").doc("server", "6.0.0", "List the ACL categories or the commands inside a category")
                        .complexity("O(1) since the categories and commands are a fixed set.").run(this::cat))
                .sub(command("deluser", -3).flags(admin).doc("server", "6.0.0", "Remove the specified ACL users and the associated rules")
                        .complexity("O(1) amortized time considering the typical user.").run(this::deluser))
                .sub(command("dryrun", -4).flags(admin).doc("server", "7.0.0", "Returns whether the user can execute the given command without executing the command.")
                        .complexity("O(1).").run(this::dryrun))
                .sub(command("genpass", -2).flags("noscript loading stale").doc("server", "6.0.0", "Generate a pseudorandom secure password to use for ACL users")
                        .complexity("O(1)").run(this::genpass))
                .sub(command("getuser", 3).flags(admin).doc("server", "6.0.0", "Get the rules for a specific ACL user")
                        .complexity("O(N). Where N is the number of password, command and pattern rules that the user has.").run(this::getuser))
                .sub(command("help", 2).flags("loading stale").doc("server", "6.0.0", "Show helpful text about the different subcommands")
                        .complexity("O(1)").run(this::help))
                .sub(command("list", 2).flags(admin).doc("server", "6.0.0", "List the current ACL rules in ACL config file format")
                        .complexity("O(N). Where N is the number of configured users.").run(this::list))
                .sub(command("load", 2).flags(admin).doc("server", "6.0.0", "Reload the ACLs from the configured ACL file")
                        .complexity("O(N). Where N is the number of configured users.").run(this::load))
                .sub(command("log", -2).flags(admin).doc("server", "6.0.0", "List latest events denied because of ACLs in place")
                        .complexity("O(N) with N being the number of entries shown.").run(this::log))
                .sub(command("save", 2).flags(admin).doc("server", "6.0.0", "Save the current ACL rules in the configured ACL file")
                        .complexity("O(N). Where N is the number of configured users.").run(this::save))
                .sub(command("setuser", -3).flags(admin).doc("server", "6.0.0", "Modify or create the rules for a specific ACL user")
                        .complexity("O(N). Where N is the number of rules provided.").run(this::setuser))
                .sub(command("users", 2).flags(admin).doc("server", "6.0.0", "List the username of all the configured ACL rules")
                        .complexity("O(N). Where N is the number of configured users.").run(this::users))
                .sub(command("whoami", 2).flags("noscript loading stale").doc("server", "6.0.0", "Return the name of the user associated to the current connection")
                        .complexity("O(1)").run(this::whoami)));
    }

    @Override
    public void attach(Node node) {
        AclUsers users = new AclUsers(node);
        users.setClientInfo(c -> ConnectionCommands.info(c, c));
        String file = node.config().getString("aclfile");
        if (file != null && !file.isEmpty()) {
            String err = loadFile(users, Path.of(file));
            if (err != null) throw new IllegalStateException("Aborting Redis startup because of ACL errors: " + err);
        }
        node.setAcl(users);
    }

    /** Reads an ACL file (lines "user <name> <rules...>") into users; null on success, else the error. */
    static String loadFile(AclUsers users, Path path) {
        List<String> lines;
        try {
            lines = Files.readAllLines(path, StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            return "Error loading ACLs, opening file '" + path + "': " + (e instanceof java.nio.file.NoSuchFileException ? "No such file or directory" : e.getMessage());
        }
        TreeMap<String, AclUser> old = new TreeMap<>(users.users());
        // every user of the file starts fresh (the default user too, when the file has it)
        users.replaceAll(new TreeMap<>());
        java.util.Set<String> seen = new java.util.HashSet<>();
        StringBuilder errors = new StringBuilder();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).trim();
            if (line.isEmpty() || line.startsWith("#")) continue;
            String[] words = line.split("\\s+");
            if (!words[0].equals("user") || words.length < 2) {
                errors.append(path).append(':').append(i + 1).append(" should start with user keyword followed by the username. ");
                continue;
            }
            String name = words[1];
            if (!seen.add(name)) {
                errors.append("WARNING: Duplicate user '").append(name).append("' found on line ").append(i + 1).append(". ");
                continue;
            }
            List<String> rules = new ArrayList<>();
            for (int j = 2; j < words.length; j++) rules.add(words[j]);
            String err = users.setUser(name, rules);
            if (err != null) {
                String reason = err.substring(err.indexOf("': ") + 3);
                if (reason.startsWith("Unknown command")) {
                    String op = err.substring(err.indexOf("modifier '") + 10, err.indexOf("': "));
                    reason = "Error in applying operation '" + op + "': " + reason;
                }
                errors.append(path).append(':').append(i + 1).append(": ").append(reason).append(". ");
            }
        }
        if (users.user("default") == null) users.setUser("default", List.of("+@all", "~*", "&*", "on", "nopass"));
        if (!errors.isEmpty()) {
            users.replaceAll(old);
            return errors + "WARNING: ACL errors detected, no change to the previously active ACL rules was performed";
        }
        return null;
    }

    void cat(Client c, byte[][] argv) {
        if (argv.length > 3) {
            ServerCommands.subcommandSyntaxError(c, argv);
            return;
        }
        if (argv.length == 2) {
            c.array(AclCategory.values().length);
            for (AclCategory a : AclCategory.values()) c.bulk(a.word());
            return;
        }
        String name = Bytes.latin1(argv[2]);
        AclCategory cat = AclCategory.byName(name);
        if (cat == null) {
            c.error("ERR Unknown category '" + name + "'");
            return;
        }
        List<String> names = new ArrayList<>();
        for (CommandSpec s : c.node().commands().all()) {
            if (s.categories().contains(cat)) names.add(s.name());
            for (CommandSpec sub : s.subcommands().values()) if (sub.categories().contains(cat)) names.add(sub.name());
        }
        c.array(names.size());
        for (String n : names) c.bulk(n);
    }

    void deluser(Client c, byte[][] argv) {
        AclUsers acl = acl(c);
        for (int i = 2; i < argv.length; i++) {
            if (Bytes.latin1(argv[i]).equals("default")) {
                c.error("ERR The 'default' user cannot be removed");
                return;
            }
        }
        long n = 0;
        for (int i = 2; i < argv.length; i++) if (acl.delete(Bytes.latin1(argv[i]))) n++;
        c.integer(n);
    }

    void dryrun(Client c, byte[][] argv) {
        AclUsers acl = acl(c);
        String name = Bytes.latin1(argv[2]);
        AclUser u = acl.user(name);
        if (u == null) {
            c.error("ERR User '" + name + "' not found");
            return;
        }
        byte[][] cmd = java.util.Arrays.copyOfRange(argv, 3, argv.length);
        CommandSpec spec = c.node().commands().lookup(cmd[0]);
        if (spec != null && !spec.subcommands().isEmpty() && cmd.length > 1) {
            spec = spec.subcommands().get(Bytes.latin1(cmd[1]).toLowerCase(Locale.ROOT));
        }
        if (spec == null) {
            c.error("ERR Command '" + Bytes.latin1(cmd[0]) + "' not found");
            return;
        }
        if (!spec.arityOk(cmd.length)) {
            c.error("ERR wrong number of arguments for '" + spec.name() + "' command");
            return;
        }
        AclUsers.Denial d = acl.evaluate(u, spec, cmd);
        if (d == null) c.ok();
        else c.bulk(d.dryRun(spec));
    }

    void genpass(Client c, byte[][] argv) {
        long bits = 256;
        if (argv.length > 3) {
            ServerCommands.subcommandSyntaxError(c, argv);
            return;
        }
        if (argv.length == 3) {
            Long b = Args.integer(c, argv[2]);
            if (b == null) return;
            bits = b;
        }
        if (bits <= 0 || bits > 4096) {
            c.error("ERR ACL GENPASS argument must be the number of bits for the output password, a positive number up to 4096");
            return;
        }
        int chars = (int) ((bits + 3) / 4);
        byte[] raw = new byte[(chars + 1) / 2];
        RANDOM.nextBytes(raw);
        StringBuilder sb = new StringBuilder();
        for (byte x : raw) sb.append(Character.forDigit((x >> 4) & 15, 16)).append(Character.forDigit(x & 15, 16));
        sb.setLength(chars);
        c.bulk(sb.toString());
    }

    void getuser(Client c, byte[][] argv) {
        AclUser u = acl(c).user(Bytes.latin1(argv[2]));
        if (u == null) {
            c.nullBulk();
            return;
        }
        c.map(6);
        c.bulk("flags");
        List<String> flags = u.flags();
        c.set(flags.size());
        for (String f : flags) c.bulk(f);
        c.bulk("passwords");
        c.array(u.passwords().size());
        for (String p : u.passwords()) c.bulk(p);
        c.bulk("commands");
        c.bulk(u.describeCommands(c.node().commands()));
        c.bulk("keys");
        c.bulk(u.describeKeys());
        c.bulk("channels");
        c.bulk(u.describeChannels());
        c.bulk("selectors");
        c.emptyArray();
    }

    void help(Client c, byte[][] argv) {
        ServerCommands.help(c, "ACL",
                "CAT [<category>]",
                "    List all commands that belong to <category>, or all command categories",
                "    when no category is specified.",
                "DELUSER <username> [<username> ...]",
                "    Delete a list of users.",
                "DRYRUN <username> <command> [<arg> ...]",
                "    Returns whether the user can execute the given command without executing the command.",
                "GETUSER <username>",
                "    Get the user's details.",
                "GENPASS [<bits>]",
                "    Generate a secure 256-bit user password. The optional `bits` argument can",
                "    be used to specify a different size.",
                "LIST",
                "    Show users details in config file format.",
                "LOAD",
                "    Reload users from the ACL file.",
                "LOG [<count> | RESET]",
                "    Show the ACL log entries.",
                "SAVE",
                "    Save the current config to the ACL file.",
                "SETUSER <username> <attribute> [<attribute> ...]",
                "    Create or modify a user with the specified attributes.",
                "USERS",
                "    List all the registered usernames.",
                "WHOAMI",
                "    Return the current connection username.");
    }

    void list(Client c, byte[][] argv) {
        AclUsers acl = acl(c);
        c.array(acl.users().size());
        for (AclUser u : acl.users().values()) c.bulk(u.describe(c.node().commands()));
    }

    void load(Client c, byte[][] argv) {
        String file = c.node().config().getString("aclfile");
        if (file == null || file.isEmpty()) {
            c.error(NO_ACLFILE);
            return;
        }
        String err = loadFile(acl(c), Path.of(file));
        if (err != null) c.error("ERR " + err);
        else {
            c.ok();
        }
    }

    void save(Client c, byte[][] argv) {
        String file = c.node().config().getString("aclfile");
        if (file == null || file.isEmpty()) {
            c.error(NO_ACLFILE);
            return;
        }
        StringBuilder sb = new StringBuilder();
        for (AclUser u : acl(c).users().values()) sb.append(u.describe(c.node().commands())).append('\n');
        Path target = Path.of(file);
        try {
            Path tmp = target.resolveSibling(target.getFileName() + ".tmp-" + ProcessHandle.current().pid());
            Files.writeString(tmp, sb, StandardCharsets.ISO_8859_1);
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            c.ok();
        } catch (IOException e) {
            c.error("ERR There was an error trying to save the ACLs. Please check the server logs for more information");
        }
    }

    void log(Client c, byte[][] argv) {
        AclUsers acl = acl(c);
        long count = 10;
        if (argv.length > 3) {
            ServerCommands.subcommandSyntaxError(c, argv);
            return;
        }
        if (argv.length == 3) {
            if (Args.is(argv[2], "reset")) {
                acl.log().clear();
                c.ok();
                return;
            }
            Long n = Args.integer(c, argv[2]);
            if (n == null) return;
            count = Math.max(0, n);
        }
        long now = c.node().keyspace().now();
        int n = (int) Math.min(count, acl.log().size());
        c.array(n);
        int i = 0;
        for (AclUsers.LogEntry e : acl.log()) {
            if (i++ >= n) break;
            c.map(7);
            c.bulk("count");
            c.integer(e.count);
            c.bulk("reason");
            c.bulk(e.reason);
            c.bulk("context");
            c.bulk(e.context);
            c.bulk("object");
            c.bulk(e.object);
            c.bulk("username");
            c.bulk(e.username);
            c.bulk("age-seconds");
            c.doubleReply((now - e.createdMillis) / 1000.0);
            c.bulk("client-info");
            c.bulk(e.clientInfo);
        }
    }

    void setuser(Client c, byte[][] argv) {
        // the user name and its rules (passwords) never reach the slow log or MONITOR
        for (int i = 2; i < argv.length && i < 64; i++) c.redactMask |= 1L << i;
        List<String> rules = new ArrayList<>();
        for (int i = 3; i < argv.length; i++) rules.add(Bytes.latin1(argv[i]));
        String err = acl(c).setUser(Bytes.latin1(argv[2]), rules);
        if (err != null) c.error(err);
        else c.ok();
    }

    void users(Client c, byte[][] argv) {
        AclUsers acl = acl(c);
        c.array(acl.users().size());
        for (String u : acl.users().keySet()) c.bulk(u);
    }

    void whoami(Client c, byte[][] argv) {
        c.bulk(c.user);
    }
}
