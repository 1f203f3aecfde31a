package io.meridian.node.repl.replica;

/**
 * Delays between reconnection attempts while the master cannot be reached or refuses us:
 * each consecutive failure doubles the delay, from {@code initialMillis} up to
 * {@code maxMillis}, and a link that works starts over. (A link that was up and drops is
 * retried at once, as Redis does, without asking the backoff.) Time comes from the caller (the node's clock), so tests
 * drive it without sleeping.
 */
public final class Backoff {
    private final long initialMillis;
    private final long maxMillis;
    private int failures;
    private long nextAttemptAt;

    public Backoff(long initialMillis, long maxMillis) {
        if (initialMillis <= 0 || maxMillis < initialMillis) throw new IllegalArgumentException("0 < initial <= max");
        this.initialMillis = initialMillis;
        this.maxMillis = maxMillis;
    }

    /** Whether an attempt may start at now. */
    public boolean ready(long now) {
        return now >= nextAttemptAt;
    }

    /** An attempt failed at now: the next one waits longer. Returns the delay chosen. */
    public long failed(long now) {
        long delay = delay(failures);
        failures++;
        nextAttemptAt = now + delay;
        return delay;
    }

    /** The link worked (the stream flows): the next failure retries at once. */
    public void succeeded() {
        failures = 0;
        nextAttemptAt = 0;
    }

    /** Lets the next attempt start at once without forgetting the failures (a config change). */
    public void retryNow() {
        nextAttemptAt = 0;
    }

    public int failures() {
        return failures;
    }

    public long nextAttemptAt() {
        return nextAttemptAt;
    }

    /** Delay after the (n+1)th consecutive failure: initial, 2x, 4x ... max. */
    long delay(int n) {
        int shift = Math.min(n, 30);
        long d = initialMillis << shift;
        return d <= 0 || d > maxMillis ? maxMillis : d;
    }
}
