package io.meridian.node.rdb;

import io.meridian.node.keyspace.Database;
import io.meridian.node.keyspace.Entry;
import io.meridian.node.keyspace.HashValue;
import io.meridian.node.keyspace.Keyspace;
import io.meridian.node.keyspace.ListValue;
import io.meridian.node.keyspace.SetValue;
import io.meridian.node.keyspace.ZSetValue;
import io.meridian.node.util.DoubleFormat;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Redis's dataset digest (debug.c computeDatasetDigest / xorObjectDigest): the 40 hex digits
 * DEBUG DIGEST and DEBUG DIGEST-VALUE print. Unordered things (keys, set members, hash
 * fields, zset members) are combined by XOR of SHA1s ({@code xor}); ordered things (a key's
 * own parts, list elements) by feeding the running digest back into SHA1 ({@code mix}).
 * Logically expired keys still in the table count, as in Redis.
 */
public final class Digest {
    private static final byte[] EXPIRE_MARK = "!!expire!!".getBytes(StandardCharsets.US_ASCII);
    private static final int OBJ_STRING = 0, OBJ_LIST = 1, OBJ_SET = 2, OBJ_ZSET = 3, OBJ_HASH = 4;

    private final MessageDigest sha1;

    private Digest() {
        try {
            sha1 = MessageDigest.getInstance("SHA-1");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** DEBUG DIGEST: all zeros for an empty dataset. */
    public static String dataset(Keyspace ks) {
        Digest d = new Digest();
        byte[] fin = new byte[20];
        for (int j = 0; j < ks.size(); j++) {
            Database db = ks.db(j);
            if (db.size() == 0) continue;
            d.mix(fin, new byte[]{(byte) (j >>> 24), (byte) (j >>> 16), (byte) (j >>> 8), (byte) j});
            db.forEach(e -> {
                byte[] kv = new byte[20];
                d.mix(kv, e.key);
                d.object(kv, e.value, e.expireAt >= 0);
                d.xor(fin, kv);
            });
        }
        return hex(fin);
    }

    /** DEBUG DIGEST-VALUE of one key: the value's digest without the key name. */
    public static String value(Entry e) {
        return value(e.value, e.expireAt >= 0);
    }

    /** DEBUG DIGEST-VALUE of a value; all zeros for null (a missing key). */
    public static String value(Object value, boolean hasExpire) {
        byte[] out = new byte[20];
        if (value != null) new Digest().object(out, value, hasExpire);
        return hex(out);
    }

    private void object(byte[] digest, Object o, boolean hasExpire) {
        if (o instanceof io.meridian.node.keyspace.AppendableString a) o = a.toBytes();
        if (o instanceof byte[] s) {
            mixInt(digest, OBJ_STRING);
            mix(digest, s);
        } else if (o instanceof ListValue l) {
            mixInt(digest, OBJ_LIST);
            for (int i = 0; i < l.size(); i++) mix(digest, l.get(i));
        } else if (o instanceof SetValue s) {
            mixInt(digest, OBJ_SET);
            s.forEach(m -> xor(digest, m));
        } else if (o instanceof ZSetValue z) {
            mixInt(digest, OBJ_ZSET);
            // a listpack holds -0 as the integer 0 (t_zset.c zzlInsertAt), a skiplist keeps it
            boolean listpack = "listpack".equals(z.encoding());
            z.forEachInOrder((m, score) -> {
                byte[] ele = new byte[20];
                mix(ele, m);
                double s = listpack && score == 0 ? 0.0 : score;
                mix(ele, DoubleFormat.g17(s).getBytes(StandardCharsets.US_ASCII));
                xor(digest, ele);
            });
        } else if (o instanceof HashValue h) {
            mixInt(digest, OBJ_HASH);
            h.forEach((f, v) -> {
                byte[] ele = new byte[20];
                mix(ele, f);
                mix(ele, v);
                xor(digest, ele);
            });
        } else {
            throw new IllegalStateException("unknown value class " + o.getClass());
        }
        if (hasExpire) xor(digest, EXPIRE_MARK);
    }

    private void mixInt(byte[] digest, int v) {
        mix(digest, new byte[]{(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v});
    }

    /** digest ^= SHA1(data) */
    private void xor(byte[] digest, byte[] data) {
        xorInto(digest, sha1.digest(data));
    }

    /** digest = SHA1(digest ^ SHA1(data)) */
    private void mix(byte[] digest, byte[] data) {
        xor(digest, data);
        System.arraycopy(sha1.digest(digest), 0, digest, 0, 20);
    }

    private static void xorInto(byte[] digest, byte[] h) {
        for (int i = 0; i < 20; i++) digest[i] ^= h[i];
    }

    static String hex(byte[] b) {
        StringBuilder sb = new StringBuilder(b.length * 2);
        for (byte x : b) sb.append(Character.forDigit((x >> 4) & 15, 16)).append(Character.forDigit(x & 15, 16));
        return sb.toString();
    }
}
