package io.meridian.node.testing;

import redis.clients.jedis.Jedis;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** What the application modules' *ImageIT check of their Dockerfile, after mvn package. */
public final class NodeImageChecks {
    private NodeImageChecks() {}

    public static ContainerImage image(String module) {
        Path root = ContainerImage.projectRoot();
        ContainerImage img = ContainerImage.read(root.resolve(module).resolve("Dockerfile"), root);
        assertEquals(List.of(), img.missingSources(), module + "/Dockerfile copies files the build did not make");
        assertTrue(img.copies().containsValue(module + "/target/" + module + ".jar"), "the image carries the shaded jar: " + img.copies());
        assertEquals("10001", img.user(), "runs as the non-root user the k8s securityContext names");
        return img;
    }

    /** ENTRYPOINT --version: one line naming the application, exit 0. */
    public static void version(ContainerImage img, String mode) {
        ContainerImage.Result r = img.run(List.of("--version"), 120);
        assertEquals(0, r.exit(), r.output());
        assertTrue(r.output().contains("Meridian " + mode + " v="), r.output());
    }

    /** ENTRYPOINT with flags: the node answers PING, /health/readiness and /prometheus, then stops on SIGTERM. */
    public static void startsAndAnswers(ContainerImage img, String... extraArgs) throws Exception {
        int port = RealRedis.freePort(), mport = RealRedis.freePort();
        Path dir = Files.createTempDirectory("image-run");
        Path log = dir.resolve("out.log");
        List<String> args = new java.util.ArrayList<>(List.of("--port", Integer.toString(port), "--bind", "127.0.0.1", "--dir", dir.toString(),
                "--save", "", "--management-port", Integer.toString(mport), "--management-bind", "127.0.0.1"));
        args.addAll(List.of(extraArgs));
        Process p = img.start(args, log);
        try {
            long deadline = System.currentTimeMillis() + 120_000;
            String pong = null;
            while (pong == null) {
                if (!p.isAlive()) fail("the entrypoint exited " + p.exitValue() + ": " + Files.readString(log));
                if (System.currentTimeMillis() > deadline) fail("no PONG within 120 s: " + Files.readString(log));
                try (Jedis j = new Jedis("127.0.0.1", port)) {
                    pong = j.ping();
                } catch (RuntimeException e) {
                    Thread.sleep(200);
                }
            }
            assertEquals("PONG", pong);
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
            // the management port opens just after the RESP port
            HttpResponse<String> live = null;
            while (live == null) {
                if (System.currentTimeMillis() > deadline) fail("no management port within 120 s: " + Files.readString(log));
                try {
                    live = get(http, mport, "/health/liveness");
                } catch (IOException e) {
                    Thread.sleep(200);
                }
            }
            assertEquals(200, live.statusCode(), live.body());
            assertEquals(200, get(http, mport, "/health/readiness").statusCode());
            HttpResponse<String> prom = get(http, mport, "/prometheus");
            assertEquals(200, prom.statusCode(), prom.body());
            assertTrue(prom.body().contains("\nredis_up 1"), prom.body());
        } finally {
            p.destroy(); // SIGTERM, as Kubernetes stops a pod
            if (!p.waitFor(60, TimeUnit.SECONDS)) p.destroyForcibly();
        }
        String out = Files.readString(log);
        assertTrue(out.contains("Meridian is now ready to exit") || out.contains("bye bye"), "a clean stop on SIGTERM: " + out);
    }

    private static HttpResponse<String> get(HttpClient http, int port, String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
