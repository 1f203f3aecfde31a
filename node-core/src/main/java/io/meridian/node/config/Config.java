package io.meridian.node.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The live value of every directive of {@link ConfigTable}. Values are kept as their
 * canonical text (what CONFIG GET prints) plus a parsed form for the hot paths.
 */
public final class Config {
    private final Map<String, String> text = new ConcurrentHashMap<>();
    private final Map<String, Object> parsed = new ConcurrentHashMap<>();
    private final Map<String, List<Consumer<Config>>> listeners = new ConcurrentHashMap<>();
    /** rename-command lines, applied to the command table at start. */
    private final List<String[]> renames = new ArrayList<>();
    /** Directives set explicitly (by file, flag, env or CONFIG SET): CONFIG REWRITE writes these. */
    private final Map<String, String> explicit = new LinkedHashMap<>();
    private String configFile;

    public Config() {
        for (Directive d : ConfigTable.all()) {
            if (d.type() == Directive.Type.MULTI_STRING && d.name().equals("rename-command")) continue;
            apply(d, List.of(d.defaultValue().isEmpty() && d.type() != Directive.Type.STRING && d.type() != Directive.Type.SAVE
                    ? new String[0] : splitDefault(d)), false);
        }
    }

    private static String[] splitDefault(Directive d) {
        return switch (d.type()) {
            case SAVE, CLIENT_OUTPUT_BUFFER_LIMIT, MULTI_STRING, HOST_PORT ->
                    d.defaultValue().isEmpty() ? new String[]{""} : d.defaultValue().split(" ");
            default -> new String[]{d.defaultValue()};
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
        apply(d, args, true);
    }

    /** CONFIG SET of one directive given as one string. */
    public void setFromString(String name, String value) {
        Directive d = ConfigTable.find(name);
        if (d == null) throw new ConfigException("Unknown option");
        List<String> args = switch (d.type()) {
            case SAVE, CLIENT_OUTPUT_BUFFER_LIMIT, MULTI_STRING, HOST_PORT ->
                    value.isBlank() ? List.of("") : List.of(value.trim().split("\\s+"));
            default -> List.of(value);
        };
        apply(d, args, true);
    }

    private void apply(Directive d, List<String> args, boolean explicitly) {
        Object value;
        String canonical;
        switch (d.type()) {
            case BOOL -> {
                one(args);
                String v = args.get(0).toLowerCase(Locale.ROOT);
                if (!v.equals("yes") && !v.equals("no")) throw new ConfigException("argument must be 'yes' or 'no'");
                value = v.equals("yes");
                canonical = v;
            }
            case INT -> {
                one(args);
                long v;
                try {
                    v = Long.parseLong(args.get(0));
                } catch (NumberFormatException e) {
                    throw new ConfigException("argument couldn't be parsed into an integer");
                }
                if (v < d.min() || v > d.max()) {
                    throw new ConfigException("argument must be between " + d.min() + " and " + d.max() + " inclusive");
                }
                value = v;
                canonical = Long.toString(v);
            }
            case MEMORY -> {
                one(args);
                Long v = parseMemory(args.get(0));
                if (v == null) throw new ConfigException("argument must be a memory value");
                if (v < d.min() || v > d.max()) {
                    throw new ConfigException("argument must be between " + d.min() + " and " + d.max() + " inclusive");
                }
                value = v;
                canonical = Long.toString(v);
            }
            case ENUM -> {
                one(args);
                String v = args.get(0).toLowerCase(Locale.ROOT);
                if (!d.enumValues().contains(v)) {
                    throw new ConfigException("argument(s) must be one of the following: " + String.join(", ", d.enumValues()));
                }
                value = v;
                canonical = v;
            }
            case STRING -> {
                one(args);
                value = args.get(0);
                canonical = args.get(0);
            }
            case SAVE -> {
                List<long[]> points = new ArrayList<>();
                // one argument holding every pair ("--save '3600 1 300 100'", CONFIG SET save "...") splits as in Redis 7
                List<String> a = args.size() == 1
                        ? (args.get(0).isBlank() ? List.of() : List.of(args.get(0).trim().split(" +")))
                        : args;
                if (a.size() % 2 != 0) throw new ConfigException("Invalid save parameters");
                StringBuilder sb = new StringBuilder();
                for (int i = 0; i < a.size(); i += 2) {
                    try {
                        long secs = Long.parseLong(a.get(i)), changes = Long.parseLong(a.get(i + 1));
                        if (secs < 1 || changes < 0) throw new NumberFormatException();
                        points.add(new long[]{secs, changes});
                        if (sb.length() > 0) sb.append(' ');
                        sb.append(secs).append(' ').append(changes);
                    } catch (NumberFormatException e) {
                        throw new ConfigException("Invalid save parameters");
                    }
                }
                value = points;
                canonical = sb.toString();
            }
            case CLIENT_OUTPUT_BUFFER_LIMIT -> {
                if (args.size() % 4 != 0) throw new ConfigException("Wrong number of arguments in buffer limit configuration.");
                @SuppressWarnings("unchecked")
                Map<String, long[]> limits = parsed.containsKey(d.name())
                        ? new LinkedHashMap<>((Map<String, long[]>) parsed.get(d.name())) : new LinkedHashMap<>();
                for (int i = 0; i < args.size(); i += 4) {
                    String cls = args.get(i).toLowerCase(Locale.ROOT);
                    if (cls.equals("replica")) cls = "slave";
                    if (!cls.equals("normal") && !cls.equals("slave") && !cls.equals("pubsub")) {
                        throw new ConfigException("Invalid client class specified in buffer limit configuration.");
                    }
                    Long hard = parseMemory(args.get(i + 1)), soft = parseMemory(args.get(i + 2));
                    long secs;
                    try {
                        secs = Long.parseLong(args.get(i + 3));
                    } catch (NumberFormatException e) {
                        secs = -1;
                    }
                    if (hard == null || soft == null || secs < 0) {
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
                value = limits;
                canonical = sb.toString();
            }
            case HOST_PORT -> {
                // one argument holding every pair ("--save '3600 1 300 100'", CONFIG SET save "...") splits as in Redis 7
                List<String> a = args.size() == 1
                        ? (args.get(0).isBlank() ? List.of() : List.of(args.get(0).trim().split(" +")))
                        : args;
                if (a.isEmpty() || (a.size() == 2 && a.get(0).equalsIgnoreCase("no") && a.get(1).equalsIgnoreCase("one"))) {
                    value = "";
                    canonical = "";
                } else if (a.size() != 2) {
                    throw new ConfigException("wrong number of arguments");
                } else {
                    try {
                        int port = Integer.parseInt(a.get(1));
                        if (port < 0 || port > 65535) throw new NumberFormatException();
                    } catch (NumberFormatException e) {
                        throw new ConfigException("Invalid master port");
                    }
                    value = a.get(0) + " " + a.get(1);
                    canonical = (String) value;
                }
            }
            case MULTI_STRING -> {
                // one argument holding every pair ("--save '3600 1 300 100'", CONFIG SET save "...") splits as in Redis 7
                List<String> a = args.size() == 1
                        ? (args.get(0).isBlank() ? List.of() : List.of(args.get(0).trim().split(" +")))
                        : args;
                value = List.copyOf(a);
                canonical = String.join(" ", a);
            }
            default -> throw new IllegalStateException(d.type().name());
        }
        parsed.put(d.name(), value);
        text.put(d.name(), canonical);
        if (explicitly) explicit.put(d.name(), canonical);
        List<Consumer<Config>> ls = listeners.get(d.name());
        if (ls != null) for (Consumer<Config> l : ls) l.accept(this);
    }

    private static void one(List<String> args) {
        if (args.size() != 1) throw new ConfigException("wrong number of arguments");
    }

    /** Redis's memtoull: 1k = 1000, 1kb = 1024, m/mb, g/gb; case-insensitive. */
    public static Long parseMemory(String s) {
        String l = s.toLowerCase(Locale.ROOT);
        long mul = 1;
        String num = l;
        String[][] units = {{"kb", "1024"}, {"mb", "1048576"}, {"gb", "1073741824"}, {"k", "1000"}, {"m", "1000000"}, {"g", "1000000000"}, {"b", "1"}};
        for (String[] u : units) {
            if (l.endsWith(u[0])) {
                mul = Long.parseLong(u[1]);
                num = l.substring(0, l.length() - u[0].length());
                break;
            }
        }
        if (num.isEmpty()) return null;
        try {
            long v = Long.parseLong(num);
            if (v < 0 && mul != 1) return null;
            return Math.multiplyExact(v, mul);
        } catch (NumberFormatException | ArithmeticException e) {
            return null;
        }
    }

    public String get(String name) {
        Directive d = ConfigTable.find(name);
        return d == null ? null : text.get(d.name());
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

    /** Runs a listener now and on every change of the directive. */
    public void watch(String name, Consumer<Config> listener) {
        listeners.computeIfAbsent(name, k -> new CopyOnWriteArrayList<>()).add(listener);
    }
}
