package io.meridian.node.audit;

import io.meridian.node.keyspace.AppendableString;
import io.meridian.node.testing.Differential;
import io.meridian.node.testing.RespClient;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * APPEND builds long strings in amortised O(1) per byte (a growable buffer, as Redis's sds),
 * and the value reads the same through every command, DUMP/RESTORE, a snapshot and a reload
 * as on redis-server.
 */
class AppendGrowthTest {

    @Test
    void aGrowingBufferReallocatesGeometrically() {
        AppendableString s = new AppendableString(new byte[300], 100);
        byte[] piece = new byte[100];
        Arrays.fill(piece, (byte) 'x');
        int reallocations = 0;
        int cap = s.capacity();
        for (int i = 0; i < 20_000; i++) {
            s.append(piece);
            if (s.capacity() != cap) {
                reallocations++;
                cap = s.capacity();
            }
        }
        assertEquals(300 + 2_000_000, s.length());
        // doubling up to 1 MB, then +1 MB: a handful of copies, not one per append
        assertTrue(reallocations <= 16, "reallocations " + reallocations);
        byte[] b = s.toBytes();
        assertEquals(s.length(), b.length);
        assertEquals('x', b[b.length - 1]);
        assertEquals(0, b[0]);
    }

    @Test
    void appendedStringsReadTheSameAsOnRedis() {
        try (Differential d = new Differential()) {
            StringBuilder piece = new StringBuilder();
            for (int i = 0; i < 97; i++) piece.append((char) ('a' + i % 26));
            for (int i = 0; i < 600; i++) {
                d.check("APPEND", "log", piece + ":" + i + ";");
                if (i % 50 == 7) {
                    d.check("STRLEN", "log");
                    d.check("GETRANGE", "log", "-40", "-1");
                    d.check("OBJECT", "ENCODING", "log");
                    d.check("TYPE", "log");
                }
                if (i == 300) {
                    d.check("SETRANGE", "log", "5", "XYZ");
                    d.check("INCR", "log");
                    d.check("EXPIRE", "log", "1000");
                    d.check("LPUSH", "log", "x");
                }
                if (i % 100 == 99) d.check("GET", "log");
            }
            d.check("TTL", "log");
            d.check("APPEND", "small", "a");
            d.check("APPEND", "small", "b");
            d.check("OBJECT", "ENCODING", "small");
            d.check("COPY", "log", "log2");
            d.check("APPEND", "log", "tail");
            d.check("GET", "log2");
            d.check("STRLEN", "log");
            d.assertSameDigest();
        }
    }

    @Test
    void anAppendingValueSurvivesDumpSnapshotAndReload() {
        try (Differential d = new Differential()) {
            RespClient m = d.meridianClient();
            for (int i = 0; i < 2000; i++) d.both("APPEND", "k", "0123456789abcdef-" + i);
            // DUMP of a value still in its growable form restores to the same bytes
            Object dump = m.call("DUMP", "k");
            assertTrue(dump instanceof String); // bulk replies read as ISO-8859-1 text: byte for byte
            m.call("RESTORE".getBytes(), "k2".getBytes(), "0".getBytes(), ((String) dump).getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
            assertEquals(m.call("GET", "k"), m.call("GET", "k2"));
            m.call("DEL", "k2");
            for (int i = 0; i < 500; i++) d.both("APPEND", "k", "more-" + i);
            // DEBUG DIGEST-VALUE looks at the value without a lookup
            d.check("DEBUG", "DIGEST-VALUE", "k");
            assertTrue(((Long) m.call("MEMORY", "USAGE", "k")) > 20_000);
            for (int i = 0; i < 500; i++) d.both("APPEND", "k", "after-" + i);
            d.both("SAVE");
            d.both("DEBUG", "RELOAD");
            d.check("GET", "k");
            d.assertSameDigest();
        }
    }
}
