package io.meridian.node.command;

import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One row of the command table: what Redis's src/commands/*.json declare for a command.
 * Arity counts the command name; negative means "at least |arity|". Key positions are
 * 1-based (firstKey, lastKey with -1 = last argument, step); 0 means no keys.
 */
public final class CommandSpec {
    private final String name;
    private final int arity;
    private final EnumSet<CommandFlag> flags;
    private final int firstKey;
    private final int lastKey;
    private final int step;
    private final EnumSet<AclCategory> categories;
    private final CommandHandler handler;
    private final KeyFinder keyFinder;
    private final String summary;
    private final String group;
    private final String since;
    private final CommandSpec parent;
    private final Map<String, CommandSpec> subcommands = new LinkedHashMap<>();
    private final String complexity;
    private final java.util.List<String> tips;
    private final Gate gate;
    private final java.util.List<String> keySpecFlags;
    private final java.util.List<KeySpec> keySpecs;
    // counters for INFO commandstats
    public long calls;
    public long usec;
    public long rejectedCalls;
    public long failedCalls;

    CommandSpec(Builder b, CommandSpec parent) {
        this.parent = parent;
        this.name = parent == null ? b.name : parent.name + "|" + b.name;
        this.arity = b.arity;
        this.flags = b.flags;
        this.firstKey = b.firstKey;
        this.lastKey = b.lastKey;
        this.step = b.step;
        this.handler = b.handler;
        this.keyFinder = b.keyFinder;
        this.summary = b.summary;
        this.group = b.group;
        this.since = b.since;
        this.complexity = b.complexity;
        this.tips = java.util.List.copyOf(b.tips);
        this.gate = b.gate;
        this.keySpecFlags = b.keySpecFlags;
        this.keySpecs = b.keySpecs == null ? null : java.util.List.copyOf(b.keySpecs);
        if (b.keyFinder != null) flags.add(CommandFlag.MOVABLEKEYS);
        this.categories = implicitCategories(b.categories, flags);
        for (Builder sb : b.subcommands) {
            CommandSpec s = new CommandSpec(sb, this);
            subcommands.put(sb.name, s);
        }
    }

    /** Redis's setImplicitACLCategories: flags imply categories. */
    private static EnumSet<AclCategory> implicitCategories(EnumSet<AclCategory> declared, EnumSet<CommandFlag> flags) {
        EnumSet<AclCategory> c = EnumSet.copyOf(declared);
        if (flags.contains(CommandFlag.WRITE)) c.add(AclCategory.WRITE);
        if (flags.contains(CommandFlag.READONLY) && !c.contains(AclCategory.SCRIPTING)) c.add(AclCategory.READ);
        if (flags.contains(CommandFlag.ADMIN)) {
            c.add(AclCategory.ADMIN);
            c.add(AclCategory.DANGEROUS);
        }
        if (flags.contains(CommandFlag.PUBSUB)) c.add(AclCategory.PUBSUB);
        if (flags.contains(CommandFlag.FAST)) c.add(AclCategory.FAST);
        if (flags.contains(CommandFlag.BLOCKING)) c.add(AclCategory.BLOCKING);
        if (!c.contains(AclCategory.FAST)) c.add(AclCategory.SLOW);
        return c;
    }

    public String name() { return name; }
    public int arity() { return arity; }
    public EnumSet<CommandFlag> flags() { return flags; }
    public boolean has(CommandFlag f) { return flags.contains(f); }
    public int firstKey() { return firstKey; }
    public int lastKey() { return lastKey; }
    public int step() { return step; }
    public EnumSet<AclCategory> categories() { return categories; }
    public CommandHandler handler() { return handler; }
    public KeyFinder keyFinder() { return keyFinder; }
    public String summary() { return summary; }
    public String group() { return group; }
    public String since() { return since; }
    public CommandSpec parent() { return parent; }
    public Map<String, CommandSpec> subcommands() { return subcommands; }
    /** COMMAND DOCS "complexity", or null when not documented. */
    public String complexity() { return complexity; }
    /** Redis 7's command tips (COMMAND INFO): "nondeterministic_output", "request_policy:all_shards", ... */
    public java.util.List<String> tips() { return tips; }
    /** A check run right after the arity check (Redis's protected commands: DEBUG); null = none. */
    public Gate gate() { return gate; }
    /** The key spec flags COMMAND INFO shows ("RW", "access", "update", ...), or null to derive them from the command flags. */
    public java.util.List<String> keySpecFlags() { return keySpecFlags; }
    /** Key specs declared one by one (keys with different flags, or notes), or null for the one derived from the key range. */
    public java.util.List<KeySpec> keySpecs() { return keySpecs; }

    /**
     * One of Redis's key specs with an index begin_search and a range find_keys: the key at
     * {@code index}, then up to {@code lastKey} (relative to it; negative counts from the end)
     * every {@code keyStep}; {@code notes} may be null.
     */
    public record KeySpec(String notes, java.util.List<String> flags, int index, int lastKey, int keyStep,
                          int keynumIdx, int firstKey) {
        /** A range find_keys spec. */
        public KeySpec(String notes, java.util.List<String> flags, int index, int lastKey, int keyStep) {
            this(notes, flags, index, lastKey, keyStep, -1, 0);
        }

        /**
         * Whether find_keys is "keynum" (SINTERCARD, ZUNION, LMPOP ...): the key count at
         * index + keynumIdx, the keys from index + firstKey every keyStep.
         */
        public boolean isKeynum() {
            return keynumIdx >= 0;
        }

        /** Whether this spec covers argv position k of a command of argc arguments. */
        public boolean covers(int k, int argc) {
            if (isKeynum()) return k >= index + firstKey && (k - index - firstKey) % keyStep == 0;
            int last = lastKey < 0 ? argc + lastKey : index + lastKey;
            return k >= index && k <= last && (k - index) % keyStep == 0;
        }
    }

    /** Refuses a command before it is queued or run: returns the error reply, or null to let it through. */
    @FunctionalInterface
    public interface Gate {
        String refuse(io.meridian.node.server.Client c, byte[][] argv);
    }

    /** Whether argc satisfies the arity. */
    public boolean arityOk(int argc) {
        return arity > 0 ? argc == arity : argc >= -arity;
    }

    /** The key argument indexes (0-based into argv) of this invocation. */
    public int[] keys(byte[][] argv) {
        if (keyFinder != null) return keyFinder.keys(argv);
        if (firstKey == 0) return new int[0];
        int last = lastKey < 0 ? argv.length + lastKey : lastKey;
        if (last >= argv.length) last = argv.length - 1;
        if (firstKey > last) return new int[0];
        int n = (last - firstKey) / step + 1;
        int[] k = new int[n];
        for (int i = 0; i < n; i++) k[i] = firstKey + i * step;
        return k;
    }

    @Override
    public String toString() {
        return name;
    }

    /** Declares one command, read as data: {@code command("get", 2).flags("readonly fast").keys(1, 1, 1).acl("@string")}. */
    public static Builder command(String name, int arity) {
        return new Builder(name, arity);
    }

    public static final class Builder {
        final String name;
        final int arity;
        EnumSet<CommandFlag> flags = EnumSet.noneOf(CommandFlag.class);
        int firstKey, lastKey, step;
        EnumSet<AclCategory> categories = EnumSet.noneOf(AclCategory.class);
        CommandHandler handler;
        KeyFinder keyFinder;
        String summary = "";
        String group = "generic";
        String since = "1.0.0";
        String complexity;
        java.util.List<String> tips = java.util.List.of();
        Gate gate;
        java.util.List<String> keySpecFlags;
        java.util.List<KeySpec> keySpecs;
        final java.util.List<Builder> subcommands = new java.util.ArrayList<>();

        Builder(String name, int arity) {
            this.name = name.toLowerCase(java.util.Locale.ROOT);
            this.arity = arity;
        }

        public Builder flags(String words) {
            flags = CommandFlag.parse(words);
            return this;
        }

        public Builder keys(int first, int last, int step) {
            this.firstKey = first;
            this.lastKey = last;
            this.step = step;
            return this;
        }

        public Builder keys(KeyFinder finder) {
            this.keyFinder = finder;
            return this;
        }

        /** Keys at declared positions plus a finder for the exact ones (movablekeys). */
        public Builder keys(int first, int last, int step, KeyFinder finder) {
            keys(first, last, step);
            this.keyFinder = finder;
            return this;
        }

        public Builder acl(String words) {
            categories = AclCategory.parse(words);
            return this;
        }

        public Builder doc(String group, String since, String summary) {
            this.group = group;
            this.since = since;
            this.summary = summary;
            return this;
        }

        public Builder complexity(String complexity) {
            this.complexity = complexity;
            return this;
        }

        /** Command tips, space separated, in Redis's order. */
        public Builder tips(String words) {
            this.tips = java.util.List.of(words.trim().split("\\s+"));
            return this;
        }

        /** Redis's key spec flags for this command's keys, e.g. "RW access update" (COMMAND INFO, GETKEYSANDFLAGS). */
        public Builder keySpecFlags(String words) {
            this.keySpecFlags = java.util.List.of(words.trim().split("\\s+"));
            return this;
        }

        /** Declares one key spec (in Redis's order); see {@link KeySpec}. */
        public Builder keySpec(String flags, int index, int lastKey, int keyStep) {
            return keySpec(null, flags, index, lastKey, keyStep);
        }

        public Builder keySpec(String notes, String flags, int index, int lastKey, int keyStep) {
            if (keySpecs == null) keySpecs = new java.util.ArrayList<>();
            keySpecs.add(new KeySpec(notes, java.util.List.of(flags.trim().split("\\s+")), index, lastKey, keyStep));
            return this;
        }

        /** Declares a key spec whose find_keys is "keynum" (see {@link KeySpec#isKeynum}). */
        public Builder keySpecKeynum(String flags, int index, int keynumIdx, int firstKey, int keyStep) {
            if (keySpecs == null) keySpecs = new java.util.ArrayList<>();
            keySpecs.add(new KeySpec(null, java.util.List.of(flags.trim().split("\\s+")), index, 0, keyStep, keynumIdx, firstKey));
            return this;
        }

        public Builder gate(Gate gate) {
            this.gate = gate;
            return this;
        }

        public Builder run(CommandHandler h) {
            this.handler = h;
            return this;
        }

        public Builder sub(Builder s) {
            s.group = this.group;
            subcommands.add(s);
            return this;
        }
    }
}
