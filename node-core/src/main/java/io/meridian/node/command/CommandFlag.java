package io.meridian.node.command;

import java.util.EnumSet;
import java.util.Locale;

/** Redis 7's command flags, named as COMMAND INFO prints them. */
public enum CommandFlag {
    WRITE, READONLY, DENYOOM, MODULE, ADMIN, PUBSUB, NOSCRIPT, BLOCKING, LOADING, STALE,
    SKIP_MONITOR, SKIP_SLOWLOG, ASKING, FAST, NO_AUTH, MAY_REPLICATE, NO_MANDATORY_KEYS,
    NO_ASYNC_LOADING, NO_MULTI, MOVABLEKEYS, ALLOW_BUSY;

    /** The lower-case word COMMAND INFO shows. */
    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses "write denyoom fast" into a set. */
    public static EnumSet<CommandFlag> parse(String words) {
        EnumSet<CommandFlag> set = EnumSet.noneOf(CommandFlag.class);
        for (String w : words.trim().split("\\s+")) {
            if (!w.isEmpty()) set.add(valueOf(w.toUpperCase(Locale.ROOT)));
        }
        return set;
    }
}
