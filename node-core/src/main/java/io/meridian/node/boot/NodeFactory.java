package io.meridian.node.boot;

import io.meridian.node.Node;
import io.meridian.node.config.Config;
import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Factory;
import jakarta.inject.Singleton;

/** Owns the node's lifecycle in a Micronaut context: created from the Config, stopped on close. */
@Factory
public class NodeFactory {
    @Singleton
    @Bean(preDestroy = "stop")
    public Node node(Config config) throws InterruptedException {
        return new Node(config).start();
    }
}
