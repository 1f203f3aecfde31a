package io.meridian.node.rdb;

import io.meridian.node.keyspace.Keyspace;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.time.Clock;
import java.time.Duration;
import java.util.Random;

import static io.meridian.node.rdb.Dataset.b;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Corrupt input: flipped bytes, truncations, lying lengths and garbage blobs end in an
 * {@link RdbException} (or, with the checksum off, possibly a clean load), never another
 * exception, a hang or a large allocation.
 */
class RdbFuzzTest {
    private static byte[] file(Dataset d) throws Exception {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        RdbWriter.save(d.ks, bos, RdbWriter.Options.defaults(), "7.0.15", 0, null);
        return bos.toByteArray();
    }

    private static Dataset small() {
        return new Dataset().string("s", "hello").string("i", "42").string("l", "abc".repeat(20))
                .list("list", b("a"), b("1"), b("bb")).set("ints", b("1"), b("2")).set("strs", b("x"), b("y"))
                .zset("z", "m", 1.5, "n", 2).hash("h", b("f"), b("v"))
                .expireAt("s", System.currentTimeMillis() + 100_000);
    }

    /** Loads; returns true on success, false on RdbException; fails on anything else. */
    private static boolean load(byte[] data, boolean checksum) {
        try {
            RdbLoader.load(new ByteArrayInputStream(data), new Keyspace(16, Clock.systemUTC()), -1, checksum);
            return true;
        } catch (RdbException e) {
            assertTrue(e.offset() >= 0 && e.offset() <= data.length + 8, e.getMessage());
            return false;
        } catch (Throwable t) {
            throw new AssertionError("not an RdbException: " + t, t);
        }
    }

    @Test
    void flippedBytesAreRejected() {
        assertTimeoutPreemptively(Duration.ofSeconds(120), () -> {
            for (byte[] base : new byte[][]{file(Dataset.varied()), file(small()), LegacyRdbTest.legacyFile(9, true)}) {
                assertTrue(load(base, true));
                Random rnd = new Random(base.length);
                for (int iter = 0; iter < 1500; iter++) {
                    byte[] f = base.clone();
                    int flips = 1 + rnd.nextInt(4);
                    for (int k = 0; k < flips; k++) f[rnd.nextInt(f.length)] ^= (byte) (1 + rnd.nextInt(255));
                    if (java.util.Arrays.equals(f, base)) continue;
                    assertEquals(false, load(f, true), "iteration " + iter + " was accepted");
                    load(f, false); // without the checksum the decoders alone must hold
                }
            }
        });
    }

    @Test
    void everyTruncationIsRejected() {
        assertTimeoutPreemptively(Duration.ofSeconds(120), () -> {
            byte[] s = file(small());
            for (int len = 0; len < s.length; len++) {
                assertEquals(false, load(java.util.Arrays.copyOf(s, len), true), "prefix " + len);
                assertEquals(false, load(java.util.Arrays.copyOf(s, len), false), "prefix " + len);
            }
            byte[] legacy = LegacyRdbTest.legacyFile(9, true);
            for (int len = 0; len < legacy.length; len += 7) assertEquals(false, load(java.util.Arrays.copyOf(legacy, len), true));
            byte[] big = file(Dataset.varied());
            Random rnd = new Random(1);
            for (int i = 0; i < 300; i++) {
                int len = rnd.nextInt(big.length);
                assertEquals(false, load(java.util.Arrays.copyOf(big, len), true), "prefix " + len);
            }
        });
    }

    @Test
    void lyingLengthsAllocateOnlyWhatArrives() throws Exception {
        // a 4 GB string, a 2^62 element list, an LZF string claiming 1 GB from 4 bytes
        byte[][] bodies = {
                {0, 3, 'k', 'e', 'y', (byte) 0x80, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xF0, 'a', 'b'},
                {1, 1, 'k', (byte) 0x81, 0x40, 0, 0, 0, 0, 0, 0, 0, 1, 'a'},
                {0, 1, 'k', (byte) 0xC3, 4, (byte) 0x80, 0x40, 0, 0, 0, 1, 2, 3, 4},
                {18, 1, 'k', 1, 2, (byte) 0x80, 0x7F, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 1},
        };
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
            for (byte[] body : bodies) {
                ByteArrayOutputStream bos = new ByteArrayOutputStream();
                bos.writeBytes(b("REDIS0010"));
                bos.write(254);
                bos.write(0);
                bos.writeBytes(body);
                RdbException e = assertThrows(RdbException.class,
                        () -> RdbLoader.load(new ByteArrayInputStream(bos.toByteArray()), new Keyspace(16, Clock.systemUTC()), -1, true));
                assertTrue(e.offset() >= 11, e.getMessage());
            }
        });
    }

    @Test
    void mutatedDumpPayloadsAreBadFormatOrValid() {
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            Dataset d = Dataset.varied();
            Random rnd = new Random(3);
            d.ks.db(0).forEach(e -> {
                byte[] p = RdbWriter.dumpPayload(e.value, RdbWriter.Options.defaults());
                try {
                    RdbReader.readDumpValue(p);
                } catch (RdbException x) {
                    fail(x);
                }
                for (int i = 0; i < 200; i++) {
                    byte[] m = p.clone();
                    m[rnd.nextInt(m.length)] ^= (byte) (1 + rnd.nextInt(255));
                    if (rnd.nextBoolean()) m = java.util.Arrays.copyOf(m, rnd.nextInt(m.length));
                    try {
                        RdbReader.readDumpValue(m);
                    } catch (RdbException x) {
                        // expected for most
                    } catch (Throwable t) {
                        throw new AssertionError("not an RdbException: " + t, t);
                    }
                }
            });
        });
    }

    @Test
    void garbageBlobsAreRejectedByTheirDecoders() {
        Random rnd = new Random(11);
        byte[][] valid = {
                new Listpack.Builder().add(b("a")).addInt(-5).add(b("x".repeat(70))).addInt(1L << 40).add(b("y".repeat(5000))).build(),
                LegacyRdbTest.ziplist(b("a"), b("12"), b("-70000"), b("x".repeat(300)), b("3000000000")),
                Intset.encode(new long[]{1, 2, 70000}),
                LegacyRdbTest.zipmap(b("f"), b("v"), b("g"), b("w".repeat(300))),
        };
        for (int iter = 0; iter < 20000; iter++) {
            int kind = iter % 4;
            byte[] blob;
            if (rnd.nextInt(4) == 0) {
                blob = new byte[rnd.nextInt(40)];
                rnd.nextBytes(blob);
            } else {
                blob = valid[kind].clone();
                int flips = 1 + rnd.nextInt(3);
                for (int k = 0; k < flips; k++) blob[rnd.nextInt(blob.length)] ^= (byte) (1 + rnd.nextInt(255));
                if (rnd.nextInt(3) == 0) blob = java.util.Arrays.copyOf(blob, rnd.nextInt(blob.length + 1));
            }
            try {
                switch (kind) {
                    case 0 -> Listpack.decode(blob, 0);
                    case 1 -> Ziplist.decode(blob, 0);
                    case 2 -> Intset.decode(blob, 0);
                    default -> Zipmap.decode(blob, 0);
                }
            } catch (RdbException e) {
                // expected
            } catch (Throwable t) {
                throw new AssertionError("decoder " + kind + " threw " + t, t);
            }
        }
    }
}
