package io.meridian.node.server;

import io.meridian.node.command.CommandSpec;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;

/** Counters for INFO stats, errorstats, latencystats and the metrics. Written by the command thread. */
public final class Stats {
    public long commandsProcessed;
    public long connectionsReceived;
    public long rejectedConnections;
    public final AtomicLong netInputBytes = new AtomicLong();
    public final AtomicLong netOutputBytes = new AtomicLong();
    public final AtomicLong netReplInputBytes = new AtomicLong();
    public final AtomicLong netReplOutputBytes = new AtomicLong();
    public long totalErrorReplies;
    public long unexpectedErrorReplies;
    /** Changes since the last save: rdb_changes_since_last_save (persistence resets it). */
    public long dirty;
    public long syncFull;
    public long syncPartialOk;
    public long syncPartialErr;
    /** Full syncs whose cut transfer went on from where it stopped (Meridian's sync_full_resumed). */
    public long syncFullResumed;
    public long expiredStaleKeys;
    public long evictedKeys;
    public long pubsubMessages;
    /** Error replies by their first word (ERR, WRONGTYPE, ...): INFO errorstats. */
    public final Map<String, Long> errorsByCode = new TreeMap<>();
    /** latency-tracking: whether calls feed the per-command histograms. */
    public volatile boolean latencyTracking = true;
    /** Per-command latency distributions: INFO latencystats (latency-tracking yes). */
    private final Map<CommandSpec, LatencyHistogram> latencies = new HashMap<>();

    /** Redis's STATS_METRIC_SAMPLES: instantaneous figures average the last 16 samples. */
    private static final int SAMPLES = 16;
    private final Metric opsPerSec = new Metric();
    private final Metric inputKbps = new Metric();
    private final Metric outputKbps = new Metric();

    public void countError(String msg) {
        totalErrorReplies++;
        int sp = msg.indexOf(' ');
        String code = sp > 0 ? msg.substring(0, sp) : msg;
        errorsByCode.merge(code, 1L, Long::sum);
    }

    /** Records one call's duration in nanoseconds in its command's histogram. */
    public void recordLatency(CommandSpec spec, long nanos) {
        latencies.computeIfAbsent(spec, k -> new LatencyHistogram()).record(nanos);
    }

    public LatencyHistogram latency(CommandSpec spec) {
        return latencies.get(spec);
    }

    /** Takes a sample of the instantaneous metrics (serverCron's trackInstantaneousMetric, every 100 ms). */
    public void sample(long nowMillis) {
        opsPerSec.sample(nowMillis, commandsProcessed);
        inputKbps.sample(nowMillis, netInputBytes.get());
        outputKbps.sample(nowMillis, netOutputBytes.get());
    }

    public long instantaneousOpsPerSec() {
        return opsPerSec.average();
    }

    public double instantaneousInputKbps() {
        return inputKbps.average() / 1024.0;
    }

    public double instantaneousOutputKbps() {
        return outputKbps.average() / 1024.0;
    }

    /** CONFIG RESETSTAT: what Redis's resetServerStats clears (command and error tables included). */
    public void reset() {
        commandsProcessed = 0;
        connectionsReceived = 0;
        rejectedConnections = 0;
        netInputBytes.set(0);
        netOutputBytes.set(0);
        netReplInputBytes.set(0);
        netReplOutputBytes.set(0);
        totalErrorReplies = 0;
        unexpectedErrorReplies = 0;
        syncFull = 0;
        syncPartialOk = 0;
        syncPartialErr = 0;
        syncFullResumed = 0;
        expiredStaleKeys = 0;
        evictedKeys = 0;
        pubsubMessages = 0;
        errorsByCode.clear();
        latencies.clear();
        opsPerSec.clear();
        inputKbps.clear();
        outputKbps.clear();
    }

    /** A per-second rate averaged over the last {@link #SAMPLES} samples. */
    private static final class Metric {
        private final long[] samples = new long[SAMPLES];
        private int idx;
        private long lastTime = -1;
        private long lastCount;

        void sample(long now, long count) {
            if (lastTime >= 0) {
                long dt = now - lastTime;
                long dc = count - lastCount;
                samples[idx] = dt > 0 ? dc * 1000 / dt : 0;
                idx = (idx + 1) % SAMPLES;
            }
            lastTime = now;
            lastCount = count;
        }

        long average() {
            long sum = 0;
            for (long s : samples) sum += s;
            return sum / SAMPLES;
        }

        void clear() {
            java.util.Arrays.fill(samples, 0);
            idx = 0;
            lastTime = -1;
            lastCount = 0;
        }
    }
}
