package io.meridian.node.rdb;

import io.meridian.node.keyspace.Keyspace;
import io.meridian.node.testing.RealRedis;
import io.meridian.node.testing.RespClient;
import org.junit.jupiter.api.Test;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** RDB files across Meridian and the real redis-server 7.0, in both directions, checked by DEBUG DIGEST and redis-check-rdb. */
class RdbInteropTest {

    private static String digest(RespClient c) {
        return ((RespClient.Simple) c.call("DEBUG", "DIGEST")).text();
    }

    private static void checkRdb(Path file) throws Exception {
        Process p = new ProcessBuilder(RealRedis.binary("redis-check-rdb"), file.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("RDB looks OK"), out);
    }

    private static void writeAndLoadInRedis(Dataset d, RdbWriter.Options o) throws Exception {
        Path dir = Files.createTempDirectory("rdb-out");
        Path file = dir.resolve("meridian.rdb");
        try (OutputStream out = Files.newOutputStream(file)) {
            RdbWriter.save(d.ks, out, o, "7.0.15", 1_000_000, new RdbWriter.ReplInfo("0123456789abcdef0123456789abcdef01234567", 12345, 0));
        }
        checkRdb(file);
        try (RealRedis r = RealRedis.start("--dir", dir.toString(), "--dbfilename", "meridian.rdb",
                "--rdbchecksum", o.checksum() ? "yes" : "no", "--list-max-listpack-size", Integer.toString(o.listMaxListpackSize()));
             RespClient c = new RespClient(r.host(), r.port())) {
            assertEquals(digest(c), Digest.dataset(d.ks));
            if (d.ks.totalKeys() > 0) assertNotEquals("0".repeat(40), digest(c));
        }
    }

    @Test
    void meridianWritesWhatRedisLoads() throws Exception {
        writeAndLoadInRedis(Dataset.varied(), RdbWriter.Options.defaults());
    }

    @Test
    void withoutCompressionOrChecksum() throws Exception {
        writeAndLoadInRedis(Dataset.varied(), new RdbWriter.Options(false, false, -2));
    }

    @Test
    void countBasedListNodes() throws Exception {
        writeAndLoadInRedis(new Dataset().list("l", Dataset.strings("e", 1000)).list("one", Dataset.b("x")), new RdbWriter.Options(true, true, 5));
    }

    @Test
    void compressedQuicklistNodes() throws Exception {
        writeAndLoadInRedis(new Dataset().list("l", Dataset.strings("abcabc", 5000)), new RdbWriter.Options(true, true, -2, 2));
    }

    @Test
    void emptyDataset() throws Exception {
        writeAndLoadInRedis(new Dataset(), RdbWriter.Options.defaults());
    }

    private static RdbLoader.Result loadFromRedisSave(Dataset d, String... redisArgs) throws Exception {
        try (RealRedis r = RealRedis.start(redisArgs); RespClient c = new RespClient(r.host(), r.port())) {
            d.applyTo(c);
            assertEquals(new RespClient.Simple("OK"), c.call("SAVE"));
            String real = digest(c);
            Keyspace ks = new Keyspace(16, Clock.systemUTC());
            RdbLoader.Result res;
            try (InputStream in = new BufferedInputStream(Files.newInputStream(r.dir().resolve("dump.rdb")))) {
                res = RdbLoader.load(in, ks, System.currentTimeMillis(), true);
            }
            assertEquals(real, Digest.dataset(ks));
            assertEquals(10, res.version);
            assertEquals("7.0.15", res.auxText("redis-ver"));
            return res;
        }
    }

    @Test
    void redisWritesWhatMeridianLoads() throws Exception {
        RdbLoader.Result res = loadFromRedisSave(Dataset.varied());
        assertTrue(res.keysLoaded > 20);
    }

    @Test
    void redisFileWithoutCompression() throws Exception {
        loadFromRedisSave(Dataset.varied(), "--rdbcompression", "no");
    }

    @Test
    void redisFileWithCompressedQuicklistNodes() throws Exception {
        loadFromRedisSave(new Dataset().list("l", Dataset.strings("abcabcabc", 3000)), "--list-compress-depth", "1");
    }

    @Test
    void replicationAuxFieldsRoundTrip() throws Exception {
        Dataset d = new Dataset().string("a", "1");
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        RdbWriter.save(d.ks, bos, RdbWriter.Options.defaults(), "7.0.15", 42, new RdbWriter.ReplInfo("f".repeat(40), 987654321012L, 3));
        RdbLoader.Result res = RdbLoader.load(new java.io.ByteArrayInputStream(bos.toByteArray()), new Keyspace(16, Clock.systemUTC()), -1, true);
        assertEquals("f".repeat(40), res.replId);
        assertEquals(987654321012L, res.replOffset);
        assertEquals(3, res.replStreamDb);
        assertEquals(List.of("redis-ver", "redis-bits", "ctime", "used-mem", "repl-stream-db", "repl-id", "repl-offset", "aof-base"), List.copyOf(res.aux.keySet()));
        assertEquals(1, res.keysLoaded);
    }
}
