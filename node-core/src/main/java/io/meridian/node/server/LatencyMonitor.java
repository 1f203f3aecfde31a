package io.meridian.node.server;

import io.meridian.node.command.CommandFlag;
import io.meridian.node.command.CommandSpec;
import io.meridian.node.config.Config;

import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Redis's latency monitor (latency.c): for each event class ("command", "fast-command",
 * "expire-cycle", ...) the samples of at least latency-monitor-threshold milliseconds, one per
 * second (the worst), the last {@link #SAMPLES} of them, and the all-time maximum.
 */
public final class LatencyMonitor {
    /** LATENCY_TS_LEN: samples kept per event. */
    public static final int SAMPLES = 160;

    /** One second's worst latency. */
    public record Sample(long time, long millis) {}

    /** The samples of one event, oldest first, and its all-time maximum. */
    public static final class Series {
        private final Sample[] ring = new Sample[SAMPLES];
        private int idx;
        private long max;

        void add(long second, long millis) {
            if (millis > max) max = millis;
            int prev = (idx + SAMPLES - 1) % SAMPLES;
            if (ring[prev] != null && ring[prev].time() == second) {
                if (millis > ring[prev].millis()) ring[prev] = new Sample(second, millis);
                return;
            }
            ring[idx] = new Sample(second, millis);
            idx = (idx + 1) % SAMPLES;
        }

        public List<Sample> samples() {
            List<Sample> out = new ArrayList<>();
            for (int j = 0; j < SAMPLES; j++) {
                Sample s = ring[(idx + j) % SAMPLES];
                if (s != null) out.add(s);
            }
            return out;
        }

        public Sample latest() {
            return ring[(idx + SAMPLES - 1) % SAMPLES];
        }

        public long max() {
            return max;
        }
    }

    private final Config config;
    private final Clock clock;
    private final Map<String, Series> events = new LinkedHashMap<>();

    /** latency-monitor-threshold, kept current by CONFIG SET (read on every command). */
    private volatile long threshold;

    public LatencyMonitor(Config config, Clock clock) {
        this.config = config;
        this.clock = clock;
        this.threshold = config.getLong("latency-monitor-threshold");
        config.watch("latency-monitor-threshold", c -> threshold = c.getLong("latency-monitor-threshold"));
    }

    /** latencyAddSampleIfNeeded: records when monitoring is on and the latency reaches the threshold. */
    public void addSampleIfNeeded(String event, long millis) {
        long threshold = config.getLong("latency-monitor-threshold");
        if (threshold > 0 && millis >= threshold) add(event, millis);
    }

    /** A command finished: "fast-command" or "command", as call() records it. */
    public void commandDone(CommandSpec spec, long micros) {
        long threshold = this.threshold;
        if (threshold == 0 || micros / 1000 < threshold) return;
        add(spec.has(CommandFlag.FAST) ? "fast-command" : "command", micros / 1000);
    }

    public void add(String event, long millis) {
        events.computeIfAbsent(event, e -> new Series()).add(clock.millis() / 1000, millis);
    }

    public Map<String, Series> events() {
        return events;
    }

    public Series series(String event) {
        return events.get(event);
    }

    /** LATENCY RESET: the number of events removed (all when event is null; names match case-insensitively). */
    public int reset(String event) {
        if (event == null) {
            int n = events.size();
            events.clear();
            return n;
        }
        String l = event.toLowerCase(Locale.ROOT);
        int n = 0;
        for (String k : new ArrayList<>(events.keySet())) {
            if (k.toLowerCase(Locale.ROOT).equals(l)) {
                events.remove(k);
                n++;
            }
        }
        return n;
    }

    public long threshold() {
        return config.getLong("latency-monitor-threshold");
    }
}
