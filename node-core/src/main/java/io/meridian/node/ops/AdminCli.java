package io.meridian.node.ops;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code bin/meridian admin <action> [--url URL] [--token T | --token-file F]}: the admin API
 * from a shell. Actions: status, promote, demote HOST PORT, snapshot, drill start, drill report.
 * The URL defaults to $MERIDIAN_ADMIN_URL or http://127.0.0.1:8080, the token to
 * $MERIDIAN_ADMIN_TOKEN. Prints the JSON answer; exit status 0 on success, 1 when the node
 * refused or failed, 2 on a usage error.
 */
public final class AdminCli {
    static final String USAGE = """
            usage: meridian admin <action> [--url URL] [--token TOKEN | --token-file FILE]
              status              role, offsets, link, readiness, replication log, keyspace
              promote             REPLICAOF NO ONE: this replica becomes a writable master
              demote HOST PORT    REPLICAOF HOST PORT: follow another master
              snapshot            BGSAVE: write an RDB snapshot now
              drill start [ARGS]  start a DR drill on the node (bin/meridian drill's arguments; replica-node, dr-bridge)
              drill report        the last drill's state, progress and report
            URL defaults to $MERIDIAN_ADMIN_URL or http://127.0.0.1:8080; TOKEN to $MERIDIAN_ADMIN_TOKEN.""";

    private AdminCli() {}

    public static void main(String[] args) {
        System.exit(run(args, System.getenv(), System.out, System.err));
    }

    static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
        String url = env.getOrDefault("MERIDIAN_ADMIN_URL", "http://127.0.0.1:8080");
        String token = env.get("MERIDIAN_ADMIN_TOKEN");
        List<String> words = new ArrayList<>();
        try {
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--url" -> url = args[++i];
                    case "--token" -> token = args[++i];
                    case "--token-file" -> token = Files.readString(Path.of(args[++i]), StandardCharsets.UTF_8).strip();
                    case "-h", "--help", "help" -> {
                        out.println(USAGE);
                        return 0;
                    }
                    default -> words.add(args[i]);
                }
            }
        } catch (ArrayIndexOutOfBoundsException e) {
            err.println("meridian admin: " + args[args.length - 1] + " needs a value\n" + USAGE);
            return 2;
        } catch (IOException e) {
            err.println("meridian admin: can't read the token file: " + e.getMessage());
            return 2;
        }
        String[] call = request(words);
        if (call == null) {
            err.println("meridian admin: unknown or incomplete action " + words + "\n" + USAGE);
            return 2;
        }
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url.replaceAll("/+$", "") + call[1]))
                .timeout(Duration.ofSeconds(60))
                .method(call[0], call.length > 2 && !call[2].isEmpty() ? HttpRequest.BodyPublishers.ofString(call[2]) : HttpRequest.BodyPublishers.noBody());
        if (call.length > 2 && !call[2].isEmpty()) b.header("Content-Type", "text/plain");
        if (token != null && !token.isEmpty()) b.header("Authorization", "Bearer " + token);
        try {
            HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
            HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
            boolean ok = r.statusCode() / 100 == 2;
            (ok ? out : err).println(r.body());
            if (!ok) err.println("meridian admin: HTTP " + r.statusCode());
            return ok ? 0 : 1;
        } catch (IOException e) {
            err.println("meridian admin: can't reach " + url + ": " + e);
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
    }

    /** The method and path of an action, or null. */
    static String[] request(List<String> w) {
        if (w.isEmpty()) return null;
        switch (w.get(0)) {
            case "status" -> { return w.size() == 1 ? new String[]{"GET", "/admin/status"} : null; }
            case "promote" -> { return w.size() == 1 ? new String[]{"POST", "/admin/promote"} : null; }
            case "snapshot" -> { return w.size() == 1 ? new String[]{"POST", "/admin/snapshot"} : null; }
            case "demote" -> {
                if (w.size() != 3) return null;
                return new String[]{"POST", "/admin/demote?host=" + URLEncoder.encode(w.get(1), StandardCharsets.UTF_8)
                        + "&port=" + URLEncoder.encode(w.get(2), StandardCharsets.UTF_8)};
            }
            case "drill" -> {
                if (w.size() < 2) return null;
                // drill start [bin/meridian drill's arguments]: sent as the body, one per line
                if (w.get(1).equals("start")) return new String[]{"POST", "/admin/drill", String.join("\n", w.subList(2, w.size()))};
                if (w.get(1).equals("report") && w.size() == 2) return new String[]{"GET", "/admin/drill/report"};
                return null;
            }
            default -> { return null; }
        }
    }
}
