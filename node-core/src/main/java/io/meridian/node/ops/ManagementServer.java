package io.meridian.node.ops;

import io.meridian.node.Node;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The management port: a Micronaut HTTP server of its own (its own context, next to the
 * node's) serving {@code /health}, {@code /health/liveness}, {@code /health/readiness},
 * {@code /prometheus} and the admin API under {@code /admin}. Started by the launcher when
 * {@code management-port} is set; stopped with the node.
 */
public final class ManagementServer implements AutoCloseable {
    private final ApplicationContext ctx;
    private final EmbeddedServer server;

    private ManagementServer(ApplicationContext ctx, EmbeddedServer server) {
        this.ctx = ctx;
        this.server = server;
    }

    /** Starts on management-bind:management-port of the node's config. */
    public static ManagementServer start(Node node) {
        return start(node, node.config().getInt("management-port"), node.config().get("management-bind"));
    }

    /** Starts on host:port (port -1 = any free port). */
    public static ManagementServer start(Node node, int port, String host) {
        ApplicationContext ctx = ApplicationContext.builder()
                .deduceEnvironment(false)
                .banner(false)
                .properties(properties(port, host))
                .singletons(new OpsContext(node))
                .build();
        try {
            ctx.start();
            ctx.getBean(PrometheusMeterRegistry.class).getPrometheusRegistry().register(new RedisMetrics(node));
            EmbeddedServer server = ctx.getBean(EmbeddedServer.class);
            server.start();
            ManagementServer ms = new ManagementServer(ctx, server);
            node.onStop(ms::close);
            node.log().info("Management port {}:{} (/health/liveness, /health/readiness, /prometheus, /admin)", host, server.getPort());
            return ms;
        } catch (RuntimeException e) {
            ctx.close();
            throw e;
        }
    }

    static Map<String, Object> properties(int port, String host) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("micronaut.application.name", "meridian");
        p.put("micronaut.server.port", port);
        if (host != null && !host.isEmpty() && !host.equals("*")) p.put("micronaut.server.host", host);
        // one event loop is plenty for probes, scrapes and admin calls
        p.put("micronaut.netty.event-loops.default.num-threads", 1);
        p.put("micronaut.server.netty.worker.threads", 1);
        // only health (probes) and prometheus (scrapes) are open; env, beans, loggers ... are off:
        // they could show configuration, and nothing here needs them
        p.put("endpoints.all.enabled", false);
        p.put("endpoints.all.sensitive", true);
        p.put("endpoints.health.enabled", true);
        p.put("endpoints.health.sensitive", false);
        p.put("endpoints.health.details-visible", "ANONYMOUS");
        p.put("endpoints.health.disk-space.enabled", false);
        p.put("endpoints.prometheus.enabled", true);
        p.put("endpoints.prometheus.sensitive", false);
        p.put("micronaut.metrics.enabled", true);
        p.put("micronaut.metrics.export.prometheus.enabled", true);
        p.put("micronaut.metrics.export.prometheus.descriptions", true);
        return p;
    }

    public int port() {
        return server.getPort();
    }

    public ApplicationContext context() {
        return ctx;
    }

    @Override
    public void close() {
        if (ctx.isRunning()) ctx.close();
    }
}
