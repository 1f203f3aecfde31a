package io.meridian.node.testing;

import io.meridian.node.Node;
import io.meridian.node.config.Config;
import io.meridian.node.config.RedisConfParser;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** A Meridian node in this JVM on 127.0.0.1 and a free port, with its own temp dir; close() stops it. */
public final class TestNode implements AutoCloseable {
    private final Node node;
    private final Path dir;

    private TestNode(Node node, Path dir) {
        this.node = node;
        this.dir = dir;
    }

    /** Starts a node; args are redis-server style flags ("--requirepass", "x"). */
    public static TestNode start(String... args) {
        try {
            Path dir = Files.createTempDirectory("meridian-test");
            List<String> all = new ArrayList<>(List.of("--port", Integer.toString(RealRedis.freePort()), "--bind", "127.0.0.1", "--dir", dir.toString(),
                    "--save", "", "--enable-debug-command", "yes"));
            all.addAll(Arrays.asList(args));
            Config config = new Config();
            RedisConfParser.load(config, all);
            Node node = new Node(config);
            node.start();
            return new TestNode(node, dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public Node node() {
        return node;
    }

    public int port() {
        return node.server().port();
    }

    public String host() {
        return "127.0.0.1";
    }

    public Path dir() {
        return dir;
    }

    @Override
    public void close() {
        node.stop();
    }
}
