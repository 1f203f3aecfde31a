package io.meridian.node.repl.replica;

import io.meridian.node.repl.RdbResume;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Properties;

/**
 * The first bytes of a full sync's transfer to disk that was cut (the link dropped, the
 * master went silent, the node itself stopped), kept so that a master still holding the same
 * snapshot file sends only the rest: offered with {@code REPLCONF rdb-resume} ({@link RdbResume})
 * and taken back by the transfer the master resumes ({@code $RESUME:<from>:<size>}).
 *
 * <p>Every disk transfer of known size is recorded beside its temp file in {@link #RECORD}
 * (file, replid, offset, size) while it runs, so a node restarted in the middle of a long sync
 * finds it too. Owned by one {@link MasterLink}, on the command thread.
 */
final class KeptTransfer {
    private static final Logger LOG = LoggerFactory.getLogger("meridian");
    static final String RECORD = "temp-sync-partial.properties";

    private final Path record;
    private RdbTransfer.Partial partial;
    private String replid;
    private long offset;

    /** Looks for the record of a transfer cut by a restart in dir; rdbFile is never deleted. */
    KeptTransfer(Path dir, Path rdbFile) {
        this.record = dir.resolve(RECORD);
        load(rdbFile);
    }

    boolean held() {
        return partial != null;
    }

    /** Bytes held, 0 when none. */
    long received() {
        return partial == null ? 0 : partial.received();
    }

    /** A disk transfer of the snapshot replid:offset starts into file: recorded for a resume after a cut or a restart. */
    void started(Path file, String replid, long offset, long size) {
        Properties p = new Properties();
        p.setProperty("file", file.getFileName().toString());
        p.setProperty("replid", replid);
        p.setProperty("offset", Long.toString(offset));
        p.setProperty("size", Long.toString(size));
        Path tmp = record.resolveSibling(RECORD + ".tmp");
        try {
            try (Writer w = Files.newBufferedWriter(tmp)) {
                p.store(w, "a full sync's transfer to disk (Meridian resumes it after a cut or a restart)");
            }
            Files.move(tmp, record, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            LOG.debug("Not recording the transfer for a resume: {}", e.toString());
        }
    }

    /** The transfer was cut: what it received (null when nothing could be kept) is offered next time. */
    void cut(RdbTransfer.Partial p, String replid, long offset) {
        if (p == null) {
            deleteRecord();
            return;
        }
        this.partial = p;
        this.replid = replid;
        this.offset = offset;
        LOG.info("MASTER <-> REPLICA sync: keeping the {} of {} bytes received; the next attempt offers to resume from there",
                p.received(), p.size());
    }

    /** The transfer ended (loaded or failed): nothing to resume. */
    void ended() {
        deleteRecord();
    }

    /** REPLCONF rdb-resume's token for what is held, or null. */
    String token() {
        if (partial == null) return null;
        try {
            return RdbResume.of(replid, offset, partial.size(), partial.file(), partial.received()).token();
        } catch (IOException e) {
            drop("its file cannot be read: " + e.getMessage());
            return null;
        }
    }

    /**
     * The master resumes the transfer of replid:offset from byte from of size: the kept bytes,
     * which the new transfer owns from now on, or null (and they are dropped) when they are not
     * those.
     */
    RdbTransfer.Partial take(String replid, long offset, long from, long size) {
        RdbTransfer.Partial p = partial;
        if (p == null || !replid.equals(this.replid) || offset != this.offset || p.size() != size || p.received() != from) {
            drop("the master resumes another transfer");
            return null;
        }
        partial = null;
        return p;
    }

    /** The kept bytes are of no use any more (a new transfer from zero, a partial resync, another master). */
    void drop(String why) {
        if (partial == null) return;
        deleteRecord();
        LOG.info("MASTER <-> REPLICA sync: discarding the {} bytes of the cut transfer: {}", partial.received(), why);
        partial.delete();
        partial = null;
    }

    /** The node stops: file and record stay for its next start. */
    void keepForRestart() {
        partial = null;
    }

    private void deleteRecord() {
        try {
            Files.deleteIfExists(record);
        } catch (IOException ignored) {
            // a stale record is checked against its file and the master's before any use
        }
    }

    private void load(Path rdbFile) {
        if (!Files.exists(record)) return;
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(record)) {
            p.load(r);
            Path file = record.resolveSibling(p.getProperty("file"));
            long size = Long.parseLong(p.getProperty("size"));
            long received = Files.exists(file) ? Files.size(file) : 0;
            if (received > 0 && received < size && p.getProperty("replid") != null) {
                partial = new RdbTransfer.Partial(file, received, size);
                replid = p.getProperty("replid");
                offset = Long.parseLong(p.getProperty("offset"));
                LOG.info("MASTER <-> REPLICA sync: found {} of {} bytes of the transfer of {}:{} cut by a restart; "
                        + "the first attempt offers to resume it", received, size, replid, offset);
                return;
            }
            if (Files.exists(file) && !file.equals(rdbFile)) Files.deleteIfExists(file);
        } catch (IOException | RuntimeException e) {
            LOG.info("MASTER <-> REPLICA sync: ignoring the record of a cut transfer: {}", e.toString());
        }
        deleteRecord();
    }
}
