package io.meridian.node.rdb;

import io.meridian.node.keyspace.Database;
import io.meridian.node.keyspace.Entry;
import io.meridian.node.keyspace.Keyspace;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Loads a whole RDB stream into a keyspace that nobody serves yet (rdbLoadRio): the caller
 * creates a fresh {@link Keyspace}, loads into it and swaps it in only when this returns, so a
 * failed load never leaves a half dataset behind.
 */
public final class RdbLoader {
    private RdbLoader() {}

    /** What the file said about itself, and what loading did. */
    public static final class Result {
        /** The keyspace loaded into. */
        public Keyspace keyspace;
        public int version;
        /** Every AUX field, in file order. */
        public final Map<String, byte[]> aux = new LinkedHashMap<>();
        public String replId;
        public long replOffset = -1;
        public int replStreamDb = -1;
        public long keysLoaded;
        public long keysExpired;
        public long emptyKeysSkipped;
        /** Bytes the RDB took, up to its checksum (what follows in the stream is not part of it). */
        public long bytes;

        public String auxText(String key) {
            byte[] v = aux.get(key);
            return v == null ? null : new String(v, StandardCharsets.UTF_8);
        }
    }

    /** Loads into a new keyspace of the given size: on success the caller swaps {@link Result#keyspace} in. */
    public static Result loadNew(InputStream in, int databases, java.time.Clock clock, long expireBefore, boolean verifyChecksum,
                                 RdbReader.Limits limits) throws IOException {
        return load(in, new Keyspace(databases, clock), expireBefore, verifyChecksum, limits);
    }

    /**
     * Loads every record into target (which should be empty).
     *
     * @param expireBefore keys whose expiry is before this time (ms) are dropped, as a master
     *                     does on load; -1 keeps them all (replicas, AOF bases)
     * @param verifyChecksum false when rdbchecksum is off
     */
    public static Result load(InputStream in, Keyspace target, long expireBefore, boolean verifyChecksum) throws IOException {
        return load(in, target, expireBefore, verifyChecksum, RdbReader.Limits.defaults());
    }

    public static Result load(InputStream in, Keyspace target, long expireBefore, boolean verifyChecksum, RdbReader.Limits limits) throws IOException {
        RdbReader r = new RdbReader(in, verifyChecksum, limits);
        Result res = new Result();
        res.keyspace = target;
        res.version = r.version();
        RdbReader.Record rec;
        long at = r.offset();
        while ((rec = r.next()) != null) {
            if (rec instanceof RdbReader.Aux a) {
                res.aux.put(a.key(), a.value());
                switch (a.key().toLowerCase()) {
                    case "repl-id" -> {
                        if (a.value().length == 40) res.replId = a.text();
                    }
                    case "repl-offset" -> res.replOffset = parseLong(a.text());
                    case "repl-stream-db" -> res.replStreamDb = (int) parseLong(a.text());
                    default -> { }
                }
            } else if (rec instanceof RdbReader.SelectDb s) {
                if (s.db() < 0 || s.db() >= target.size()) {
                    throw new RdbException(at, "the file uses database " + s.db() + " but this node has " + target.size() + " databases");
                }
            } else if (rec instanceof RdbReader.KeyValue kv) {
                if (expireBefore >= 0 && kv.expireAt() >= 0 && kv.expireAt() < expireBefore) {
                    res.keysExpired++;
                } else {
                    Database db = target.db(kv.db());
                    if (db.dict().get(kv.key()) != null) {
                        throw new RdbException(at, "duplicated key '" + new String(kv.key(), StandardCharsets.ISO_8859_1) + "' in DB " + kv.db());
                    }
                    Entry e = db.add(kv.key(), kv.value());
                    if (kv.expireAt() >= 0) db.setExpire(e, kv.expireAt());
                    res.keysLoaded++;
                }
            }
            at = r.offset();
        }
        res.emptyKeysSkipped = r.emptyKeysSkipped();
        res.bytes = r.offset();
        return res;
    }

    /** strtoll-like: leading digits, 0 when none. */
    private static long parseLong(String s) {
        int i = 0;
        boolean neg = false;
        if (i < s.length() && (s.charAt(i) == '-' || s.charAt(i) == '+')) neg = s.charAt(i++) == '-';
        long v = 0;
        for (; i < s.length() && Character.isDigit(s.charAt(i)); i++) {
            v = v * 10 + (s.charAt(i) - '0');
        }
        return neg ? -v : v;
    }
}
