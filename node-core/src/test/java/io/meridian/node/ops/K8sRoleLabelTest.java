package io.meridian.node.ops;

import com.sun.net.httpserver.HttpServer;
import io.meridian.node.testing.RealRedis;
import io.meridian.node.testing.TestNode;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static io.meridian.node.ops.ManagementServerTest.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** The node keeps its pod's meridian.io/role label current, against a stand-in Kubernetes API server. */
class K8sRoleLabelTest {
    record Patch(String method, String path, String contentType, String auth, String body) {}

    @Test
    void theLabelFollowsTheRoleAndFailedPatchesAreRetried() throws Exception {
        List<Patch> patches = new CopyOnWriteArrayList<>();
        AtomicInteger failFirst = new AtomicInteger(1);
        HttpServer api = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        api.createContext("/", ex -> {
            String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            patches.add(new Patch(ex.getRequestMethod(), ex.getRequestURI().getPath(), ex.getRequestHeaders().getFirst("Content-Type"),
                    ex.getRequestHeaders().getFirst("Authorization"), body));
            int status = failFirst.getAndDecrement() > 0 ? 500 : 200;
            byte[] out = "{}".getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(status, out.length);
            ex.getResponseBody().write(out);
            ex.close();
        });
        api.start();
        try (TestNode n = TestNode.start();
             Jedis j = new Jedis(n.host(), n.port())) {
            K8sRoleLabel l = new K8sRoleLabel(n.node(), "http://127.0.0.1:" + api.getAddress().getPort(), "meridian", "meridian-primary-0",
                    () -> "sa-token", HttpClient.newHttpClient());
            n.node().execute(l::start);
            // the first PATCH fails (500), the retry RETRY_MILLIS later succeeds
            await("the master label", () -> patches.size() >= 2 && "master".equals(applied(n, l)), patches::toString);
            Patch p = patches.get(1);
            assertEquals("PATCH", p.method());
            assertEquals("/api/v1/namespaces/meridian/pods/meridian-primary-0", p.path());
            assertEquals("application/merge-patch+json", p.contentType());
            assertEquals("Bearer sa-token", p.auth());
            assertEquals("{\"metadata\":{\"labels\":{\"meridian.io/role\":\"master\"}}}", p.body());
            assertEquals(patches.get(0).body(), p.body());

            // demoted: relabelled replica; promoted: master again; no PATCH while nothing changes
            j.replicaof("127.0.0.1", RealRedis.freePort());
            await("the replica label", () -> "replica".equals(applied(n, l)), patches::toString);
            assertEquals("{\"metadata\":{\"labels\":{\"meridian.io/role\":\"replica\"}}}", patches.get(patches.size() - 1).body());
            j.replicaofNoOne();
            await("the master label again", () -> "master".equals(applied(n, l)), patches::toString);
            int count = patches.size();
            Thread.sleep(500);
            assertEquals(count, patches.size(), "nothing to change, nothing sent");
        } finally {
            api.stop(0);
        }
    }

    @Test
    void outsideAPodNothingIsInstalled() {
        try (TestNode n = TestNode.start()) {
            assertNull(K8sRoleLabel.install(n.node(), Map.of("POD_NAME", "x")));
        }
    }

    private static String applied(TestNode n, K8sRoleLabel l) {
        java.util.concurrent.CompletableFuture<String> f = new java.util.concurrent.CompletableFuture<>();
        n.node().execute(() -> f.complete(l.applied()));
        return f.join();
    }
}
