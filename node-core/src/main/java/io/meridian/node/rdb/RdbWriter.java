package io.meridian.node.rdb;

import io.meridian.node.config.Config;
import io.meridian.node.keyspace.Database;
import io.meridian.node.keyspace.HashValue;
import io.meridian.node.keyspace.Keyspace;
import io.meridian.node.keyspace.ListValue;
import io.meridian.node.keyspace.SetValue;
import io.meridian.node.keyspace.ZSetValue;
import io.meridian.node.util.DoubleFormat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes RDB version 10 exactly as Redis 7.0 does (rdb.c rdbSaveRio), as a stream:
 * {@link #header()}, {@link #auxFields}, then per database {@link #selectDb} and
 * {@link #resizeDb} followed by {@link #entry} for each key, then {@link #finish()} (EOF opcode
 * and the CRC64 of everything before, or 0 with rdbchecksum off). Values are encoded from
 * their {@code encoding()}: int-encoded and LZF strings, quicklist v2 of listpack nodes split
 * as RPUSH fills them under list-max-listpack-size, intset, listpack hashes and sorted sets,
 * or the plain set / hash / skiplist forms.
 */
public final class RdbWriter {
    /** What changes the bytes: rdbcompression, rdbchecksum, list-max-listpack-size, list-compress-depth. */
    public record Options(boolean compression, boolean checksum, int listMaxListpackSize, int listCompressDepth) {
        public Options(boolean compression, boolean checksum, int listMaxListpackSize) {
            this(compression, checksum, listMaxListpackSize, 0);
        }

        public static Options defaults() {
            return new Options(true, true, -2, 0);
        }

        public static Options from(Config c) {
            return new Options(c.getBool("rdbcompression"), c.getBool("rdbchecksum"), c.getInt("list-max-listpack-size"),
                    c.getInt("list-compress-depth"));
        }
    }

    /** The replication state recorded in the AUX fields (rdbSaveInfo); null for none. */
    public record ReplInfo(String replId, long replOffset, int replStreamDb) {}

    private static final int BUF = 1 << 16;
    private static final int[] OPTIMIZATION_LEVEL = {4096, 8192, 16384, 32768, 65536};
    private static final int SIZE_SAFETY_LIMIT = 8192;
    private static final int SIZE_ESTIMATE_OVERHEAD = 8;
    private static final long PACKED_THRESHOLD = 1L << 30;
    private static final int MIN_COMPRESS_BYTES = 48;
    private static final int MIN_COMPRESS_IMPROVE = 8;

    private final OutputStream out;
    private final Options options;
    private final byte[] buf = new byte[BUF];
    private int n;
    private long crc;
    private long written;
    /** Scratch for integer parsing and LZF output, reused across strings. */
    private final long[] intOut = new long[1];
    private byte[] lzfOut = new byte[256];

    public RdbWriter(OutputStream out, Options options) {
        this.out = out;
        this.options = options;
    }

    // ---- file structure -------------------------------------------------------------------

    /** "REDIS0010". */
    public RdbWriter header() throws IOException {
        return header(RdbType.VERSION);
    }

    /** Another version's magic: tests build older files with it. */
    RdbWriter header(int version) throws IOException {
        raw(String.format("REDIS%04d", version).getBytes(StandardCharsets.US_ASCII));
        return this;
    }

    public RdbWriter aux(String key, String value) throws IOException {
        return aux(key.getBytes(StandardCharsets.UTF_8), value.getBytes(StandardCharsets.UTF_8));
    }

    public RdbWriter aux(byte[] key, byte[] value) throws IOException {
        type(RdbType.OPCODE_AUX);
        string(key);
        string(value);
        return this;
    }

    /**
     * The AUX fields Redis 7.0 writes, in its order: redis-ver, redis-bits, ctime, used-mem,
     * then (with replication info) repl-stream-db, repl-id, repl-offset, then aof-base.
     */
    public RdbWriter auxFields(String redisVersion, long ctimeSeconds, long usedMemory, ReplInfo repl, boolean aofBase) throws IOException {
        aux("redis-ver", redisVersion);
        aux("redis-bits", "64");
        aux("ctime", Long.toString(ctimeSeconds));
        aux("used-mem", Long.toString(usedMemory));
        if (repl != null) {
            aux("repl-stream-db", Integer.toString(repl.replStreamDb()));
            aux("repl-id", repl.replId());
            aux("repl-offset", Long.toString(repl.replOffset()));
        }
        aux("aof-base", aofBase ? "1" : "0");
        return this;
    }

    public RdbWriter selectDb(int db) throws IOException {
        type(RdbType.OPCODE_SELECTDB);
        length(db);
        return this;
    }

    public RdbWriter resizeDb(long size, long expires) throws IOException {
        type(RdbType.OPCODE_RESIZEDB);
        length(size);
        length(expires);
        return this;
    }

    /** One key: [EXPIRETIME_MS ms] type key value. expireAtMs -1 for none. */
    public RdbWriter entry(byte[] key, Object value, long expireAtMs) throws IOException {
        return entry(key, value, expireAtMs, -1, -1);
    }

    /** With the IDLE (seconds) or FREQ opcodes Redis writes under an LRU or LFU maxmemory-policy; -1 to omit. */
    public RdbWriter entry(byte[] key, Object value, long expireAtMs, long idleSeconds, int freq) throws IOException {
        if (expireAtMs >= 0) {
            type(RdbType.OPCODE_EXPIRETIME_MS);
            le(expireAtMs, 8);
        }
        if (idleSeconds >= 0) {
            type(RdbType.OPCODE_IDLE);
            length(idleSeconds);
        }
        if (freq >= 0) {
            type(RdbType.OPCODE_FREQ);
            type(freq & 0xff);
        }
        type(objectType(value));
        string(key);
        object(value);
        return this;
    }

    /** EOF opcode and the checksum; flushes (does not close) the stream. */
    public void finish() throws IOException {
        type(RdbType.OPCODE_EOF);
        drain();
        long sum = options.checksum() ? crc : 0;
        byte[] t = new byte[8];
        for (int i = 0; i < 8; i++) t[i] = (byte) (sum >>> (8 * i));
        out.write(t);
        written += 8;
        out.flush();
    }

    /** Bytes produced so far (including buffered ones). */
    public long bytesWritten() {
        return written + n;
    }

    // ---- whole datasets and DUMP ------------------------------------------------------------

    /**
     * Writes a whole keyspace as one RDB file the way rdbSaveRio does (keys already expired are
     * still written, as Redis's fork child does). Single-threaded callers only: a concurrent
     * snapshot drives {@link #entry} itself.
     */
    public static void save(Keyspace ks, OutputStream out, Options options, String redisVersion, long usedMemory, ReplInfo repl) throws IOException {
        RdbWriter w = new RdbWriter(out, options);
        w.header();
        w.auxFields(redisVersion, ks.clock().millis() / 1000, usedMemory, repl, false);
        for (int i = 0; i < ks.size(); i++) {
            Database db = ks.db(i);
            if (db.size() == 0) continue;
            w.selectDb(i);
            w.resizeDb(db.size(), db.expires());
            try {
                db.forEach(e -> {
                    try {
                        w.entry(e.key, e.value, e.expireAt);
                    } catch (IOException x) {
                        throw new UncheckedIOException(x);
                    }
                });
            } catch (UncheckedIOException x) {
                throw x.getCause();
            }
        }
        w.finish();
    }

    /** DUMP's payload: type, value, RDB version (2 bytes LE), CRC64 of all that (8 bytes LE). */
    public static byte[] dumpPayload(Object value, Options options) {
        try {
            ByteArrayOutputStream bos = new ByteArrayOutputStream();
            RdbWriter w = new RdbWriter(bos, new Options(options.compression(), false, options.listMaxListpackSize(), options.listCompressDepth()));
            w.type(w.objectType(value));
            w.object(value);
            w.le(RdbType.VERSION, 2);
            w.drain();
            byte[] body = bos.toByteArray();
            long c = Crc64.of(body, 0, body.length);
            byte[] p = java.util.Arrays.copyOf(body, body.length + 8);
            for (int i = 0; i < 8; i++) p[body.length + i] = (byte) (c >>> (8 * i));
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ---- values -----------------------------------------------------------------------------

    int objectType(Object v) {
        if (v instanceof byte[] || v instanceof io.meridian.node.keyspace.AppendableString) return RdbType.STRING;
        if (v instanceof ListValue) return RdbType.LIST_QUICKLIST_2;
        if (v instanceof SetValue s) return "intset".equals(s.encoding()) && allIntegers(s) ? RdbType.SET_INTSET : RdbType.SET;
        if (v instanceof ZSetValue z) return "listpack".equals(z.encoding()) ? RdbType.ZSET_LISTPACK : RdbType.ZSET_2;
        if (v instanceof HashValue h) return "listpack".equals(h.encoding()) ? RdbType.HASH_LISTPACK : RdbType.HASH;
        throw new IllegalArgumentException("no RDB type for " + v.getClass());
    }

    private static boolean allIntegers(SetValue s) {
        boolean[] ok = {true};
        s.forEach(m -> {
            if (ok[0] && !IntegerText.is(m)) ok[0] = false;
        });
        return ok[0];
    }

    void object(Object v) throws IOException {
        switch (objectType(v)) {
            case RdbType.STRING -> string(io.meridian.node.keyspace.AppendableString.bytesOf(v));
            case RdbType.LIST_QUICKLIST_2 -> quicklist((ListValue) v);
            case RdbType.SET_INTSET -> {
                SetValue s = (SetValue) v;
                long[] vals = new long[s.size()];
                int[] i = {0};
                long[] tmp = new long[1];
                s.forEach(m -> {
                    IntegerText.parse(m, 0, m.length, tmp);
                    vals[i[0]++] = tmp[0];
                });
                string(Intset.encode(vals));
            }
            case RdbType.SET -> {
                SetValue s = (SetValue) v;
                length(s.size());
                forEachIo(s, this::string);
            }
            case RdbType.ZSET_LISTPACK -> {
                Listpack.Builder lp = new Listpack.Builder();
                ((ZSetValue) v).forEachInOrder((m, score) -> {
                    lp.add(m);
                    long l = double2ll(score);
                    if (l != Long.MIN_VALUE) lp.addInt(l); // MIN_VALUE is outside double2ll's range
                    else lp.add(DoubleFormat.g17(score).getBytes(StandardCharsets.US_ASCII));
                });
                string(lp.build());
            }
            case RdbType.ZSET_2 -> {
                ZSetValue z = (ZSetValue) v;
                List<byte[]> members = new ArrayList<>(z.size());
                List<Double> scores = new ArrayList<>(z.size());
                z.forEachInOrder((m, s) -> {
                    members.add(m);
                    scores.add(s);
                });
                length(members.size());
                // greatest first, as Redis walks its skiplist from the tail
                for (int i = members.size() - 1; i >= 0; i--) {
                    string(members.get(i));
                    le(Double.doubleToRawLongBits(scores.get(i)), 8);
                }
            }
            case RdbType.HASH_LISTPACK -> {
                Listpack.Builder lp = new Listpack.Builder();
                ((HashValue) v).forEach((f, val) -> {
                    lp.add(f);
                    lp.add(val);
                });
                string(lp.build());
            }
            case RdbType.HASH -> {
                HashValue h = (HashValue) v;
                length(h.size());
                IOException[] err = {null};
                h.forEach((f, val) -> {
                    if (err[0] != null) return;
                    try {
                        string(f);
                        string(val);
                    } catch (IOException e) {
                        err[0] = e;
                    }
                });
                if (err[0] != null) throw err[0];
            }
            default -> throw new IllegalStateException();
        }
    }

    private interface IoConsumer {
        void accept(byte[] b) throws IOException;
    }

    private static void forEachIo(SetValue s, IoConsumer c) throws IOException {
        IOException[] err = {null};
        s.forEach(m -> {
            if (err[0] != null) return;
            try {
                c.accept(m);
            } catch (IOException e) {
                err[0] = e;
            }
        });
        if (err[0] != null) throw err[0];
    }

    /** Redis's double2ll: the score as a long when exact within +-2^62; Long.MIN_VALUE otherwise. */
    private static long double2ll(double d) {
        if (d < -4.611686018427388E18 || d > 4.611686018427388E18 || Double.isNaN(d)) return Long.MIN_VALUE;
        long l = (long) d;
        return l == d ? l : Long.MIN_VALUE;
    }

    /**
     * Quicklist v2: node count, then per node its container (2 = listpack, 1 = plain element of
     * 1 GB or more) and the node's bytes as an RDB string. Nodes split as consecutive RPUSHes
     * fill them (quicklist.c _quicklistNodeAllowInsert); with list-compress-depth d, the nodes
     * more than d from either end are stored as quicklist compressed them (__quicklistCompressNode).
     */
    private void quicklist(ListValue l) throws IOException {
        int fill = options.listMaxListpackSize();
        if (fill > (1 << 15)) fill = 1 << 15;
        else if (fill < -5) fill = -5;
        List<Object> nodes = new ArrayList<>();
        Listpack.Builder cur = null;
        for (int i = 0; i < l.size(); i++) {
            byte[] e = l.get(i);
            if (e.length >= PACKED_THRESHOLD) {
                nodes.add(e);
                cur = null;
                continue;
            }
            if (cur == null || !allowInsert(cur, fill, e.length)) {
                cur = new Listpack.Builder();
                nodes.add(cur);
            }
            cur.add(e);
        }
        length(nodes.size());
        int depth = options.listCompressDepth();
        for (int i = 0; i < nodes.size(); i++) {
            Object node = nodes.get(i);
            if (node instanceof byte[] plain) {
                length(RdbType.CONTAINER_PLAIN);
                string(plain);
                continue;
            }
            length(RdbType.CONTAINER_PACKED);
            byte[] lp = ((Listpack.Builder) node).build();
            boolean interior = depth > 0 && nodes.size() >= depth * 2 && i >= depth && i < nodes.size() - depth;
            if (interior && lp.length >= MIN_COMPRESS_BYTES) {
                if (lzfOut.length < lp.length) lzfOut = new byte[Math.max(lp.length, lzfOut.length * 2)];
                int clen = Lzf.compress(lp, lp.length, lzfOut, lp.length);
                if (clen > 0 && clen + MIN_COMPRESS_IMPROVE < lp.length) {
                    type(0xC3);
                    length(clen);
                    length(lp.length);
                    raw(lzfOut, clen);
                    continue;
                }
            }
            string(lp);
        }
    }

    private static boolean allowInsert(Listpack.Builder node, int fill, int sz) {
        long newSz = (long) node.bytes() + sz + SIZE_ESTIMATE_OVERHEAD;
        if (fill < 0) {
            int offset = -fill - 1;
            if (offset < OPTIMIZATION_LEVEL.length && newSz <= OPTIMIZATION_LEVEL[offset]) return true;
        }
        if (newSz > SIZE_SAFETY_LIMIT) return false;
        return node.count() < fill;
    }

    // ---- primitives (rdbSaveLen, rdbSaveRawString, ...) ---------------------------------------

    void type(int t) throws IOException {
        if (n == BUF) drain();
        buf[n++] = (byte) t;
    }

    /** rdbSaveLen: 6-bit, 14-bit, 32-bit or 64-bit big-endian length. */
    void length(long len) throws IOException {
        if (n + 9 > BUF) drain();
        if (len < (1 << 6)) {
            buf[n++] = (byte) len;
        } else if (len < (1 << 14)) {
            buf[n++] = (byte) (((len >>> 8) & 0x3F) | 0x40);
            buf[n++] = (byte) len;
        } else if (len <= 0xFFFFFFFFL) {
            buf[n++] = (byte) 0x80;
            for (int i = 3; i >= 0; i--) buf[n++] = (byte) (len >>> (8 * i));
        } else {
            buf[n++] = (byte) 0x81;
            for (int i = 7; i >= 0; i--) buf[n++] = (byte) (len >>> (8 * i));
        }
    }

    void le(long v, int bytes) throws IOException {
        if (n + bytes > BUF) drain();
        for (int i = 0; i < bytes; i++) buf[n++] = (byte) (v >>> (8 * i));
    }

    /** rdbSaveRawString: int-encoded when a canonical int fitting 32 bits, else LZF when it pays, else verbatim. */
    void string(byte[] s) throws IOException {
        int len = s.length;
        if (len <= 11) {
            long[] v = intOut;
            if (IntegerText.parse(s, 0, len, v) && v[0] >= Integer.MIN_VALUE && v[0] <= Integer.MAX_VALUE) {
                long x = v[0];
                if (n + 5 > BUF) drain();
                if (x >= -(1 << 7) && x <= (1 << 7) - 1) {
                    buf[n++] = (byte) 0xC0;
                    buf[n++] = (byte) x;
                } else if (x >= -(1 << 15) && x <= (1 << 15) - 1) {
                    buf[n++] = (byte) 0xC1;
                    buf[n++] = (byte) x;
                    buf[n++] = (byte) (x >>> 8);
                } else {
                    buf[n++] = (byte) 0xC2;
                    for (int i = 0; i < 4; i++) buf[n++] = (byte) (x >>> (8 * i));
                }
                return;
            }
        }
        if (options.compression() && len > 20) {
            if (lzfOut.length < len) lzfOut = new byte[Math.max(len, lzfOut.length * 2)];
            byte[] c = lzfOut;
            int clen = Lzf.compress(s, len, c, len - 4);
            if (clen > 0) {
                type(0xC3);
                length(clen);
                length(len);
                raw(c, clen);
                return;
            }
        }
        length(len);
        raw(s, len);
    }

    private void raw(byte[] b) throws IOException {
        raw(b, b.length);
    }

    private void raw(byte[] b, int len) throws IOException {
        if (len <= BUF - n) {
            System.arraycopy(b, 0, buf, n, len);
            n += len;
            return;
        }
        drain();
        if (len <= BUF) {
            System.arraycopy(b, 0, buf, 0, len);
            n = len;
            return;
        }
        if (options.checksum()) crc = Crc64.update(crc, b, 0, len);
        out.write(b, 0, len);
        written += len;
    }

    private void drain() throws IOException {
        if (n == 0) return;
        if (options.checksum()) crc = Crc64.update(crc, buf, 0, n);
        out.write(buf, 0, n);
        written += n;
        n = 0;
    }
}
