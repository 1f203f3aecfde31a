package io.meridian.node.rdb;

import java.io.IOException;

/**
 * A corrupt, truncated, unsupported or unknown RDB input: says where (the byte offset from the
 * start of the stream) and why. Nothing read before it may be served: loaders build into a
 * fresh structure and the caller swaps it in only on success.
 */
public final class RdbException extends IOException {
    private final long offset;
    private final String reason;

    public RdbException(long offset, String reason) {
        super("Bad RDB at byte offset " + offset + ": " + reason);
        this.offset = offset;
        this.reason = reason;
    }

    public RdbException(long offset, String reason, Throwable cause) {
        this(offset, reason);
        initCause(cause);
    }

    public long offset() {
        return offset;
    }

    public String reason() {
        return reason;
    }
}
