package io.meridian.node.repl;

import io.meridian.node.resp.RespEncoder;
import io.meridian.node.util.Bytes;

import java.security.SecureRandom;
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
        if (listeners.isEmpty()) {
            // nobody reads the bytes (no log, no replica): count them without building them
            offset += RespEncoder.encodedLength(argv);
            return;
        }
        append(RespEncoder.command(argv));
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

    public void setSecondary(String replid2, long secondReplOffset) {
        this.replid2 = replid2;
        this.secondReplOffset = secondReplOffset;
    }

    /** PSYNC2 on promotion: the old replid becomes replid2, valid up to the current offset + 1. */
    public void shiftReplid() {
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
