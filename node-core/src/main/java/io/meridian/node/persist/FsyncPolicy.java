package io.meridian.node.persist;

import java.util.Locale;

/** {@code appendfsync}: when the replication log is synced to disk. */
public enum FsyncPolicy {
    /** Before a write is acknowledged (group commit: one fsync for every write waiting). */
    ALWAYS,
    /** In the background once a second. */
    EVERYSEC,
    /** When the OS decides. */
    NO;

    public static FsyncPolicy of(String directive) {
        return valueOf(directive.toUpperCase(Locale.ROOT));
    }
}
