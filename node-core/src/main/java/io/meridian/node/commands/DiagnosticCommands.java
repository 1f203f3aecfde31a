package io.meridian.node.commands;

import io.meridian.node.command.CommandSpec;
import io.meridian.node.keyspace.Entry;
import io.meridian.node.server.Client;
import io.meridian.node.server.LatencyHistogram;
import io.meridian.node.server.LatencyMonitor;
import io.meridian.node.server.SlowLog;
import io.meridian.node.util.Bytes;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** SLOWLOG, LATENCY and MEMORY: what an operator asks a slow or big node. */
final class DiagnosticCommands {

    // ---- SLOWLOG -----------------------------------------------------------------------

    // SLOWLOG GET [count]
    void slowlogGet(Client c, byte[][] argv) {
        long count = 10;
        if (argv.length == 3) {
            Long n = Bytes.parseLong(argv[2]);
            if (n == null || n < -1) {
                c.error("ERR count should be greater than or equal to -1");
                return;
            }
            count = n;
        } else if (argv.length > 3) {
            ServerCommands.subcommandSyntaxError(c, argv);
            return;
        }
        List<SlowLog.Entry> entries = c.node().slowlog().get(count);
        c.array(entries.size());
        for (SlowLog.Entry e : entries) {
            c.array(6);
            c.integer(e.id());
            c.integer(e.timestamp());
            c.integer(e.micros());
            c.array(e.args().size());
            for (byte[] a : e.args()) c.bulk(a);
            c.bulk(e.peer());
            c.bulk(e.name());
        }
    }

    void slowlogLen(Client c, byte[][] argv) {
        c.integer(c.node().slowlog().size());
    }

    void slowlogReset(Client c, byte[][] argv) {
        c.node().slowlog().reset();
        c.ok();
    }

    void slowlogHelp(Client c, byte[][] argv) {
        ServerCommands.help(c, "SLOWLOG",
                "GET [<count>]",
                "    Return top <count> entries from the slowlog (default: 10, -1 mean all).",
                "    Entries are made of:",
                "    id, timestamp, time in microseconds, arguments array, client IP and port,",
                "    client name",
                "LEN",
                "    Return the length of the slowlog.",
                "RESET",
                "    Reset the slowlog.");
    }

    // ---- LATENCY -----------------------------------------------------------------------

    void latencyLatest(Client c, byte[][] argv) {
        Map<String, LatencyMonitor.Series> events = c.node().latency().events();
        c.array(events.size());
        for (Map.Entry<String, LatencyMonitor.Series> e : events.entrySet()) {
            LatencyMonitor.Sample last = e.getValue().latest();
            c.array(4);
            c.bulk(e.getKey());
            c.integer(last.time());
            c.integer(last.millis());
            c.integer(e.getValue().max());
        }
    }

    void latencyHistory(Client c, byte[][] argv) {
        LatencyMonitor.Series s = c.node().latency().series(new String(argv[2], StandardCharsets.ISO_8859_1));
        if (s == null) {
            c.emptyArray();
            return;
        }
        List<LatencyMonitor.Sample> samples = s.samples();
        c.array(samples.size());
        for (LatencyMonitor.Sample x : samples) {
            c.array(2);
            c.integer(x.time());
            c.integer(x.millis());
        }
    }

    void latencyReset(Client c, byte[][] argv) {
        LatencyMonitor m = c.node().latency();
        if (argv.length == 2) {
            c.integer(m.reset(null));
            return;
        }
        int n = 0;
        for (int i = 2; i < argv.length; i++) n += m.reset(new String(argv[i], StandardCharsets.ISO_8859_1));
        c.integer(n);
    }

    // LATENCY DOCTOR: the report's opening and per-event figures; Redis's advice paragraphs are not reproduced
    void latencyDoctor(Client c, byte[][] argv) {
        LatencyMonitor m = c.node().latency();
        if (m.events().isEmpty() && m.threshold() == 0) {
            c.verbatim("I'm sorry, Dave, I can't do that. Latency monitoring is disabled in this Redis instance. "
                    + "You may use \"CONFIG SET latency-monitor-threshold <milliseconds>.\" in order to enable it. "
                    + "If we weren't in a deep space mission I'd suggest to take a look at https://redis.io/topics/latency-monitor.\n");
            return;
        }
        if (m.events().isEmpty()) {
            c.verbatim("Dave, no latency spike was observed during the lifetime of this Redis instance, not in the slightest bit. "
                    + "I honestly think you ought to sleep tonight.\n");
            return;
        }
        StringBuilder b = new StringBuilder("Dave, I have observed latency spikes in this Redis instance. "
                + "You don't mind talking about it, do you Dave?\n\n");
        int n = 0;
        for (Map.Entry<String, LatencyMonitor.Series> e : m.events().entrySet()) {
            List<LatencyMonitor.Sample> samples = e.getValue().samples();
            long sum = 0, min = Long.MAX_VALUE, max = 0;
            for (LatencyMonitor.Sample s : samples) {
                sum += s.millis();
                min = Math.min(min, s.time());
                max = Math.max(max, s.time());
            }
            long avg = samples.isEmpty() ? 0 : sum / samples.size();
            long mad = 0;
            for (LatencyMonitor.Sample s : samples) mad += Math.abs(s.millis() - avg);
            if (!samples.isEmpty()) mad /= samples.size();
            double period = samples.isEmpty() ? 0 : (double) (c.node().clock().millis() / 1000 - min) / samples.size();
            b.append(String.format(Locale.ROOT,
                    "%d. %s: %d latency spikes (average %dms, mean deviation %dms, period %.2f sec). Worst all time event %dms.\n",
                    ++n, e.getKey(), samples.size(), avg, mad, period, e.getValue().max()));
        }
        b.append("\nI have no advice for you: Meridian keeps its latency report to the figures above.\n");
        c.verbatim(b.toString());
    }

    void latencyGraph(Client c, byte[][] argv) {
        String event = new String(argv[2], StandardCharsets.ISO_8859_1);
        LatencyMonitor.Series s = c.node().latency().series(event);
        if (s == null) {
            c.error("ERR No samples available for event '" + event + "'");
            return;
        }
        long hi = 0, lo = Long.MAX_VALUE;
        for (LatencyMonitor.Sample x : s.samples()) {
            hi = Math.max(hi, x.millis());
            lo = Math.min(lo, x.millis());
        }
        StringBuilder b = new StringBuilder();
        b.append(event).append(" - high ").append(hi).append(" ms, low ").append(lo == Long.MAX_VALUE ? 0 : lo)
                .append(" ms (all time high ").append(s.max()).append(" ms)\n");
        b.append("-".repeat(80)).append('\n');
        for (LatencyMonitor.Sample x : s.samples()) {
            int bar = hi == 0 ? 0 : (int) Math.max(1, x.millis() * 60 / hi);
            b.append(String.format(Locale.ROOT, "%10d %s %d ms\n", x.time(), "#".repeat(bar), x.millis()));
        }
        c.verbatim(b.toString());
    }

    // LATENCY HISTOGRAM [command ...]
    void latencyHistogram(Client c, byte[][] argv) {
        Map<String, LatencyHistogram> out = new LinkedHashMap<>();
        if (argv.length == 2) {
            for (CommandSpec s : c.node().commands().all()) {
                add(c, out, s);
                for (CommandSpec sub : s.subcommands().values()) add(c, out, sub);
            }
        } else {
            for (int i = 2; i < argv.length; i++) {
                CommandSpec s = CommandCommand.lookupByFullName(c.node().commands(), argv[i]);
                if (s == null) continue;
                add(c, out, s);
                for (CommandSpec sub : s.subcommands().values()) add(c, out, sub);
            }
        }
        c.map(out.size());
        for (Map.Entry<String, LatencyHistogram> e : out.entrySet()) {
            c.bulk(e.getKey());
            c.map(2);
            c.bulk("calls");
            c.integer(e.getValue().totalCount());
            c.bulk("histogram_usec");
            List<long[]> buckets = new ArrayList<>();
            e.getValue().forEachCumulativeBucket((usec, cumulative) -> buckets.add(new long[]{usec, cumulative}));
            c.map(buckets.size());
            for (long[] b : buckets) {
                c.integer(b[0]);
                c.integer(b[1]);
            }
        }
    }

    private static void add(Client c, Map<String, LatencyHistogram> out, CommandSpec s) {
        LatencyHistogram h = c.node().stats().latency(s);
        if (h != null) out.put(s.name(), h);
    }

    void latencyHelp(Client c, byte[][] argv) {
        ServerCommands.help(c, "LATENCY",
                "DOCTOR",
                "    Return a human readable latency analysis report.",
                "GRAPH <event>",
                "    Return an ASCII latency graph for the <event> class.",
                "HISTORY <event>",
                "    Return time-latency samples for the <event> class.",
                "LATEST",
                "    Return the latest latency samples for all events.",
                "RESET [<event> ...]",
                "    Reset latency data of one or more <event> classes.",
                "    (default: reset all data for all event classes)",
                "HISTOGRAM [COMMAND ...]",
                "    Return a cumulative distribution of latencies in the format of a histogram for the specified command names.",
                "    If no commands are specified then all histograms are replied.");
    }

    // ---- MEMORY ------------------------------------------------------------------------

    // MEMORY USAGE key [SAMPLES count]: an estimate of the JVM bytes the key and its value hold
    void memoryUsage(Client c, byte[][] argv) {
        long samples = 5;
        for (int j = 3; j < argv.length; j++) {
            if (Args.is(argv[j], "samples") && j + 1 < argv.length) {
                Long n = Args.integer(c, argv[j + 1]);
                if (n == null) return;
                if (n < 0) {
                    c.error(Errors.SYNTAX);
                    return;
                }
                samples = n == 0 ? Long.MAX_VALUE : n;
                j++;
            } else {
                c.error(Errors.SYNTAX);
                return;
            }
        }
        Entry e = c.db.dict().get(argv[2]);
        if (e == null) {
            c.nil();
            return;
        }
        c.integer(MemoryEstimate.entry(e, samples));
    }

    void memoryDoctor(Client c, byte[][] argv) {
        if (c.node().keyspace().totalKeys() == 0) {
            c.verbatim("Hi Sam, this instance is empty or is using very little memory, my issues detector can't be used in "
                    + "these conditions. Please, leave for your mission on Earth and fill it with some data. The new Sam and I "
                    + "will be back to our programming as soon as I finished rebooting.");
        } else {
            c.verbatim("Hi Sam, I can't find any memory issue in your instance. I can only account for what occurs on this base.\n");
        }
    }

    void mallocStats(Client c, byte[][] argv) {
        c.bulk("Stats not supported for the current allocator");
    }

    void memoryPurge(Client c, byte[][] argv) {
        c.ok();
    }

    void memoryHelp(Client c, byte[][] argv) {
        ServerCommands.help(c, "MEMORY",
                "DOCTOR",
                "    Return memory problems reports.",
                "MALLOC-STATS",
                "    Return internal statistics report from the memory allocator.",
                "PURGE",
                "    Attempt to purge dirty pages for reclamation by the allocator.",
                "USAGE <key> [SAMPLES <count>]",
                "    Return memory in bytes used by <key> and its value. Nested values are",
                "    sampled up to <count> times (default: 5, 0 means sample all).");
    }
}
