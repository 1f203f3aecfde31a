package io.meridian.drbridge;

import io.meridian.kafkareplica.drill.DrillOptions;
import io.meridian.node.config.Config;
import io.meridian.node.config.RedisConfParser;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The bridge Deployment and the drill CronJob in k8s/base run the real command lines: their
 * args parse with bin/meridian bridge's and bin/meridian drill's own parsers (with the
 * environment the manifests give them), so a renamed flag breaks this test, not a pod.
 */
class K8sArgsTest {
    private static final Path BASE = Path.of("..", "k8s", "base");

    @SuppressWarnings("unchecked")
    private static Map<String, Object> container(String file) throws Exception {
        Map<String, Object> doc = new Yaml().load(Files.readString(BASE.resolve(file)));
        Map<String, Object> spec = (Map<String, Object>) doc.get("spec");
        if (doc.get("kind").equals("CronJob")) {
            spec = (Map<String, Object>) ((Map<String, Object>) ((Map<String, Object>) spec.get("jobTemplate")).get("spec"));
        }
        Map<String, Object> pod = (Map<String, Object>) ((Map<String, Object>) spec.get("template")).get("spec");
        return ((List<Map<String, Object>>) pod.get("containers")).get(0);
    }

    @SuppressWarnings("unchecked")
    private static List<String> args(Map<String, Object> c) {
        List<String> out = new ArrayList<>();
        for (Object a : (List<Object>) c.get("args")) {
            // $(VAR) as Kubernetes expands it, with a plausible value
            out.add(a.toString().replace("$(KAFKA_BOOTSTRAP)", "kafka:9092").replace("$(MERIDIAN_CLUSTER)", "meridian"));
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private static List<String> envNames(Map<String, Object> c) {
        List<String> names = new ArrayList<>();
        for (Map<String, Object> e : (List<Map<String, Object>>) c.get("env")) names.add(e.get("name").toString());
        return names;
    }

    @Test
    void theBridgeDeploymentRunsBinMeridianBridge() throws Exception {
        Map<String, Object> c = container("bridge.yaml");
        List<String> a = args(c);
        assertEquals("bridge", a.get(0));
        List<String> rest = new ArrayList<>();
        Bridge.Options o = Bridge.Options.parse(a.subList(1, a.size()).toArray(new String[0]), rest);
        assertEquals("meridian-primary-0.meridian-headless", o.masterHost());
        assertEquals(6379, o.masterPort());
        // everything else is a node directive the bridge's node accepts
        Config config = new Config();
        RedisConfParser.load(config, List.of(Bridge.nodeArgs(rest)));
        assertEquals("kafka:9092", config.getString("kafka-bootstrap-servers"));
        assertEquals("meridian", config.getString("kafka-cluster"));
        assertEquals(8080, config.getInt("management-port"));
        // masterauth comes from the Secret through MERIDIAN_MASTERAUTH (Launcher maps MERIDIAN_<DIRECTIVE>)
        assertTrue(envNames(c).contains("MERIDIAN_MASTERAUTH"));
    }

    @Test
    void theDrillCronJobRunsBinMeridianDrill() throws Exception {
        Map<String, Object> c = container("drill-cronjob.yaml");
        List<String> a = args(c);
        assertEquals("drill", a.get(0));
        List<String> env = envNames(c);
        assertTrue(env.contains("MERIDIAN_DRILL_PRIMARY") && env.contains("MERIDIAN_DRILL_STANDBY"), env.toString());
        DrillOptions o = DrillOptions.parse(a.subList(1, a.size()),
                Map.of("MERIDIAN_DRILL_PRIMARY", "primary:6379", "MERIDIAN_DRILL_STANDBY", "standby:6379", "MERIDIAN_DRILL_PASSWORD", "pw"));
        assertEquals("primary", o.primaryHost);
        assertEquals(6379, o.standbyPort);
        assertEquals("bridge", o.cut);
        assertTrue(o.json);
    }
}
