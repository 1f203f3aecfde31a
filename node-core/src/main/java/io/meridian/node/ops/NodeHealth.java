package io.meridian.node.ops;

import io.micronaut.context.annotation.Requires;
import io.micronaut.core.async.publisher.Publishers;
import io.micronaut.health.HealthStatus;
import io.micronaut.management.health.indicator.HealthIndicator;
import io.micronaut.management.health.indicator.HealthResult;
import io.micronaut.management.health.indicator.annotation.Liveness;
import io.micronaut.management.health.indicator.annotation.Readiness;
import jakarta.inject.Singleton;
import org.reactivestreams.Publisher;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** The node's health indicators: /health/liveness and /health/readiness. */
final class NodeHealth {
    /** How long the command thread may take to answer before the node counts as stuck. */
    static final long ANSWER_MILLIS = 5000;

    private NodeHealth() {}

    /** Alive while the command thread answers (a wedged event loop is restarted by Kubernetes). */
    @Singleton
    @Liveness
    @Requires(beans = OpsContext.class)
    static final class CommandThread implements HealthIndicator {
        private final OpsContext ops;

        CommandThread(OpsContext ops) {
            this.ops = ops;
        }

        @Override
        public Publisher<HealthResult> getResult() {
            CompletableFuture<Boolean> f = new CompletableFuture<>();
            HealthResult.Builder r = HealthResult.builder("meridian-command-thread");
            try {
                ops.node().execute(() -> f.complete(true));
                f.get(ANSWER_MILLIS, TimeUnit.MILLISECONDS);
                r.status(HealthStatus.UP);
            } catch (Exception e) {
                r.status(HealthStatus.DOWN).details(Map.of("reason", "the command thread did not answer within " + ANSWER_MILLIS + " ms"));
            }
            return Publishers.just(r.build());
        }
    }

    /** Ready as {@link io.meridian.node.ops.Readiness} says: master loaded, replica linked and caught up. */
    @Singleton
    @Readiness
    @Requires(beans = OpsContext.class)
    static final class Role implements HealthIndicator {
        private final OpsContext ops;

        Role(OpsContext ops) {
            this.ops = ops;
        }

        @Override
        public Publisher<HealthResult> getResult() {
            HealthResult.Builder r = HealthResult.builder("meridian");
            try {
                InfoSnapshot s = InfoSnapshot.take(ops.node()).get(ANSWER_MILLIS, TimeUnit.MILLISECONDS);
                Map<String, Object> d = new LinkedHashMap<>();
                d.put("role", s.replica() ? "replica" : "master");
                d.put("reason", s.readiness().reason());
                d.put("master_repl_offset", s.integer("master_repl_offset", -1));
                if (s.replica()) d.put("master_link_status", s.get("master_link_status"));
                r.status(s.readiness().ready() ? HealthStatus.UP : HealthStatus.DOWN).details(d);
            } catch (Exception e) {
                r.status(HealthStatus.DOWN).details(Map.of("reason", "the command thread did not answer within " + ANSWER_MILLIS + " ms"));
            }
            return Publishers.just(r.build());
        }
    }
}
