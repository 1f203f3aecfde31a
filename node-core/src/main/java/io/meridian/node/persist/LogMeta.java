package io.meridian.node.persist;

/**
 * What the log's "meta" column family records next to the records.
 *
 * @param replid           the stream's replication ID
 * @param replid2          the previous replication ID (PSYNC2), or forty zeros
 * @param secondReplOffset the offset up to which replid2 is valid, or -1
 * @param offset           master_repl_offset: the stream offset just past the last logged byte
 * @param baseOffset       the offset at which the dataset was empty and the log complete from
 *                         there (a fresh master), so replaying from it rebuilds the dataset
 *                         without a snapshot; -1 when the log began on a loaded dataset
 * @param snapshotOffset   the repl offset of the newest durable snapshot (RDB), or -1
 */
public record LogMeta(String replid, String replid2, long secondReplOffset, long offset,
                      long baseOffset, long snapshotOffset) {
    /**
     * Where a restart without a newer snapshot replays from, and so the first byte trimming
     * must keep: the snapshot's offset if there is one, else the base; -1 when neither exists
     * (the log then only serves partial resyncs).
     */
    public long recoveryPoint() {
        return snapshotOffset >= 0 ? snapshotOffset : baseOffset;
    }
}
