package io.meridian.node.acl;

import io.meridian.node.command.AclCategory;
import io.meridian.node.command.CommandSpec;
import io.meridian.node.command.CommandTable;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * One ACL user as Redis 7.0's acl.c keeps it: flags, SHA-256 password hashes, and one root
 * selector (allowed commands as a set of full names standing for Redis's command bitmap, first
 * arguments, key patterns with read/write permissions, channel patterns).
 */
public final class AclUser {
    /** A key pattern: ~p (read and write), %R~p, %W~p. */
    public record KeyPattern(String pattern, boolean read, boolean write) {
        String describe() {
            if (read && write) return "~" + pattern;
            return (read ? "%R~" : "%W~") + pattern;
        }
    }

    /** A rule refused by {@link #apply}: Redis's "Error in ACL SETUSER modifier" reason. */
    public static final class RuleException extends Exception {
        public RuleException(String reason) {
            super(reason, null, false, false);
        }
    }

    static final String SYNTAX = "Syntax error";
    static final String UNKNOWN = "Unknown command or category name in ACL";

    public final String name;
    boolean enabled;
    boolean nopass;
    /** null, "sanitize-payload" or "skip-sanitize-payload". */
    String sanitize;
    final LinkedHashSet<String> passwords = new LinkedHashSet<>();
    /** The command bitmap: full names ("get", "config|get") of the commands allowed. */
    final Set<String> allowed = new HashSet<>();
    /** The bit Redis reserves for commands not yet known: set only by +@all. */
    boolean future;
    /** Allowed first arguments of commands without subcommands (+select|0). */
    final Map<String, List<String>> firstArgs = new HashMap<>();
    boolean allKeys;
    final List<KeyPattern> keys = new ArrayList<>();
    boolean allChannels;
    final List<String> channels = new ArrayList<>();

    public AclUser(String name) {
        this.name = name;
    }

    public boolean enabled() { return enabled; }
    public boolean nopass() { return nopass; }
    public Set<String> passwords() { return passwords; }

    /** Whether this user may do everything (the default user out of the box). */
    boolean unrestricted() {
        return future && allKeys && allChannels && firstArgs.isEmpty() && allowed.size() >= 0;
    }

    public static String sha256Hex(byte[] password) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(password);
            StringBuilder sb = new StringBuilder(64);
            for (byte b : h) {
                sb.append(Character.forDigit((b >> 4) & 15, 16)).append(Character.forDigit(b & 15, 16));
            }
            return sb.toString();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Whether the password matches one of the hashes (compared in constant time). */
    public boolean checkPassword(byte[] password) {
        if (nopass) return true;
        byte[] h = sha256Hex(password).getBytes(StandardCharsets.US_ASCII);
        boolean ok = false;
        for (String p : passwords) ok |= MessageDigest.isEqual(h, p.getBytes(StandardCharsets.US_ASCII));
        return ok;
    }

    /** Applies one rule, as Redis's ACLSetUser; table is the command table for command rules. */
    public void apply(String op, CommandTable table, boolean pubsubDefaultAll) throws RuleException {
        String lower = op.toLowerCase(Locale.ROOT);
        switch (lower) {
            case "on" -> { enabled = true; return; }
            case "off" -> { enabled = false; return; }
            case "skip-sanitize-payload", "sanitize-payload" -> { sanitize = lower; return; }
            case "nopass" -> { nopass = true; passwords.clear(); return; }
            case "resetpass" -> { nopass = false; passwords.clear(); return; }
            case "allkeys" -> { allKeys = true; keys.clear(); return; }
            case "resetkeys" -> { allKeys = false; keys.clear(); return; }
            case "allchannels" -> { allChannels = true; channels.clear(); return; }
            case "resetchannels" -> { allChannels = false; channels.clear(); return; }
            case "allcommands", "+@all" -> { setAll(table, true); return; }
            case "nocommands", "-@all" -> { setAll(table, false); return; }
            case "reset" -> {
                apply("resetpass", table, pubsubDefaultAll);
                apply("resetkeys", table, pubsubDefaultAll);
                apply("resetchannels", table, pubsubDefaultAll);
                if (pubsubDefaultAll) apply("allchannels", table, pubsubDefaultAll);
                apply("off", table, pubsubDefaultAll);
                apply("sanitize-payload", table, pubsubDefaultAll);
                apply("-@all", table, pubsubDefaultAll);
                return;
            }
            case "clearselectors" -> { return; }
            default -> { }
        }
        if (op.isEmpty()) throw new RuleException(SYNTAX);
        char first = op.charAt(0);
        if (first == '>') {
            passwords.add(sha256Hex(op.substring(1).getBytes(StandardCharsets.ISO_8859_1)));
            nopass = false;
        } else if (first == '#') {
            String h = op.substring(1);
            if (!isHash(h)) throw new RuleException("The password hash must be exactly 64 characters and contain only lowercase hexadecimal characters");
            passwords.add(h);
            nopass = false;
        } else if (first == '<' || first == '!') {
            String h = first == '<' ? sha256Hex(op.substring(1).getBytes(StandardCharsets.ISO_8859_1)) : op.substring(1);
            if (first == '!' && !isHash(h)) throw new RuleException("The password hash must be exactly 64 characters and contain only lowercase hexadecimal characters");
            if (!passwords.remove(h)) throw new RuleException("The password you are trying to remove from the user does not exist");
        } else if (first == '~' || first == '%') {
            boolean read = true, write = true;
            String pattern;
            if (first == '%') {
                int tilde = op.indexOf('~');
                if (tilde < 2) throw new RuleException(SYNTAX);
                read = false;
                write = false;
                for (int i = 1; i < tilde; i++) {
                    char f = Character.toUpperCase(op.charAt(i));
                    if (f == 'R') read = true;
                    else if (f == 'W') write = true;
                    else throw new RuleException(SYNTAX);
                }
                pattern = op.substring(tilde + 1);
            } else {
                pattern = op.substring(1);
            }
            if (allKeys) throw new RuleException("Adding a pattern after the * pattern (or the 'allkeys' flag) is not valid and does not have any effect. Try 'resetkeys' to start with an empty list of patterns");
            if (pattern.equals("*") && read && write) {
                apply("allkeys", table, pubsubDefaultAll);
                return;
            }
            for (int i = 0; i < keys.size(); i++) {
                KeyPattern k = keys.get(i);
                if (k.pattern().equals(pattern)) {
                    keys.set(i, new KeyPattern(pattern, k.read() || read, k.write() || write));
                    return;
                }
            }
            keys.add(new KeyPattern(pattern, read, write));
        } else if (first == '&') {
            if (allChannels) throw new RuleException("Adding a pattern after the * pattern (or the 'allchannels' flag) is not valid and does not have any effect. Try 'resetchannels' to start with an empty list of channels");
            String pattern = op.substring(1);
            if (pattern.equals("*")) {
                apply("allchannels", table, pubsubDefaultAll);
                return;
            }
            if (!channels.contains(pattern)) channels.add(pattern);
        } else if ((first == '+' || first == '-') && op.length() > 1 && op.charAt(1) == '@') {
            AclCategory cat = AclCategory.byName(op.substring(2));
            if (cat == null || op.length() == 2) throw new RuleException(UNKNOWN);
            setCategory(table, cat, first == '+');
        } else if (first == '+' || first == '-') {
            commandRule(lower.substring(1), first == '+', table);
        } else if (first == '(') {
            throw new RuleException(SYNTAX);
        } else {
            throw new RuleException(SYNTAX);
        }
    }

    private static boolean isHash(String h) {
        if (h.length() != 64) return false;
        for (int i = 0; i < 64; i++) {
            char ch = h.charAt(i);
            if (!((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f'))) return false;
        }
        return true;
    }

    private void commandRule(String name, boolean allow, CommandTable table) throws RuleException {
        CommandSpec cmd = table.lookup(name);
        if (cmd != null) {
            changePerm(cmd, allow);
            return;
        }
        int bar = name.indexOf('|');
        if (bar <= 0 || bar == name.length() - 1) throw new RuleException(UNKNOWN);
        CommandSpec parent = table.lookup(name.substring(0, bar));
        if (parent == null) throw new RuleException(UNKNOWN);
        String sub = name.substring(bar + 1);
        if (sub.indexOf('|') >= 0) throw new RuleException(UNKNOWN);
        if (!parent.subcommands().isEmpty()) {
            CommandSpec s = parent.subcommands().get(sub);
            if (s == null) throw new RuleException(UNKNOWN);
            changePerm(s, allow);
            return;
        }
        // a first argument of a command without subcommands (deprecated in Redis 7.0, still accepted)
        if (!allow) throw new RuleException(UNKNOWN);
        if (allowed.contains(parent.name())) return;
        List<String> args = firstArgs.computeIfAbsent(parent.name(), k -> new ArrayList<>());
        if (!args.contains(sub)) args.add(sub);
    }

    void changePerm(CommandSpec cmd, boolean allow) {
        if (allow) allowed.add(cmd.name());
        else allowed.remove(cmd.name());
        firstArgs.remove(cmd.name());
        for (CommandSpec s : cmd.subcommands().values()) {
            if (allow) allowed.add(s.name());
            else allowed.remove(s.name());
        }
    }

    private void setAll(CommandTable table, boolean allow) {
        allowed.clear();
        firstArgs.clear();
        future = allow;
        if (allow) {
            for (CommandSpec c : table.all()) {
                allowed.add(c.name());
                for (CommandSpec s : c.subcommands().values()) allowed.add(s.name());
            }
        }
    }

    void setCategory(CommandTable table, AclCategory cat, boolean allow) {
        for (CommandSpec c : table.all()) {
            if (c.categories().contains(cat)) changePerm(c, allow);
            for (CommandSpec s : c.subcommands().values()) {
                if (s.categories().contains(cat)) changePerm(s, allow);
            }
        }
    }

    public boolean canRun(CommandSpec spec, byte[][] argv) {
        if (allowed.contains(spec.name())) return true;
        if (spec.parent() == null && argv.length > 1) {
            List<String> args = firstArgs.get(spec.name());
            if (args != null) return args.contains(new String(argv[1], StandardCharsets.ISO_8859_1).toLowerCase(Locale.ROOT));
        }
        return false;
    }

    // ---- description (ACL GETUSER / ACL LIST) -----------------------------------------

    /** Redis 7.0's ACLDescribeSelectorCommandRules: +@all or -@all, best-fitting categories, then single commands. */
    public String describeCommands(CommandTable table) {
        StringBuilder rules = new StringBuilder();
        AclUser fake = new AclUser("");
        AclUser temp = new AclUser("");
        boolean additive = !future;
        rules.append(additive ? "-@all " : "+@all ");
        fake.setAll(table, !additive);
        temp.allowed.addAll(allowed);
        while (true) {
            AclCategory best = null;
            long minDiff = Integer.MAX_VALUE, maxSame = 0;
            for (AclCategory cat : AclCategory.values()) {
                long on = 0, off = 0;
                for (CommandSpec c : table.all()) {
                    if (!c.categories().contains(cat)) continue;
                    if (temp.allowed.contains(c.name())) on++;
                    else off++;
                }
                long diff = additive ? off : on;
                long same = additive ? on : off;
                if (same > diff && (diff < minDiff || (diff == minDiff && same > maxSame))) {
                    best = cat;
                    minDiff = diff;
                    maxSame = same;
                }
            }
            if (best == null) break;
            fake.setCategory(table, best, additive);
            temp.setCategory(table, best, !additive);
            rules.append(additive ? "+@" : "-@").append(best.word()).append(' ');
        }
        for (CommandSpec c : table.all()) single(c, fake, rules);
        rules.setLength(rules.length() - 1);
        return rules.toString();
    }

    private void single(CommandSpec cmd, AclUser fake, StringBuilder rules) {
        boolean userBit = allowed.contains(cmd.name());
        boolean fakeBit = fake.allowed.contains(cmd.name());
        if (userBit != fakeBit) {
            rules.append(userBit ? '+' : '-').append(cmd.name()).append(' ');
            fake.changePerm(cmd, userBit);
        }
        for (CommandSpec s : cmd.subcommands().values()) single(s, fake, rules);
        List<String> args = firstArgs.get(cmd.name());
        if (!userBit && args != null) {
            for (String a : args) rules.append('+').append(cmd.name()).append('|').append(a).append(' ');
        }
    }

    public List<String> flags() {
        List<String> f = new ArrayList<>();
        f.add(enabled ? "on" : "off");
        if (nopass) f.add("nopass");
        if (sanitize != null) f.add(sanitize);
        return f;
    }

    public String describeKeys() {
        if (allKeys) return "~*";
        StringBuilder sb = new StringBuilder();
        for (KeyPattern k : keys) {
            if (!sb.isEmpty()) sb.append(' ');
            sb.append(k.describe());
        }
        return sb.toString();
    }

    public String describeChannels() {
        if (allChannels) return "&*";
        StringBuilder sb = new StringBuilder();
        for (String ch : channels) {
            if (!sb.isEmpty()) sb.append(' ');
            sb.append('&').append(ch);
        }
        return sb.toString();
    }

    /** ACL LIST's line, as Redis's ACLDescribeUser. */
    public String describe(CommandTable table) {
        StringBuilder sb = new StringBuilder("user ").append(name);
        for (String f : flags()) sb.append(' ').append(f);
        for (String p : passwords) sb.append(" #").append(p);
        String k = describeKeys();
        if (!k.isEmpty()) sb.append(' ').append(k);
        if (allChannels) sb.append(" &*");
        else {
            sb.append(" resetchannels");
            String ch = describeChannels();
            if (!ch.isEmpty()) sb.append(' ').append(ch);
        }
        sb.append(' ').append(describeCommands(table));
        return sb.toString();
    }
}
