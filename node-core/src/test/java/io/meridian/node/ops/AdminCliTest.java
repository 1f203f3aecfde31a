package io.meridian.node.ops;

import io.meridian.node.testing.TestNode;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** bin/meridian admin: the same actions as the admin API, from the command line. */
class AdminCliTest {
    record Run(int status, String out, String err) {}

    static Run run(Map<String, String> env, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int status = AdminCli.run(args, env, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void actionsAgainstANode() {
        try (TestNode n = TestNode.start("--admin-token", "tok");
             ManagementServer ms = ManagementServer.start(n.node(), -1, "127.0.0.1")) {
            String url = "http://127.0.0.1:" + ms.port();
            Run status = run(Map.of(), "status", "--url", url, "--token", "tok");
            assertEquals(0, status.status(), status.err());
            assertTrue(status.out().startsWith("{\"role\":\"master\""), status.out());

            // the environment gives URL and token
            Run env = run(Map.of("MERIDIAN_ADMIN_URL", url, "MERIDIAN_ADMIN_TOKEN", "tok"), "snapshot");
            assertEquals(0, env.status(), env.err());
            assertTrue(env.out().contains("Background saving started"), env.out());

            Run noToken = run(Map.of(), "status", "--url", url);
            assertEquals(1, noToken.status());
            assertTrue(noToken.err().contains("HTTP 401"), noToken.err());

            Run drill = run(Map.of(), "drill", "report", "--url", url, "--token", "tok");
            assertEquals(1, drill.status());
            assertTrue(drill.err().contains("HTTP 404"), drill.err()); // no drill ran in this process

            Run promote = run(Map.of(), "promote", "--url", url, "--token", "tok");
            assertEquals(0, promote.status(), promote.err());
        }
    }

    @Test
    void usageErrors() {
        assertEquals(2, run(Map.of(), "demote", "onlyhost").status());
        assertEquals(2, run(Map.of(), "bogus").status());
        assertEquals(2, run(Map.of()).status());
        assertEquals(2, run(Map.of(), "status", "--url").status());
        assertEquals(0, run(Map.of(), "--help").status());
        assertEquals("/admin/demote?host=10.0.0.1&port=6379", AdminCli.request(java.util.List.of("demote", "10.0.0.1", "6379"))[1]);
    }

    @Test
    void unreachable() {
        Run r = run(Map.of(), "status", "--url", "http://127.0.0.1:" + io.meridian.node.testing.RealRedis.freePort(), "--token", "x");
        assertEquals(1, r.status());
        assertTrue(r.err().contains("can't reach"), r.err());
    }
}
