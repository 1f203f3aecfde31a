package io.meridian.node.ops;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static io.meridian.node.ops.K8sManifests.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** k8s/: both region overlays render with kustomize and validate against the Kubernetes schemas. */
class K8sManifestsTest {
    static List<Map<String, Object>> regionA, regionB;

    @BeforeAll
    static void render() throws Exception {
        Path k8s = root().resolve("k8s");
        regionA = parse(K8sManifests.render(k8s.resolve("overlays/region-a")));
        regionB = parse(K8sManifests.render(k8s.resolve("overlays/region-b")));
    }

    @Test
    void everyDocumentFitsItsKubernetesSchema() {
        for (List<Map<String, Object>> docs : List.of(regionA, regionB)) {
            for (Map<String, Object> d : docs) validateSchema(d);
        }
    }

    @Test
    void theDocumentsAreWiredTogether() {
        assertEquals(List.of(), wiring(regionA), "region-a");
        assertEquals(List.of(), wiring(regionB), "region-b");
    }

    @Test
    void eachRegionHasWhatTheDeploymentNeeds() {
        for (List<Map<String, Object>> docs : List.of(regionA, regionB)) {
            Set<String> kinds = new TreeSet<>();
            for (Map<String, Object> d : docs) kinds.add(d.get("kind") + "/" + name(d).replaceAll("-[a-z0-9]{10}$", ""));
            for (String want : List.of("StatefulSet/meridian-primary", "StatefulSet/meridian-replica", "Deployment/meridian-bridge",
                    "Service/meridian", "Service/meridian-headless", "ConfigMap/meridian-config", "Secret/meridian-auth",
                    "Secret/meridian-tls", "PodDisruptionBudget/meridian-primary", "PodDisruptionBudget/meridian-replica",
                    "CronJob/meridian-drill", "ServiceAccount/meridian", "Role/meridian-role-label", "RoleBinding/meridian-role-label")) {
                assertTrue(kinds.contains(want), want + " missing from " + kinds);
            }
            for (Map<String, Object> d : docs) assertEquals("meridian", map(d, "metadata").get("namespace"), d.get("kind") + "/" + name(d));
        }
    }

    @Test
    void theClientServiceSelectsOnlyTheWritableMaster() {
        // region A: the primary's pods (starting as master), never the replicas
        Map<String, Object> client = find(regionA, "Service", "meridian");
        List<String> picked = selected(regionA, map(client, "spec", "selector")).stream().map(K8sManifests::name).toList();
        assertEquals(List.of("meridian-primary"), picked);
        // region B: a standby has no writable master until it is promoted
        assertEquals(List.of(), selected(regionB, map(find(regionB, "Service", "meridian"), "spec", "selector")));
        // the headless Service reaches every node, ready or not (replication)
        Map<String, Object> headless = find(regionA, "Service", "meridian-headless");
        assertEquals(true, map(headless, "spec").get("publishNotReadyAddresses"));
        assertEquals(2, selected(regionA, map(headless, "spec", "selector")).size());
    }

    @Test
    void regionBsPrimaryIsAKafkaSourcedReplicaAndItsBridgeIsOff() {
        Map<String, Object> primary = find(regionB, "StatefulSet", "meridian-primary");
        Map<String, Object> c = list(podSpec(primary), "containers").get(0);
        assertEquals("meridian/replica-node:0.1.0", c.get("image"));
        assertEquals(List.of("/etc/meridian/standby.conf"), c.get("args"));
        assertTrue(list(c, "env").stream().anyMatch(e -> "MERIDIAN_KAFKA_BOOTSTRAP_SERVERS".equals(e.get("name"))), c.toString());
        String standby = (String) map(regionB.stream().filter(d -> "ConfigMap".equals(d.get("kind")) && name(d).startsWith("meridian-config"))
                .findFirst().orElseThrow(), "data").get("standby.conf");
        assertTrue(standby.contains("\nreplica-source kafka\n"), standby);
        assertEquals("replica", podLabels(primary).get("meridian.io/role"));
        assertEquals(0, map(find(regionB, "Deployment", "meridian-bridge"), "spec").get("replicas"));
        assertEquals(1, map(find(regionA, "Deployment", "meridian-bridge"), "spec").get("replicas"));
        assertEquals("meridian/master-node:0.1.0", list(podSpec(find(regionA, "StatefulSet", "meridian-primary")), "containers").get(0).get("image"));
    }

    @Test
    void everyImageIsBuiltByADockerfileOfTheProject() {
        for (List<Map<String, Object>> docs : List.of(regionA, regionB)) {
            for (Map<String, Object> w : workloads(docs)) {
                for (Map<String, Object> c : list(podSpec(w), "containers")) {
                    String image = (String) c.get("image");
                    assertTrue(image.matches("meridian/[a-z-]+:[0-9.]+"), image);
                    String module = image.substring("meridian/".length(), image.indexOf(':'));
                    assertTrue(java.nio.file.Files.isRegularFile(root().resolve(module).resolve("Dockerfile")), image + ": no " + module + "/Dockerfile");
                }
            }
        }
    }

    // ---- the checks can fail -------------------------------------------------------------

    static Map<String, Object> statefulSet() throws Exception {
        // a deep copy, so the broken variants do not touch the shared render
        return parse(K8sManifests.render(root().resolve("k8s/overlays/region-a"))).stream()
                .filter(d -> "StatefulSet".equals(d.get("kind"))).findFirst().orElseThrow();
    }

    @Test
    void anUnknownFieldIsRejected() throws Exception {
        Map<String, Object> s = statefulSet();
        map(s, "spec").put("replicass", 3);
        AssertionError e = assertThrows(AssertionError.class, () -> validateSchema(s));
        assertTrue(e.getMessage().contains("replicass"), e.getMessage());
    }

    @Test
    void aMissingRequiredFieldIsRejected() throws Exception {
        Map<String, Object> s = statefulSet();
        list(podSpec(s), "containers").get(0).remove("name");
        AssertionError e = assertThrows(AssertionError.class, () -> validateSchema(s));
        assertTrue(e.getMessage().contains("name"), e.getMessage());
    }

    @Test
    void aWrongTypeIsRejected() throws Exception {
        Map<String, Object> s = statefulSet();
        map(s, "spec").put("replicas", "two");
        assertThrows(AssertionError.class, () -> validateSchema(s));
        Map<String, Object> t = statefulSet();
        map(t, "spec").put("selector", "app=meridian");
        assertThrows(AssertionError.class, () -> validateSchema(t));
    }

    @Test
    void brokenWiringIsReported() throws Exception {
        List<Map<String, Object>> docs = new ArrayList<>(parse(K8sManifests.render(root().resolve("k8s/overlays/region-a"))));
        Map<String, Object> sts = find(docs, "StatefulSet", "meridian-replica");
        Map<String, Object> c = list(podSpec(sts), "containers").get(0);
        map(c, "readinessProbe", "httpGet").put("path", "/ready");
        ((Map<String, Object>) map(sts, "spec", "selector", "matchLabels")).put("app.kubernetes.io/component", "other");
        docs.removeIf(d -> "Secret".equals(d.get("kind")) && "meridian-tls".equals(name(d)));
        List<String> problems = wiring(docs);
        assertTrue(problems.stream().anyMatch(p -> p.contains("must GET /health/readiness")), problems.toString());
        assertTrue(problems.stream().anyMatch(p -> p.contains("does not match its pod labels")), problems.toString());
        assertTrue(problems.stream().anyMatch(p -> p.contains("no Secret meridian-tls")), problems.toString());
    }

    @Test
    void aBadDirectiveInAConfigMapIsReported() throws Exception {
        List<Map<String, Object>> docs = parse(K8sManifests.render(root().resolve("k8s/overlays/region-a")));
        Map<String, Object> cm = docs.stream().filter(d -> "ConfigMap".equals(d.get("kind")) && name(d).startsWith("meridian-config")).findFirst().orElseThrow();
        map(cm, "data").put("primary.conf", "port 6379\nno-such-directive yes\n");
        List<String> problems = wiring(docs);
        assertTrue(problems.stream().anyMatch(p -> p.contains("no-such-directive")), problems.toString());
    }
}
