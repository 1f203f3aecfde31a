package io.meridian.kafkareplica.drill;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What {@code bin/meridian drill} was asked to do. Flags, with environment variables as
 * defaults for the addresses and the password (a CronJob passes them from Secrets):
 *
 * <pre>
 * --primary host:port      region A's master            (MERIDIAN_DRILL_PRIMARY)
 * --standby host:port      region B's replica            (MERIDIAN_DRILL_STANDBY)
 * --password P             AUTH on both                  (MERIDIAN_DRILL_PASSWORD, REDISCLI_AUTH)
 * --primary-password P / --standby-password P
 * --bootstrap servers --cluster NAME [--topic-prefix P]  the Kafka log (--cut bridge fences the bridge there)
 * --client-config FILE     Kafka client properties (security.protocol, sasl.*, ssl.*) for that
 * --cut bridge|master|pause|command   how the primary is cut (default bridge)
 * --cut-command "shell"    run this to cut (implies --cut command)
 * --canaries N             canary writes timed until visible in the standby (default 20)
 * --load-rate N            writes/s the drill itself puts on the primary while it runs (default 0)
 * --load-seconds S         load before the cut (default 2)
 * --wait-ms M              each load write followed by WAIT 1 M (acknowledged = replicated)
 * --max-rpo BYTES          bound on bytes lost (alias --max-rpo-bytes)
 * --max-rpo-writes N       bound on acknowledged writes lost
 * --max-rto SECONDS        bound on the time until the standby takes writes (alias --max-rto-seconds)
 * --drain-timeout S        how long the standby may take to apply what Kafka holds (default 30)
 * --timeout S              how long a canary may take to show (default 30)
 * --json                   JSON on standard output (the table goes to standard error)
 * --report FILE            also write the JSON report to FILE
 * </pre>
 */
public final class DrillOptions {
    public String primaryHost;
    public int primaryPort;
    public String standbyHost;
    public int standbyPort;
    public String primaryPassword;
    public String standbyPassword;
    public String bootstrap;
    public String cluster;
    public String topicPrefix = "meridian";
    /** Kafka client properties file passed through (SASL/TLS), or null. */
    public String clientConfig;
    public String cut = "bridge";
    public String cutCommand;
    public int canaries = 20;
    public int loadRate;
    public double loadSeconds = 2;
    public long waitMillis = -1;
    public Long maxRpoBytes;
    public Long maxRpoWrites;
    public Double maxRtoSeconds;
    public double drainTimeoutSeconds = 30;
    public double timeoutSeconds = 30;
    public boolean json;
    public String reportFile;

    /** Thrown for a bad command line (the message says what). */
    public static final class UsageException extends Exception {
        public UsageException(String message) {
            super(message);
        }
    }

    public static final String USAGE = String.join("\n",
            "usage: bin/meridian drill --primary HOST:PORT --standby HOST:PORT [--cut bridge|master|pause|command]",
            "         [--bootstrap SERVERS --cluster NAME [--client-config FILE]] [--cut-command SHELL] [--canaries N] [--load-rate N]",
            "         [--load-seconds S] [--wait-ms M] [--max-rpo BYTES] [--max-rpo-writes N] [--max-rto SECONDS]",
            "         [--drain-timeout S] [--timeout S] [--password P] [--json] [--report FILE]",
            "Writes canaries in the primary and times them in the standby, freezes the primary's offset and",
            "digest, cuts (bridge: fences the bridge in Kafka; master: SHUTDOWN NOSAVE NOW; pause: a planned",
            "switchover that re-points the old primary; command: runs --cut-command), waits for the standby to",
            "apply what Kafka holds, promotes it (REPLICAOF NO ONE), and reports RPO, RTO and the digests.",
            "Exit status: 0 pass, 1 failed (digest differs, a bound exceeded, a canary never seen), 2 usage or setup error.");

    public static DrillOptions parse(List<String> args, Map<String, String> env) throws UsageException {
        DrillOptions o = new DrillOptions();
        String primary = env.get("MERIDIAN_DRILL_PRIMARY");
        String standby = env.get("MERIDIAN_DRILL_STANDBY");
        String password = env.getOrDefault("MERIDIAN_DRILL_PASSWORD", env.get("REDISCLI_AUTH"));
        List<String> a = new ArrayList<>(args);
        for (int i = 0; i < a.size(); i++) {
            String f = a.get(i);
            switch (f) {
                case "--json" -> o.json = true;
                case "-h", "--help" -> throw new UsageException(USAGE);
                default -> {
                    if (i + 1 >= a.size()) throw new UsageException("missing value after " + f + "\n" + USAGE);
                    String v = a.get(++i);
                    switch (f) {
                        case "--primary" -> primary = v;
                        case "--standby" -> standby = v;
                        case "--password" -> password = v;
                        case "--primary-password" -> o.primaryPassword = v;
                        case "--standby-password" -> o.standbyPassword = v;
                        case "--bootstrap" -> o.bootstrap = v;
                        case "--cluster" -> o.cluster = v;
                        case "--topic-prefix" -> o.topicPrefix = v;
                        case "--client-config" -> o.clientConfig = v;
                        case "--cut" -> o.cut = v;
                        case "--cut-command" -> {
                            o.cutCommand = v;
                            o.cut = "command";
                        }
                        case "--canaries" -> o.canaries = (int) number(f, v, 0, 1_000_000);
                        case "--load-rate" -> o.loadRate = (int) number(f, v, 0, 1_000_000);
                        case "--load-seconds" -> o.loadSeconds = decimal(f, v);
                        case "--wait-ms" -> o.waitMillis = number(f, v, 0, Long.MAX_VALUE);
                        case "--max-rpo", "--max-rpo-bytes" -> o.maxRpoBytes = number(f, v, 0, Long.MAX_VALUE);
                        case "--max-rpo-writes" -> o.maxRpoWrites = number(f, v, 0, Long.MAX_VALUE);
                        case "--max-rto", "--max-rto-seconds" -> o.maxRtoSeconds = decimal(f, v);
                        case "--drain-timeout" -> o.drainTimeoutSeconds = decimal(f, v);
                        case "--timeout" -> o.timeoutSeconds = decimal(f, v);
                        case "--report" -> o.reportFile = v;
                        default -> throw new UsageException("unknown option " + f + "\n" + USAGE);
                    }
                }
            }
        }
        if (primary == null) throw new UsageException("--primary HOST:PORT is required (or MERIDIAN_DRILL_PRIMARY)\n" + USAGE);
        if (standby == null) throw new UsageException("--standby HOST:PORT is required (or MERIDIAN_DRILL_STANDBY)\n" + USAGE);
        String[] p = hostPort("--primary", primary);
        String[] s = hostPort("--standby", standby);
        o.primaryHost = p[0];
        o.primaryPort = Integer.parseInt(p[1]);
        o.standbyHost = s[0];
        o.standbyPort = Integer.parseInt(s[1]);
        if (o.primaryPassword == null) o.primaryPassword = password;
        if (o.standbyPassword == null) o.standbyPassword = password;
        if (!List.of("bridge", "master", "pause", "command").contains(o.cut)) {
            throw new UsageException("--cut must be bridge, master, pause or command, not " + o.cut);
        }
        if (o.cut.equals("command") && o.cutCommand == null) throw new UsageException("--cut command needs --cut-command SHELL");
        return o;
    }

    private static String[] hostPort(String flag, String v) throws UsageException {
        int c = v.lastIndexOf(':');
        if (c <= 0 || c == v.length() - 1) throw new UsageException(flag + " must be HOST:PORT, not " + v);
        String port = v.substring(c + 1);
        number(flag, port, 1, 65535);
        return new String[]{v.substring(0, c), port};
    }

    private static long number(String flag, String v, long min, long max) throws UsageException {
        try {
            long n = Long.parseLong(v);
            if (n < min || n > max) throw new UsageException(flag + " must be between " + min + " and " + max + ", not " + v);
            return n;
        } catch (NumberFormatException e) {
            throw new UsageException(flag + " needs a whole number, not " + v);
        }
    }

    private static double decimal(String flag, String v) throws UsageException {
        try {
            double d = Double.parseDouble(v);
            if (!(d >= 0) || Double.isInfinite(d)) throw new UsageException(flag + " must be a number >= 0, not " + v);
            return d;
        } catch (NumberFormatException e) {
            throw new UsageException(flag + " needs a number, not " + v);
        }
    }
}
