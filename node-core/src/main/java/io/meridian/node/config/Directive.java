package io.meridian.node.config;

import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * One configuration directive, as Redis's config.c declares it: a name (and aliases), a
 * type with its bounds, a default, and whether CONFIG SET may change it at run time. The
 * same row serves redis.conf, {@code --flag value}, CONFIG GET/SET/REWRITE, Micronaut
 * properties ({@code meridian.<name>}) and environment variables ({@code MERIDIAN_<NAME>}).
 */
public record Directive(String name, List<String> aliases, Type type, String defaultValue, boolean mutable,
                        long min, long max, List<String> enumValues, String help, Set<Flag> flags) {

    /** How a directive's text is parsed and validated. */
    public enum Type {
        BOOL, INT, MEMORY, ENUM, STRING, SAVE, CLIENT_OUTPUT_BUFFER_LIMIT, HOST_PORT, MULTI_STRING,
        /** Several percentiles, e.g. "50 99 99.9" (latency-tracking-info-percentiles). */
        PERCENTILES,
        /** An octal number (unixsocketperm). */
        OCTAL,
        /** A memory value or a percentage of maxmemory ("10%"), e.g. maxmemory-clients. */
        MEMORY_OR_PERCENT,
        /** Keyspace notification classes ("KEA", ""), printed in Redis's canonical order. */
        NOTIFY_KEYSPACE_EVENTS,
        /** Three oom_score_adj values, "0 200 800". */
        OOM_SCORE_ADJ_VALUES
    }

    /** Redis's config flags that change CONFIG behaviour. */
    public enum Flag {
        /** CONFIG SET refuses it unless enable-protected-configs allows ("can't set protected config"). */
        PROTECTED,
        /** Its value is redacted from the slow log and MONITOR (passwords). */
        SENSITIVE,
        /** Numbers compare and print as unsigned (Redis's UINT/ULONG/SIZE_T/ULONGLONG configs). */
        UNSIGNED,
        /** Refused while loading (LOADING error). */
        DENY_LOADING,
        /** Not matched by CONFIG GET patterns, only by its exact name. */
        HIDDEN,
        /** An empty value means "not set" (Redis's EMPTY_STRING_IS_NULL strings). */
        EMPTY_IS_NULL,
        /** Accepted for compatibility with redis.conf files; Meridian does not act on it. */
        COMPAT,
        /** Meridian's own directive: redis-server does not know it. */
        MERIDIAN,
        /** Read from config files and flags only; CONFIG GET/SET do not know it (rename-command). */
        FILE_ONLY
    }

    private static final Set<Flag> NONE = EnumSet.noneOf(Flag.class);

    public static Directive bool(String name, boolean def, boolean mutable, String help) {
        return new Directive(name, List.of(), Type.BOOL, def ? "yes" : "no", mutable, 0, 1, List.of(), help, NONE);
    }

    public static Directive integer(String name, long def, long min, long max, boolean mutable, String help) {
        return new Directive(name, List.of(), Type.INT, Long.toString(def), mutable, min, max, List.of(), help, NONE);
    }

    public static Directive memory(String name, String def, long min, long max, boolean mutable, String help) {
        return new Directive(name, List.of(), Type.MEMORY, def, mutable, min, max, List.of(), help, NONE);
    }

    public static Directive enumeration(String name, String def, boolean mutable, String help, String... values) {
        return new Directive(name, List.of(), Type.ENUM, def, mutable, 0, 0, List.of(values), help, NONE);
    }

    public static Directive string(String name, String def, boolean mutable, String help) {
        return new Directive(name, List.of(), Type.STRING, def, mutable, 0, 0, List.of(), help, NONE);
    }

    public static Directive special(String name, Type type, String def, boolean mutable, String help) {
        return new Directive(name, List.of(), type, def, mutable, 0, 0, List.of(), help, NONE);
    }

    /** A number with bounds of another type (MEMORY_OR_PERCENT, OCTAL). */
    public static Directive numeric(String name, Type type, String def, long min, long max, boolean mutable, String help) {
        return new Directive(name, List.of(), type, def, mutable, min, max, List.of(), help, NONE);
    }

    public Directive alias(String... names) {
        return new Directive(name, List.of(names), type, defaultValue, mutable, min, max, enumValues, help, flags);
    }

    /** The same directive with these flags added. */
    public Directive with(Flag... add) {
        EnumSet<Flag> f = flags.isEmpty() ? EnumSet.noneOf(Flag.class) : EnumSet.copyOf(flags);
        f.addAll(List.of(add));
        return new Directive(name, aliases, type, defaultValue, mutable, min, max, enumValues, help, f);
    }

    public boolean has(Flag f) {
        return flags.contains(f);
    }

    public boolean matches(String n) {
        String l = n.toLowerCase(Locale.ROOT);
        return name.equals(l) || aliases.contains(l);
    }

    /** Micronaut property / environment variable form: meridian.repl-backlog-size, MERIDIAN_REPL_BACKLOG_SIZE. */
    public String envName() {
        return "MERIDIAN_" + name.toUpperCase(Locale.ROOT).replace('-', '_');
    }
}
