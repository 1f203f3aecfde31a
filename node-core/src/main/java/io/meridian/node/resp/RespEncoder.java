package io.meridian.node.resp;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** Commands as RESP multibulk bytes: what the replication stream and clients of other nodes send. */
public final class RespEncoder {
    private RespEncoder() {}

    /** The size of {@link #command}'s result, without building it. */
    public static int encodedLength(byte[]... argv) {
        int size = 1 + digits(argv.length) + 2;
        for (byte[] a : argv) size += 1 + digits(a.length) + 2 + a.length + 2;
        return size;
    }

    public static byte[] command(byte[]... argv) {
        byte[] out = new byte[encodedLength(argv)];
        int p = 0;
        out[p++] = '*';
        p = putLong(out, p, argv.length);
        out[p++] = '\r';
        out[p++] = '\n';
        for (byte[] a : argv) {
            out[p++] = '$';
            p = putLong(out, p, a.length);
            out[p++] = '\r';
            out[p++] = '\n';
            System.arraycopy(a, 0, out, p, a.length);
            p += a.length;
            out[p++] = '\r';
            out[p++] = '\n';
        }
        return out;
    }

    public static byte[] command(String... argv) {
        byte[][] b = new byte[argv.length][];
        for (int i = 0; i < argv.length; i++) b[i] = argv[i].getBytes(StandardCharsets.UTF_8);
        return command(b);
    }

    private static int digits(long n) {
        // lengths and counts are small: a comparison ladder, no division
        if (n < 10) return 1;
        if (n < 100) return 2;
        if (n < 1000) return 3;
        if (n < 10000) return 4;
        if (n < 100000) return 5;
        int d = 6;
        for (long x = n / 1000000; x > 0; x /= 10) d++;
        return d;
    }

    private static int putLong(byte[] out, int p, long n) {
        int d = digits(n);
        for (int i = p + d - 1; i >= p; i--) {
            out[i] = (byte) ('0' + n % 10);
            n /= 10;
        }
        return p + d;
    }

    public static void write(ByteArrayOutputStream out, byte[]... argv) {
        out.writeBytes(command(argv));
    }
}
