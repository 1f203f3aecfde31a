package io.meridian.node.acl;

import io.meridian.node.Node;
import io.meridian.node.command.CommandSpec;
import io.meridian.node.command.CommandTable;
import io.meridian.node.server.Acl;
import io.meridian.node.server.Client;
import io.meridian.node.util.Glob;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Redis 7.0's ACL: the users (sorted as Redis's rax), the default user kept in step with
 * requirepass, permission checks for every command (commands, keys, channels) and the ACL LOG.
 */
public final class AclUsers implements Acl {
    public static final String DENIED_COMMAND = "NOPERM this user has no permissions to run the '%s' command";
    public static final String DENIED_KEY = "NOPERM this user has no permissions to access one of the keys used as arguments";
    public static final String DENIED_CHANNEL = "NOPERM this user has no permissions to access one of the channels used as arguments";
    static final long GROUPING_MILLIS = 60_000;

    /** Why a command is refused: reason "command", "key" or "channel" and the object logged. */
    public record Denial(String reason, String object) {
        public String error(CommandSpec spec) {
            return switch (reason) {
                case "command" -> String.format(DENIED_COMMAND, spec.name());
                case "key" -> DENIED_KEY;
                default -> DENIED_CHANNEL;
            };
        }

        /** ACL DRYRUN's wording. */
        public String dryRun(CommandSpec spec) {
            return switch (reason) {
                case "command" -> "This user has no permissions to run the '" + spec.name() + "' command";
                case "key" -> "This user has no permissions to access the '" + object + "' key";
                default -> "This user has no permissions to access the '" + object + "' channel";
            };
        }
    }

    /** One ACL LOG entry (grouped as Redis does: same reason, context, object and user within 60 s). */
    public static final class LogEntry {
        public long count = 1;
        public final String reason, context, object, username;
        public long createdMillis;
        public String clientInfo;

        LogEntry(String reason, String context, String object, String username, long now, String clientInfo) {
            this.reason = reason;
            this.context = context;
            this.object = object;
            this.username = username;
            this.createdMillis = now;
            this.clientInfo = clientInfo;
        }
    }

    private final Node node;
    private final TreeMap<String, AclUser> users = new TreeMap<>();
    private final Deque<LogEntry> log = new ArrayDeque<>();
    private volatile Function<Client, String> clientInfo = c -> "id=" + c.id;

    public AclUsers(Node node) {
        this.node = node;
        AclUser def = new AclUser("default");
        try {
            for (String r : List.of("+@all", "~*", "&*", "on", "nopass")) def.apply(r, table(), true);
        } catch (AclUser.RuleException e) {
            throw new IllegalStateException(e);
        }
        users.put("default", def);
        syncRequirepass();
        node.config().watch("requirepass", cfg -> syncRequirepass());
    }

    /** requirepass sets the default user's only password (empty = nopass), as Redis's ACLUpdateDefaultUserPassword. */
    private void syncRequirepass() {
        String pass = node.config().getString("requirepass");
        AclUser def = users.get("default");
        if (def == null) return;
        def.passwords.clear();
        def.nopass = false;
        if (pass == null || pass.isEmpty()) def.nopass = true;
        else def.passwords.add(AclUser.sha256Hex(pass.getBytes(StandardCharsets.UTF_8)));
    }

    public void setClientInfo(Function<Client, String> f) {
        this.clientInfo = f;
    }

    public CommandTable table() {
        return node.commands();
    }

    boolean pubsubDefaultAll() {
        return "allchannels".equals(node.config().getString("acl-pubsub-default"));
    }

    public AclUser user(String name) {
        return users.get(name);
    }

    public TreeMap<String, AclUser> users() {
        return users;
    }

    /** ACL SETUSER: applies the rules to a copy, then installs it; the error is Redis's reply text or null. */
    public String setUser(String name, List<String> rules) {
        AclUser old = users.get(name);
        AclUser u = old == null ? new AclUser(name) : copy(old);
        if (old == null) {
            try {
                u.apply(pubsubDefaultAll() ? "allchannels" : "resetchannels", table(), pubsubDefaultAll());
            } catch (AclUser.RuleException e) {
                throw new IllegalStateException(e);
            }
        }
        for (String r : rules) {
            try {
                u.apply(r, table(), pubsubDefaultAll());
            } catch (AclUser.RuleException e) {
                return "ERR Error in ACL SETUSER modifier '" + r + "': " + e.getMessage();
            }
        }
        users.put(name, u);
        return null;
    }

    private static AclUser copy(AclUser o) {
        AclUser u = new AclUser(o.name);
        u.enabled = o.enabled;
        u.nopass = o.nopass;
        u.sanitize = o.sanitize;
        u.passwords.addAll(o.passwords);
        u.allowed.addAll(o.allowed);
        u.future = o.future;
        o.firstArgs.forEach((k, v) -> u.firstArgs.put(k, new ArrayList<>(v)));
        u.allKeys = o.allKeys;
        u.keys.addAll(o.keys);
        u.allChannels = o.allChannels;
        u.channels.addAll(o.channels);
        return u;
    }

    /** Deletes a user and disconnects the clients authenticated as it; false when there is none. */
    public boolean delete(String name) {
        if (users.remove(name) == null) return false;
        for (Client c : new ArrayList<>(node.clients().values())) {
            if (name.equals(c.user) && c.kind != 'M') c.closeAfterReply();
        }
        return true;
    }

    /** Replaces every user (ACL LOAD, aclfile at start-up); the default user is created when the file has none. */
    public void replaceAll(TreeMap<String, AclUser> fresh) {
        users.clear();
        users.putAll(fresh);
    }

    // ---- Acl ---------------------------------------------------------------------------

    @Override
    public String check(Client c, CommandSpec spec, byte[][] argv) {
        AclUser u = users.get(c.user);
        if (u == null) return null;
        Denial d = evaluate(u, spec, argv);
        if (d == null) return null;
        addLog(c, d.reason(), c.inMulti ? "multi" : "toplevel", d.reason().equals("command") ? spec.name() : d.object(), c.user);
        return d.error(spec);
    }

    /** Redis's ACLCheckAllUserCommandPerm without logging; null = allowed. */
    public Denial evaluate(AclUser u, CommandSpec spec, byte[][] argv) {
        if (u.future && u.allKeys && u.allChannels && u.allowed.contains(spec.name())) return null;
        if (!spec.has(io.meridian.node.command.CommandFlag.NO_AUTH) && !u.canRun(spec, argv)) return new Denial("command", spec.name());
        if (!u.allKeys) {
            int[] keys = spec.keys(argv);
            for (int k : keys) {
                if (k >= argv.length) continue;
                if (!keyAllowed(u, argv[k], keyFlags(spec, k, argv))) {
                    return new Denial("key", new String(argv[k], StandardCharsets.ISO_8859_1));
                }
            }
        }
        if (!u.allChannels) {
            String name = spec.name();
            int from;
            boolean pattern = false;
            boolean all;
            switch (name) {
                case "publish", "spublish" -> { from = 1; all = false; }
                case "subscribe", "ssubscribe" -> { from = 1; all = true; }
                case "psubscribe" -> { from = 1; all = true; pattern = true; }
                default -> { from = -1; all = false; }
            }
            if (from > 0) {
                int to = all ? argv.length - 1 : Math.min(from, argv.length - 1);
                for (int i = from; i <= to; i++) {
                    if (!channelAllowed(u, argv[i], pattern)) {
                        return new Denial("channel", new String(argv[i], StandardCharsets.ISO_8859_1));
                    }
                }
            }
        }
        return null;
    }

    private static boolean keyAllowed(AclUser u, byte[] key, List<String> flags) {
        boolean needRead = flags.contains("access");
        boolean needWrite = flags.contains("insert") || flags.contains("delete") || flags.contains("update");
        for (AclUser.KeyPattern p : u.keys) {
            if (needRead && !p.read()) continue;
            if (needWrite && !p.write()) continue;
            if (Glob.match(p.pattern().getBytes(StandardCharsets.ISO_8859_1), key, false)) return true;
        }
        return false;
    }

    private static boolean channelAllowed(AclUser u, byte[] channel, boolean literal) {
        for (String p : u.channels) {
            byte[] pb = p.getBytes(StandardCharsets.ISO_8859_1);
            if (literal ? java.util.Arrays.equals(pb, channel) : Glob.match(pb, channel, false)) return true;
        }
        return false;
    }

    /** The flags of the key at argv position k: those of the first declared key spec covering it. */
    static List<String> keyFlags(CommandSpec s, int k, byte[][] argv) {
        List<String> derived = s.keySpecFlags() != null ? s.keySpecFlags()
                : s.has(io.meridian.node.command.CommandFlag.WRITE) ? List.of("RW", "update") : List.of("RO", "access");
        if (s.keySpecs() == null) return derived;
        for (CommandSpec.KeySpec spec : s.keySpecs()) {
            if (!spec.covers(k, argv.length)) continue;
            if (spec.flags().contains("variable_flags") && s.name().equals("set")) {
                for (int i = 3; i < argv.length; i++) {
                    if (new String(argv[i], StandardCharsets.ISO_8859_1).equalsIgnoreCase("get")) return List.of("RW", "access", "update");
                }
                return List.of("OW", "update");
            }
            return spec.flags();
        }
        return derived;
    }

    @Override
    public boolean authenticate(String user, byte[] password) {
        AclUser u = users.get(user);
        return u != null && u.enabled && u.checkPassword(password);
    }

    @Override
    public boolean authenticate(Client c, String user, byte[] password) {
        if (authenticate(user, password)) return true;
        addLog(c, "auth", c.inMulti ? "multi" : "toplevel", "AUTH", user);
        return false;
    }

    @Override
    public boolean authRequired() {
        AclUser def = users.get("default");
        return def == null || !(def.nopass && def.enabled);
    }

    @Override
    public boolean userExists(String name) {
        return users.containsKey(name);
    }

    // ---- ACL LOG -----------------------------------------------------------------------

    public void addLog(Client c, String reason, String context, String object, String username) {
        long now = c.node().keyspace().now();
        String info = clientInfo.apply(c);
        int toScan = 10;
        for (LogEntry e : log) {
            if (toScan-- == 0) break;
            if (e.reason.equals(reason) && e.context.equals(context) && e.object.equals(object)
                    && e.username.equals(username) && now - e.createdMillis < GROUPING_MILLIS) {
                e.count++;
                e.createdMillis = now;
                e.clientInfo = info;
                return;
            }
        }
        log.addFirst(new LogEntry(reason, context, object, username, now, info));
        long max = node.config().getLong("acllog-max-len");
        while (log.size() > max) log.removeLast();
    }

    public Deque<LogEntry> log() {
        return log;
    }

    static String lower(String s) {
        return s.toLowerCase(Locale.ROOT);
    }
}
