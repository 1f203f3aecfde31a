package io.meridian.node.repl.replica;

import io.meridian.node.testing.RealRedis;
import io.meridian.node.testing.RespClient;
import io.meridian.node.testing.TestNode;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A master that answers PSYNC with an error (one that predates PSYNC, or a proxy): the replica
 * falls back to SYNC as Redis's does, loads the RDB that follows without +FULLRESYNC, applies
 * the stream after it, and sends no REPLCONF ACK such a master would not understand.
 */
class SyncFallbackTest {
    @Test
    void aMasterWithoutPsyncIsSyncedWithSync() throws Exception {
        byte[] rdb;
        try (RealRedis r = RealRedis.start(); RespClient c = new RespClient(r.host(), r.port())) {
            for (int i = 0; i < 50; i++) c.call("SET", "k" + i, "v" + i);
            c.call("SAVE");
            rdb = Files.readAllBytes(r.dir().resolve("dump.rdb"));
        }
        byte[] image = rdb;
        try (FakeMaster fake = new FakeMaster(
                (psync, n, out) -> {
                    FakeMaster.write(out, "-ERR unknown command 'PSYNC'\r\n");
                    return true;
                },
                (sync, n, out) -> {
                    FakeMaster.write(out, "$" + image.length + "\r\n");
                    out.write(image);
                    FakeMaster.write(out, "*3\r\n$3\r\nSET\r\n$5\r\nafter\r\n$1\r\n1\r\n");
                    return true;
                });
             ReplTesting.LogCapture log = new ReplTesting.LogCapture();
             TestNode n = TestNode.start("--replicaof", "127.0.0.1", Integer.toString(fake.port()));
             RespClient c = new RespClient(n.host(), n.port())) {
            log.awaitLine("Retrying with SYNC...");
            log.awaitLine("MASTER <-> REPLICA sync: Finished with success");
            long deadline = System.currentTimeMillis() + 30_000;
            while (!"1".equals(c.call("GET", "after")) && System.currentTimeMillis() < deadline) Thread.sleep(20);
            assertEquals("1", c.call("GET", "after"));
            assertEquals(51L, c.call("DBSIZE"));
            assertEquals("v7", c.call("GET", "k7"));
            String info = (String) c.call("INFO", "replication");
            assertTrue(info.contains("master_link_status:up"), info);
            Thread.sleep(1500); // an ACK would have gone out by now
            assertTrue(fake.commands("REPLCONF").stream().noneMatch(a -> a.size() > 1 && a.get(1).equalsIgnoreCase("ACK")),
                    "no REPLCONF ACK to a master without PSYNC: " + fake.commands("REPLCONF"));
            assertEquals(1, fake.commands("SYNC").size());
        }
    }
}
