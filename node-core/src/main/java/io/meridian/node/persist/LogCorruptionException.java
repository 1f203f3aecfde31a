package io.meridian.node.persist;

/**
 * The replication log holds something that must not be applied: a record whose checksum
 * fails, a torn (partly written) record, an unknown format, a gap between records, or
 * bytes that are not a RESP command. Names the stream offset where the damage starts.
 */
public class LogCorruptionException extends RuntimeException {
    /** What is wrong at the offset. */
    public enum Kind {
        CHECKSUM("checksum mismatch"),
        TORN("torn record"),
        BAD_HEADER("bad record header"),
        GAP("gap in the log"),
        PROTOCOL("invalid RESP in the log");

        final String text;

        Kind(String text) {
            this.text = text;
        }
    }

    private final Kind kind;
    private final long offset;

    public LogCorruptionException(Kind kind, long offset, String detail) {
        super("Replication log corrupt at offset " + offset + ": " + kind.text + ": " + detail);
        this.kind = kind;
        this.offset = offset;
    }

    private LogCorruptionException(Kind kind, long offset, String message, boolean withAdvice) {
        super(message);
        this.kind = kind;
        this.offset = offset;
    }

    /** The same damage, its message followed by what to do about it. */
    public LogCorruptionException withAdvice(String advice) {
        // no cause: launchers report the innermost cause's message, which must carry the advice
        return new LogCorruptionException(kind, offset, getMessage() + ". " + advice, true);
    }

    public Kind kind() {
        return kind;
    }

    /** The stream offset of the first byte that cannot be trusted (a record start for record damage). */
    public long offset() {
        return offset;
    }
}
