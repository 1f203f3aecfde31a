package io.meridian.node.config;

import java.util.List;
import java.util.Locale;

/**
 * One configuration directive, as Redis's config.c declares it: a name (and aliases), a
 * type with its bounds, a default, and whether CONFIG SET may change it at run time. The
 * same row serves redis.conf, {@code --flag value}, CONFIG GET/SET/REWRITE, Micronaut
 * properties ({@code meridian.<name>}) and environment variables ({@code MERIDIAN_<NAME>}).
 */
public record Directive(String name, List<String> aliases, Type type, String defaultValue, boolean mutable,
                        long min, long max, List<String> enumValues, String help) {

    /** How a directive's text is parsed and validated. */
    public enum Type { BOOL, INT, MEMORY, ENUM, STRING, SAVE, CLIENT_OUTPUT_BUFFER_LIMIT, HOST_PORT, MULTI_STRING }

    public static Directive bool(String name, boolean def, boolean mutable, String help) {
        return new Directive(name, List.of(), Type.BOOL, def ? "yes" : "no", mutable, 0, 1, List.of(), help);
    }

    public static Directive integer(String name, long def, long min, long max, boolean mutable, String help) {
        return new Directive(name, List.of(), Type.INT, Long.toString(def), mutable, min, max, List.of(), help);
    }

    public static Directive memory(String name, String def, long min, long max, boolean mutable, String help) {
        return new Directive(name, List.of(), Type.MEMORY, def, mutable, min, max, List.of(), help);
    }

    public static Directive enumeration(String name, String def, boolean mutable, String help, String... values) {
        return new Directive(name, List.of(), Type.ENUM, def, mutable, 0, 0, List.of(values), help);
    }

    public static Directive string(String name, String def, boolean mutable, String help) {
        return new Directive(name, List.of(), Type.STRING, def, mutable, 0, 0, List.of(), help);
    }

    public static Directive special(String name, Type type, String def, boolean mutable, String help) {
        return new Directive(name, List.of(), type, def, mutable, 0, 0, List.of(), help);
    }

    public Directive alias(String... names) {
        return new Directive(name, List.of(names), type, defaultValue, mutable, min, max, enumValues, help);
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
