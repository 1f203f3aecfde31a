package io.meridian.node.repl;

import io.meridian.node.resp.RespEncoder;
import io.meridian.node.util.Bytes;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The master's replication stream: every write's propagated form as RESP bytes, with SELECT
 * when the database changes, numbered by master_repl_offset under the current replid.
 * Listeners (the persisted log, replicas, the bridge) receive each slice in order.
 */
public final class ReplicationStream {
    /** Receives the stream in order; start is the offset of the first byte of data. */
    public interface Listener {
        void onAppend(long start, byte[] data);

        /**
         * Whether this listener needs the bytes of the writes fed now. When none does (no log, no
         * replica, no backlog yet: Redis creates its backlog with the first replica), a write is
         * counted in the offset without being encoded.
         */
        default boolean wantsBytes() {
            return true;
        }
    }

    private volatile String replid;
    private volatile String replid2 = "0000000000000000000000000000000000000000";
    private volatile long secondReplOffset = -1;
    private volatile long offset;
    /** The db the stream is in: -1 forces a SELECT before the next write (after a new replid). */
    private int streamDb = -1;
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();

    public ReplicationStream() {
        this.replid = newReplid();
    }

    public static String newReplid() {
        byte[] b = new byte[20];
        new SecureRandom().nextBytes(b);
        StringBuilder s = new StringBuilder(40);
        for (byte x : b) s.append(String.format("%02x", x));
        return s.toString();
    }

    public String replid() {
        return replid;
    }

    public String replid2() {
        return replid2;
    }

    public long secondReplOffset() {
        return secondReplOffset;
    }

    public long offset() {
        return offset;
    }

    public int streamDb() {
        return streamDb;
    }

    public void addListener(Listener l) {
        listeners.add(l);
    }

    public void removeListener(Listener l) {
        listeners.remove(l);
    }

    /** Appends one command, preceded by SELECT when the stream is in another database. */
    public void feed(int db, byte[][] argv) {
        if (db != streamDb) {
            append(RespEncoder.command(Bytes.utf8("SELECT"), Bytes.fromLong(db)));
            streamDb = db;
        }
        if (!bytesWanted()) {
            // nobody reads the bytes (no log, no replica, no backlog): count them without building them
            offset += RespEncoder.encodedLength(argv);
            return;
        }
        append(RespEncoder.command(argv));
    }

    private boolean bytesWanted() {
        for (Listener l : listeners) if (l.wantsBytes()) return true;
        return false;
    }

    /** Appends raw stream bytes (a replica relaying its master's stream verbatim). */
    public void append(byte[] data) {
        long start = offset;
        offset = start + data.length;
        for (Listener l : listeners) l.onAppend(start, data);
    }

    /** Sets identity and position (loaded from the log or an RDB, or given by a master's FULLRESYNC). */
    public void reset(String replid, long offset, int streamDb) {
        this.replid = replid;
        this.offset = offset;
        this.streamDb = streamDb;
    }

    /**
     * Sets replid2. The replid2 it replaces goes to the history; forty zeros (a full sync: a new
     * dataset, none of the old histories is a prefix of it) clears the history.
     */
    public void setSecondary(String replid2, long secondReplOffset) {
        if (isNone(replid2)) history = List.of();
        else if (!replid2.equals(this.replid2)) remember(this.replid2, this.secondReplOffset);
        this.replid2 = replid2;
        this.secondReplOffset = secondReplOffset;
    }

    // ---- past replids (PSYNC2 beyond replid2) ------------------------------------------------

    /** A replid this stream carried before replid2, and the offset (1-based, as second_repl_offset) up to which it is a prefix of it. */
    public record Past(String replid, long validUpTo) {}

    /** How many past replids are kept (beyond replid2). */
    public static final int HISTORY = 16;

    private volatile List<Past> history = List.of();

    /** The replids before replid2, newest first: a replica that missed several failovers can still continue. */
    public List<Past> history() {
        return history;
    }

    /** The history as the replication log recorded it. */
    public void setHistory(List<Past> h) {
        history = List.copyOf(h.size() > HISTORY ? h.subList(0, HISTORY) : h);
    }

    /** Up to which offset (1-based) a past replid is valid, or -1 when it is not in the history. */
    public long historyLimit(String id) {
        for (Past p : history) if (p.replid().equalsIgnoreCase(id)) return p.validUpTo();
        return -1;
    }

    private void remember(String id, long upTo) {
        if (isNone(id) || upTo < 0) return;
        List<Past> h = new ArrayList<>(HISTORY);
        h.add(new Past(id, upTo));
        for (Past p : history) if (!p.replid().equals(id) && h.size() < HISTORY) h.add(p);
        history = List.copyOf(h);
    }

    /** "id:upTo,id:upTo" (INFO, the replication log). */
    public static String encodeHistory(List<Past> h) {
        StringBuilder b = new StringBuilder();
        for (Past p : h) {
            if (b.length() > 0) b.append(',');
            b.append(p.replid()).append(':').append(p.validUpTo());
        }
        return b.toString();
    }

    public static List<Past> decodeHistory(String s) {
        List<Past> out = new ArrayList<>();
        if (s == null || s.isBlank()) return out;
        for (String item : s.split(",")) {
            int c = item.indexOf(':');
            if (c <= 0) continue;
            try {
                out.add(new Past(item.substring(0, c), Long.parseLong(item.substring(c + 1))));
            } catch (NumberFormatException ignored) {
                // a damaged entry is dropped: at worst a replica gets a full sync
            }
        }
        return out;
    }

    private static boolean isNone(String id) {
        return id == null || id.isEmpty() || id.chars().allMatch(ch -> ch == '0');
    }

    /** PSYNC2 on promotion: the old replid becomes replid2, valid up to the current offset + 1. */
    public void shiftReplid() {
        remember(replid2, secondReplOffset);
        replid2 = replid;
        secondReplOffset = offset + 1;
        replid = newReplid();
        streamDb = -1;
    }

    /** Forces the next write to emit SELECT (a new replica joins at a point where its db is unknown). */
    public void forceSelect() {
        streamDb = -1;
    }
}
