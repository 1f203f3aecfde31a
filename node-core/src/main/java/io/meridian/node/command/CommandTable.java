package io.meridian.node.command;

import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The one registry of commands: arity, flags, keys, ACL categories and handler of each.
 * Replication, read-only replicas, MULTI, ACL and COMMAND all read it. Families register
 * explicitly (no classpath scanning); see {@link io.meridian.node.commands.Commands}.
 */
public final class CommandTable {
    private final Map<String, CommandSpec> byName = new TreeMap<>();
    /** Lookup without allocating a lower-cased String on the hot path. */
    private final Map<LowerKey, CommandSpec> fast = new HashMap<>();

    public CommandTable add(CommandSpec.Builder b) {
        CommandSpec spec = new CommandSpec(b, null);
        if (byName.put(spec.name(), spec) != null) throw new IllegalStateException("duplicate command " + spec.name());
        fast.put(new LowerKey(spec.name().getBytes(java.nio.charset.StandardCharsets.US_ASCII)), spec);
        return this;
    }

    public CommandSpec lookup(byte[] name) {
        if (name.length > 32) return null;
        return fast.get(LowerKey.probe(name));
    }

    public CommandSpec lookup(String name) {
        return byName.get(name.toLowerCase(Locale.ROOT));
    }

    /** "client|kill" or "client" and "kill". */
    public CommandSpec lookupSub(String container, String sub) {
        CommandSpec c = lookup(container);
        if (c == null) return null;
        return c.subcommands().get(sub.toLowerCase(Locale.ROOT));
    }

    public Collection<CommandSpec> all() {
        return Collections.unmodifiableCollection(byName.values());
    }

    public int size() {
        return byName.size();
    }

    /** Renames a command (rename-command directive); an empty new name removes it. */
    public void rename(String from, String to) {
        CommandSpec spec = byName.remove(from.toLowerCase(Locale.ROOT));
        if (spec == null) throw new IllegalArgumentException("No such command in rename-command");
        fast.remove(new LowerKey(spec.name().getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
        if (!to.isEmpty()) {
            fast.put(new LowerKey(to.toLowerCase(Locale.ROOT).getBytes(java.nio.charset.StandardCharsets.US_ASCII)), spec);
        }
    }

    /** A case-insensitive byte key; the probe instance is reused per thread. */
    static final class LowerKey {
        private static final ThreadLocal<LowerKey> PROBE = ThreadLocal.withInitial(() -> new LowerKey(new byte[0]));
        byte[] b;
        int h;

        LowerKey(byte[] lower) {
            set(lower);
        }

        void set(byte[] raw) {
            this.b = raw;
            int hh = 0;
            for (byte x : raw) hh = 31 * hh + lowerByte(x);
            this.h = hh;
        }

        static LowerKey probe(byte[] raw) {
            LowerKey k = PROBE.get();
            k.set(raw);
            return k;
        }

        static int lowerByte(byte x) {
            return (x >= 'A' && x <= 'Z') ? x + 32 : x;
        }

        @Override
        public int hashCode() {
            return h;
        }

        @Override
        public boolean equals(Object o) {
            if (!(o instanceof LowerKey k) || k.b.length != b.length) return false;
            for (int i = 0; i < b.length; i++) if (lowerByte(b[i]) != lowerByte(k.b[i])) return false;
            return true;
        }
    }
}
