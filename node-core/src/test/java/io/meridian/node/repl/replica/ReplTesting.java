package io.meridian.node.repl.replica;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.meridian.node.Node;
import io.meridian.node.testing.RespClient;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.fail;

/** Waiting, INFO parsing and log capture for the replication tests. */
final class ReplTesting {
    private ReplTesting() {}

    /** Waits (generously: the machine is shared) until cond holds; fails naming what and the last state. */
    static void await(String what, long timeoutMs, BooleanSupplier cond, Supplier<String> state) {
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (System.currentTimeMillis() < deadline) {
            if (cond.getAsBoolean()) return;
            sleep(50);
        }
        if (cond.getAsBoolean()) return;
        fail("timed out after " + timeoutMs + " ms waiting for " + what + (state == null ? "" : ": " + state.get()));
    }

    static void await(String what, BooleanSupplier cond) {
        await(what, 60_000, cond, null);
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** INFO section fields of a server (Meridian or Redis). */
    static Map<String, String> info(RespClient c, String section) {
        String text = (String) c.call("INFO", section);
        Map<String, String> m = new LinkedHashMap<>();
        for (String line : text.split("\r\n")) {
            int i = line.indexOf(':');
            if (line.isEmpty() || line.startsWith("#") || i < 0) continue;
            m.put(line.substring(0, i), line.substring(i + 1));
        }
        return m;
    }

    static long masterOffset(RespClient c) {
        return Long.parseLong(info(c, "replication").get("master_repl_offset"));
    }

    /** Runs r on the node's command thread and returns its result. */
    static <T> T onLoop(Node node, Supplier<T> r) {
        CompletableFuture<T> f = new CompletableFuture<>();
        node.loop().execute(() -> {
            try {
                f.complete(r.get());
            } catch (Throwable t) {
                f.completeExceptionally(t);
            }
        });
        try {
            return f.get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static MasterLink link(Node node) {
        return onLoop(node, () -> ReplicaOf.link(node));
    }

    /** Waits until the replica has applied everything the master has written (equal offsets). */
    static void awaitCaughtUp(RespClient master, Node replica) {
        await("the replica to reach the master's offset", 60_000, () -> {
            long m = masterOffset(master);
            long r = onLoop(replica, () -> {
                MasterLink l = ReplicaOf.link(replica);
                return l == null || !l.linkUp() ? -1L : l.replOffset();
            });
            return m == r;
        }, () -> "master " + masterOffset(master) + ", replica " + onLoop(replica, () -> {
            MasterLink l = ReplicaOf.link(replica);
            return l == null ? "no link" : l.state() + " at " + l.replOffset() + " (" + l.lastError() + ")";
        }));
    }

    /** Captures what the "meridian" logger writes while open. */
    static final class LogCapture implements AutoCloseable {
        private final Logger logger = (Logger) LoggerFactory.getLogger("meridian");
        private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

        LogCapture() {
            appender.start();
            logger.addAppender(appender);
        }

        List<String> lines() {
            synchronized (appender) {
                List<String> out = new ArrayList<>();
                for (ILoggingEvent e : appender.list) out.add(e.getFormattedMessage());
                return out;
            }
        }

        boolean has(String fragment) {
            for (String l : lines()) if (l.contains(fragment)) return true;
            return false;
        }

        long count(String fragment) {
            return lines().stream().filter(l -> l.contains(fragment)).count();
        }

        void awaitLine(String fragment) {
            await("log line '" + fragment + "'", 60_000, () -> has(fragment), () -> String.join("\n", lines()));
        }

        @Override
        public void close() {
            logger.detachAppender(appender);
        }
    }
}
