package io.meridian.node.ops;

import io.meridian.node.testing.RealRedis;
import io.meridian.node.testing.TestNode;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

import java.nio.file.Files;
import java.nio.file.Path;

import static io.meridian.node.ops.ManagementServerTest.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The admin API: refuses without credentials, then status, promote, demote, snapshot, and drills refused where the application has none. */
class AdminApiTest {
    static final String TOKEN = "s3cret-admin-token-4711";

    @Test
    void refusedWithoutCredentials() {
        try (TestNode n = TestNode.start("--admin-token", TOKEN);
             ManagementServer ms = ManagementServer.start(n.node(), -1, "127.0.0.1")) {
            int port = ms.port();
            for (String[] call : new String[][]{{"GET", "/admin/status"}, {"POST", "/admin/promote"}, {"POST", "/admin/demote?host=127.0.0.1&port=1"},
                    {"POST", "/admin/snapshot"}, {"POST", "/admin/drill"}, {"GET", "/admin/drill/report"}}) {
                Http.Response none = Http.send(port, call[1], call[0], null);
                assertEquals(401, none.status(), call[1] + ": " + none.body());
                assertEquals("Bearer realm=\"meridian-admin\"", none.raw().headers().firstValue("WWW-Authenticate").orElse(null));
                Http.Response wrong = Http.send(port, call[1], call[0], TOKEN + "x");
                assertEquals(401, wrong.status(), call[1] + ": " + wrong.body());
                assertTrue(wrong.body().contains("invalid admin token"), wrong.body());
                assertFalse(wrong.body().contains(TOKEN), "the token is never echoed");
            }
            // the refused snapshot wrote nothing
            assertFalse(Files.exists(n.node().persistence().rdbPath()));
        }
    }

    @Test
    void disabledWithoutAConfiguredToken() {
        try (TestNode n = TestNode.start();
             ManagementServer ms = ManagementServer.start(n.node(), -1, "127.0.0.1")) {
            Http.Response r = Http.get(ms.port(), "/admin/status", "anything");
            assertEquals(403, r.status(), r.body());
            assertTrue(r.body().contains("the admin API is disabled"), r.body());
        }
    }

    @Test
    void theTokenFileIsReadAtEachRequest() throws Exception {
        Path file = Files.createTempFile("admin-token", "");
        Files.writeString(file, "first-token\n");
        try (TestNode n = TestNode.start("--admin-token-file", file.toString());
             ManagementServer ms = ManagementServer.start(n.node(), -1, "127.0.0.1")) {
            assertEquals(200, Http.get(ms.port(), "/admin/status", "first-token").status());
            Files.writeString(file, "second-token\n"); // a rotated Secret
            assertEquals(401, Http.get(ms.port(), "/admin/status", "first-token").status());
            assertEquals(200, Http.get(ms.port(), "/admin/status", "second-token").status());
        } finally {
            Files.deleteIfExists(file);
        }
    }

    @Test
    void statusPromoteDemoteSnapshotAndDrillStubs() {
        try (RealRedis master = RealRedis.start();
             TestNode n = TestNode.start("--admin-token", TOKEN, "--replicaof", master.host(), Integer.toString(master.port()));
             ManagementServer ms = ManagementServer.start(n.node(), -1, "127.0.0.1");
             Jedis m = new Jedis(master.host(), master.port());
             Jedis r = new Jedis(n.host(), n.port())) {
            int port = ms.port();
            m.set("k", "v");
            await("the replica to sync", () -> "v".equals(r.get("k")), () -> r.info("replication"));

            Http.Response status = Http.get(port, "/admin/status", TOKEN);
            assertEquals(200, status.status(), status.body());
            assertEquals("application/json", status.raw().headers().firstValue("Content-Type").orElse(""));
            assertTrue(status.body().startsWith("{\"role\":\"replica\",\"ready\":true,"), status.body());
            assertTrue(status.body().contains("\"master_port\":" + master.port()), status.body());
            assertTrue(status.body().contains("\"db0\":{\"keys\":1,\"expires\":0"), status.body());

            // promote = REPLICAOF NO ONE: writable, PSYNC2 replid2 = the old master's replid
            String oldReplid = m.info("replication").lines().filter(l -> l.startsWith("master_replid:")).findFirst().orElseThrow().substring(14);
            Http.Response promoted = Http.post(port, "/admin/promote", TOKEN);
            assertEquals(200, promoted.status(), promoted.body());
            assertTrue(promoted.body().contains("\"result\":\"OK\""), promoted.body());
            assertTrue(promoted.body().contains("\"role\":\"master\""), promoted.body());
            assertEquals("OK", r.set("written", "after promotion"));
            assertTrue(r.info("replication").contains("master_replid2:" + oldReplid), r.info("replication"));

            // demote = REPLICAOF host port
            Http.Response noHost = Http.post(port, "/admin/demote", TOKEN);
            assertEquals(400, noHost.status(), noHost.body());
            Http.Response demoted = Http.post(port, "/admin/demote?host=" + master.host() + "&port=" + master.port(), TOKEN);
            assertEquals(200, demoted.status(), demoted.body());
            assertTrue(demoted.body().contains("\"role\":\"replica\""), demoted.body());
            await("the replica to follow again", () -> r.get("written") == null && "v".equals(r.get("k")), () -> r.info("replication"));

            // a refused command is reported with its error (409)
            Http.Response bad = Http.post(port, "/admin/demote?host=127.0.0.1&port=notaport", TOKEN);
            assertEquals(409, bad.status(), bad.body());
            assertTrue(bad.body().contains("\"error\":\"ERR "), bad.body());

            // snapshot now = BGSAVE
            Http.Response snap = Http.post(port, "/admin/snapshot", TOKEN);
            assertEquals(200, snap.status(), snap.body());
            assertTrue(snap.body().contains("\"result\":\"Background saving started\""), snap.body());
            await("the RDB file", () -> Files.exists(n.node().persistence().rdbPath()), () -> "no " + n.node().persistence().rdbPath());

            // master-node carries no drill (replica-node and dr-bridge do: DrBridge's AdminDrillTest), and none ran here
            Http.Response drill = Http.post(port, "/admin/drill", TOKEN);
            assertEquals(501, drill.status(), drill.body());
            assertTrue(drill.body().contains("does not run drills"), drill.body());
            assertEquals(404, Http.get(port, "/admin/drill/report", TOKEN).status());
        }
    }

    @Test
    void neitherTheAdminApiNorTheMetricsShowPasswords() {
        String requirepass = "client-pass-31337", masterauth = "master-pass-27182";
        try (TestNode n = TestNode.start("--admin-token", TOKEN, "--requirepass", requirepass, "--masterauth", masterauth);
             ManagementServer ms = ManagementServer.start(n.node(), -1, "127.0.0.1")) {
            int port = ms.port();
            for (Http.Response r : new Http.Response[]{Http.get(port, "/admin/status", TOKEN), Http.get(port, "/prometheus", null),
                    Http.get(port, "/health", null), Http.get(port, "/health/readiness", null), Http.get(port, "/env", null),
                    Http.get(port, "/admin/status", null)}) {
                for (String secret : new String[]{requirepass, masterauth, TOKEN}) {
                    assertFalse(r.body().contains(secret), r.raw().uri() + " shows a secret: " + r.body());
                }
            }
            assertEquals(404, Http.get(port, "/env", null).status(), "the env endpoint is off");
            assertEquals(404, Http.get(port, "/beans", null).status(), "the beans endpoint is off");
        }
    }
}
