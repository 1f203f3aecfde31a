package io.meridian.drbridge;

import io.meridian.kafka.EmbeddedKafka;
import io.meridian.kafkareplica.KafkaReplica;
import io.meridian.node.ops.Drills;
import io.meridian.node.ops.ManagementServer;
import io.meridian.node.testing.TestNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

import static io.meridian.drbridge.BridgeTest.bridgeNode;
import static io.meridian.drbridge.BridgeTest.converge;
import static io.meridian.drbridge.BridgeTest.info;
import static io.meridian.drbridge.BridgeTest.jedis;
import static io.meridian.drbridge.BridgeTest.options;
import static io.meridian.drbridge.BridgeTest.waitFor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Operations on the DR bridge through its management port: readiness follows Kafka and
 * fencing, /prometheus carries the bridge's figures as INFO bridge shows them, and a drill
 * started with the admin API (POST /admin/drill) runs in the bridge's process, reports through
 * GET /admin/drill/report, INFO drill and the meridian_drill_* metrics.
 */
class AdminDrillTest {
    static final String TOKEN = "drill-token";
    static EmbeddedKafka kafka;

    @BeforeAll
    static void up() {
        KafkaReplica.install(); // also installs the drill runner, as the dr-bridge and replica-node applications do
        kafka = EmbeddedKafka.start();
        BridgeTest.kafka = kafka;
    }

    @AfterAll
    static void down() {
        if (kafka != null) kafka.close();
    }

    @Test
    void aDrillStartedFromTheAdminApiReportsRpoAndRto() throws Exception {
        String cluster = "admindrill";
        try (TestNode master = TestNode.start(); Jedis m = jedis(master.port());
             TestNode bn = TestNode.start(withToken(Bridge.nodeArgs(List.of("--bootstrap", kafka.bootstrapServers(), "--cluster", cluster))));
             ManagementServer ms = ManagementServer.start(bn.node(), -1, "127.0.0.1")) {
            Drills.registerInfo(bn.node());
            for (int i = 0; i < 200; i++) m.set("k" + i, "v" + i);
            Bridge b = Bridge.attach(bn.node(), options(master.port(), 64L << 20));
            try (TestNode standby = BridgeTest.regionB(cluster); Jedis s = jedis(standby.port()); Jedis bj = jedis(bn.port())) {
                converge(m, s);
                int port = ms.port();
                waitFor("the bridge to be ready", () -> get(port, "/health/readiness").statusCode() == 200,
                        () -> get(port, "/health/readiness").body());
                // the bridge's metrics are its INFO bridge fields
                String prom = get(port, "/prometheus").body();
                assertTrue(prom.contains("meridian_bridge_publishing 1"), prom);
                assertTrue(prom.contains("meridian_bridge_kafka_up 1"), prom);
                long records = Long.parseLong(info(bj, "bridge").get("bridge_records_total"));
                assertTrue(prom.contains("meridian_bridge_published_records_total " + records)
                        || prom.contains("meridian_bridge_published_records_total " + (double) records), prom);

                HttpResponse<String> refused = post(port, "/admin/drill", "--primary 127.0.0.1:1", null);
                assertEquals(401, refused.statusCode());
                String args = String.join("\n", "--primary", "127.0.0.1:" + master.port(), "--standby", "127.0.0.1:" + standby.port(),
                        "--bootstrap", kafka.bootstrapServers(), "--cluster", cluster, "--cut", "bridge", "--canaries", "5",
                        "--max-rpo", "0", "--max-rto", "60");
                HttpResponse<String> started = post(port, "/admin/drill", args, TOKEN);
                assertEquals(202, started.statusCode(), started.body());
                assertEquals(409, post(port, "/admin/drill", args, TOKEN).statusCode(), "one drill at a time");
                waitFor("the drill to finish", () -> !get(port, "/admin/drill/report").body().contains("\"state\":\"running\""),
                        () -> get(port, "/admin/drill/report").body());
                String report = get(port, "/admin/drill/report").body();
                assertTrue(report.contains("\"state\":\"passed\""), report);
                assertTrue(report.contains("\"rpo_bytes\":0"), report);
                assertTrue(report.contains("\"report\":{"), report);
                assertTrue(report.contains("\"progress\":["), report);
                assertEquals("passed", info(bj, "drill").get("drill_last_state"));
                assertEquals("0", info(bj, "drill").get("drill_last_rpo_bytes"));
                String after = get(port, "/prometheus").body();
                assertTrue(after.contains("meridian_drill_last_passed 1"), after);
                assertTrue(after.contains("meridian_drill_last_rpo_bytes 0"), after);
                // the drill's cut fenced this bridge: it says so and is not ready
                waitFor("the fenced bridge to be not ready", () -> get(port, "/health/readiness").statusCode() == 503,
                        () -> get(port, "/health/readiness").body());
                assertTrue(get(port, "/health/readiness").body().contains("fenced"), get(port, "/health/readiness").body());
                assertTrue(get(port, "/prometheus").body().contains("meridian_bridge_fenced 1"));
                // the standby was promoted and takes writes
                assertEquals("OK", s.set("after-drill", "1"));
            } finally {
                b.close();
            }
        }
    }

    private static String[] withToken(String[] args) {
        String[] out = java.util.Arrays.copyOf(args, args.length + 2);
        out[args.length] = "--admin-token";
        out[args.length + 1] = TOKEN;
        return out;
    }

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    static HttpResponse<String> get(int port, String path) {
        return send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).header("Authorization", "Bearer " + TOKEN).GET());
    }

    static HttpResponse<String> post(int port, String path, String body, String token) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Content-Type", "text/plain").POST(HttpRequest.BodyPublishers.ofString(body));
        if (token != null) b.header("Authorization", "Bearer " + token);
        return send(b);
    }

    private static HttpResponse<String> send(HttpRequest.Builder b) {
        try {
            return HTTP.send(b.timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
