package io.meridian.node.boot;

import io.meridian.node.Node;
import io.meridian.node.config.Config;
import io.meridian.node.config.ConfigException;
import io.meridian.node.config.ConfigTable;
import io.meridian.node.config.Directive;
import io.meridian.node.config.RedisConfParser;
import io.meridian.node.log.Logging;
import io.meridian.node.log.RoleConverter;
import io.micronaut.context.ApplicationContext;
import io.micronaut.context.env.Environment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * Boots a node the way redis-server does ([config file] [--directive value ...], the same
 * errors and exit code 1), with Micronaut's application.yml ({@code meridian.<directive>})
 * and environment variables ({@code MERIDIAN_<DIRECTIVE>}) applied first.
 */
public final class Launcher {
    private static final Logger LOG = LoggerFactory.getLogger("meridian");

    private Launcher() {}

    /** Runs until the JVM is asked to stop; returns only on a configuration error (exit 1). */
    public static ApplicationContext run(String mode, String[] args) {
        if (args.length == 1 && (args[0].equals("--version") || args[0].equals("-v"))) {
            // as redis-server --version: one line, exit 0 (the container images' smoke test)
            System.out.println("Meridian " + mode + " v=" + Node.VERSION + " redis=" + Node.REDIS_VERSION + " java=" + System.getProperty("java.version"));
            System.exit(0);
        }
        Config config = new Config();
        ApplicationContext ctx = ApplicationContext.builder().deduceEnvironment(false).banner(false).build();
        ctx.start();
        try {
            applyEnvironment(ctx.getEnvironment(), config);
            RedisConfParser.load(config, List.of(args));
        } catch (RedisConfParser.FatalConfigError e) {
            System.err.println(e.getMessage());
            ctx.close();
            System.exit(1);
        } catch (IOException e) {
            System.err.println("Fatal error, can't read config: " + e.getMessage());
            ctx.close();
            System.exit(1);
        }
        Logging.apply(config);
        LOG.warn("oO0OoO0OoO0Oo Meridian is starting oO0OoO0OoO0Oo");
        LOG.warn("Meridian version={} (Redis {} compatible), bits=64, mode={}, pid={}, just started",
                Node.VERSION, Node.REDIS_VERSION, mode, ProcessHandle.current().pid());
        LOG.warn(config.configFile() == null ? "Configuration loaded (no config file, using the defaults and flags)" : "Configuration loaded");
        RoleConverter.set('M');
        LOG.info("Running mode=standalone, port={}. PID: {}", config.get("port"), ProcessHandle.current().pid());
        ctx.registerSingleton(Config.class, config);
        try {
            Node node = ctx.getBean(Node.class);
            // health, metrics and the admin API on their own HTTP port (io.meridian.node.ops)
            if (io.meridian.node.ops.Drills.available()) io.meridian.node.ops.Drills.registerInfo(node); // INFO drill
            if (config.getInt("management-port") > 0) io.meridian.node.ops.ManagementServer.start(node);
            if (config.getBool("k8s-role-label")) io.meridian.node.ops.K8sRoleLabel.install(node, System.getenv());
            // SHUTDOWN ends the process with status 0, as redis-server does
            node.shutdown().afterStop(() -> System.exit(0));
        } catch (RuntimeException e) {
            Throwable root = e;
            while (root.getCause() != null) root = root.getCause();
            LOG.warn("Failed to start: {}", root.getMessage());
            ctx.close();
            System.exit(1);
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            Node node = ctx.getBean(Node.class);
            if (node.stopped()) return; // SHUTDOWN already did everything and said goodbye
            // SIGTERM (kubectl delete, docker stop): as Redis, save if save points are set, then exit
            LOG.warn("Received SIGTERM scheduling shutdown...");
            node.shutdownOnSignal(60_000);
            ctx.close();
            LOG.warn("Meridian is now ready to exit, bye bye...");
        }, "meridian-shutdown"));
        return ctx;
    }

    /** meridian.port in application.yml, or MERIDIAN_PORT in the environment. */
    static void applyEnvironment(Environment env, Config config) {
        for (Directive d : ConfigTable.all()) {
            Optional<String> v = env.getProperty("meridian." + d.name(), String.class);
            String value = v.orElse(System.getenv(d.envName()));
            if (value == null) continue;
            try {
                config.setFromString(d.name(), value);
            } catch (ConfigException e) {
                System.err.println("Bad value for " + d.envName() + " / meridian." + d.name() + ": " + e.getMessage());
                System.exit(1);
            }
        }
    }
}
