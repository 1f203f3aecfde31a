package io.meridian.replicanode;

import io.meridian.kafkareplica.KafkaReplica;
import io.meridian.node.boot.Launcher;

/**
 * {@code bin/meridian replica [redis.conf] --replicaof host port}: a node booted with an
 * upstream; or {@code --source kafka --bootstrap servers --cluster NAME [--at-offset N |
 * --at-time ISO-8601]}: a replica of a remote region's Kafka log (the replica-source and
 * kafka-* directives, which redis.conf, MERIDIAN_* variables and application.yml set as well).
 */
public final class ReplicaNodeApplication {
    private ReplicaNodeApplication() {}

    public static void main(String[] args) {
        KafkaReplica.install();
        Launcher.run("replica", KafkaReplica.translateFlags(args));
    }
}
