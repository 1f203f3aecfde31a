package io.meridian.masternode;

import io.meridian.node.boot.Launcher;

/** {@code bin/meridian master [redis.conf] [--directive value ...]}: a node booted as master. */
public final class MasterNodeApplication {
    private MasterNodeApplication() {}

    public static void main(String[] args) {
        Launcher.run("master", args);
    }
}
