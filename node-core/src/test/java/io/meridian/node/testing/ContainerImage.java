package io.meridian.node.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A Dockerfile checked without a Docker engine (none on these machines): the files its COPY
 * lines take from the build context (the repository root) exist, and its ENTRYPOINT runs
 * here with the copied paths mapped back to the files on the host and its ENV applied.
 */
public final class ContainerImage {
    private final Path dockerfile;
    private final Path context;
    /** COPY destination (in the image) → source (in the build context). */
    private final Map<String, String> copies = new LinkedHashMap<>();
    private final Map<String, String> env = new LinkedHashMap<>();
    private final List<String> entrypoint = new ArrayList<>();
    private final List<String> cmd = new ArrayList<>();
    private String from;
    private String user;

    private ContainerImage(Path dockerfile, Path context) {
        this.dockerfile = dockerfile;
        this.context = context;
    }

    /** The repository root: MERIDIAN_PROJECT_ROOT (set by Failsafe) or the nearest parent with the root pom and k8s/. */
    public static Path projectRoot() {
        String env = System.getenv("MERIDIAN_PROJECT_ROOT");
        if (env != null && Files.isDirectory(Path.of(env, "node-core"))) return Path.of(env).toAbsolutePath();
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            if (Files.isDirectory(d.resolve("node-core")) && Files.isRegularFile(d.resolve("pom.xml"))) return d;
        }
        throw new IllegalStateException("no project root above " + Path.of("").toAbsolutePath());
    }

    public static ContainerImage read(Path dockerfile, Path context) {
        ContainerImage img = new ContainerImage(dockerfile, context);
        try {
            String text = Files.readString(dockerfile, StandardCharsets.UTF_8).replace("\\\n", " ");
            for (String raw : text.split("\n")) {
                String line = raw.strip();
                if (line.isEmpty() || line.startsWith("#")) continue;
                int sp = line.indexOf(' ');
                String op = (sp < 0 ? line : line.substring(0, sp)).toUpperCase(java.util.Locale.ROOT);
                String rest = sp < 0 ? "" : line.substring(sp + 1).strip();
                switch (op) {
                    case "FROM" -> img.from = rest;
                    case "USER" -> img.user = rest;
                    case "COPY" -> {
                        List<String> parts = new ArrayList<>();
                        for (String p : rest.split("\\s+")) if (!p.startsWith("--")) parts.add(p);
                        if (parts.size() < 2) throw new IllegalArgumentException("COPY needs a source and a destination: " + line);
                        String dest = parts.get(parts.size() - 1);
                        for (String src : parts.subList(0, parts.size() - 1)) {
                            String to = dest.endsWith("/") ? dest + Path.of(src).getFileName() : dest;
                            img.copies.put(to, src);
                        }
                    }
                    case "ENV" -> {
                        int eq = rest.indexOf('=');
                        int space = rest.indexOf(' ');
                        if (eq > 0 && (space < 0 || eq < space)) img.env.put(rest.substring(0, eq), unquote(rest.substring(eq + 1)));
                        else img.env.put(rest.substring(0, space), unquote(rest.substring(space + 1).strip()));
                    }
                    case "ENTRYPOINT" -> img.entrypoint.addAll(jsonArray(rest, line));
                    case "CMD" -> img.cmd.addAll(jsonArray(rest, line));
                    default -> { }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return img;
    }

    private static String unquote(String s) {
        return s.length() >= 2 && s.startsWith("\"") && s.endsWith("\"") ? s.substring(1, s.length() - 1) : s;
    }

    /** ENTRYPOINT/CMD in exec form: ["a", "b"] (the shell form is refused: signals would not reach java). */
    private static List<String> jsonArray(String s, String line) {
        if (!s.startsWith("[") || !s.endsWith("]")) throw new IllegalArgumentException("use the exec form [\"...\"]: " + line);
        List<String> out = new ArrayList<>();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"((?:[^\"\\\\]|\\\\.)*)\"").matcher(s);
        while (m.find()) out.add(m.group(1).replace("\\\"", "\""));
        return out;
    }

    public String from() { return from; }
    public String user() { return user; }
    public Map<String, String> copies() { return copies; }
    public Map<String, String> env() { return env; }
    public List<String> entrypoint() { return entrypoint; }
    public List<String> cmd() { return cmd; }

    /** The COPY sources that are missing from the build context (empty = all there). */
    public List<String> missingSources() {
        List<String> missing = new ArrayList<>();
        for (String src : copies.values()) if (!Files.exists(context.resolve(src))) missing.add(src);
        return missing;
    }

    /** ENTRYPOINT + args, with every path the image copied replaced by the file on the host. */
    public List<String> hostCommand(List<String> args) {
        if (entrypoint.isEmpty()) throw new IllegalStateException(dockerfile + " has no ENTRYPOINT");
        List<String> out = new ArrayList<>();
        for (String a : entrypoint) {
            String src = copies.get(a);
            out.add(src != null ? context.resolve(src).toString() : a);
        }
        out.addAll(args);
        return out;
    }

    /** Starts the entrypoint with args, with the image's ENV; output goes to log. */
    public Process start(List<String> args, Path log) {
        ProcessBuilder pb = new ProcessBuilder(hostCommand(args)).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().putAll(env);
        try {
            return pb.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A run to its end: exit status and output. */
    public record Result(int exit, String output) {}

    public Result run(List<String> args, long timeoutSeconds) {
        try {
            Path log = Files.createTempFile("image-run", ".log");
            Process p = start(args, log);
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(hostCommand(args) + " did not finish in " + timeoutSeconds + " s: " + Files.readString(log));
            }
            String out = Files.readString(log);
            Files.deleteIfExists(log);
            return new Result(p.exitValue(), out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
