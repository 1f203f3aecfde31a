package io.meridian.node.persist;

import io.meridian.node.boot.Launcher;

/** A master node in its own JVM for crash tests: the {@link Launcher} in master mode. */
public final class CrashNodeMain {
    private CrashNodeMain() {}

    public static void main(String[] args) {
        Launcher.run("master", args);
    }
}
