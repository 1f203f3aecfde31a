package io.meridian.node.ops;

import io.meridian.node.Node;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Keeps the pod's {@code meridian.io/role} label equal to the node's role ("master" or
 * "replica"), so the client Service, which selects {@code meridian.io/role: master}, follows
 * promotions and demotions (REPLICAOF, the admin API) without anyone relabelling pods. On
 * with {@code k8s-role-label yes}; uses the pod's service account (a Role allowing get and
 * patch on pods, k8s/base/rbac.yaml) and POD_NAME / POD_NAMESPACE from the downward API.
 * Checked every cron tick on the command thread; the PATCH runs off it, retried every
 * {@link #RETRY_MILLIS} ms until the API server accepts it.
 */
public final class K8sRoleLabel {
    public static final String LABEL = "meridian.io/role";
    static final long RETRY_MILLIS = 5000;
    private static final String SA = "/var/run/secrets/kubernetes.io/serviceaccount/";

    private final Node node;
    private final URI pod;
    private final Supplier<String> token;
    private final HttpClient http;
    /** The role the API server last accepted; null before the first PATCH. */
    private String applied;
    private boolean inFlight;
    private long nextAttempt;
    private String lastError;

    K8sRoleLabel(Node node, String apiBase, String namespace, String podName, Supplier<String> token, HttpClient http) {
        this.node = node;
        this.pod = URI.create(apiBase.replaceAll("/+$", "") + "/api/v1/namespaces/" + namespace + "/pods/" + podName);
        this.token = token;
        this.http = http;
    }

    /** Starts keeping the label when k8s-role-label is on and the pod's environment is there. */
    public static K8sRoleLabel install(Node node, Map<String, String> env) {
        String host = env.get("KUBERNETES_SERVICE_HOST"), port = env.getOrDefault("KUBERNETES_SERVICE_PORT", "443");
        String ns = env.get("POD_NAMESPACE"), name = env.get("POD_NAME");
        if (host == null || ns == null || name == null) {
            node.log().warn("k8s-role-label is on but KUBERNETES_SERVICE_HOST, POD_NAMESPACE or POD_NAME is not set: the role label is not kept");
            return null;
        }
        HttpClient http;
        try {
            http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).sslContext(clusterTrust(Path.of(SA + "ca.crt"))).build();
        } catch (IOException | GeneralSecurityException e) {
            node.log().warn("k8s-role-label: can't read the service account's CA ({}): the role label is not kept", e.toString());
            return null;
        }
        String h = host.contains(":") ? "[" + host + "]" : host;
        K8sRoleLabel l = new K8sRoleLabel(node, "https://" + h + ":" + port, ns, name, () -> readToken(Path.of(SA + "token")), http);
        l.start();
        return l;
    }

    void start() {
        node.addCron(this::tick);
    }

    /** Once per cron tick, on the command thread. */
    void tick() {
        String role = node.isReplica() ? "replica" : "master";
        if (role.equals(applied) || inFlight) return;
        long now = node.clock().millis();
        if (now < nextAttempt) return;
        inFlight = true;
        HttpRequest.Builder req = HttpRequest.newBuilder(pod)
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/merge-patch+json")
                .method("PATCH", HttpRequest.BodyPublishers.ofString("{\"metadata\":{\"labels\":{\"" + LABEL + "\":\"" + role + "\"}}}"));
        String t = token.get();
        if (t != null) req.header("Authorization", "Bearer " + t);
        http.sendAsync(req.build(), HttpResponse.BodyHandlers.ofString()).whenComplete((r, e) -> node.execute(() -> {
            inFlight = false;
            String error = e != null ? e.toString() : r.statusCode() / 100 != 2 ? "HTTP " + r.statusCode() + " " + r.body() : null;
            if (error == null) {
                applied = role;
                lastError = null;
                node.log().info("Pod label {}={} set", LABEL, role);
            } else {
                nextAttempt = node.clock().millis() + RETRY_MILLIS;
                if (!error.equals(lastError)) node.log().warn("Can't set the pod label {}={} ({}); retrying", LABEL, role, error);
                lastError = error;
            }
        }));
    }

    /** The label the API server last accepted, or null. */
    String applied() {
        return applied;
    }

    private static String readToken(Path p) {
        try {
            return Files.readString(p, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            return null;
        }
    }

    private static SSLContext clusterTrust(Path ca) throws IOException, GeneralSecurityException {
        KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
        ks.load(null, null);
        try (InputStream in = Files.newInputStream(ca)) {
            int i = 0;
            for (var cert : CertificateFactory.getInstance("X.509").generateCertificates(in)) ks.setCertificateEntry("ca" + i++, cert);
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx;
    }
}
