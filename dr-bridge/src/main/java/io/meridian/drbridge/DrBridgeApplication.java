package io.meridian.drbridge;

/** {@code bin/meridian bridge|drill|demo}: the DR bridge ({@link Bridge}), the drill and the two-region demo. */
public final class DrBridgeApplication {
    private DrBridgeApplication() {}

    public static void main(String[] args) {
        if (args.length == 1 && (args[0].equals("--version") || args[0].equals("-v"))) {
            // the container image's smoke test (DrBridgeImageIT)
            System.out.println("Meridian dr-bridge v=" + io.meridian.node.Node.VERSION + " java=" + System.getProperty("java.version"));
            System.exit(0);
        }
        if (args.length > 0 && args[0].equals("demo")) {
            // bin/meridian demo: two regions on this machine (Demo)
            Demo.main(java.util.Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        if (args.length > 0 && args[0].equals("drill")) {
            // bin/meridian drill: the DR drill (kafka-replica module)
            io.meridian.kafkareplica.drill.DrillCommand.main(java.util.Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        if (args.length > 0 && args[0].equals("bridge")) {
            // bin/meridian bridge: follow a master, publish its stream and snapshots to Kafka (Bridge)
            Bridge.main(java.util.Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        System.err.println("usage: bin/meridian bridge|drill|demo [...]");
        System.exit(2);
    }
}
