package io.meridian.node.server;

import io.meridian.node.config.Config;

/**
 * proto-max-bulk-len and client-query-buffer-limit, read by the RESP decoder for every bulk
 * and every read: cached in plain fields (one instance per server) and kept current by
 * CONFIG SET, instead of a map lookup per request.
 */
final class ProtocolLimits {
    private volatile long maxBulkLen;
    private volatile long queryBufferLimit;

    ProtocolLimits(Config config) {
        maxBulkLen = config.getLong("proto-max-bulk-len");
        queryBufferLimit = config.getLong("client-query-buffer-limit");
        config.watch("proto-max-bulk-len", c -> maxBulkLen = c.getLong("proto-max-bulk-len"));
        config.watch("client-query-buffer-limit", c -> queryBufferLimit = c.getLong("client-query-buffer-limit"));
    }

    long maxBulkLen() {
        return maxBulkLen;
    }

    long queryBufferLimit() {
        return queryBufferLimit;
    }
}
