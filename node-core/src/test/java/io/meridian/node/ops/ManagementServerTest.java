package io.meridian.node.ops;

import io.meridian.node.testing.RealRedis;
import io.meridian.node.testing.TestNode;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** /health/liveness and /health/readiness on the management port as a node's state changes. */
class ManagementServerTest {

    static void await(String what, BooleanSupplier cond, Supplier<String> state) {
        long deadline = System.currentTimeMillis() + 60_000;
        while (!cond.getAsBoolean()) {
            if (System.currentTimeMillis() > deadline) fail("timed out waiting for " + what + "; now: " + state.get());
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    @Test
    void aMasterIsAliveAndReadyOnceLoaded() {
        try (TestNode n = TestNode.start();
             ManagementServer ms = ManagementServer.start(n.node(), -1, "127.0.0.1")) {
            int port = ms.port();
            Http.Response live = Http.get(port, "/health/liveness", null);
            assertEquals(200, live.status(), live.body());
            assertTrue(live.body().contains("\"UP\""), live.body());
            Http.Response ready = Http.get(port, "/health/readiness", null);
            assertEquals(200, ready.status(), ready.body());
            assertTrue(ready.body().contains("\"master\""), ready.body());

            n.node().setLoading(true);
            Http.Response loading = Http.get(port, "/health/readiness", null);
            assertEquals(503, loading.status(), loading.body());
            assertTrue(loading.body().contains("loading the dataset"), loading.body());
            assertEquals(200, Http.get(port, "/health/liveness", null).status(), "loading is alive");

            n.node().setLoading(false);
            assertEquals(200, Http.get(port, "/health/readiness", null).status());
            assertEquals(200, Http.get(port, "/health", null).status());
        }
    }

    @Test
    void aReplicaIsReadyWhileItsLinkIsUp() {
        try (RealRedis master = RealRedis.start();
             TestNode replica = TestNode.start("--replicaof", master.host(), Integer.toString(master.port()));
             ManagementServer ms = ManagementServer.start(replica.node(), -1, "127.0.0.1");
             Jedis r = new Jedis(replica.host(), replica.port())) {
            int port = ms.port();
            Supplier<String> state = () -> Http.get(port, "/health/readiness", null).body();
            await("the replica to become ready", () -> Http.get(port, "/health/readiness", null).status() == 200, state);
            assertTrue(state.get().contains("link up"), state.get());
            String prom = Http.get(port, "/prometheus", null).body();
            assertEquals(1.0, PromText.value(prom, "redis_master_link_up{master_host=\"" + master.host() + "\",master_port=\"" + master.port() + "\"}"), prom);
            assertEquals(1.0, PromText.value(prom, "meridian_ready"), prom);

            // pointed at a port where nothing listens: not ready, still alive
            r.replicaof("127.0.0.1", RealRedis.freePort());
            await("not ready with the link down", () -> Http.get(port, "/health/readiness", null).status() == 503, state);
            assertTrue(state.get().contains("link to 127.0.0.1:"), state.get());
            assertEquals(200, Http.get(port, "/health/liveness", null).status());
            assertEquals(0.0, PromText.value(Http.get(port, "/prometheus", null).body(), "meridian_ready"));

            // back to the master: ready again
            r.replicaof(master.host(), master.port());
            await("ready again", () -> Http.get(port, "/health/readiness", null).status() == 200, state);

            // the master goes away
            master.close();
            await("not ready once the master is gone", () -> Http.get(port, "/health/readiness", null).status() == 503, state);

            // promoted: a master is ready
            r.replicaofNoOne();
            await("ready as a master", () -> Http.get(port, "/health/readiness", null).status() == 200, state);
            assertTrue(state.get().contains("\"master\""), state.get());
        }
    }
}
