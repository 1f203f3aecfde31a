package io.meridian.node.audit;

import io.meridian.node.testing.Differential;
import io.meridian.node.testing.RespClient;
import io.meridian.node.testing.TestNode;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * OBJECT ENCODING of strings modified by APPEND/SETRANGE ("raw" as in Redis even when short),
 * and random-member counts whose reply could never fit: refused, the node keeps serving.
 */
class StringEncodingAndLimitsTest {

    private static String[] c(String... a) {
        return a;
    }

    @Test
    void appendAndSetrangeLeaveRawEncoding() {
        try (Differential d = new Differential()) {
            d.script(
                    c("SET", "a", "hello"), c("OBJECT", "ENCODING", "a"), c("APPEND", "a", "x"), c("OBJECT", "ENCODING", "a"),
                    c("APPEND", "a", ""), c("OBJECT", "ENCODING", "a"), c("SET", "a", "hello"), c("OBJECT", "ENCODING", "a"),
                    c("SET", "n", "12"), c("APPEND", "n", "3"), c("OBJECT", "ENCODING", "n"), c("INCR", "n"), c("OBJECT", "ENCODING", "n"),
                    c("APPEND", "fresh", "12"), c("OBJECT", "ENCODING", "fresh"), c("APPEND", "fresh2", "abc"), c("OBJECT", "ENCODING", "fresh2"),
                    c("SETRANGE", "r", "0", "ab"), c("OBJECT", "ENCODING", "r"), c("SET", "q", "abc"), c("SETRANGE", "q", "1", ""),
                    c("OBJECT", "ENCODING", "q"), c("SETRANGE", "q", "1", "Z"), c("OBJECT", "ENCODING", "q"),
                    c("SET", "q", "7"), c("OBJECT", "ENCODING", "q"), c("GET", "a"), c("GET", "n"), c("GET", "q"));
            d.assertSameDigest();
        }
    }

    @Test
    void hugeNegativeRandomCountsAreRefused() {
        try (TestNode n = TestNode.start(); RespClient cl = new RespClient(n.host(), n.port())) {
            cl.call("SADD", "s", "a", "b");
            cl.call("HSET", "h", "a", "1");
            cl.call("ZADD", "z", "1", "a");
            String big = "-9223372036854775807";
            assertEquals(new RespClient.Err("ERR value is out of range"), cl.call("SRANDMEMBER", "s", big));
            assertEquals(new RespClient.Err("ERR value is out of range"), cl.call("HRANDFIELD", "h", "-1000000000000"));
            assertEquals(new RespClient.Err("ERR value is out of range"), cl.call("ZRANDMEMBER", "z", "-1000000000000"));
            assertEquals(new RespClient.Err("ERR value is out of range"), cl.call("HRANDFIELD", "h", big, "WITHVALUES"));
            // small negative counts still repeat
            assertEquals(5, ((java.util.List<?>) cl.call("SRANDMEMBER", "s", "-5")).size());
            assertEquals(6, ((java.util.List<?>) cl.call("HRANDFIELD", "h", "-3", "WITHVALUES")).size());
            assertEquals(new RespClient.Simple("PONG"), cl.call("PING"));
        }
    }
}
