package io.meridian.node.rdb;

import io.meridian.node.keyspace.HashValue;
import io.meridian.node.keyspace.ListValue;
import io.meridian.node.keyspace.SetValue;
import io.meridian.node.keyspace.ZSetValue;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * Reads an RDB stream (versions 1 to 12) record by record: {@link #next()} returns AUX fields,
 * SELECTDB, RESIZEDB and keys with their value already decoded into Meridian's value classes,
 * then null once the EOF opcode and the CRC64 trailer have been checked. Every encoding Redis
 * writes or wrote is read: int-encoded and LZF strings, plain lists/sets/hashes, zsets with text
 * or binary scores, zipmap, ziplist, intset, listpack, quicklist v1 (ziplist nodes) and v2.
 * Streams, modules, functions and 7.4 hash-field expiries are refused with a clear error.
 * Any corrupt, truncated or unknown input fails with an {@link RdbException} naming the byte
 * offset; blobs are validated before use and allocations grow only with bytes actually read.
 */
public final class RdbReader {
    /** One item of the stream. */
    public sealed interface Record permits Aux, SelectDb, ResizeDb, KeyValue {}

    /** An AUX field (redis-ver, ctime, repl-id, ...). */
    public record Aux(String key, byte[] value) implements Record {
        public String text() {
            return new String(value, StandardCharsets.UTF_8);
        }
    }

    public record SelectDb(int db) implements Record {}

    public record ResizeDb(long size, long expires) implements Record {}

    /** A key of database db; expireAt -1 when none; idleSeconds / freq -1 when absent. */
    public record KeyValue(int db, byte[] key, Object value, long expireAt, long idleSeconds, int freq) implements Record {}

    /** The encoding thresholds loaded values are built under (Redis converts on load by the same config). */
    public record Limits(long hashMaxListpackEntries, long hashMaxListpackValue, long setMaxIntsetEntries,
                         long zsetMaxListpackEntries, long zsetMaxListpackValue) {
        public static Limits defaults() {
            return new Limits(128, 64, 512, 128, 64);
        }

        public static Limits from(io.meridian.node.config.Config c) {
            return new Limits(c.getLong("hash-max-listpack-entries"), c.getLong("hash-max-listpack-value"),
                    c.getLong("set-max-intset-entries"), c.getLong("zset-max-listpack-entries"), c.getLong("zset-max-listpack-value"));
        }
    }

    private static final int MAX_BLOB = Integer.MAX_VALUE - 16;

    private final InputStream in;
    private final boolean verifyChecksum;
    private final Limits limits;
    private final byte[] buf = new byte[1 << 16];
    private int pos;
    private int lim;
    /** Stream offset of buf[0]. */
    private long bufStart;
    /** buf[0, crcPos) is already in crc. */
    private int crcPos;
    private long crc;
    private int version = -1;
    private int db;
    private boolean done;
    private long emptyKeysSkipped;

    public RdbReader(InputStream in) {
        this(in, true);
    }

    /** verifyChecksum false skips the CRC64 comparison (rdbchecksum no), as Redis does. */
    public RdbReader(InputStream in, boolean verifyChecksum) {
        this(in, verifyChecksum, Limits.defaults());
    }

    public RdbReader(InputStream in, boolean verifyChecksum, Limits limits) {
        this.in = in;
        this.verifyChecksum = verifyChecksum;
        this.limits = limits;
    }

    /** The file's RDB version (reads the header if not yet read). */
    public int version() throws IOException {
        if (version < 0) readHeader();
        return version;
    }

    /** Keys whose value was empty (a Redis bug of old): skipped, as Redis does. */
    public long emptyKeysSkipped() {
        return emptyKeysSkipped;
    }

    /** Byte offset of the next unread byte. */
    public long offset() {
        return bufStart + pos;
    }

    /** The next record, or null after a verified EOF. */
    public Record next() throws IOException {
        if (done) return null;
        try {
            return nextRecord();
        } catch (RdbException e) {
            throw e;
        } catch (EOFException e) {
            throw new RdbException(offset(), "unexpected end of file (truncated RDB)");
        } catch (RuntimeException e) {
            throw new RdbException(offset(), "malformed data (" + e + ")", e);
        }
    }

    private Record nextRecord() throws IOException {
        if (version < 0) readHeader();
        long expireAt = -1, idle = -1;
        int freq = -1;
        while (true) {
            long at = offset();
            int type = u8();
            switch (type) {
                case RdbType.OPCODE_EXPIRETIME -> expireAt = (long) (int) leLong(4) * 1000;
                case RdbType.OPCODE_EXPIRETIME_MS -> expireAt = leLong(8);
                case RdbType.OPCODE_FREQ -> freq = u8();
                case RdbType.OPCODE_IDLE -> idle = length();
                case RdbType.OPCODE_EOF -> {
                    checksum();
                    done = true;
                    return null;
                }
                case RdbType.OPCODE_SELECTDB -> {
                    long d = length();
                    if (d > Integer.MAX_VALUE) throw new RdbException(at, "SELECTDB " + d + " out of range");
                    db = (int) d;
                    return new SelectDb(db);
                }
                case RdbType.OPCODE_RESIZEDB -> {
                    return new ResizeDb(length(), length());
                }
                case RdbType.OPCODE_AUX -> {
                    byte[] k = string();
                    byte[] v = string();
                    return new Aux(new String(k, StandardCharsets.UTF_8), v);
                }
                case RdbType.OPCODE_SLOT_INFO -> {
                    length();
                    length();
                    length(); // cluster slot sizing hint: ignored, as Redis does outside cluster mode
                }
                case RdbType.OPCODE_MODULE_AUX -> throw new RdbException(at, "module auxiliary data (MODULE_AUX) is not supported");
                case RdbType.OPCODE_FUNCTION2, RdbType.OPCODE_FUNCTION_PRE_GA ->
                        throw new RdbException(at, "Redis Functions (FUNCTION opcode) are not supported");
                default -> {
                    byte[] key = string();
                    Object value = object(type, at);
                    if (value == null) {
                        emptyKeysSkipped++;
                        expireAt = -1;
                        idle = -1;
                        freq = -1;
                        continue;
                    }
                    return new KeyValue(db, key, value, expireAt, idle, freq);
                }
            }
        }
    }

    private void readHeader() throws IOException {
        byte[] magic;
        try {
            magic = bytes(9);
        } catch (EOFException e) {
            throw new RdbException(0, "not an RDB file: shorter than the 9-byte header");
        }
        if (magic[0] != 'R' || magic[1] != 'E' || magic[2] != 'D' || magic[3] != 'I' || magic[4] != 'S') {
            throw new RdbException(0, "not an RDB file: wrong signature");
        }
        int v = 0;
        for (int i = 5; i < 9; i++) {
            if (magic[i] < '0' || magic[i] > '9') throw new RdbException(5, "not an RDB file: bad version digits");
            v = v * 10 + (magic[i] - '0');
        }
        if (v < 1 || v > RdbType.MAX_READ_VERSION) throw new RdbException(5, "can't handle RDB format version " + v);
        version = v;
    }

    private void checksum() throws IOException {
        if (version < 5) return;
        updateCrc();
        long expected = crc;
        long at = offset();
        long stored;
        try {
            stored = leLong(8);
        } catch (EOFException e) {
            throw new RdbException(at, "unexpected end of file: the CRC64 trailer is missing");
        }
        if (verifyChecksum && stored != 0 && stored != expected) {
            throw new RdbException(at, String.format("wrong RDB checksum: expected %x but got %x", expected, stored));
        }
    }

    // ---- values -----------------------------------------------------------------------------

    /** One value of RDB type t; null when it is empty (a key Redis skips). */
    Object object(int t, long at) throws IOException {
        switch (t) {
            case RdbType.STRING:
                return string();
            case RdbType.LIST: {
                long len = length();
                ListValue l = new ListValue();
                for (long i = 0; i < len; i++) l.addLast(string());
                return l.isEmpty() ? null : l;
            }
            case RdbType.SET: {
                long len = length();
                SetValue s = new SetValue();
                for (long i = 0; i < len; i++) {
                    long p = offset();
                    if (!s.add(string(), limits.setMaxIntsetEntries())) throw new RdbException(p, "duplicate set member");
                }
                return s.size() == 0 ? null : s;
            }
            case RdbType.ZSET:
            case RdbType.ZSET_2: {
                long len = length();
                ZSetValue z = new ZSetValue();
                z.convertToSkiplist();
                for (long i = 0; i < len; i++) {
                    long p = offset();
                    byte[] m = string();
                    double score = t == RdbType.ZSET_2 ? Double.longBitsToDouble(leLong(8)) : textDouble();
                    if (Double.isNaN(score)) throw new RdbException(p, "sorted set with a NaN score");
                    if (z.get(m) != null) throw new RdbException(p, "duplicate sorted set member");
                    z.add(m, score);
                }
                // rdb.c: a small enough skiplist is loaded as a listpack
                if (z.fitsListpack(limits.zsetMaxListpackEntries(), limits.zsetMaxListpackValue())) z.convertToListpack();
                return z.size() == 0 ? null : z;
            }
            case RdbType.HASH: {
                long len = length();
                HashValue h = new HashValue();
                for (long i = 0; i < len; i++) {
                    long p = offset();
                    byte[] f = string();
                    byte[] v = string();
                    if (!h.put(f, v, limits.hashMaxListpackEntries(), limits.hashMaxListpackValue())) throw new RdbException(p, "duplicate hash field");
                }
                return h.size() == 0 ? null : h;
            }
            case RdbType.LIST_QUICKLIST:
            case RdbType.LIST_QUICKLIST_2: {
                long nodes = length();
                ListValue l = new ListValue();
                for (long i = 0; i < nodes; i++) {
                    int container = RdbType.CONTAINER_PACKED;
                    if (t == RdbType.LIST_QUICKLIST_2) {
                        long p = offset();
                        long c = length();
                        if (c != RdbType.CONTAINER_PACKED && c != RdbType.CONTAINER_PLAIN) throw new RdbException(p, "quicklist node with unknown container " + c);
                        container = (int) c;
                    }
                    long p = offset();
                    byte[] data = string();
                    if (data.length == 0) throw new RdbException(p, "empty quicklist node");
                    if (container == RdbType.CONTAINER_PLAIN) {
                        l.addLast(data);
                        continue;
                    }
                    List<byte[]> items = t == RdbType.LIST_QUICKLIST_2 ? listpack(data, p) : ziplist(data, p);
                    for (byte[] e : items) l.addLast(e);
                }
                return l.isEmpty() ? null : l;
            }
            case RdbType.LIST_ZIPLIST: {
                long p = offset();
                ListValue l = new ListValue();
                for (byte[] e : ziplist(string(), p)) l.addLast(e);
                return l.isEmpty() ? null : l;
            }
            case RdbType.SET_INTSET: {
                long p = offset();
                SetValue s = new SetValue();
                for (long v : intset(string(), p)) s.add(IntegerText.of(v), limits.setMaxIntsetEntries());
                return s;
            }
            case RdbType.SET_LISTPACK: {
                long p = offset();
                SetValue s = new SetValue();
                for (byte[] m : listpack(string(), p)) {
                    if (!s.add(m, limits.setMaxIntsetEntries())) throw new RdbException(p, "set listpack with duplicate members");
                }
                return s.size() == 0 ? null : s;
            }
            case RdbType.ZSET_ZIPLIST:
            case RdbType.ZSET_LISTPACK: {
                long p = offset();
                byte[] blob = string();
                List<byte[]> items = t == RdbType.ZSET_LISTPACK ? listpack(blob, p) : ziplist(blob, p);
                if (items.size() % 2 != 0) throw new RdbException(p, "sorted set blob with an odd number of entries");
                ZSetValue z = new ZSetValue();
                for (int i = 0; i < items.size(); i += 2) {
                    byte[] m = items.get(i);
                    double score = parseScore(items.get(i + 1), p);
                    if (z.get(m) != null) throw new RdbException(p, "sorted set blob with duplicate members");
                    z.insert(m, score, Long.MAX_VALUE, Long.MAX_VALUE);
                }
                // rdb.c: a listpack stays one unless it has too many entries
                if (z.size() > limits.zsetMaxListpackEntries()) z.convertToSkiplist();
                return z.size() == 0 ? null : z;
            }
            case RdbType.HASH_ZIPLIST:
            case RdbType.HASH_LISTPACK:
            case RdbType.HASH_ZIPMAP: {
                long p = offset();
                byte[] blob = string();
                List<byte[]> items = switch (t) {
                    case RdbType.HASH_LISTPACK -> listpack(blob, p);
                    case RdbType.HASH_ZIPLIST -> ziplist(blob, p);
                    default -> zipmap(blob, p);
                };
                if (items.size() % 2 != 0) throw new RdbException(p, "hash blob with an odd number of entries");
                HashValue h = new HashValue();
                for (int i = 0; i < items.size(); i += 2) {
                    if (!h.put(items.get(i), items.get(i + 1), limits.hashMaxListpackEntries(), limits.hashMaxListpackValue())) {
                        throw new RdbException(p, "hash blob with duplicate fields");
                    }
                }
                return h.size() == 0 ? null : h;
            }
            case RdbType.STREAM_LISTPACKS:
            case RdbType.STREAM_LISTPACKS_2:
            case RdbType.STREAM_LISTPACKS_3:
                throw new RdbException(at, "stream values (RDB type " + t + ") are not supported");
            case RdbType.MODULE_PRE_GA:
            case RdbType.MODULE_2:
                throw new RdbException(at, "module values (RDB type " + t + ") are not supported");
            case RdbType.HASH_METADATA_PRE_GA:
            case RdbType.HASH_LISTPACK_EX_PRE_GA:
            case RdbType.HASH_METADATA:
            case RdbType.HASH_LISTPACK_EX:
                throw new RdbException(at, "hashes with field expiration (RDB type " + t + ", Redis 7.4) are not supported");
            default:
                throw new RdbException(at, "unknown RDB type or opcode " + t);
        }
    }

    // Blob decoders report positions inside the (possibly LZF-compressed) blob; the error
    // names the blob's offset in the stream and the position inside it.
    private static List<byte[]> listpack(byte[] b, long at) throws RdbException {
        try {
            return Listpack.decode(b, 0);
        } catch (RdbException e) {
            throw inBlob("listpack", e, at);
        }
    }

    private static List<byte[]> ziplist(byte[] b, long at) throws RdbException {
        try {
            return Ziplist.decode(b, 0);
        } catch (RdbException e) {
            throw inBlob("ziplist", e, at);
        }
    }

    private static List<byte[]> zipmap(byte[] b, long at) throws RdbException {
        try {
            return Zipmap.decode(b, 0);
        } catch (RdbException e) {
            throw inBlob("zipmap", e, at);
        }
    }

    private static long[] intset(byte[] b, long at) throws RdbException {
        try {
            return Intset.decode(b, 0);
        } catch (RdbException e) {
            throw inBlob("intset", e, at);
        }
    }

    private static RdbException inBlob(String kind, RdbException e, long at) {
        return new RdbException(at, kind + " integrity check failed: " + e.reason() + " (at byte " + e.offset() + " of the blob)");
    }

    /** A score inside a listpack/ziplist: an integer entry or the text d2string wrote. */
    private static double parseScore(byte[] s, long at) throws RdbException {
        Double d = parseDoubleText(s);
        if (d == null || Double.isNaN(d)) throw new RdbException(at, "sorted set blob with an invalid score");
        return d;
    }

    private static Double parseDoubleText(byte[] s) {
        String t = new String(s, StandardCharsets.ISO_8859_1);
        switch (t.toLowerCase()) {
            case "inf", "+inf", "infinity", "+infinity" -> {
                return Double.POSITIVE_INFINITY;
            }
            case "-inf", "-infinity" -> {
                return Double.NEGATIVE_INFINITY;
            }
            case "nan", "-nan" -> {
                return Double.NaN;
            }
            default -> { }
        }
        if (t.isEmpty() || t.length() > 400) return null;
        for (int i = 0; i < t.length(); i++) {
            char c = t.charAt(i);
            if (!(c >= '0' && c <= '9' || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E')) return null;
        }
        try {
            return Double.parseDouble(t);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** rdbLoadDoubleValue: a length byte (253 nan, 254 +inf, 255 -inf) then "%.17g" text. */
    private double textDouble() throws IOException {
        long at = offset();
        int len = u8();
        switch (len) {
            case 255:
                return Double.NEGATIVE_INFINITY;
            case 254:
                return Double.POSITIVE_INFINITY;
            case 253:
                return Double.NaN;
            default:
                Double d = parseDoubleText(bytes(len));
                if (d == null) throw new RdbException(at, "invalid double value");
                return d;
        }
    }

    // ---- primitives -------------------------------------------------------------------------

    /** rdbLoadLen for a plain length (an encoded-value marker here is corruption). */
    long length() throws IOException {
        long at = offset();
        return length(u8(), at);
    }

    private long length(int b, long at) throws IOException {
        int type = (b & 0xC0) >>> 6;
        switch (type) {
            case 0:
                return b & 0x3F;
            case 1:
                return ((b & 0x3F) << 8) | u8();
            case 3:
                throw new RdbException(at, "encoded value where a length was expected");
            default:
                if (b == 0x80) return beLong(4);
                if (b == 0x81) {
                    long v = beLong(8);
                    if (v < 0) throw new RdbException(at, "64-bit length out of range");
                    return v;
                }
                throw new RdbException(at, "unknown length encoding 0x" + Integer.toHexString(b));
        }
    }

    /** rdbGenericLoadStringObject: int-encoded, LZF or verbatim. */
    byte[] string() throws IOException {
        long at = offset();
        int b = u8();
        if ((b & 0xC0) == 0xC0) {
            switch (b & 0x3F) {
                case 0:
                    return IntegerText.of((byte) u8());
                case 1:
                    return IntegerText.of((short) leLong(2));
                case 2:
                    return IntegerText.of((int) leLong(4));
                case 3: {
                    long clen = length();
                    long len = length();
                    if (clen > MAX_BLOB || len > MAX_BLOB) throw new RdbException(at, "LZF string too large");
                    if (len > clen * 90 + 64) throw new RdbException(at, "LZF lengths out of proportion (" + clen + " -> " + len + ")");
                    byte[] c = bytes(clen);
                    byte[] out = new byte[(int) len];
                    if (Lzf.decompress(c, c.length, out) != len) throw new RdbException(at, "invalid LZF compressed string");
                    return out;
                }
                default:
                    throw new RdbException(at, "unknown string encoding " + (b & 0x3F));
            }
        }
        long len = length(b, at);
        if (len > MAX_BLOB) throw new RdbException(at, "string of " + len + " bytes is too large");
        return bytes(len);
    }

    int u8() throws IOException {
        if (pos == lim && !fill()) throw new EOFException();
        return buf[pos++] & 0xff;
    }

    private long leLong(int n) throws IOException {
        long v = 0;
        for (int i = 0; i < n; i++) v |= (long) u8() << (8 * i);
        return v;
    }

    private long beLong(int n) throws IOException {
        long v = 0;
        for (int i = 0; i < n; i++) v = (v << 8) | u8();
        return v;
    }

    /** Exactly len bytes; memory grows with what actually arrives, so a lying length cannot allocate much. */
    byte[] bytes(long len) throws IOException {
        int n = (int) len;
        byte[] out = new byte[Math.min(n, 1 << 20)];
        int got = 0;
        while (got < n) {
            if (pos == lim && !fill()) throw new EOFException();
            if (got == out.length) out = Arrays.copyOf(out, (int) Math.min(n, out.length * 2L));
            int k = Math.min(lim - pos, out.length - got);
            System.arraycopy(buf, pos, out, got, k);
            pos += k;
            got += k;
        }
        return out;
    }

    private boolean fill() throws IOException {
        updateCrc();
        bufStart += lim;
        pos = 0;
        lim = 0;
        crcPos = 0;
        int r;
        do {
            r = in.read(buf, 0, buf.length);
        } while (r == 0);
        if (r < 0) return false;
        lim = r;
        return true;
    }

    private void updateCrc() {
        if (pos > crcPos) {
            crc = Crc64.update(crc, buf, crcPos, pos - crcPos);
            crcPos = pos;
        }
    }

    // ---- DUMP / RESTORE -----------------------------------------------------------------------

    /**
     * verifyDumpPayload: at least 10 bytes, an RDB version no newer than {@link RdbType#VERSION}
     * and a matching CRC64 (unless the checksum check is skipped).
     */
    public static boolean verifyDumpPayload(byte[] p, boolean checkCrc) {
        if (p.length < 10) return false;
        int footer = p.length - 10;
        int ver = (p[footer] & 0xff) | (p[footer + 1] & 0xff) << 8;
        if (ver > RdbType.VERSION) return false;
        if (!checkCrc) return true;
        long c = Crc64.of(p, 0, p.length - 8);
        for (int i = 0; i < 8; i++) {
            if (p[footer + 2 + i] != (byte) (c >>> (8 * i))) return false;
        }
        return true;
    }

    /** RESTORE's rdbLoadObjectType + rdbLoadObject; a failure or an empty value is an RdbException. */
    public static Object readDumpValue(byte[] payload) throws RdbException {
        return readDumpValue(payload, Limits.defaults());
    }

    public static Object readDumpValue(byte[] payload, Limits limits) throws RdbException {
        // Redis reads the object from the whole payload, footer included (rioInitWithBuffer)
        RdbReader r = new RdbReader(new ByteArrayInputStream(payload), false, limits);
        r.version = RdbType.VERSION;
        try {
            int type = r.u8();
            if (type >= RdbType.OPCODE_SLOT_INFO) throw new RdbException(0, "not an object type: " + type);
            Object v = r.object(type, 0);
            if (v == null) throw new RdbException(r.offset(), "empty value");
            return v;
        } catch (RdbException e) {
            throw e;
        } catch (EOFException e) {
            throw new RdbException(r.offset(), "payload truncated");
        } catch (IOException | RuntimeException e) {
            throw new RdbException(r.offset(), "malformed payload (" + e + ")", e);
        }
    }

}
