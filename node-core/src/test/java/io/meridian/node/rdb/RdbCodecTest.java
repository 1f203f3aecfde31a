package io.meridian.node.rdb;

import io.meridian.node.testing.RealRedis;
import io.meridian.node.testing.RespClient;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static io.meridian.node.rdb.Dataset.b;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The building blocks: CRC64, LZF, canonical integers, listpack and intset bytes as Redis makes them. */
class RdbCodecTest {

    @Test
    void crc64MatchesRedisTestVector() {
        byte[] v = b("123456789");
        assertEquals(0xe9c6d914c4b8d9caL, Crc64.of(v, 0, v.length));
        byte[] big = new byte[1000];
        new Random(5).nextBytes(big);
        long whole = Crc64.of(big, 0, big.length);
        long split = Crc64.update(Crc64.of(big, 0, 333), big, 333, big.length - 333);
        assertEquals(whole, split);
    }

    @Test
    void lzfRoundTrips() {
        Random rnd = new Random(9);
        for (int i = 0; i < 2000; i++) {
            int len = 1 + rnd.nextInt(i < 1000 ? 100 : 20000);
            byte[] in = new byte[len];
            int alphabet = 1 + rnd.nextInt(i % 3 == 0 ? 256 : 4);
            for (int k = 0; k < len; k++) in[k] = (byte) rnd.nextInt(alphabet);
            byte[] out = new byte[len + len / 16 + 64]; // literal runs add one byte per 32
            int clen = Lzf.compress(in, len, out, out.length);
            assertTrue(clen > 0);
            byte[] back = new byte[len];
            assertEquals(len, Lzf.decompress(out, clen, back));
            assertArrayEquals(in, back);
            byte[] tight = new byte[Math.max(1, len - 4)];
            int c2 = Lzf.compress(in, len, tight, len - 4);
            if (c2 > 0) assertArrayEquals(Arrays.copyOf(out, clen), Arrays.copyOf(tight, c2));
        }
        assertEquals(-1, Lzf.decompress(new byte[]{(byte) 0xE0, 5, 0}, 3, new byte[100]));
        assertEquals(-1, Lzf.decompress(new byte[]{5, 'a'}, 2, new byte[100]));
    }

    @Test
    void integerTextIsString2ll() {
        for (String s : List.of("0", "1", "-1", "123", "9223372036854775807", "-9223372036854775808")) {
            long[] v = new long[1];
            assertTrue(IntegerText.parse(b(s), 0, s.length(), v), s);
            assertEquals(Long.parseLong(s), v[0]);
        }
        for (String s : List.of("", "-", "-0", "01", "+1", " 1", "1 ", "9223372036854775808", "-9223372036854775809", "1a", "99999999999999999999")) {
            assertFalse(IntegerText.is(b(s)), s);
        }
    }

    /** Strips an RDB string (possibly LZF) off a DUMP payload after its type byte. */
    private static byte[] blobOf(byte[] payload) throws Exception {
        RdbReader r = new RdbReader(new ByteArrayInputStream(payload, 1, payload.length - 1));
        return r.string();
    }

    @Test
    void listpackAndIntsetBytesAsRedis() throws Exception {
        List<String> values = new ArrayList<>();
        long[] ints = {0, 127, 128, -1, 4095, 4096, -4096, -4097, 32767, 32768, -32768, -32769, 8388607, 8388608, -8388608,
                -8388609, 2147483647L, 2147483648L, -2147483648L, -2147483649L, Long.MAX_VALUE, Long.MIN_VALUE};
        for (long i : ints) values.add(Long.toString(i));
        for (int len : new int[]{0, 1, 63, 64, 200, 4095, 4096, 5000}) values.add("s".repeat(len));
        values.add("-0");
        values.add("007");
        try (RealRedis r = RealRedis.start("--hash-max-listpack-value", "100000", "--hash-max-listpack-entries", "1000");
             RespClient c = new RespClient(r.host(), r.port())) {
            List<byte[]> cmd = new ArrayList<>(List.of(b("HSET"), b("h")));
            Listpack.Builder lp = new Listpack.Builder();
            for (int i = 0; i < values.size(); i++) {
                cmd.add(b("f" + i));
                cmd.add(b(values.get(i)));
                lp.add(b("f" + i)).add(b(values.get(i)));
            }
            c.call(cmd.toArray(new byte[0][]));
            assertEquals("listpack", c.call("OBJECT", "ENCODING", "h"));
            byte[] payload = ((String) c.call("DUMP", "h")).getBytes(StandardCharsets.ISO_8859_1);
            assertEquals(RdbType.HASH_LISTPACK, payload[0]);
            assertArrayEquals(blobOf(payload), lp.build());
            assertEquals(values.size() * 2, Listpack.decode(lp.build(), 0).size());

            c.call("SADD", "s", "5", "-70000", "3");
            byte[] sp = ((String) c.call("DUMP", "s")).getBytes(StandardCharsets.ISO_8859_1);
            assertEquals(RdbType.SET_INTSET, sp[0]);
            assertArrayEquals(blobOf(sp), Intset.encode(new long[]{3, 5, -70000}));
        }
    }

    @Test
    void listpackCountSaturatesAt65535() throws Exception {
        Listpack.Builder lp = new Listpack.Builder();
        for (int i = 0; i < 70000; i++) lp.addInt(i % 100);
        byte[] b = lp.build();
        assertEquals(0xFF, b[4] & 0xff);
        assertEquals(0xFF, b[5] & 0xff);
        assertEquals(70000, Listpack.decode(b, 0).size());
    }
}
