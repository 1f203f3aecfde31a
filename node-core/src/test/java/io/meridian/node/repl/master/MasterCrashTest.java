package io.meridian.node.repl.master;

import io.meridian.node.persist.CrashNodeMain;
import io.meridian.node.testing.RealRedis;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.meridian.node.repl.master.ReplTesting.assertSameData;
import static io.meridian.node.repl.master.ReplTesting.field;
import static io.meridian.node.repl.master.ReplTesting.longField;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A Meridian master killed with SIGKILL under load, restarted on its directory and port: it
 * keeps its replid and its log (which always holds what its replicas got), so a real Redis
 * replica comes back with a partial resync and the same data. A crashed redis-server master
 * cannot offer that.
 */
class MasterCrashTest {
    @TempDir
    Path dir;

    private Process launch(int port) throws Exception {
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp", cp, CrashNodeMain.class.getName(),
                "--port", Integer.toString(port), "--bind", "127.0.0.1", "--dir", dir.toString(), "--save", "",
                "--repl-diskless-sync", "no", "--enable-debug-command", "yes"));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(Files.createTempFile(dir, "node", ".log").toFile()).start();
        long deadline = System.currentTimeMillis() + 120_000;
        while (System.currentTimeMillis() < deadline) {
            try (Jedis j = new Jedis("127.0.0.1", port, 2000)) {
                if ("PONG".equals(j.ping())) return p;
            } catch (RuntimeException notYet) {
                if (!p.isAlive()) throw new AssertionError("node exited with " + p.exitValue());
                Thread.sleep(100);
            }
        }
        throw new AssertionError("node did not start");
    }

    @Test
    void killedMasterUnderLoadKeepsItsReplicaOnAPartialResync() throws Exception {
        int port = RealRedis.freePort();
        Process master = launch(port);
        try (RealRedis replica = RealRedis.start("--replicaof", "127.0.0.1", Integer.toString(port));
             Jedis r = new Jedis(replica.host(), replica.port(), 30_000)) {
            String replid;
            try (Jedis m = new Jedis("127.0.0.1", port, 30_000)) {
                ReplTesting.fill(m, 20_000);
                replid = field(m.info("replication"), "master_replid");
                ReplTesting.Writer w = new ReplTesting.Writer("127.0.0.1", port, false);
                w.start();
                ReplTesting.waitInSync(m, r, 60_000);
                Thread.sleep(1500);
                assertTrue(w.ops.get() > 0);
                w.stop.set(true);
                master.destroyForcibly(); // kill -9 with writes in flight
                assertTrue(master.waitFor(60, TimeUnit.SECONDS));
                w.close();
            }
            master = launch(port);
            try (Jedis m = new Jedis("127.0.0.1", port, 30_000)) {
                assertEquals(replid, field(m.info("replication"), "master_replid"), "the replid survives the crash");
                long deadline = System.currentTimeMillis() + 60_000;
                while (longField(m, "stats", "sync_partial_ok") < 1 && System.currentTimeMillis() < deadline) Thread.sleep(50);
                assertEquals(1, longField(m, "stats", "sync_partial_ok"), "the replica continued: " + m.info("stats")
                        + "\nreplica log:\n" + Files.readString(replica.dir().resolve("redis.log")));
                assertEquals(0, longField(m, "stats", "sync_full"));
                m.set("after", "crash");
                Thread.sleep(1200); // the writer's short TTLs run out
                ReplTesting.expireDue(m);
                assertSameData(m, r);
                assertEquals("crash", r.get("after"));
            }
        } finally {
            master.destroyForcibly();
            master.waitFor(60, TimeUnit.SECONDS);
        }
    }
}
