package io.meridian.node.server;

import io.meridian.node.testing.RealRedis;
import io.meridian.node.testing.RespClient;
import io.meridian.node.testing.TestNode;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** SHUTDOWN and its steps; DEBUG refused unless enable-debug-command allows it, with Redis's exact error. */
class ShutdownAndDebugGateTest {
    private static boolean accepts(int port) {
        try (Socket s = new Socket("127.0.0.1", port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Test
    void debugIsRefusedAsRedisRefusesIt() {
        try (RealRedis redis = RealRedis.start("--enable-debug-command", "no");
             TestNode node = TestNode.start("--enable-debug-command", "no");
             RespClient r = new RespClient(redis.host(), redis.port());
             RespClient m = new RespClient(node.host(), node.port())) {
            for (String[] cmd : List.<String[]>of(new String[]{"DEBUG", "SLEEP", "0"}, new String[]{"DEBUG", "nosuch"},
                    new String[]{"DEBUG"}, new String[]{"DEBUG", "DIGEST"})) {
                assertEquals(r.call(cmd), m.call(cmd), String.join(" ", cmd));
            }
            assertEquals(new RespClient.Err("ERR DEBUG command not allowed. If the enable-debug-command option is set to \"local\", "
                    + "you can run it from a local connection, otherwise you need to set this option in the configuration file, "
                    + "and then restart the server."), m.call("DEBUG", "SLEEP", "0"));
            // refused before queuing: the transaction is aborted, as Redis does
            for (String[] cmd : List.<String[]>of(new String[]{"MULTI"}, new String[]{"DEBUG", "SLEEP", "0"}, new String[]{"EXEC"},
                    new String[]{"CONFIG", "SET", "enable-debug-command", "yes"})) {
                assertEquals(r.call(cmd), m.call(cmd), String.join(" ", cmd));
            }
        }
        try (RealRedis redis = RealRedis.start("--enable-debug-command", "local");
             TestNode node = TestNode.start("--enable-debug-command", "local");
             RespClient r = new RespClient(redis.host(), redis.port());
             RespClient m = new RespClient(node.host(), node.port())) {
            assertEquals(r.call("DEBUG", "SLEEP", "0"), m.call("DEBUG", "SLEEP", "0"), "allowed from a loopback connection");
            assertEquals(new RespClient.Simple("OK"), m.call("DEBUG", "SLEEP", "0"));
        }
    }

    @Test
    void shutdownStopsTheNodeAfterItsSteps() throws Exception {
        TestNode node = TestNode.start();
        try (RespClient c = new RespClient(node.host(), node.port())) {
            List<Shutdown.Options> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
            AtomicReference<String> failure = new AtomicReference<>("disk full");
            node.node().shutdown().addStep(o -> {
                seen.add(o);
                return failure.get();
            });
            CountDownLatch stopped = new CountDownLatch(1);
            node.node().shutdown().afterStop(stopped::countDown);

            assertEquals(new RespClient.Err("ERR Errors trying to SHUTDOWN. Check logs."), c.call("SHUTDOWN", "SAVE"));
            assertEquals(new Shutdown.Options(true, false, false, false), seen.get(0));
            assertEquals(new RespClient.Simple("PONG"), c.call("PING"), "a refused shutdown leaves the node serving");
            assertEquals(new RespClient.Err("ERR Command not allowed inside a transaction"), multiShutdown(c));

            failure.set(null);
            c.send("SHUTDOWN", "NOSAVE", "NOW");
            assertTrue(c.isClosedByServer(10_000), "no reply: the connection closes");
            assertTrue(stopped.await(10, TimeUnit.SECONDS), "after-stop actions run");
            assertEquals(new Shutdown.Options(false, true, true, false), seen.get(1));
            assertFalse(accepts(node.port()), "the listener is closed");
        } finally {
            node.close();
        }
    }

    private static Object multiShutdown(RespClient c) {
        c.call("MULTI");
        Object reply = c.call("SHUTDOWN");
        c.call("DISCARD");
        return reply;
    }

    @Test
    void shutdownForceIgnoresAFailedStepAndRedisClosesTheSameWay() throws Exception {
        TestNode node = TestNode.start();
        try (RespClient c = new RespClient(node.host(), node.port())) {
            node.node().shutdown().addStep(o -> "disk full");
            c.send("SHUTDOWN", "FORCE");
            assertTrue(c.isClosedByServer(10_000));
            long deadline = System.currentTimeMillis() + 10_000;
            while (accepts(node.port()) && System.currentTimeMillis() < deadline) Thread.sleep(50);
            assertFalse(accepts(node.port()));
        } finally {
            node.close();
        }
        try (RealRedis redis = RealRedis.start(); RespClient r = new RespClient(redis.host(), redis.port())) {
            r.send("SHUTDOWN", "NOSAVE");
            assertTrue(r.isClosedByServer(10_000), "redis-server answers SHUTDOWN the same way: by closing");
        }
    }
}
