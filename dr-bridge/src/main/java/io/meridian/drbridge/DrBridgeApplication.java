package io.meridian.drbridge;

/** {@code bin/meridian bridge|drill|demo}: the DR bridge (issue 4 of 5 builds it). */
public final class DrBridgeApplication {
    private DrBridgeApplication() {}

    public static void main(String[] args) {
        System.err.println("meridian bridge: not available yet in this build");
        System.exit(2);
    }
}
