package io.meridian.node.ops;

import io.meridian.node.Node;
import io.micronaut.context.annotation.Requires;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Header;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.QueryValue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The admin API (JSON over HTTP on the management port, {@code Authorization: Bearer <token>}):
 * status, promote ({@code REPLICAOF NO ONE}), demote ({@code REPLICAOF host port}), snapshot
 * ({@code BGSAVE}), and the drill endpoints, which answer 501 until the DR drill exists
 * (issue 6). {@code bin/meridian admin ...} is its command-line client ({@link AdminCli}).
 */
@Controller("/admin")
@Requires(beans = OpsContext.class)
public class AdminController {
    private static final long TIMEOUT_SECONDS = 30;
    private final Node node;

    public AdminController(OpsContext ops) {
        this.node = ops.node();
    }

    @Get(value = "/status", produces = MediaType.APPLICATION_JSON)
    public HttpResponse<String> status(@Nullable @Header(HttpHeaders.AUTHORIZATION) String auth) {
        HttpResponse<String> refused = refuse(auth);
        if (refused != null) return refused;
        try {
            InfoSnapshot s = InfoSnapshot.take(node).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            return json(HttpStatus.OK, status(s));
        } catch (Exception e) {
            return error(HttpStatus.SERVICE_UNAVAILABLE, "the node did not answer: " + e);
        }
    }

    /** The status document (also what {@code bin/meridian admin status} prints). */
    static Map<String, Object> status(InfoSnapshot s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("role", s.replica() ? "replica" : "master");
        m.put("ready", s.readiness().ready());
        m.put("ready_reason", s.readiness().reason());
        m.put("redis_version", s.get("redis_version"));
        m.put("run_id", s.get("run_id"));
        m.put("tcp_port", s.integer("tcp_port", 0));
        m.put("uptime_in_seconds", s.integer("uptime_in_seconds", 0));
        m.put("loading", s.integer("loading", 0) == 1);
        Map<String, Object> repl = new LinkedHashMap<>();
        for (String f : List.of("master_replid", "master_replid2", "master_repl_offset", "second_repl_offset", "connected_slaves",
                "master_host", "master_port", "master_link_status", "master_last_io_seconds_ago", "master_sync_in_progress",
                "slave_read_repl_offset", "slave_repl_offset", "repl_backlog_first_byte_offset", "repl_backlog_histlen")) {
            String v = s.get(f);
            if (v != null) repl.put(f, number(v));
        }
        m.put("replication", repl);
        Map<String, Object> log = new LinkedHashMap<>();
        log.put("enabled", s.logEnabled());
        if (s.logEnabled()) {
            log.put("first_offset", s.logFirstOffset());
            log.put("last_offset", s.logLastOffset());
            log.put("durable_offset", s.logDurableOffset());
        }
        m.put("replication_log", log);
        Map<String, Object> persistence = new LinkedHashMap<>();
        for (String f : List.of("rdb_bgsave_in_progress", "rdb_last_save_time", "rdb_last_bgsave_status", "rdb_changes_since_last_save")) {
            String v = s.get(f);
            if (v != null) persistence.put(f, number(v));
        }
        m.put("persistence", persistence);
        Map<String, Object> keyspace = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : s.section("Keyspace").entrySet()) {
            Map<String, Object> db = new LinkedHashMap<>();
            for (Map.Entry<String, String> f : InfoSnapshot.subfields(e.getValue()).entrySet()) db.put(f.getKey(), number(f.getValue()));
            keyspace.put(e.getKey(), db);
        }
        m.put("keyspace", keyspace);
        m.put("used_memory", s.integer("used_memory", 0));
        m.put("connected_clients", s.integer("connected_clients", 0));
        return m;
    }

    private static Object number(String v) {
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            return v;
        }
    }

    /** REPLICAOF NO ONE: a replica becomes a writable master (PSYNC2: its old replid becomes replid2). */
    @Post(value = "/promote", produces = MediaType.APPLICATION_JSON)
    public HttpResponse<String> promote(@Nullable @Header(HttpHeaders.AUTHORIZATION) String auth) {
        HttpResponse<String> refused = refuse(auth);
        if (refused != null) return refused;
        return command("promote", "REPLICAOF", "NO", "ONE");
    }

    /** REPLICAOF host port: the node follows another master. */
    @Post(value = "/demote", produces = MediaType.APPLICATION_JSON)
    public HttpResponse<String> demote(@Nullable @Header(HttpHeaders.AUTHORIZATION) String auth,
                                       @Nullable @QueryValue String host, @Nullable @QueryValue String port) {
        HttpResponse<String> refused = refuse(auth);
        if (refused != null) return refused;
        if (host == null || host.isBlank() || port == null || port.isBlank()) {
            return error(HttpStatus.BAD_REQUEST, "demote needs ?host=<master host>&port=<master port>");
        }
        return command("demote", "REPLICAOF", host, port);
    }

    /** BGSAVE: an RDB snapshot now. */
    @Post(value = "/snapshot", produces = MediaType.APPLICATION_JSON)
    public HttpResponse<String> snapshot(@Nullable @Header(HttpHeaders.AUTHORIZATION) String auth) {
        HttpResponse<String> refused = refuse(auth);
        if (refused != null) return refused;
        return command("snapshot", "BGSAVE");
    }

    /**
     * Starts a DR drill in the background with {@code bin/meridian drill}'s arguments, one per
     * line of the body (or separated by spaces); the addresses may come from the node's
     * environment (MERIDIAN_DRILL_PRIMARY, MERIDIAN_DRILL_STANDBY). 202 with its id; 409 while
     * one runs; 501 in an application without the drill (master-node).
     */
    @Post(value = "/drill", produces = MediaType.APPLICATION_JSON, consumes = {MediaType.TEXT_PLAIN, MediaType.ALL})
    public HttpResponse<String> drillStart(@Nullable @Header(HttpHeaders.AUTHORIZATION) String auth, @Nullable @io.micronaut.http.annotation.Body String body) {
        HttpResponse<String> refused = refuse(auth);
        if (refused != null) return refused;
        if (!Drills.available()) {
            return error(HttpStatus.NOT_IMPLEMENTED, "this application does not run drills: start them on a replica-node or dr-bridge, or run bin/meridian drill");
        }
        List<String> args = new java.util.ArrayList<>();
        if (body != null) for (String w : body.trim().split("\\s+")) if (!w.isEmpty()) args.add(w);
        try {
            Drills.Run r = Drills.start(args);
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("drill", "started");
            m.put("id", r.id);
            m.put("report", "/admin/drill/report");
            return json(HttpStatus.ACCEPTED, m);
        } catch (IllegalStateException e) {
            return error(HttpStatus.CONFLICT, e.getMessage());
        }
    }

    /** The last drill's report: its state, progress and, once finished, RPO/RTO and the drill's JSON report. */
    @Get(value = "/drill/report", produces = MediaType.APPLICATION_JSON)
    public HttpResponse<String> drillReport(@Nullable @Header(HttpHeaders.AUTHORIZATION) String auth) {
        HttpResponse<String> refused = refuse(auth);
        if (refused != null) return refused;
        Drills.Run r = Drills.last();
        if (r == null) return error(HttpStatus.NOT_FOUND, "no drill has run in this process yet (POST /admin/drill starts one)");
        return json(HttpStatus.OK, Drills.describe(r));
    }

    private HttpResponse<String> command(String action, String... argv) {
        try {
            InternalCommand.Reply r = InternalCommand.run(node, argv).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("action", action);
            m.put("command", String.join(" ", argv));
            if (r.isError()) {
                m.put("error", r.text());
                return json(HttpStatus.CONFLICT, m);
            }
            m.put("result", r.text());
            InfoSnapshot s = InfoSnapshot.take(node).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            m.put("role", s.replica() ? "replica" : "master");
            m.put("master_replid", s.get("master_replid"));
            m.put("master_repl_offset", s.integer("master_repl_offset", -1));
            return json(HttpStatus.OK, m);
        } catch (Exception e) {
            return error(HttpStatus.SERVICE_UNAVAILABLE, "the node did not answer: " + e);
        }
    }

    private HttpResponse<String> refuse(String auth) {
        AdminAuth.Refusal r = AdminAuth.check(node.config(), auth);
        if (r == null) return null;
        HttpResponse<String> resp = error(HttpStatus.valueOf(r.status()), r.message());
        if (r.status() == 401) return ((io.micronaut.http.MutableHttpResponse<String>) resp).header(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"meridian-admin\"");
        return resp;
    }

    private static HttpResponse<String> error(HttpStatus status, String message) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("error", message);
        return json(status, m);
    }

    private static HttpResponse<String> json(HttpStatus status, Map<String, Object> body) {
        return HttpResponse.<String>status(status).contentType(MediaType.APPLICATION_JSON_TYPE).body(Json.write(body));
    }
}
