package io.meridian.node.repl.replica;

import io.meridian.node.testing.RealRedis;
import io.meridian.node.testing.RespClient;
import io.meridian.node.testing.TestNode;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.meridian.node.repl.replica.ReplTesting.awaitCaughtUp;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** tls-replication yes: a Meridian replica of a real redis-server that only speaks TLS, with a client certificate. */
class TlsReplicaTest {
    private static void run(Path dir, String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), () -> String.join(" ", cmd) + ": " + out);
    }

    @Test
    void replicatesOverTls() throws Exception {
        Path dir = Files.createTempDirectory("meridian-repl-tls");
        Files.writeString(dir.resolve("san.ext"), "subjectAltName=IP:127.0.0.1,DNS:localhost\n");
        run(dir, "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.crt", "-days", "2",
                "-subj", "/CN=Meridian Test CA");
        for (String who : List.of("server", "client")) {
            run(dir, "openssl", "req", "-newkey", "rsa:2048", "-nodes", "-keyout", who + ".key", "-out", who + ".csr", "-subj", "/CN=" + who);
            run(dir, "openssl", "x509", "-req", "-in", who + ".csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial",
                    "-out", who + ".crt", "-days", "2", "-extfile", "san.ext");
        }
        int tlsPort = RealRedis.freePort();
        try (RealRedis redis = RealRedis.start("--tls-port", Integer.toString(tlsPort), "--tls-cert-file", dir.resolve("server.crt").toString(),
                "--tls-key-file", dir.resolve("server.key").toString(), "--tls-ca-cert-file", dir.resolve("ca.crt").toString(),
                "--tls-auth-clients", "yes");
             RespClient m = new RespClient(redis.host(), redis.port())) {
            new Workload(m, 51).base("t", 300);
            try (TestNode replica = TestNode.start("--replicaof", "127.0.0.1", Integer.toString(tlsPort), "--tls-replication", "yes",
                    "--tls-cert-file", dir.resolve("client.crt").toString(), "--tls-key-file", dir.resolve("client.key").toString(),
                    "--tls-ca-cert-file", dir.resolve("ca.crt").toString());
                 RespClient r = new RespClient(replica.host(), replica.port())) {
                awaitCaughtUp(m, replica.node());
                new Workload(m, 52).churn("t", 200);
                awaitCaughtUp(m, replica.node());
                assertEquals(m.call("DEBUG", "DIGEST"), r.call("DEBUG", "DIGEST"));
                assertEquals("1", ReplTesting.info(m, "stats").get("sync_full"));
            }
        }
    }
}
