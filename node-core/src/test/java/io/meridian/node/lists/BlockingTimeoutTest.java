package io.meridian.node.lists;

import io.meridian.node.commands.BlockingTimeout;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Blocking timeouts read as redis-server 7.0.15 on x86-64 reads them (long double
 * arithmetic). The expectations were taken from the real server: an error text, "forever"
 * (0: it blocked) or the milliseconds; the edge cases here block forever on the real server,
 * so they cannot run in the differential tests.
 */
class BlockingTimeoutTest {
    private static final String NEG = "ERR timeout is negative";
    private static final String NAF = "ERR timeout is not a float or out of range";

    private static Object parse(String s) {
        BlockingTimeout.Result r = BlockingTimeout.parse(s.getBytes(StandardCharsets.UTF_8));
        return r.error() != null ? r.error() : (Object) r.millis();
    }

    @Test
    void matchesRedisAtTheEdges() {
        Object[][] table = {
                {"-0.001", 0L}, {"-0.0010", 0L}, {"-1e-3", 0L}, {"-0.0005", 0L}, {"-0.0009999", 0L},
                {"-0.002", NEG}, {"-0.00100000000000000001", NEG}, {"0.001", 1L}, {"1e-4940", 1L},
                {"-1e-4940", 0L}, {"1e-4960", NAF}, {"-1e-4960", NAF}, {"1e4933", NAF}, {"-1e4933", NAF},
                {"1e4932", NEG}, {"1.18973149535723176502e4932", NEG}, {"0e99999999999", 0L},
                {"1e99999999999", NAF}, {"1e-99999999999", NAF}, {"0x1p-20", 1L}, {"-0x1p-20", 0L},
                {"-0x1p-9", NEG}, {"0X.1", 63L}, {"0x1.", 1000L}, {"1.", 1000L}, {"+.5e-3", 1L}, {"-.0005", 0L},
                {"9223372036854775.807", 9223372036854775807L}, {"9223372036854775.808", NEG},
                {"9223372036854775", 9223372036854775000L}, {"9223372036854776", NEG},
                {"-0", 0L}, {"+0", 0L}, {"00", 0L}, {"1e0", 1000L}, {"0.5", 500L}, {"1.0001", 1001L},
                {".", NAF}, {"+", NAF}, {"1e+", NAF}, {"0x1p", NAF}, {"1_0", NAF}, {"\u0661", NAF},
                {"inf", NEG}, {"-Infinity", NEG}, {"nan", NAF}, {"-nan", NAF}, {"", NAF}, {" 1", NAF}, {"1 ", NAF},
                {"abc", NAF}, {"1d", NAF}, {"1f", NAF}, {"-1", NEG},
        };
        for (Object[] row : table) assertEquals(row[1], parse((String) row[0]), () -> "timeout " + row[0]);
    }

    @Test
    void refusesOverlongArguments() {
        assertEquals(NAF, parse("1" + "0".repeat(5200)));
        assertEquals(1000L, parse("1." + "0".repeat(5000)));
    }
}
