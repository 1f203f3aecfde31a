package io.meridian.node.boot;

import io.meridian.node.config.Config;
import io.meridian.node.config.ConfigTable;
import io.meridian.node.config.Directive;
import io.micronaut.context.ApplicationContext;
import io.micronaut.context.env.PropertySource;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One set of names: every directive of the table is reachable as {@code meridian.<name>} in
 * application.yml and as {@code MERIDIAN_<NAME>} in the environment, and both set the same
 * value a redis.conf line would.
 */
class LauncherEnvironmentTest {
    /** Directives and values used below, with what CONFIG GET prints after them. */
    private static final Map<String, String[]> SAMPLES = new LinkedHashMap<>();

    static {
        SAMPLES.put("maxmemory", new String[]{"10mb", "10485760"});
        SAMPLES.put("hash-max-listpack-entries", new String[]{"7", "7"});
        SAMPLES.put("save", new String[]{"60 1 10 100", "60 1 10 100"});
        SAMPLES.put("repl-backlog-size", new String[]{"2gb", "2147483648"});
        SAMPLES.put("appendfsync", new String[]{"always", "always"});
        SAMPLES.put("replica-read-only", new String[]{"no", "no"});
    }

    @Test
    void environmentNamesAreOneToOneWithTheTable() {
        Map<String, String> seen = new HashMap<>();
        for (Directive d : ConfigTable.all()) {
            String env = d.envName();
            assertEquals("MERIDIAN_" + d.name().toUpperCase(Locale.ROOT).replace('-', '_'), env);
            String before = seen.put(env, d.name());
            assertEquals(null, before, env + " would name both " + before + " and " + d.name());
        }
    }

    @Test
    void applicationYmlPropertiesSetTheTable() {
        Map<String, Object> props = new HashMap<>();
        for (Map.Entry<String, String[]> e : SAMPLES.entrySet()) props.put("meridian." + e.getKey(), e.getValue()[0]);
        Config config = new Config();
        try (ApplicationContext ctx = ApplicationContext.builder().deduceEnvironment(false).banner(false)
                .propertySources(PropertySource.of("application", props)).build().start()) {
            Launcher.applyEnvironment(ctx.getEnvironment(), config);
        }
        for (Map.Entry<String, String[]> e : SAMPLES.entrySet()) {
            assertEquals(e.getValue()[1], config.get(e.getKey()), "meridian." + e.getKey());
            Config fromConf = new Config();
            fromConf.setFromString(e.getKey(), e.getValue()[0]);
            assertEquals(fromConf.get(e.getKey()), config.get(e.getKey()), "the same value as CONFIG SET / redis.conf");
        }
    }

    @Test
    void environmentVariablesSetTheTable() throws Exception {
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", cp, EnvProbeMain.class.getName()));
        cmd.addAll(SAMPLES.keySet());
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        for (Map.Entry<String, String[]> e : SAMPLES.entrySet()) {
            pb.environment().put(ConfigTable.find(e.getKey()).envName(), e.getValue()[0]);
        }
        Process p = pb.start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "probe finished");
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), out);
        for (Map.Entry<String, String[]> e : SAMPLES.entrySet()) {
            assertTrue(out.contains(e.getKey() + "=" + e.getValue()[1] + "\n"), ConfigTable.find(e.getKey()).envName() + " in:\n" + out);
        }
    }
}
