package io.meridian.node.command;

import java.util.EnumSet;
import java.util.Locale;

/** Redis 7's ACL categories (ACL CAT), in Redis's order. */
public enum AclCategory {
    KEYSPACE, READ, WRITE, SET, SORTEDSET, LIST, HASH, STRING, BITMAP, HYPERLOGLOG, GEO, STREAM,
    PUBSUB, ADMIN, FAST, SLOW, BLOCKING, DANGEROUS, CONNECTION, TRANSACTION, SCRIPTING;

    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static AclCategory byName(String name) {
        try {
            return valueOf(name.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** Parses "@string @keyspace" (the '@' is optional). */
    public static EnumSet<AclCategory> parse(String words) {
        EnumSet<AclCategory> set = EnumSet.noneOf(AclCategory.class);
        for (String w : words.trim().split("\\s+")) {
            if (w.isEmpty()) continue;
            if (w.startsWith("@")) w = w.substring(1);
            set.add(valueOf(w.toUpperCase(Locale.ROOT)));
        }
        return set;
    }
}
