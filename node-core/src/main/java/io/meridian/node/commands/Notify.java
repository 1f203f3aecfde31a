package io.meridian.node.commands;

import io.meridian.node.Node;
import io.meridian.node.server.Client;
import io.meridian.node.util.Bytes;

import java.nio.charset.StandardCharsets;

/**
 * Keyspace notifications (Redis's notify.c): with notify-keyspace-events set, a change to a key
 * publishes the event name on {@code __keyspace@<db>__:<key>} (class K) and the key on
 * {@code __keyevent@<db>__:<event>} (class E), keyspace first, as notifyKeyspaceEvent does.
 */
public final class Notify {
    public static final int KEYSPACE = 1, KEYEVENT = 1 << 1, GENERIC = 1 << 2, STRING = 1 << 3, LIST = 1 << 4,
            SET = 1 << 5, HASH = 1 << 6, ZSET = 1 << 7, EXPIRED = 1 << 8, EVICTED = 1 << 9, STREAM = 1 << 10,
            KEY_MISS = 1 << 11, MODULE = 1 << 13, NEW = 1 << 14;

    private static final String DIRECTIVE = "notify-keyspace-events";

    private Notify() {}

    /** One cached parse of the directive's canonical text (CONFIG SET replaces the String). */
    private record Cached(String text, int flags) {}

    private static volatile Cached cached = new Cached("", 0);

    /** Redis's keyspaceEventsStringToFlags over the canonical class string. */
    static int flags(String s) {
        int f = 0;
        for (int i = 0; i < s.length(); i++) {
            f |= switch (s.charAt(i)) {
                case 'A' -> GENERIC | STRING | LIST | SET | HASH | ZSET | EXPIRED | EVICTED | STREAM | MODULE;
                case 'g' -> GENERIC;
                case '$' -> STRING;
                case 'l' -> LIST;
                case 's' -> SET;
                case 'h' -> HASH;
                case 'z' -> ZSET;
                case 'x' -> EXPIRED;
                case 'e' -> EVICTED;
                case 't' -> STREAM;
                case 'd' -> MODULE;
                case 'm' -> KEY_MISS;
                case 'n' -> NEW;
                case 'K' -> KEYSPACE;
                case 'E' -> KEYEVENT;
                default -> 0;
            };
        }
        return f;
    }

    private static int flags(Node node) {
        String text = node.config().get(DIRECTIVE);
        if (text == null || text.isEmpty()) return 0;
        Cached c = cached;
        if (!text.equals(c.text())) {
            c = new Cached(text, flags(text));
            cached = c;
        }
        return c.flags();
    }

    /** Whether any event of this class would be published (to skip building names). */
    public static boolean enabled(Node node, int type) {
        int f = flags(node);
        return (f & type) != 0 && (f & (KEYSPACE | KEYEVENT)) != 0;
    }

    /** notifyKeyspaceEvent for the client's current database. */
    public static void event(Client c, int type, String event, byte[] key) {
        event(c.node(), type, event, key, c.db.index);
    }

    /** notifyKeyspaceEvent(type, event, key, dbid). */
    public static void event(Node node, int type, String event, byte[] key, int db) {
        int f = flags(node);
        if ((f & type) == 0) return;
        byte[] ev = event.getBytes(StandardCharsets.ISO_8859_1);
        byte[] dbid = Bytes.fromLong(db);
        if ((f & KEYSPACE) != 0) {
            node.pubsub().publish(concat(PREFIX_SPACE, dbid, SUFFIX, key), ev);
        }
        if ((f & KEYEVENT) != 0) {
            node.pubsub().publish(concat(PREFIX_EVENT, dbid, SUFFIX, ev), key);
        }
    }

    /**
     * Database.deleteIfEmpty plus the "del" event Redis sends when the last element went
     * (after the command's own event, which the caller sends first).
     */
    public static void deleteIfEmpty(Client c, io.meridian.node.keyspace.Database db, io.meridian.node.keyspace.Entry e) {
        Object v = e.value;
        boolean empty = (v instanceof io.meridian.node.keyspace.ListValue l && l.isEmpty())
                || (v instanceof io.meridian.node.keyspace.HashValue h && h.size() == 0)
                || (v instanceof io.meridian.node.keyspace.SetValue s && s.size() == 0)
                || (v instanceof io.meridian.node.keyspace.ZSetValue z && z.size() == 0);
        db.deleteIfEmpty(e);
        if (empty) event(c.node(), GENERIC, "del", e.key, db.index);
    }

    private static final byte[] PREFIX_SPACE = "__keyspace@".getBytes(StandardCharsets.ISO_8859_1);
    private static final byte[] PREFIX_EVENT = "__keyevent@".getBytes(StandardCharsets.ISO_8859_1);
    private static final byte[] SUFFIX = "__:".getBytes(StandardCharsets.ISO_8859_1);

    private static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) n += p.length;
        byte[] out = new byte[n];
        int o = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, o, p.length);
            o += p.length;
        }
        return out;
    }
}
