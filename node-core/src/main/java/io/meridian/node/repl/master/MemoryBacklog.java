package io.meridian.node.repl.master;

import io.meridian.node.repl.ReplicationStream;

/**
 * Redis's own backlog: the last repl-backlog-size bytes of the stream in a ring, used when the
 * persisted log is off. Created when the first replica connects, as Redis does.
 */
final class MemoryBacklog implements Backlog, ReplicationStream.Listener {
    private final byte[] ring;
    private long first;
    private long end;

    MemoryBacklog(int size, long startOffset) {
        this.ring = new byte[Math.max(16 * 1024, size)];
        this.first = startOffset;
        this.end = startOffset;
    }

    @Override
    public void onAppend(long start, byte[] data) {
        if (start != end) { // the stream jumped (a new replid after a full sync as replica): start over
            first = start;
            end = start;
        }
        int n = data.length;
        int from = 0;
        if (n > ring.length) {
            from = n - ring.length;
            n = ring.length;
        }
        int pos = (int) ((start + from) % ring.length);
        int k = Math.min(n, ring.length - pos);
        System.arraycopy(data, from, ring, pos, k);
        if (k < n) System.arraycopy(data, from + k, ring, 0, n - k);
        end = start + data.length;
        if (end - first > ring.length) first = end - ring.length;
    }

    @Override
    public long firstOffset() {
        return first;
    }

    @Override
    public long endOffset() {
        return end;
    }

    @Override
    public int read(long from, byte[] buf) {
        if (from < first || from >= end) return 0;
        int n = (int) Math.min(buf.length, end - from);
        int pos = (int) (from % ring.length);
        int k = Math.min(n, ring.length - pos);
        System.arraycopy(ring, pos, buf, 0, k);
        if (k < n) System.arraycopy(ring, 0, buf, k, n - k);
        return n;
    }

    int size() {
        return ring.length;
    }
}
