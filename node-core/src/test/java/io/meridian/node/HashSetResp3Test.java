package io.meridian.node;

import io.meridian.node.testing.Differential;
import org.junit.jupiter.api.Test;

/**
 * Hash and set replies compared byte for byte with real Redis, in RESP2 and RESP3: HGETALL
 * is a map, SMEMBERS/SINTER/SUNION/SDIFF/SPOP with a count are sets, SRANDMEMBER and
 * HRANDFIELD with a count are arrays (WITHVALUES pairs nested in RESP3), nulls are RESP3 nulls.
 */
class HashSetResp3Test {
    private static final String[] SCRIPT = {
            "HSET h a 1 b 2 c 3", "HSET n x 10", "SADD s 3 1 2", "SADD t 2 4", "SET str v",
            "HGETALL h", "HGETALL nokey", "HGET h nofield", "HGET nokey a", "HMGET h a nofield", "HMGET nokey a",
            "HKEYS h", "HVALS nokey", "HINCRBYFLOAT n x 1.5", "HINCRBY n y 2", "HSCAN h 0", "HSCAN nokey 0",
            "HEXISTS h a", "HSTRLEN h a", "HLEN h", "HGETALL str", "HRANDFIELD nokey", "HRANDFIELD nokey 3",
            "HRANDFIELD h 3", "HRANDFIELD h 5 WITHVALUES", "HRANDFIELD h 0 WITHVALUES", "HRANDFIELD nokey -2 WITHVALUES",
            "SMEMBERS s", "SMEMBERS nokey", "SINTER s t", "SINTER s nokey", "SUNION s t", "SDIFF s t", "SDIFF nokey s",
            "SINTERCARD 2 s t", "SMISMEMBER s 1 9", "SISMEMBER s 1", "SCARD s", "SRANDMEMBER nokey", "SRANDMEMBER nokey 2",
            "SRANDMEMBER s 5", "SRANDMEMBER s 0", "SPOP nokey", "SPOP nokey 2", "SPOP s 0", "SSCAN s 0", "SSCAN nokey 0",
            "SPOP t 5", "SINTERSTORE d s", "SUNIONSTORE d s nokey", "SMEMBERS d", "SMEMBERS str", "SRANDMEMBER str 1"};

    @Test
    void resp2() {
        try (Differential d = new Differential(); ExactReplies x = new ExactReplies(d)) {
            for (String l : SCRIPT) x.check(l.split(" "));
            d.assertSameDigest();
        }
    }

    @Test
    void resp3() {
        try (Differential d = new Differential(); ExactReplies x = new ExactReplies(d).resp3()) {
            for (String l : SCRIPT) x.check(l.split(" "));
            d.assertSameDigest();
        }
    }
}
