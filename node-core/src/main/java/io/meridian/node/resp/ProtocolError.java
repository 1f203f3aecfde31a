package io.meridian.node.resp;

/**
 * A request the decoder refuses. Emitted downstream as a message: the handler answers
 * {@code -ERR Protocol error: <reason>} and closes the connection after the reply, as Redis does.
 */
public final class ProtocolError extends RuntimeException {
    /** The query buffer grew past client-query-buffer-limit: Redis closes without a reply. */
    public static final ProtocolError QUERY_BUFFER_LIMIT = new ProtocolError(null);

    public ProtocolError(String reason) {
        super(reason, null, false, false);
    }

    /** The reply text, or null when the connection is closed without one. */
    public String reply() {
        return getMessage() == null ? null : "ERR Protocol error: " + getMessage();
    }
}
