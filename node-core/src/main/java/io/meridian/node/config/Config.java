package io.meridian.node.config;

import io.meridian.node.util.Bytes;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The live value of every directive of {@link ConfigTable}. Values are kept as their
 * canonical text (what CONFIG GET prints) plus a parsed form for the hot paths. Parsing and
 * validation follow Redis's config.c, error texts included, so redis.conf, flags and
 * CONFIG SET accept and refuse the same input as redis-server.
 */
public final class Config {
    private final Map<String, String> text = new ConcurrentHashMap<>();
    /** Each directive's default in canonical form: CONFIG REWRITE leaves defaults out. */
    private final Map<String, String> defaults = new HashMap<>();
    private final Map<String, Object> parsed = new ConcurrentHashMap<>();
    private final Map<String, List<Consumer<Config>>> listeners = new ConcurrentHashMap<>();
    /** rename-command lines, applied to the command table at start. */
    private final List<String[]> renames = new ArrayList<>();
    /** Directives set explicitly (by file, flag, env or CONFIG SET): CONFIG REWRITE writes these. */
    private final Map<String, String> explicit = new LinkedHashMap<>();
    private String configFile;
    /** The first "save" line of a file replaces the default points; later lines add to them (as Redis). */
    private boolean saveLoaded;

    /** A value parsed and validated but not yet stored. */
    private record Parsed(Object value, String canonical) {}

    /** A CONFIG SET that failed: the directive it is about and Redis's reason. */
    public static final class SetError extends RuntimeException {
        private final String directive;

        public SetError(String directive, String reason) {
            super(reason);
            this.directive = directive;
        }

        public String directive() {
            return directive;
        }
    }

    public Config() {
        for (Directive d : ConfigTable.all()) {
            if (d.name().equals("rename-command")) continue;
            Parsed p = parse(d, splitDefault(d), false);
            parsed.put(d.name(), p.value());
            text.put(d.name(), p.canonical());
            defaults.put(d.name(), p.canonical());
        }
    }

    /** The directive's default as CONFIG GET would print it. */
    public String defaultText(Directive d) {
        String v = defaults.get(d.name());
        if (d.name().equals("dir")) return Path.of(v).toAbsolutePath().normalize().toString();
        return v;
    }

    private static List<String> splitDefault(Directive d) {
        return switch (d.type()) {
            case SAVE, CLIENT_OUTPUT_BUFFER_LIMIT, MULTI_STRING, HOST_PORT, PERCENTILES, OOM_SCORE_ADJ_VALUES ->
                    d.defaultValue().isEmpty() ? List.of("") : List.of(d.defaultValue().split(" "));
            default -> List.of(d.defaultValue());
        };
    }

    public String configFile() {
        return configFile;
    }

    public void setConfigFile(String path) {
        this.configFile = path;
    }

    /** Sets a directive from its arguments (redis.conf / flags); throws with Redis's wording. */
    public void set(String name, List<String> args) {
        Directive d = ConfigTable.find(name);
        if (d == null) throw new ConfigException("Bad directive or wrong number of arguments");
        if (d.name().equals("rename-command")) {
            if (args.size() != 2) throw new ConfigException("wrong number of arguments");
            renames.add(new String[]{args.get(0), args.get(1)});
            return;
        }
        if (!isMultiArg(d) && args.size() != 1) throw new ConfigException("wrong number of arguments");
        // one argument holding every value ("--save '3600 1 300 100'") splits on spaces, as in Redis 7
        List<String> a = isMultiArg(d) && args.size() == 1 ? splitValue(d, args.get(0)) : args;
        if (d.type() == Directive.Type.SAVE) {
            // the first save line of a file replaces the defaults, the next ones add points
            List<String> mine = a.size() == 1 && a.get(0).isEmpty() ? List.of() : a;
            if (saveLoaded && !mine.isEmpty()) {
                List<String> all = new ArrayList<>(List.of(text.get("save").isEmpty() ? new String[0] : text.get("save").split(" ")));
                all.addAll(mine);
                a = all;
            }
            saveLoaded = true;
        }
        commit(d, parse(d, a, true), true);
        fire(d);
    }

    /** One directive from one string (environment variables, application.yml): as CONFIG SET splits it. */
    public void setFromString(String name, String value) {
        Directive d = ConfigTable.find(name);
        if (d == null) throw new ConfigException("Unknown option");
        commit(d, parse(d, splitValue(d, value), true), true);
        fire(d);
    }

    /**
     * CONFIG SET of several directives: all are validated first and none is stored unless all
     * are valid; when applying one fails (a listener throws) the old values are restored.
     * Throws {@link SetError} naming the directive.
     */
    public void setAll(List<Directive> ds, List<String> values) {
        setAll(ds, null, values);
    }

    /** {@link #setAll(List, List)} with the names as given (an alias), which errors name as Redis does. */
    public void setAll(List<Directive> ds, List<String> givenNames, List<String> values) {
        List<Parsed> ps = new ArrayList<>(ds.size());
        for (int i = 0; i < ds.size(); i++) {
            Directive d = ds.get(i);
            try {
                ps.add(parse(d, splitValue(d, values.get(i)), true));
            } catch (ConfigException e) {
                throw new SetError(givenNames == null ? d.name() : givenNames.get(i).toLowerCase(Locale.ROOT), e.getMessage());
            }
        }
        Map<String, Object[]> backup = new HashMap<>();
        for (Directive d : ds) {
            backup.put(d.name(), new Object[]{parsed.get(d.name()), text.get(d.name()), explicit.get(d.name())});
        }
        for (int i = 0; i < ds.size(); i++) commit(ds.get(i), ps.get(i), true);
        for (Directive d : new LinkedHashSet<>(ds)) {
            try {
                fire(d);
            } catch (RuntimeException e) {
                for (Directive r : ds) {
                    Object[] b = backup.get(r.name());
                    parsed.put(r.name(), b[0]);
                    text.put(r.name(), (String) b[1]);
                    if (b[2] == null) explicit.remove(r.name());
                    else explicit.put(r.name(), (String) b[2]);
                }
                for (Directive r : new LinkedHashSet<>(ds)) {
                    try {
                        fire(r);
                    } catch (RuntimeException ignored) {
                        // restoring the previous value: its listeners accepted it before
                    }
                }
                throw new SetError(d.name(), e.getMessage() == null ? "" : e.getMessage());
            }
        }
    }

    private static boolean isMultiArg(Directive d) {
        return switch (d.type()) {
            case SAVE, CLIENT_OUTPUT_BUFFER_LIMIT, HOST_PORT, MULTI_STRING, PERCENTILES, OOM_SCORE_ADJ_VALUES -> true;
            default -> false;
        };
    }

    /** CONFIG SET's view of a value: multi-argument directives split on spaces (sdssplitlen). */
    private static List<String> splitValue(Directive d, String value) {
        if (!isMultiArg(d)) return List.of(value);
        if (value.isEmpty()) return List.of("");
        List<String> out = new ArrayList<>();
        for (String s : value.split(" ", -1)) if (!s.isEmpty()) out.add(s);
        return out.isEmpty() ? List.of("") : out;
    }

    private void commit(Directive d, Parsed p, boolean explicitly) {
        parsed.put(d.name(), p.value());
        text.put(d.name(), p.canonical());
        if (explicitly) explicit.put(d.name(), p.canonical());
    }

    private void fire(Directive d) {
        List<Consumer<Config>> ls = listeners.get(d.name());
        if (ls != null) for (Consumer<Config> l : ls) l.accept(this);
    }

    private Parsed parse(Directive d, List<String> args, boolean validate) {
        switch (d.type()) {
            case BOOL -> {
                String v = one(args).toLowerCase(Locale.ROOT);
                if (!v.equals("yes") && !v.equals("no")) throw new ConfigException("argument must be 'yes' or 'no'");
                return new Parsed(v.equals("yes"), v);
            }
            case INT -> {
                Long v = Bytes.parseLong(one(args).getBytes(StandardCharsets.ISO_8859_1));
                if (v == null) throw new ConfigException("argument couldn't be parsed into an integer");
                bounded(d, v);
                // hz is a hint: out-of-range values are kept within 1..500 (Redis's updateHZ)
                if (d.name().equals("hz")) v = Math.max(1, Math.min(500, v));
                return new Parsed(v, d.has(Directive.Flag.UNSIGNED) ? Long.toUnsignedString(v) : Long.toString(v));
            }
            case MEMORY -> {
                Long v = parseMemory(one(args));
                if (v == null) throw new ConfigException("argument must be a memory value");
                bounded(d, v);
                // the backlog is never smaller than 16kb (CONFIG_REPL_BACKLOG_MIN_SIZE)
                if (d.name().equals("repl-backlog-size")) v = Math.max(v, 16 * 1024);
                return new Parsed(v, d.has(Directive.Flag.UNSIGNED) ? Long.toUnsignedString(v) : Long.toString(v));
            }
            case MEMORY_OR_PERCENT -> {
                String s = one(args);
                Long v = parseMemory(s);
                if (v == null && s.length() > 1 && s.endsWith("%")) {
                    Long pct = Bytes.parseLong(s.substring(0, s.length() - 1).getBytes(StandardCharsets.ISO_8859_1));
                    if (pct != null && pct >= 0) {
                        // stored negative, as Redis stores percentages
                        if (-pct < d.min()) throw new ConfigException("percentage argument must be less or equal to " + (-d.min()));
                        return new Parsed(-pct, pct + "%");
                    }
                }
                if (v == null) throw new ConfigException("argument must be a memory or percent value");
                bounded(d, v);
                return new Parsed(v, Long.toUnsignedString(v));
            }
            case OCTAL -> {
                String s = one(args);
                long v;
                try {
                    v = Long.parseLong(s, 8);
                } catch (NumberFormatException e) {
                    throw new ConfigException("argument couldn't be parsed as an octal number");
                }
                if (v < d.min() || v > d.max()) {
                    throw new ConfigException("argument must be between " + Long.toOctalString(d.min()) + " and "
                            + Long.toOctalString(d.max()) + " inclusive");
                }
                return new Parsed(v, Long.toOctalString(v));
            }
            case ENUM -> {
                String v = one(args).toLowerCase(Locale.ROOT);
                if (!d.enumValues().contains(v)) {
                    throw new ConfigException("argument(s) must be one of the following: " + String.join(", ", d.enumValues()));
                }
                return new Parsed(v, v);
            }
            case STRING -> {
                String v = one(args);
                if (d.name().equals("dbfilename") && (v.contains("/") || v.contains("\\"))) {
                    throw new ConfigException("dbfilename can't be a path, just a filename");
                }
                if (d.name().equals("appendfilename") && v.isEmpty()) throw new ConfigException("appendfilename can't be empty");
                if (d.name().equals("cluster-announce-hostname")) checkHostname(v);
                if (d.name().equals("proc-title-template") && !validProcTitle(v)) {
                    throw new ConfigException("template format is invalid or contains unknown variables");
                }
                return new Parsed(v, v);
            }
            case SAVE -> {
                return parseSave(args);
            }
            case CLIENT_OUTPUT_BUFFER_LIMIT -> {
                return parseOutputBufferLimit(d, args);
            }
            case HOST_PORT -> {
                List<String> a = args.size() == 1 && args.get(0).isEmpty() ? List.of() : args;
                if (a.isEmpty() || (a.size() == 2 && a.get(0).equalsIgnoreCase("no") && a.get(1).equalsIgnoreCase("one"))) {
                    return new Parsed("", "");
                }
                if (a.size() != 2) throw new ConfigException("wrong number of arguments");
                Long port = Bytes.parseLong(a.get(1).getBytes(StandardCharsets.ISO_8859_1));
                if (port == null || port < 0 || port > 65535) throw new ConfigException("Invalid master port");
                String v = a.get(0) + " " + port;
                return new Parsed(v, v);
            }
            case MULTI_STRING -> {
                List<String> a = args.size() == 1 && args.get(0).isEmpty() ? List.of() : args;
                if (d.name().equals("bind") && a.size() > 16) throw new ConfigException("Too many bind addresses specified.");
                return new Parsed(List.copyOf(a), String.join(" ", a));
            }
            case PERCENTILES -> {
                List<String> a = args.size() == 1 && args.get(0).isEmpty() ? List.of() : args;
                List<Double> values = new ArrayList<>();
                List<String> shown = new ArrayList<>();
                for (String s : a) {
                    Double v = Bytes.parseDouble(s.getBytes(StandardCharsets.ISO_8859_1));
                    if (v == null) throw new ConfigException("Invalid latency-tracking-info-percentiles parameters");
                    if (v < 0.0 || v > 100.0) {
                        throw new ConfigException("latency-tracking-info-percentiles parameters should sit between [0.0,100.0]");
                    }
                    values.add(v);
                    shown.add(trimDouble(v));
                }
                return new Parsed(List.copyOf(shown), String.join(" ", shown));
            }
            case NOTIFY_KEYSPACE_EVENTS -> {
                return parseNotify(one(args));
            }
            case OOM_SCORE_ADJ_VALUES -> {
                List<String> a = args.size() == 1 && args.get(0).isEmpty() ? List.of() : args;
                if (a.size() != 3) throw new ConfigException("wrong number of arguments");
                long[] v = new long[3];
                for (int i = 0; i < 3; i++) {
                    Long x = Bytes.parseLong(a.get(i).getBytes(StandardCharsets.ISO_8859_1));
                    if (x == null || x < -2000 || x > 2000) {
                        throw new ConfigException("Invalid oom-score-adj-values, elements must be between -2000 and 2000.");
                    }
                    v[i] = x;
                }
                return new Parsed(v, v[0] + " " + v[1] + " " + v[2]);
            }
            default -> throw new IllegalStateException(d.type().name());
        }
    }

    /** Redis's isValidAnnouncedHostname. */
    private static void checkHostname(String v) {
        if (v.length() >= 256) throw new ConfigException("Hostnames must be less than 256 characters");
        for (char ch : v.toCharArray()) {
            if (!((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-' || ch == '.')) {
                throw new ConfigException("Hostnames may only contain alphanumeric characters, hyphens or dots");
            }
        }
    }

    /** Redis's validateProcTitleTemplate: known {variables}, balanced braces, not empty once expanded. */
    private static boolean validProcTitle(String t) {
        StringBuilder out = new StringBuilder();
        int p = 0;
        while (p < t.length()) {
            int sv = t.indexOf('{', p);
            if (sv < 0) {
                out.append(t, p, t.length());
                break;
            }
            out.append(t, p, sv);
            sv++;
            if (sv >= t.length()) return false;
            if (t.charAt(sv) == '{') {
                out.append('{');
                p = sv + 1;
                continue;
            }
            int ev = t.indexOf('}', sv);
            if (ev < 0) return false;
            switch (t.substring(sv, ev)) {
                case "title", "server-mode", "unixsocket" -> { }
                case "listen-addr", "config-file", "port", "tls-port" -> out.append('x');
                default -> {
                    return false;
                }
            }
            p = ev + 1;
        }
        return !out.toString().strip().isEmpty();
    }

    private static long bounded(Directive d, long v) {
        boolean unsigned = d.has(Directive.Flag.UNSIGNED);
        boolean out = unsigned
                ? Long.compareUnsigned(v, d.min()) < 0 || Long.compareUnsigned(v, d.max()) > 0
                : v < d.min() || v > d.max();
        if (out) {
            throw new ConfigException("argument must be between " + (unsigned ? Long.toUnsignedString(d.min()) : d.min())
                    + " and " + (unsigned ? Long.toUnsignedString(d.max()) : d.max()) + " inclusive");
        }
        return v;
    }

    private static String one(List<String> args) {
        if (args.size() != 1) throw new ConfigException("wrong number of arguments");
        return args.get(0);
    }

    private Parsed parseSave(List<String> args) {
        List<String> a = args.size() == 1 && args.get(0).isEmpty() ? List.of() : args;
        if (a.size() % 2 != 0) throw new ConfigException("Invalid save parameters");
        List<long[]> points = new ArrayList<>();
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < a.size(); i += 2) {
            Long secs = Bytes.parseLong(a.get(i).getBytes(StandardCharsets.ISO_8859_1));
            Long changes = Bytes.parseLong(a.get(i + 1).getBytes(StandardCharsets.ISO_8859_1));
            if (secs == null || changes == null || secs < 1 || changes < 0) throw new ConfigException("Invalid save parameters");
            points.add(new long[]{secs, changes});
            if (sb.length() > 0) sb.append(' ');
            sb.append(secs).append(' ').append(changes);
        }
        return new Parsed(points, sb.toString());
    }

    @SuppressWarnings("unchecked")
    private Parsed parseOutputBufferLimit(Directive d, List<String> args) {
        if (args.size() % 4 != 0 || args.isEmpty()) {
            throw new ConfigException("Wrong number of arguments in buffer limit configuration.");
        }
        Map<String, long[]> limits = parsed.containsKey(d.name())
                ? new LinkedHashMap<>((Map<String, long[]>) parsed.get(d.name())) : new LinkedHashMap<>();
        for (int i = 0; i < args.size(); i += 4) {
            String cls = args.get(i).toLowerCase(Locale.ROOT);
            if (cls.equals("replica")) cls = "slave";
            if (!cls.equals("normal") && !cls.equals("slave") && !cls.equals("pubsub")) {
                throw new ConfigException("Invalid client class specified in buffer limit configuration.");
            }
            Long hard = parseMemory(args.get(i + 1)), soft = parseMemory(args.get(i + 2));
            Long secs = Bytes.parseLong(args.get(i + 3).getBytes(StandardCharsets.ISO_8859_1));
            if (hard == null || soft == null || secs == null || secs < 0) {
                throw new ConfigException("Error in hard, soft or soft_seconds setting in buffer limit configuration.");
            }
            limits.put(cls, new long[]{hard, soft, secs});
        }
        StringBuilder sb = new StringBuilder();
        for (String cls : List.of("normal", "slave", "pubsub")) {
            long[] l = limits.getOrDefault(cls, new long[]{0, 0, 0});
            if (sb.length() > 0) sb.append(' ');
            sb.append(cls).append(' ').append(l[0]).append(' ').append(l[1]).append(' ').append(l[2]);
        }
        return new Parsed(limits, sb.toString());
    }

    /** Redis's keyspaceEventsStringToFlags then keyspaceEventsFlagsToString: the canonical class string. */
    private static Parsed parseNotify(String s) {
        java.util.Set<Character> set = new java.util.HashSet<>();
        for (char ch : s.toCharArray()) {
            if (ch == 'A') {
                for (char a : ALL_EVENTS.toCharArray()) set.add(a);
            } else if ("g$lshzxeKEtmdn".indexOf(ch) >= 0) {
                set.add(ch);
            } else {
                throw new ConfigException("Invalid event class character. Use 'Ag$lshzxeKEtmdn'.");
            }
        }
        StringBuilder out = new StringBuilder();
        boolean all = ALL_EVENTS.chars().allMatch(c -> set.contains((char) c));
        if (all) {
            out.append('A');
        } else {
            for (char ch : "g$lshzxetdn".toCharArray()) if (set.contains(ch)) out.append(ch);
        }
        for (char ch : "KEm".toCharArray()) if (set.contains(ch)) out.append(ch);
        String v = out.toString();
        return new Parsed(v, v);
    }

    /** The classes 'A' stands for (not m, the key-miss events, nor n, the new-key events). */
    private static final String ALL_EVENTS = "g$lshzxetd";

    /** "%f" with trailing zeros (and a trailing point) removed, as Redis's trimDoubleString. */
    static String trimDouble(double v) {
        String s = new BigDecimal(String.format(Locale.ROOT, "%f", v)).stripTrailingZeros().toPlainString();
        return s;
    }

    /** Redis's memtoull: 1k = 1000, 1kb = 1024, m/mb, g/gb, b; case-insensitive; no sign. */
    public static Long parseMemory(String s) {
        int i = 0;
        if (s.startsWith("-")) return null;
        while (i < s.length() && Character.isDigit(s.charAt(i)) && s.charAt(i) < 128) i++;
        String unit = s.substring(i).toLowerCase(Locale.ROOT);
        long mul = switch (unit) {
            case "", "b" -> 1;
            case "k" -> 1000;
            case "kb" -> 1024;
            case "m" -> 1000_000;
            case "mb" -> 1024 * 1024;
            case "g" -> 1000_000_000L;
            case "gb" -> 1024L * 1024 * 1024;
            default -> -1;
        };
        if (mul < 0) return null;
        String digits = s.substring(0, i);
        if (digits.isEmpty()) return 0L;
        try {
            long v = Long.parseUnsignedLong(digits);
            return Math.multiplyExact(v, mul);
        } catch (NumberFormatException | ArithmeticException e) {
            return null;
        }
    }

    /** The text CONFIG GET prints for a directive (dir as an absolute path, as Redis's getcwd). */
    public String get(String name) {
        Directive d = ConfigTable.find(name);
        if (d == null) return null;
        String v = text.get(d.name());
        if (d.name().equals("dir")) return Path.of(v).toAbsolutePath().normalize().toString();
        return v;
    }

    public long getLong(String name) {
        return (Long) parsed.get(name);
    }

    public int getInt(String name) {
        return (int) getLong(name);
    }

    public boolean getBool(String name) {
        return (Boolean) parsed.get(name);
    }

    public String getString(String name) {
        return (String) parsed.get(name);
    }

    @SuppressWarnings("unchecked")
    public List<long[]> savePoints() {
        return (List<long[]>) parsed.get("save");
    }

    /** hard, soft, soft-seconds for "normal", "slave" (replica) or "pubsub". */
    @SuppressWarnings("unchecked")
    public long[] outputBufferLimit(String cls) {
        return ((Map<String, long[]>) parsed.get("client-output-buffer-limit")).getOrDefault(cls, new long[]{0, 0, 0});
    }

    @SuppressWarnings("unchecked")
    public List<String> getList(String name) {
        return (List<String>) parsed.get(name);
    }

    public List<String[]> renames() {
        return renames;
    }

    public Map<String, String> explicit() {
        return explicit;
    }

    /** Runs a listener on every change of the directive (CONFIG SET, and set() while loading). */
    public void watch(String name, Consumer<Config> listener) {
        listeners.computeIfAbsent(name, k -> new CopyOnWriteArrayList<>()).add(listener);
    }
}
