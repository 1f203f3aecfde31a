package io.meridian.node.server;

import io.meridian.node.testing.RespClient;
import io.meridian.node.testing.TestNode;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** CONFIG SET changes take effect at once: clients, timeouts, passwords, slow log, hz, latency monitoring. */
class ConfigEffectTest {
    private static final RespClient.Simple OK = new RespClient.Simple("OK");

    private static String info(RespClient c, String section) {
        Object o = c.call("INFO", section);
        return o instanceof RespClient.Verbatim v ? v.text() : (String) o;
    }

    @Test
    void maxclientsRequirepassAndTimeout() throws Exception {
        try (TestNode n = TestNode.start(); RespClient c = new RespClient(n.host(), n.port())) {
            assertEquals(OK, c.call("CONFIG", "SET", "maxclients", "2"));
            try (RespClient second = new RespClient(n.host(), n.port()); RespClient third = new RespClient(n.host(), n.port())) {
                assertEquals(new RespClient.Simple("PONG"), second.call("PING"));
                assertEquals(new RespClient.Err("ERR max number of clients reached"), third.read());
            }
            assertEquals(OK, c.call("CONFIG", "SET", "maxclients", "10000"));

            assertEquals(OK, c.call("CONFIG", "SET", "requirepass", "s3cret"));
            try (RespClient other = new RespClient(n.host(), n.port())) {
                assertEquals(new RespClient.Err("NOAUTH Authentication required."), other.call("GET", "k"));
                assertEquals(OK, other.call("AUTH", "s3cret"));
                assertEquals(null, other.call("GET", "k"));
            }
            assertEquals(null, c.call("GET", "k"), "a connection authenticated before stays so");
            assertEquals(OK, c.call("CONFIG", "SET", "requirepass", ""));

            assertEquals(OK, c.call("CONFIG", "SET", "timeout", "1"));
            try (RespClient idle = new RespClient(n.host(), n.port())) {
                assertEquals(new RespClient.Simple("PONG"), idle.call("PING"));
                assertTrue(idle.isClosedByServer(15_000), "an idle client is closed after timeout seconds");
            }
            // c was idle as long: it is gone too; a new connection turns the timeout off again
            try (RespClient again = new RespClient(n.host(), n.port())) {
                assertEquals(OK, again.call("CONFIG", "SET", "timeout", "0"));
            }
        }
    }

    @Test
    void slowlogFollowsItsDirectives() {
        try (TestNode n = TestNode.start(); RespClient c = new RespClient(n.host(), n.port())) {
            assertEquals(OK, c.call("CONFIG", "SET", "slowlog-log-slower-than", "0", "slowlog-max-len", "3"));
            c.call("SLOWLOG", "RESET");
            for (int i = 0; i < 5; i++) c.call("SET", "k" + i, "v");
            assertEquals(3L, c.call("SLOWLOG", "LEN"));
            List<?> entries = (List<?>) c.call("SLOWLOG", "GET", "-1");
            assertEquals(3, entries.size());
            List<?> newest = (List<?>) entries.get(0);
            assertEquals(List.of("SLOWLOG", "LEN"), newest.get(3));
            assertEquals(6, newest.size());
            assertEquals(OK, c.call("CONFIG", "SET", "slowlog-log-slower-than", "-1"));
            c.call("SLOWLOG", "RESET");
            c.call("SET", "x", "y");
            assertEquals(0L, c.call("SLOWLOG", "LEN"));
        }
    }

    @Test
    void hzLoglevelAndLatencyTracking() {
        try (TestNode n = TestNode.start(); RespClient c = new RespClient(n.host(), n.port())) {
            assertEquals(OK, c.call("CONFIG", "SET", "hz", "100", "loglevel", "warning"));
            assertTrue(info(c, "server").contains("\r\nhz:100\r\n"));
            assertEquals(List.of("loglevel", "warning"), c.call("CONFIG", "GET", "loglevel"));
            c.call("GET", "a");
            assertTrue(info(c, "latencystats").contains("latency_percentiles_usec_get:"));
            assertEquals(OK, c.call("CONFIG", "SET", "latency-tracking", "no"));
            assertEquals("# Latencystats\r\n", info(c, "latencystats"));
            assertEquals(OK, c.call("CONFIG", "SET", "latency-tracking", "yes", "latency-tracking-info-percentiles", "50 100"));
            c.call("CONFIG", "RESETSTAT");
            c.call("GET", "a");
            assertTrue(info(c, "latencystats").matches("(?s).*latency_percentiles_usec_get:p50=[0-9.]+,p100=[0-9.]+\r\n.*"), info(c, "latencystats"));
        }
    }

    @Test
    void latencyMonitorRecordsSlowCommands() {
        try (TestNode n = TestNode.start(); RespClient c = new RespClient(n.host(), n.port())) {
            assertTrue(((RespClient.Verbatim) asVerbatim(c.call("LATENCY", "DOCTOR"))).text().startsWith("I'm sorry, Dave"));
            assertEquals(OK, c.call("CONFIG", "SET", "latency-monitor-threshold", "10"));
            assertEquals(OK, c.call("DEBUG", "SLEEP", "0.05"));
            List<?> latest = (List<?>) c.call("LATENCY", "LATEST");
            assertEquals(1, latest.size());
            List<?> event = (List<?>) latest.get(0);
            assertEquals("command", event.get(0));
            assertTrue((Long) event.get(2) >= 10 && (Long) event.get(3) >= 10, event.toString());
            List<?> history = (List<?>) c.call("LATENCY", "HISTORY", "command");
            assertEquals(1, history.size());
            assertTrue(asVerbatim(c.call("LATENCY", "DOCTOR")).text().contains("1. command: 1 latency spikes"));
            assertTrue(asVerbatim(c.call("LATENCY", "GRAPH", "command")).text().startsWith("command - high "));
            assertEquals(1L, c.call("LATENCY", "RESET", "COMMAND", "nosuch"));
            assertEquals(List.of(), c.call("LATENCY", "LATEST"));
            List<?> hist = (List<?>) c.call("LATENCY", "HISTOGRAM", "debug", "nosuch");
            assertEquals("debug", hist.get(0));
            List<?> cdf = (List<?>) hist.get(1);
            assertEquals("calls", cdf.get(0));
            assertTrue((Long) cdf.get(1) >= 1);
            assertEquals("histogram_usec", cdf.get(2));
        }
    }

    @Test
    void instantaneousOpsAndMemoryUsage() throws Exception {
        try (TestNode n = TestNode.start(); RespClient c = new RespClient(n.host(), n.port())) {
            long deadline = System.currentTimeMillis() + 20_000;
            long ops = 0;
            while (ops == 0 && System.currentTimeMillis() < deadline) {
                for (int i = 0; i < 500; i++) c.send("PING");
                for (int i = 0; i < 500; i++) c.read();
                Thread.sleep(150);
                String info = info(c, "stats");
                ops = Long.parseLong(info.split("instantaneous_ops_per_sec:")[1].split("\r\n")[0]);
            }
            assertTrue(ops > 0, "instantaneous_ops_per_sec follows the command rate");

            c.call("SET", "k", "x".repeat(1000));
            c.call("RPUSH", "l", "a", "b", "c");
            long str = (Long) c.call("MEMORY", "USAGE", "k");
            assertTrue(str > 1000 && str < 2000, "about the value's size: " + str);
            assertTrue((Long) c.call("MEMORY", "USAGE", "l", "SAMPLES", "0") > 0);
            assertEquals(null, c.call("MEMORY", "USAGE", "nokey"));
            assertTrue(asVerbatim(c.call("MEMORY", "DOCTOR")).text().startsWith("Hi Sam"));
            assertEquals(OK, c.call("MEMORY", "PURGE"));
        }
    }

    @Test
    void debugSetActiveExpireTurnsTheBackgroundCycleOff() throws Exception {
        try (TestNode n = TestNode.start(); RespClient c = new RespClient(n.host(), n.port())) {
            assertEquals(OK, c.call("DEBUG", "SET-ACTIVE-EXPIRE", "0"));
            for (int i = 0; i < 20; i++) c.call("SET", "k" + i, "v", "PX", "20");
            Thread.sleep(1_000);
            assertEquals(20L, c.call("DBSIZE"), "no background expiry: the keys stay until touched");
            assertEquals(null, c.call("GET", "k0"), "lazy expiry still applies");
            assertEquals(19L, c.call("DBSIZE"));
            assertEquals(OK, c.call("DEBUG", "SET-ACTIVE-EXPIRE", "1"));
            long deadline = System.currentTimeMillis() + 20_000;
            while ((Long) c.call("DBSIZE") > 0 && System.currentTimeMillis() < deadline) Thread.sleep(50);
            assertEquals(0L, c.call("DBSIZE"), "the background cycle removes them again");
        }
    }

    private static RespClient.Verbatim asVerbatim(Object o) {
        if (o instanceof String s) return new RespClient.Verbatim("txt", s);
        return assertInstanceOf(RespClient.Verbatim.class, o);
    }
}
