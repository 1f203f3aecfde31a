package io.meridian.node.server;

/**
 * A latency distribution in nanoseconds with two significant digits, laid out as an HDR
 * histogram (256 sub-buckets, each power of two above 256 halving the resolution), so INFO
 * latencystats and LATENCY HISTOGRAM report the same bucket edges Redis's hdr_histogram does.
 */
public final class LatencyHistogram {
    private static final int SUB_BUCKETS = 256;
    private static final int HALF = SUB_BUCKETS / 2;
    /** Redis tracks up to 1 s (LATENCY_HISTOGRAM_MAX_VALUE); longer calls count as 1 s. */
    private static final long MAX = 1_000_000_000L;
    private final long[] counts;
    private long total;

    public LatencyHistogram() {
        counts = new long[index(MAX) + 1];
    }

    /** The bucket of a value: 0..255 for [0, 256), then 128 more per power of two. */
    private static int index(long v) {
        if (v < SUB_BUCKETS) return (int) v;
        int shift = 63 - Long.numberOfLeadingZeros(v) - 7; // v >> shift lands in [128, 256)
        return SUB_BUCKETS + (shift - 1) * HALF + (int) ((v >> shift) - HALF);
    }

    /** The highest value that falls in the same bucket as the one at this index. */
    private static long highestOf(int idx) {
        if (idx < SUB_BUCKETS) return idx;
        int shift = (idx - SUB_BUCKETS) / HALF + 1;
        long sub = (idx - SUB_BUCKETS) % HALF + HALF;
        return ((sub + 1) << shift) - 1;
    }

    public void record(long nanos) {
        long v = Math.max(1, Math.min(nanos, MAX));
        counts[index(v)]++;
        total++;
    }

    public long totalCount() {
        return total;
    }

    /** hdr_value_at_percentile: the highest equivalent value of the bucket holding that rank. */
    public long valueAtPercentile(double percentile) {
        double p = Math.min(percentile, 100.0);
        long rank = Math.max(1, (long) (p / 100.0 * total + 0.5));
        long seen = 0;
        for (int i = 0; i < counts.length; i++) {
            seen += counts[i];
            if (seen >= rank) return highestOf(i);
        }
        return 0;
    }

    /** Visits the non-empty power-of-two buckets as LATENCY HISTOGRAM reports them: (upper bound in µs, cumulative count). */
    public void forEachCumulativeBucket(java.util.function.BiConsumer<Long, Long> visitor) {
        long cumulative = 0;
        long bound = 1024; // 1 µs: Redis reports from 1 µs, doubling
        long pending = 0;
        for (int i = 0; i < counts.length; i++) {
            if (counts[i] == 0) continue;
            long high = highestOf(i);
            while (high >= bound) {
                if (pending > 0) {
                    cumulative += pending;
                    visitor.accept(bound / 1024, cumulative);
                    pending = 0;
                }
                bound <<= 1;
            }
            pending += counts[i];
        }
        if (pending > 0) visitor.accept(bound / 1024, cumulative + pending);
    }
}
