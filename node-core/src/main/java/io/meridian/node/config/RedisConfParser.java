package io.meridian.node.config;

import io.meridian.node.resp.RespDecoder;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads configuration as redis-server does: an optional config file, then {@code --name value}
 * flags appended as extra lines, each line split like sdssplitargs. Errors carry Redis's
 * report ("*** FATAL CONFIG FILE ERROR ...") so operators and tools see the same text.
 */
public final class RedisConfParser {
    public static final String REDIS_VERSION = "7.0.15";

    /** A configuration error with the exact report redis-server prints before exiting 1. */
    public static final class FatalConfigError extends RuntimeException {
        public FatalConfigError(String report) {
            super(report);
        }
    }

    private RedisConfParser() {}

    /**
     * Parses redis-server style arguments: [configfile] [--directive arg ...]. A lone "-"
     * reads the file from stdin (not supported: stated as an error).
     */
    public static void load(Config config, List<String> argv) throws IOException {
        int i = 0;
        StringBuilder content = new StringBuilder();
        if (!argv.isEmpty() && !argv.get(0).startsWith("--")) {
            String file = argv.get(0);
            Path p = Path.of(file);
            if (!Files.isReadable(p)) {
                throw new FatalConfigError("Fatal error, can't open config file '" + file + "': No such file or directory");
            }
            config.setConfigFile(p.toAbsolutePath().toString());
            content.append(Files.readString(p, StandardCharsets.UTF_8));
            i = 1;
        }
        // command-line options become extra lines: "--port 7000 --save 60 1" -> "\nport "7000"\nsave "60" "1""
        StringBuilder opts = new StringBuilder();
        for (; i < argv.size(); i++) {
            String a = argv.get(i);
            if (a.startsWith("--") && a.length() > 2) {
                opts.append('\n').append(a.substring(2)).append(' ');
            } else {
                opts.append(quote(a)).append(' ');
            }
        }
        content.append(opts);
        loadString(config, content.toString());
    }

    private static String quote(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '\\' -> b.append("\\\\");
                case '"' -> b.append("\\\"");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 32 || c == 127) b.append(String.format("\\x%02x", (int) c));
                    else b.append(c);
                }
            }
        }
        return b.append('"').toString();
    }

    public static void loadString(Config config, String content) {
        String[] lines = content.split("\n", -1);
        for (int n = 0; n < lines.length; n++) {
            String line = lines[n].strip();
            if (line.isEmpty() || line.startsWith("#")) continue;
            List<String> args = split(line);
            if (args == null) throw fatal(n + 1, lines[n], "Unbalanced quotes in configuration line");
            if (args.isEmpty()) continue;
            String name = args.get(0);
            if (name.equalsIgnoreCase("include")) {
                throw fatal(n + 1, lines[n], "include is not supported");
            }
            try {
                config.set(name, args.subList(1, args.size()));
            } catch (ConfigException e) {
                throw fatal(n + 1, lines[n], e.getMessage());
            }
        }
    }

    private static FatalConfigError fatal(int lineNo, String line, String msg) {
        return new FatalConfigError("\n*** FATAL CONFIG FILE ERROR (Redis " + REDIS_VERSION + ") ***\n"
                + "Reading the configuration file, at line " + lineNo + "\n"
                + ">>> '" + line.strip() + "'\n" + msg);
    }

    private static List<String> split(String line) {
        List<byte[]> parts = RespDecoder.splitArgs(line.getBytes(StandardCharsets.UTF_8));
        if (parts == null) return null;
        List<String> out = new ArrayList<>(parts.size());
        for (byte[] p : parts) out.add(new String(p, StandardCharsets.UTF_8));
        return out;
    }
}
