package io.meridian.node.server;

import io.meridian.node.testing.Differential;
import io.meridian.node.testing.RespClient;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** DBSIZE, FLUSHDB/FLUSHALL, SWAPDB, TIME, help texts and errors of the server family, against real Redis. */
class ServerDifferentialTest {
    @Test
    void dbsizeFlushAndSwapdb() {
        try (Differential d = new Differential()) {
            d.script(
                    new String[]{"DBSIZE"},
                    new String[]{"SET", "a", "1"},
                    new String[]{"SET", "b", "2"},
                    new String[]{"DBSIZE"},
                    new String[]{"DBSIZE", "x"},
                    new String[]{"SELECT", "3"},
                    new String[]{"SET", "c", "3"},
                    new String[]{"SWAPDB", "0", "3"},
                    new String[]{"DBSIZE"},
                    new String[]{"GET", "a"},
                    new String[]{"SELECT", "0"},
                    new String[]{"GET", "c"},
                    new String[]{"SWAPDB", "0", "0"},
                    new String[]{"SWAPDB", "0", "16"},
                    new String[]{"SWAPDB", "-1", "0"},
                    new String[]{"SWAPDB", "a", "1"},
                    new String[]{"SWAPDB", "1", "a"},
                    new String[]{"SWAPDB", "a", "b"},
                    new String[]{"SWAPDB", "1", "99999999999"},
                    new String[]{"SWAPDB", "1.5", "2"},
                    new String[]{"SWAPDB", "1"},
                    new String[]{"FLUSHDB", "FOO"},
                    new String[]{"FLUSHDB", "ASYNC", "SYNC"},
                    new String[]{"FLUSHDB", "async"},
                    new String[]{"DBSIZE"},
                    new String[]{"SELECT", "3"},
                    new String[]{"DBSIZE"},
                    new String[]{"FLUSHALL", "bogus"},
                    new String[]{"FLUSHALL", "SYNC"},
                    new String[]{"DBSIZE"},
                    new String[]{"SET", "k", "v"},
                    new String[]{"FLUSHALL"},
                    new String[]{"DBSIZE"},
                    new String[]{"FLUSHDB"},
                    new String[]{"FLUSHALL", "ASYNC"});
            d.assertSameDigest();
        }
    }

    @Test
    void swapdbMovesKeysWithTheirExpiry() {
        try (Differential d = new Differential()) {
            d.script(
                    new String[]{"SET", "k", "v", "EX", "1000"},
                    new String[]{"RPUSH", "l", "a", "b"},
                    new String[]{"SWAPDB", "0", "5"},
                    new String[]{"EXISTS", "k"},
                    new String[]{"SELECT", "5"},
                    new String[]{"TYPE", "l"},
                    new String[]{"LRANGE", "l", "0", "-1"},
                    new String[]{"SWAPDB", "5", "0"},
                    new String[]{"SELECT", "0"},
                    new String[]{"LRANGE", "l", "0", "-1"});
            d.assertSameDigest();
        }
    }

    @Test
    void timeIsTwoIntegersAsBulkStrings() {
        try (Differential d = new Differential()) {
            Object m = d.meridianClient().call("TIME");
            Object r = d.redisClient().call("TIME");
            for (Object o : List.of(m, r)) {
                List<?> l = assertInstanceOf(List.class, o);
                assertEquals(2, l.size());
                long secs = Long.parseLong((String) l.get(0));
                long micros = Long.parseLong((String) l.get(1));
                assertTrue(Math.abs(secs - System.currentTimeMillis() / 1000) < 60);
                assertTrue(micros >= 0 && micros < 1_000_000);
            }
            d.check("TIME", "x");
        }
    }

    @Test
    void helpTextsAndSubcommandErrors() {
        try (Differential d = new Differential()) {
            d.script(
                    new String[]{"CONFIG", "HELP"},
                    new String[]{"COMMAND", "HELP"},
                    new String[]{"SLOWLOG", "HELP"},
                    new String[]{"LATENCY", "HELP"},
                    new String[]{"CONFIG"},
                    new String[]{"CONFIG", "NOSUCH"},
                    new String[]{"CONFIG", "GET"},
                    new String[]{"CONFIG", "HELP", "x"},
                    new String[]{"SLOWLOG"},
                    new String[]{"SLOWLOG", "bogus"},
                    new String[]{"SLOWLOG", "LEN", "x"},
                    new String[]{"SLOWLOG", "GET", "a"},
                    new String[]{"SLOWLOG", "GET", "-2"},
                    new String[]{"SLOWLOG", "GET", "1", "2"},
                    new String[]{"SLOWLOG", "RESET"},
                    new String[]{"SLOWLOG", "GET", "0"},
                    new String[]{"LATENCY", "LATEST"},
                    new String[]{"LATENCY", "HISTORY"},
                    new String[]{"LATENCY", "HISTORY", "command"},
                    new String[]{"LATENCY", "RESET"},
                    new String[]{"LATENCY", "RESET", "a", "b"},
                    new String[]{"LATENCY", "GRAPH", "nosuch"},
                    new String[]{"LATENCY", "DOCTOR"},
                    new String[]{"LATENCY", "bogus"},
                    new String[]{"COMMAND", "bogus"},
                    new String[]{"MEMORY", "USAGE", "nokey"},
                    new String[]{"MEMORY", "USAGE", "nokey", "SAMPLES"},
                    new String[]{"MEMORY", "USAGE", "nokey", "SAMPLES", "x"},
                    new String[]{"MEMORY", "USAGE", "nokey", "SAMPLES", "-1"},
                    new String[]{"MEMORY", "MALLOC-STATS", "x"},
                    new String[]{"LOLWUT", "VERSION", "x"},
                    new String[]{"INFO", "nosuchsection"},
                    new String[]{"SHUTDOWN", "bogus"},
                    new String[]{"SHUTDOWN", "SAVE", "NOSAVE"},
                    new String[]{"SHUTDOWN", "ABORT", "NOW"},
                    new String[]{"SHUTDOWN", "ABORT"});
        }
    }

    @Test
    void commandSubcommandsOnTheServerFamily() {
        try (Differential d = new Differential()) {
            for (String c : List.of("info", "config", "command", "dbsize", "flushdb", "flushall", "swapdb", "time",
                    "slowlog", "latency", "shutdown", "lolwut", "debug", "config|get", "command|info", "memory|usage")) {
                assertEquals(CommandReplies.infoList(d.redisClient().call("COMMAND", "INFO", c)),
                        CommandReplies.infoList(d.meridianClient().call("COMMAND", "INFO", c)), c);
            }
            d.script(
                    new String[]{"COMMAND", "INFO", "nosuch", "get"},
                    new String[]{"COMMAND", "INFO", "config|nosuch"},
                    new String[]{"COMMAND", "INFO", "a|b|c"},
                    new String[]{"COMMAND", "GETKEYS"},
                    new String[]{"COMMAND", "GETKEYS", "GET"},
                    new String[]{"COMMAND", "GETKEYS", "GET", "k"},
                    new String[]{"COMMAND", "GETKEYS", "nosuch", "k"},
                    new String[]{"COMMAND", "GETKEYS", "PING", "x"},
                    new String[]{"COMMAND", "GETKEYS", "GET", "a", "b"},
                    new String[]{"COMMAND", "GETKEYS", "MEMORY", "USAGE", "k"},
                    new String[]{"COMMAND", "LIST", "FILTERBY", "MODULE", "x"},
                    new String[]{"COMMAND", "LIST", "FILTERBY", "ACLCAT", "nosuch"},
                    new String[]{"COMMAND", "LIST", "FILTERBY", "BOGUS", "x"},
                    new String[]{"COMMAND", "LIST", "FILTERBY"},
                    new String[]{"COMMAND", "LIST", "x"},
                    new String[]{"COMMAND", "DOCS", "nosuch"},
                    new String[]{"COMMAND", "DOCS", "dbsize", "time"},
                    new String[]{"COMMAND", "COUNT", "x"});
            d.checkUnordered("COMMAND", "LIST", "FILTERBY", "PATTERN", "config*");
            d.checkUnordered("COMMAND", "LIST", "FILTERBY", "PATTERN", "CONFIG|G*");
        }
    }

    @Test
    void debugSubcommands() {
        try (Differential d = new Differential()) {
            d.script(
                    new String[]{"DEBUG"},
                    new String[]{"DEBUG", "nosuch"},
                    new String[]{"DEBUG", "sleep"},
                    new String[]{"DEBUG", "sleep", "0"},
                    new String[]{"DEBUG", "sleep", "abc"},
                    new String[]{"DEBUG", "set-active-expire", "1"},
                    new String[]{"DEBUG", "set-active-expire"},
                    new String[]{"DEBUG", "object", "nokey"},
                    new String[]{"DEBUG", "object"},
                    new String[]{"DEBUG", "digest"},
                    new String[]{"DEBUG", "digest-value"},
                    new String[]{"SET", "k", "v"},
                    new String[]{"HSET", "h", "f", "v"},
                    new String[]{"DEBUG", "digest-value", "k", "nokey", "h"},
                    new String[]{"DEBUG", "digest"},
                    new String[]{"DEBUG", "error", "WHATEVER it failed"},
                    new String[]{"DEBUG", "protocol", "string"},
                    new String[]{"DEBUG", "protocol", "integer"},
                    new String[]{"DEBUG", "protocol", "double"},
                    new String[]{"DEBUG", "protocol", "bignum"},
                    new String[]{"DEBUG", "protocol", "null"},
                    new String[]{"DEBUG", "protocol", "array"},
                    new String[]{"DEBUG", "protocol", "set"},
                    new String[]{"DEBUG", "protocol", "map"},
                    new String[]{"DEBUG", "protocol", "attrib"},
                    new String[]{"DEBUG", "protocol", "push"},
                    new String[]{"DEBUG", "protocol", "true"},
                    new String[]{"DEBUG", "protocol", "verbatim"},
                    new String[]{"DEBUG", "protocol", "nosuch"},
                    new String[]{"DEBUG", "populate", "x"},
                    new String[]{"DEBUG", "populate", "-1"},
                    new String[]{"DEBUG", "populate", "10"},
                    new String[]{"DEBUG", "populate", "5", "p", "20"},
                    new String[]{"DBSIZE"},
                    new String[]{"GET", "key:3"},
                    new String[]{"GET", "p:4"},
                    new String[]{"DEBUG", "digest"});
            RespClient.Simple obj = assertInstanceOf(RespClient.Simple.class, d.meridianClient().call("DEBUG", "OBJECT", "k"));
            assertTrue(obj.text().contains(" encoding:embstr "), obj.text());
            d.assertSameDigest();
        }
    }

    @Test
    void debugReloadSavesAndLoadsTheDataset() {
        try (Differential d = new Differential()) {
            d.script(
                    new String[]{"DEBUG", "RELOAD", "bogus"},
                    new String[]{"SET", "s", "v"},
                    new String[]{"SET", "t", "w", "EX", "1000"},
                    new String[]{"RPUSH", "l", "a", "b", "c"},
                    new String[]{"HSET", "h", "f", "1", "g", "2"},
                    new String[]{"SADD", "set", "1", "2", "x"},
                    new String[]{"ZADD", "z", "1", "a", "2.5", "b"},
                    new String[]{"SELECT", "4"},
                    new String[]{"SET", "other", "db"},
                    new String[]{"SELECT", "0"},
                    new String[]{"DEBUG", "RELOAD"},
                    new String[]{"DBSIZE"},
                    new String[]{"LRANGE", "l", "0", "-1"},
                    new String[]{"ZRANGE", "z", "0", "-1", "WITHSCORES"},
                    new String[]{"SET", "s", "changed"},
                    new String[]{"DEL", "l"},
                    new String[]{"SET", "fresh", "1"},
                    new String[]{"DEBUG", "RELOAD", "NOSAVE", "NOFLUSH", "MERGE"},
                    new String[]{"GET", "s"},
                    new String[]{"LRANGE", "l", "0", "-1"},
                    new String[]{"GET", "fresh"},
                    new String[]{"DEBUG", "RELOAD", "NOSAVE"},
                    new String[]{"GET", "fresh"},
                    new String[]{"DBSIZE"});
            d.assertSameDigest();
        }
    }

    @Test
    void debugProtocolInResp3() {
        try (Differential d = new Differential()) {
            d.resp3();
            for (String t : List.of("string", "integer", "double", "bignum", "null", "array", "set", "map", "true", "false", "verbatim")) {
                d.check("DEBUG", "PROTOCOL", t);
            }
        }
    }
}
