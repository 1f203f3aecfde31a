package io.meridian.replicanode;

import io.meridian.node.boot.Launcher;

/** {@code bin/meridian replica [redis.conf] --replicaof host port}: a node booted with an upstream. */
public final class ReplicaNodeApplication {
    private ReplicaNodeApplication() {}

    public static void main(String[] args) {
        Launcher.run("replica", args);
    }
}
