package io.meridian.node.persist;

import io.meridian.node.Node;
import io.meridian.node.boot.Launcher;
import io.micronaut.context.ApplicationContext;

import java.util.concurrent.TimeUnit;

import static io.meridian.node.command.CommandSpec.command;

/**
 * A master node in its own JVM for crash tests: {@link Launcher} in master mode, plus a
 * test-only {@code WALINFO} command answering "replid offset" (INFO is not this test's subject).
 */
public final class CrashNodeMain {
    private CrashNodeMain() {}

    public static void main(String[] args) throws Exception {
        ApplicationContext ctx = Launcher.run("master", args);
        Node node = ctx.getBean(Node.class);
        node.loop().submit(() -> node.commands().add(command("walinfo", 1).flags("fast loading stale")
                .run((c, argv) -> c.bulk(node.stream().replid() + " " + node.stream().offset())))).get(30, TimeUnit.SECONDS);
        System.out.println("WALINFO ready");
    }
}
