package io.meridian.kafkareplica.drill;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * A DR drill against a running primary (region A), its bridge and a standby (region B, a
 * Kafka-sourced replica or any replica): canaries timed until visible in the standby; the
 * primary frozen for an instant (CLIENT PAUSE WRITE) to record its final offset and
 * digest; the cut; the standby drained to what it can get and promoted; RPO (bytes and
 * acknowledged writes lost, with the offsets), RTO (cut to the first write the standby
 * accepted) and the digests compared at the same offset.
 *
 * <p>The steps, with progress lines for each: 1 preflight, 2 canaries, 3 load, 4 freeze
 * and cut, 5 drain, 6 promote, 7 check.
 */
public final class Drill {
    /** How the primary is cut; the demo and tests cut their in-process bridge directly. */
    public interface Cut {
        void cut() throws Exception;
    }

    private static final int STEPS = 7;
    private final DrillOptions o;
    private final Cut cut;
    private final Consumer<String> progress;
    private final String runId = "drill:" + Long.toString(System.currentTimeMillis(), 36);

    /** @param cut the cut to use, or null for the one the options name */
    public Drill(DrillOptions options, Cut cut, Consumer<String> progress) {
        this.o = options;
        this.cut = cut != null ? cut : Cuts.fromOptions(options);
        this.progress = progress;
    }

    /** Runs the drill; throws IOException when it could not run (a node unreachable, refusing the drill's commands). */
    public DrillReport run() throws IOException, InterruptedException {
        DrillReport r = new DrillReport();
        r.started = Instant.now();
        r.cluster = o.cluster;
        r.cut = o.cut;
        r.primary = o.primaryHost + ":" + o.primaryPort;
        r.standby = o.standbyHost + ":" + o.standbyPort;
        r.maxRpoBytes = o.maxRpoBytes;
        r.maxRpoWrites = o.maxRpoWrites;
        r.maxRtoSeconds = o.maxRtoSeconds;
        int timeout = 10_000;
        try (RespConnection p = new RespConnection(o.primaryHost, o.primaryPort, o.primaryPassword, timeout);
             RespConnection s = new RespConnection(o.standbyHost, o.standbyPort, o.standbyPassword, timeout)) {
            preflight(p, s);
            canaries(p, s, r);
            LoadWriter load = null;
            if (o.loadRate > 0) {
                step(3, "load: " + o.loadRate + " writes/s on the primary for " + o.loadSeconds + " s"
                        + (o.waitMillis >= 0 ? ", each followed by WAIT 1 " + o.waitMillis : ""));
                load = new LoadWriter(o, runId);
                load.start();
                Thread.sleep((long) (o.loadSeconds * 1000));
            } else {
                step(3, "load: none by the drill (--load-rate 0)");
            }
            boolean primaryAlive = freezeAndCut(p, r, load);
            drain(s, r);
            promote(s, r);
            check(s, r, load);
            if (o.cut.equals("pause") && primaryAlive) repoint(p, r);
            else if (primaryAlive && !o.cut.equals("master")) unpause(p);
        }
        r.judge();
        progress.accept("drill: done: " + (r.passed() ? "PASS" : "FAIL " + r.failures));
        return r;
    }

    private void step(int n, String what) {
        progress.accept("drill: [" + n + "/" + STEPS + "] " + what);
    }

    private void preflight(RespConnection p, RespConnection s) throws IOException {
        step(1, "preflight: primary " + p.address() + ", standby " + s.address());
        Map<String, String> pi = p.info("replication");
        if (!"master".equals(pi.get("role"))) throw new IOException("the primary " + p.address() + " is not a master (role " + pi.get("role") + ")");
        Map<String, String> si = s.info("replication");
        if (!"slave".equals(si.get("role"))) throw new IOException("the standby " + s.address() + " is not a replica (role " + si.get("role") + ")");
        String source = si.containsKey("kafka_state") ? "Kafka (" + si.get("kafka_stream_topic") + ", " + si.get("kafka_state") + ")"
                : "RESP master " + si.get("master_host") + ":" + si.get("master_port");
        progress.accept("drill:       primary offset " + pi.get("master_repl_offset") + "; standby follows " + source
                + " at offset " + si.get("slave_repl_offset"));
    }

    private void canaries(RespConnection p, RespConnection s, DrillReport r) throws IOException, InterruptedException {
        step(2, "canaries: " + o.canaries + " writes in the primary, each timed until the standby has it");
        r.canaries = o.canaries;
        long limit = (long) (o.timeoutSeconds * 1e9);
        for (int i = 1; i <= o.canaries; i++) {
            String key = runId + ":canary:" + i;
            String value = Long.toString(System.nanoTime());
            long t0 = System.nanoTime();
            Object ok = p.call("SET", key, value, "EX", "86400");
            if (!"OK".equals(ok)) throw new IOException("the primary refused a canary write: " + ok);
            boolean seen = false;
            while (System.nanoTime() - t0 < limit) {
                if (value.equals(s.call("GET", key))) {
                    seen = true;
                    break;
                }
                Thread.sleep(0, 200_000);
            }
            if (!seen) {
                progress.accept("drill:       canary " + i + " not visible after " + o.timeoutSeconds + " s");
                break;
            }
            r.canariesSeen++;
            r.visibilityMillis.add((System.nanoTime() - t0) / 1e6);
        }
        if (!r.visibilityMillis.isEmpty()) {
            progress.accept(String.format(java.util.Locale.ROOT, "drill:       visible in the standby: p50 %.1f ms, p99 %.1f ms",
                    r.percentile(50), r.percentile(99)));
        }
    }

    /** Freezes the primary, records its offset and digest, cuts; returns whether the primary is still up. */
    private boolean freezeAndCut(RespConnection p, DrillReport r, LoadWriter load) throws IOException {
        step(4, "cut: freezing the primary's writes for an instant, then cut = " + o.cut);
        long pauseMillis = (long) Math.max(60_000, (o.drainTimeoutSeconds + 60) * 1000);
        List<Object> replies = p.pipeline(List.of(
                new String[]{"CLIENT", "PAUSE", Long.toString(pauseMillis), "WRITE"},
                new String[]{"INFO", "replication"},
                new String[]{"DEBUG", "DIGEST"}));
        if (replies.get(0) instanceof RespConnection.ErrorReply e) throw new IOException("CLIENT PAUSE refused by the primary: " + e);
        Map<String, String> info = RespConnection.parseInfo(String.valueOf(replies.get(1)));
        r.primaryOffset = Long.parseLong(info.get("master_repl_offset"));
        r.primaryReplid = info.get("master_replid");
        if (replies.get(2) instanceof RespConnection.ErrorReply e) {
            r.digestNote = "the primary refused DEBUG DIGEST (" + e.message() + ")";
        } else {
            r.primaryDigest = String.valueOf(replies.get(2));
        }
        if (load != null) r.loadWritesAcked = load.acked();
        progress.accept("drill:       primary frozen at offset " + r.primaryOffset + " (replid " + r.primaryReplid + ")"
                + (load != null ? ", " + r.loadWritesAcked + " load writes acknowledged" : ""));
        boolean alive = true;
        r.cutAt = Instant.now();
        try {
            if (!o.cut.equals("pause")) cut.cut();
        } catch (Exception e) {
            unpause(p);
            throw new IOException("the cut (" + o.cut + ") failed: " + e.getMessage(), e);
        }
        if (o.cut.equals("master")) alive = false;
        if (load != null) load.stop();
        progress.accept("drill:       cut (" + o.cut + ") at " + r.cutAt);
        if (alive && !o.cut.equals("pause")) unpause(p); // --cut bridge: the primary keeps serving
        return alive;
    }

    private void unpause(RespConnection p) {
        try {
            p.call("CLIENT", "UNPAUSE");
        } catch (IOException e) {
            progress.accept("drill:       CLIENT UNPAUSE on the primary failed: " + e.getMessage());
        }
    }

    /** Waits until the standby has applied the primary's final offset, or has nothing more to apply. */
    private void drain(RespConnection s, DrillReport r) throws IOException, InterruptedException {
        step(5, "drain: waiting until the standby has applied what it can get (up to " + o.drainTimeoutSeconds + " s)");
        long deadline = System.nanoTime() + (long) (o.drainTimeoutSeconds * 1e9);
        long last = -1;
        long stableSince = System.nanoTime();
        long settle = TimeUnit.MILLISECONDS.toNanos(o.cut.equals("pause") ? 5000 : 2000);
        long lastReport = 0;
        for (;;) {
            Map<String, String> si = s.info("replication");
            long applied = parse(si.get("slave_repl_offset"), -1);
            if (applied != last) {
                last = applied;
                stableSince = System.nanoTime();
            }
            long now = System.nanoTime();
            boolean kafkaCaughtUp = "0".equals(si.get("kafka_lag_records"));
            if (applied >= r.primaryOffset) break;
            if (now - stableSince > settle && (kafkaCaughtUp || !si.containsKey("kafka_lag_records"))) break;
            if (now > deadline) {
                progress.accept("drill:       the standby is still at offset " + applied + " after " + o.drainTimeoutSeconds + " s");
                break;
            }
            if (now - lastReport > 1_000_000_000L) {
                lastReport = now;
                progress.accept("drill:       standby at offset " + applied + " of " + r.primaryOffset
                        + (si.containsKey("kafka_lag_records") ? ", Kafka lag " + si.get("kafka_lag_records") + " records" : ""));
            }
            Thread.sleep(20);
        }
        r.standbyOffset = last;
        Object d = s.call("DEBUG", "DIGEST");
        if (d instanceof RespConnection.ErrorReply e) {
            r.digestNote = "the standby refused DEBUG DIGEST (" + e.message() + ")";
        } else {
            r.standbyDigest = String.valueOf(d);
        }
        if (r.standbyOffset != r.primaryOffset && r.digestNote == null) {
            r.digestNote = "the standby stopped at offset " + r.standbyOffset + ", the primary was at " + r.primaryOffset;
        }
        progress.accept("drill:       standby applied offset " + r.standbyOffset + " (primary " + r.primaryOffset + ")");
    }

    private void promote(RespConnection s, DrillReport r) throws IOException, InterruptedException {
        step(6, "promote: REPLICAOF NO ONE on the standby, then a write until it is accepted");
        Object reply = s.call("REPLICAOF", "NO", "ONE");
        if (reply instanceof RespConnection.ErrorReply e) throw new IOException("the standby refused REPLICAOF NO ONE: " + e);
        long deadline = System.nanoTime() + (long) (Math.max(10, o.timeoutSeconds) * 1e9);
        String key = runId + ":rto";
        while (true) {
            Object w = s.call("SET", key, Instant.now().toString(), "EX", "86400");
            if ("OK".equals(w)) break;
            if (System.nanoTime() > deadline) throw new IOException("the promoted standby still refuses writes: " + w);
            Thread.sleep(5);
        }
        r.promotedAt = Instant.now();
        r.rtoSeconds = (r.promotedAt.toEpochMilli() - r.cutAt.toEpochMilli()) / 1000.0;
        Map<String, String> si = s.info("replication");
        r.newReplid = si.get("master_replid");
        r.replid2 = si.get("master_replid2");
        r.secondReplOffset = parse(si.get("second_repl_offset"), -1);
        progress.accept("drill:       standby is a master: replid " + r.newReplid + ", replid2 " + r.replid2 + " valid to "
                + r.secondReplOffset + "; RTO " + r.rtoSeconds + " s");
    }

    private void check(RespConnection s, DrillReport r, LoadWriter load) throws IOException {
        step(7, "check: digests at offset " + r.primaryOffset + ", acknowledged writes present in the standby");
        long lost = 0;
        long first = -1;
        long acked = r.loadWritesAcked;
        for (long from = 1; from <= acked; from += 500) {
            long to = Math.min(acked, from + 499);
            List<String> args = new ArrayList<>();
            args.add("MGET");
            for (long i = from; i <= to; i++) args.add(LoadWriter.key(runId, i));
            Object v = s.call(args.toArray(new String[0]));
            if (!(v instanceof List<?> values)) throw new IOException("MGET on the standby: " + v);
            for (int i = 0; i < values.size(); i++) {
                if (values.get(i) == null) {
                    lost++;
                    if (first < 0) first = from + i;
                }
            }
        }
        r.writesLost = lost;
        r.firstLostWrite = first;
        Boolean eq = r.digestEqual();
        progress.accept("drill:       RPO " + r.rpoBytes() + " bytes, " + lost + " of " + acked + " acknowledged writes lost; digest "
                + (eq == null ? "not compared (" + r.digestNote + ")" : eq ? "equal" : "DIFFERS"));
    }

    /** Planned switchover: the old primary follows the new one (PSYNC2 partial resync), then takes no writes. */
    private void repoint(RespConnection p, DrillReport r) throws IOException {
        Object reply = p.call("REPLICAOF", o.standbyHost, Integer.toString(o.standbyPort));
        unpause(p);
        r.repointed = reply instanceof RespConnection.ErrorReply e ? "failed: " + e : "replica of " + o.standbyHost + ":" + o.standbyPort;
        progress.accept("drill:       old primary re-pointed: " + r.repointed);
    }

    private static long parse(String s, long def) {
        if (s == null) return def;
        try {
            return Long.parseLong(s.trim());
        } catch (NumberFormatException e) {
            return def;
        }
    }

    /** The drill's own writes on the primary: numbered keys, counted once acknowledged. */
    static final class LoadWriter implements Runnable {
        private final DrillOptions o;
        private final String runId;
        private final AtomicLong acked = new AtomicLong();
        private volatile boolean stop;
        private Thread thread;

        LoadWriter(DrillOptions o, String runId) {
            this.o = o;
            this.runId = runId;
        }

        static String key(String runId, long n) {
            return runId + ":w:" + n;
        }

        long acked() {
            return acked.get();
        }

        void start() {
            thread = new Thread(this, "drill-load");
            thread.setDaemon(true);
            thread.start();
        }

        void stop() {
            stop = true;
        }

        @Override
        public void run() {
            try (RespConnection c = new RespConnection(o.primaryHost, o.primaryPort, o.primaryPassword, 120_000)) {
                long intervalNanos = 1_000_000_000L / Math.max(1, o.loadRate);
                long next = System.nanoTime();
                for (long n = 1; !stop; n++) {
                    Object ok = c.call("SET", key(runId, n), Long.toString(n), "EX", "86400");
                    if (!"OK".equals(ok)) return;
                    if (o.waitMillis >= 0) {
                        Object w = c.call("WAIT", "1", Long.toString(o.waitMillis));
                        if (!(w instanceof Long k) || k < 1) return; // not replicated in time: not acknowledged
                    }
                    if (!stop) acked.set(n);
                    next += intervalNanos;
                    long sleep = next - System.nanoTime();
                    if (sleep > 0) Thread.sleep(sleep / 1_000_000, (int) (sleep % 1_000_000));
                }
            } catch (IOException | InterruptedException e) {
                // the primary was cut
            }
        }
    }
}
