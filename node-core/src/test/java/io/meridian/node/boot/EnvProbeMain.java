package io.meridian.node.boot;

import io.meridian.node.config.Config;
import io.micronaut.context.ApplicationContext;

/** Child-process probe: applies the environment as the launcher does and prints the given directives' values. */
public final class EnvProbeMain {
    private EnvProbeMain() {}

    public static void main(String[] args) {
        Config config = new Config();
        try (ApplicationContext ctx = ApplicationContext.builder().deduceEnvironment(false).banner(false).build().start()) {
            Launcher.applyEnvironment(ctx.getEnvironment(), config);
        }
        for (String name : args) System.out.println(name + "=" + config.get(name));
    }
}
