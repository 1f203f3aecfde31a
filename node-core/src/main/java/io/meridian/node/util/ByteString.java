package io.meridian.node.util;

import java.util.Arrays;

/** An immutable byte string usable as a map key (hash fields, set members, channel names). */
public final class ByteString implements Comparable<ByteString> {
    private final byte[] bytes;
    private int hash;

    public ByteString(byte[] bytes) {
        this.bytes = bytes;
    }

    public static ByteString of(byte[] b) {
        return new ByteString(b);
    }

    public static ByteString of(String s) {
        return new ByteString(Bytes.utf8(s));
    }

    public byte[] bytes() {
        return bytes;
    }

    public int length() {
        return bytes.length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ByteString other && Arrays.equals(bytes, other.bytes);
    }

    @Override
    public int hashCode() {
        int h = hash;
        if (h == 0) {
            h = Bytes.hash(bytes);
            hash = h;
        }
        return h;
    }

    /** Binary-safe comparison, as memcmp then length (Redis's sdscmp). */
    @Override
    public int compareTo(ByteString o) {
        return Arrays.compareUnsigned(bytes, o.bytes);
    }

    @Override
    public String toString() {
        return Bytes.latin1(bytes);
    }
}
