package io.meridian.node.ops;

import com.google.gson.Gson;
import io.meridian.node.config.Config;
import io.meridian.node.config.RedisConfParser;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * Renders the k8s/ overlays with kustomize (kubectl kustomize, or kustomize build) and checks
 * what is rendered: each document against the Kubernetes OpenAPI models (the official Java
 * client's generated classes reject unknown fields, missing required fields and wrong
 * types, as kubeconform does with the JSON schemas), then the wiring between documents
 * (selectors, ports, Secrets and ConfigMaps referenced, probes, PVCs, Meridian config files).
 */
final class K8sManifests {
    private K8sManifests() {}

    /** The repository root: the nearest directory up from here with k8s/base. */
    static Path root() {
        Path p = Path.of("").toAbsolutePath();
        for (Path d = p; d != null; d = d.getParent()) {
            if (Files.isRegularFile(d.resolve("k8s/base/kustomization.yaml"))) return d;
        }
        throw new IllegalStateException("no k8s/base/kustomization.yaml above " + p);
    }

    /** kustomize's output for a directory. */
    static String render(Path dir) throws IOException, InterruptedException {
        List<List<String>> tools = List.of(List.of("kubectl", "kustomize", dir.toString()), List.of("kustomize", "build", dir.toString()));
        StringBuilder tried = new StringBuilder();
        for (List<String> cmd : tools) {
            Process p;
            try {
                p = new ProcessBuilder(cmd).redirectErrorStream(false).start();
            } catch (IOException e) {
                tried.append(cmd.get(0)).append(": ").append(e.getMessage()).append("; ");
                continue;
            }
            byte[] err;
            String out;
            try (var stdout = p.getInputStream(); var stderr = p.getErrorStream()) {
                var errReader = new java.util.concurrent.CompletableFuture<byte[]>();
                Thread t = new Thread(() -> {
                    try {
                        errReader.complete(stderr.readAllBytes());
                    } catch (IOException e) {
                        errReader.complete(new byte[0]);
                    }
                });
                t.start();
                out = new String(stdout.readAllBytes(), StandardCharsets.UTF_8);
                err = errReader.join();
            }
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(String.join(" ", cmd) + " did not finish");
            }
            if (p.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", cmd) + " failed (exit " + p.exitValue() + "): "
                        + new String(err, StandardCharsets.UTF_8));
            }
            return out;
        }
        throw new IllegalStateException("no kustomize renderer: install kubectl (1.27 or newer, kustomize v5) or kustomize; tried " + tried);
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> parse(String yaml) {
        List<Map<String, Object>> docs = new ArrayList<>();
        for (Object o : new Yaml(new SafeConstructor(new LoaderOptions())).loadAll(yaml)) {
            if (o != null) docs.add((Map<String, Object>) o);
        }
        return docs;
    }

    // ---- schema -------------------------------------------------------------------------

    /** The client model class for a document: apps/v1 StatefulSet → V1StatefulSet. */
    static Class<?> modelClass(Map<String, Object> doc) throws ClassNotFoundException {
        String apiVersion = (String) doc.get("apiVersion");
        String kind = (String) doc.get("kind");
        if (apiVersion == null || kind == null) throw new IllegalArgumentException("a document without apiVersion or kind: " + doc);
        String version = apiVersion.substring(apiVersion.indexOf('/') + 1);
        String prefix = Character.toUpperCase(version.charAt(0)) + version.substring(1);
        return Class.forName("io.kubernetes.client.openapi.models." + prefix + kind);
    }

    /** Throws with the model's message when doc does not fit its Kubernetes schema. */
    static void validateSchema(Map<String, Object> doc) {
        String what = doc.get("kind") + "/" + name(doc);
        try {
            Class<?> c = modelClass(doc);
            String json = new Gson().toJson(doc);
            // validateJsonElement: unknown and missing required fields; fromJson: the types
            c.getMethod("fromJson", String.class).invoke(null, json);
        } catch (ClassNotFoundException e) {
            throw new AssertionError(what + ": no Kubernetes model for " + doc.get("apiVersion") + " " + doc.get("kind"));
        } catch (InvocationTargetException e) {
            throw new AssertionError(what + " does not fit the Kubernetes schema: " + e.getCause().getMessage(), e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(what + ": " + e, e);
        }
    }

    // ---- wiring -------------------------------------------------------------------------

    static String name(Map<String, Object> doc) {
        return (String) map(doc, "metadata").get("name");
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Map<String, Object> m, String... path) {
        Map<String, Object> cur = m;
        for (String p : path) {
            Object o = cur == null ? null : cur.get(p);
            cur = o instanceof Map<?, ?> ? (Map<String, Object>) o : null;
        }
        return cur == null ? Map.of() : cur;
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> list(Map<String, Object> m, String key) {
        Object o = m.get(key);
        return o instanceof List<?> l ? (List<Map<String, Object>>) l : List.of();
    }

    static List<Map<String, Object>> ofKind(List<Map<String, Object>> docs, String kind) {
        return docs.stream().filter(d -> kind.equals(d.get("kind"))).toList();
    }

    static Map<String, Object> find(List<Map<String, Object>> docs, String kind, String name) {
        return docs.stream().filter(d -> kind.equals(d.get("kind")) && name.equals(name(d))).findFirst().orElse(null);
    }

    /** The pod spec of a workload (Deployment, StatefulSet, CronJob). */
    static Map<String, Object> podSpec(Map<String, Object> w) {
        if ("CronJob".equals(w.get("kind"))) return map(w, "spec", "jobTemplate", "spec", "template", "spec");
        return map(w, "spec", "template", "spec");
    }

    static Map<String, Object> podLabels(Map<String, Object> w) {
        if ("CronJob".equals(w.get("kind"))) return map(w, "spec", "jobTemplate", "spec", "template", "metadata", "labels");
        return map(w, "spec", "template", "metadata", "labels");
    }

    static List<Map<String, Object>> workloads(List<Map<String, Object>> docs) {
        return docs.stream().filter(d -> List.of("Deployment", "StatefulSet", "CronJob").contains(d.get("kind"))).toList();
    }

    static boolean selects(Map<String, Object> selector, Map<String, Object> labels) {
        if (selector.isEmpty()) return false;
        for (Map.Entry<String, Object> e : selector.entrySet()) {
            if (!Objects.equals(e.getValue(), labels.get(e.getKey()))) return false;
        }
        return true;
    }

    /** The workloads whose pods a label selector picks. */
    static List<Map<String, Object>> selected(List<Map<String, Object>> docs, Map<String, Object> selector) {
        return workloads(docs).stream().filter(w -> selects(selector, podLabels(w))).toList();
    }

    /** Every check of the wiring; returns the problems found (empty = fine). */
    static List<String> wiring(List<Map<String, Object>> docs) {
        List<String> problems = new ArrayList<>();
        Map<String, Map<String, Object>> configMaps = new HashMap<>(), secrets = new HashMap<>();
        for (Map<String, Object> d : ofKind(docs, "ConfigMap")) configMaps.put(name(d), d);
        for (Map<String, Object> d : ofKind(docs, "Secret")) secrets.put(name(d), d);

        for (Map<String, Object> w : workloads(docs)) {
            String id = w.get("kind") + "/" + name(w);
            if (!"CronJob".equals(w.get("kind"))) {
                Map<String, Object> sel = map(w, "spec", "selector", "matchLabels");
                if (!selects(sel, podLabels(w))) problems.add(id + ": selector " + sel + " does not match its pod labels " + podLabels(w));
            }
            Map<String, Object> pod = podSpec(w);
            String sa = (String) pod.get("serviceAccountName");
            if (sa != null && find(docs, "ServiceAccount", sa) == null) problems.add(id + ": no ServiceAccount " + sa);
            Map<String, Map<String, Object>> volumes = new LinkedHashMap<>();
            for (Map<String, Object> v : list(pod, "volumes")) volumes.put((String) v.get("name"), v);
            if ("StatefulSet".equals(w.get("kind"))) {
                String svc = (String) map(w, "spec").get("serviceName");
                Map<String, Object> s = find(docs, "Service", svc == null ? "" : svc);
                if (s == null || !"None".equals(map(s, "spec").get("clusterIP"))) problems.add(id + ": serviceName " + svc + " is not a headless Service");
                for (Map<String, Object> pvc : list(map(w, "spec"), "volumeClaimTemplates")) volumes.put(name(pvc), pvc);
                if (list(map(w, "spec"), "volumeClaimTemplates").isEmpty()) problems.add(id + ": no persistent volume claim");
            }
            for (Map<String, Object> v : volumes.values()) {
                Map<String, Object> cm = map(v, "configMap");
                if (!cm.isEmpty() && !configMaps.containsKey((String) cm.get("name"))) problems.add(id + ": no ConfigMap " + cm.get("name"));
                Map<String, Object> sec = map(v, "secret");
                if (!sec.isEmpty()) {
                    Map<String, Object> s = secrets.get((String) sec.get("secretName"));
                    if (s == null) problems.add(id + ": no Secret " + sec.get("secretName"));
                    else for (Map<String, Object> item : list(sec, "items")) {
                        if (!secretKeys(s).contains((String) item.get("key"))) problems.add(id + ": Secret " + sec.get("secretName") + " has no key " + item.get("key"));
                    }
                }
            }
            for (Map<String, Object> c : list(pod, "containers")) {
                String cid = id + " container " + c.get("name");
                if (c.get("image") == null) problems.add(cid + ": no image");
                Map<String, Object> res = map(c, "resources");
                if (map(res, "requests").get("cpu") == null || map(res, "requests").get("memory") == null || map(res, "limits").get("memory") == null) {
                    problems.add(cid + ": needs requests.cpu, requests.memory and limits.memory");
                }
                List<String> ports = list(c, "ports").stream().map(p -> (String) p.get("name")).toList();
                for (Map<String, Object> m : list(c, "volumeMounts")) {
                    if (!volumes.containsKey((String) m.get("name"))) problems.add(cid + ": mounts unknown volume " + m.get("name"));
                }
                for (Map<String, Object> e : list(c, "env")) {
                    Map<String, Object> from = map(e, "valueFrom");
                    Map<String, Object> sk = map(from, "secretKeyRef"), ck = map(from, "configMapKeyRef");
                    if (!sk.isEmpty()) {
                        Map<String, Object> s = secrets.get((String) sk.get("name"));
                        if (s == null || !secretKeys(s).contains((String) sk.get("key"))) problems.add(cid + ": env " + e.get("name") + " needs Secret " + sk.get("name") + " key " + sk.get("key"));
                    }
                    if (!ck.isEmpty()) {
                        Map<String, Object> cmap = configMaps.get((String) ck.get("name"));
                        if (cmap == null || !map(cmap, "data").containsKey((String) ck.get("key"))) problems.add(cid + ": env " + e.get("name") + " needs ConfigMap " + ck.get("name") + " key " + ck.get("key"));
                    }
                }
                if (!"CronJob".equals(w.get("kind"))) {
                    for (String[] probe : new String[][]{{"livenessProbe", "/health/liveness"}, {"readinessProbe", "/health/readiness"}}) {
                        Map<String, Object> get = map(c, probe[0], "httpGet");
                        if (!probe[1].equals(get.get("path"))) problems.add(cid + ": " + probe[0] + " must GET " + probe[1] + ", not " + get.get("path"));
                        if (!ports.contains(String.valueOf(get.get("port")))) problems.add(cid + ": " + probe[0] + " port " + get.get("port") + " is not a container port " + ports);
                    }
                }
            }
        }
        for (Map<String, Object> s : ofKind(docs, "Service")) {
            Map<String, Object> sel = map(s, "spec", "selector");
            List<Map<String, Object>> picked = selected(docs, sel);
            // the client Service may select nothing (a standby region before its promotion)
            if (picked.isEmpty() && !sel.containsKey("meridian.io/role")) problems.add("Service/" + name(s) + ": selector " + sel + " matches no pod template");
            for (Map<String, Object> port : list(map(s, "spec"), "ports")) {
                for (Map<String, Object> w : picked) {
                    boolean found = list(podSpec(w), "containers").stream().flatMap(c -> list(c, "ports").stream())
                            .anyMatch(p -> Objects.equals(p.get("name"), port.get("targetPort")) || Objects.equals(p.get("containerPort"), port.get("targetPort")));
                    if (!found) problems.add("Service/" + name(s) + ": targetPort " + port.get("targetPort") + " not in " + w.get("kind") + "/" + name(w));
                }
            }
        }
        for (Map<String, Object> p : ofKind(docs, "PodDisruptionBudget")) {
            if (selected(docs, map(p, "spec", "selector", "matchLabels")).size() != 1) problems.add("PodDisruptionBudget/" + name(p) + " must select exactly one workload");
        }
        for (Map<String, Object> rb : ofKind(docs, "RoleBinding")) {
            String role = (String) map(rb, "roleRef").get("name");
            if (find(docs, "Role", role) == null) problems.add("RoleBinding/" + name(rb) + ": no Role " + role);
        }
        // every redis.conf-style file in a ConfigMap is read the way a node reads it
        for (Map<String, Object> cm : configMaps.values()) {
            for (Map.Entry<String, Object> e : map(cm, "data").entrySet()) {
                if (!e.getKey().endsWith(".conf")) continue;
                try {
                    RedisConfParser.loadString(new Config(), (String) e.getValue());
                } catch (RuntimeException ex) {
                    problems.add("ConfigMap/" + name(cm) + " " + e.getKey() + ": " + ex.getMessage().strip());
                }
            }
        }
        return problems;
    }

    static java.util.Set<String> secretKeys(Map<String, Object> secret) {
        java.util.Set<String> keys = new java.util.HashSet<>(map(secret, "data").keySet());
        keys.addAll(map(secret, "stringData").keySet());
        return keys;
    }
}
