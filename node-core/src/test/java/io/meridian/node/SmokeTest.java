package io.meridian.node;

import io.meridian.node.testing.TestNode;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class SmokeTest {
    @Test
    void setAndGetThroughJedis() {
        try (TestNode n = TestNode.start(); Jedis j = new Jedis(n.host(), n.port())) {
            assertEquals("PONG", j.ping());
            assertEquals("OK", j.set("k", "v"));
            assertEquals("v", j.get("k"));
            assertNull(j.get("missing"));
        }
    }
}
