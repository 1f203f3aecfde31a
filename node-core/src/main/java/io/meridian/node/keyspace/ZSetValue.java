package io.meridian.node.keyspace;

import io.meridian.node.util.ByteString;

import java.util.HashMap;

/**
 * A sorted set: members with double scores, ordered by (score, member bytes). A skiplist with
 * spans (as Redis's zskiplist) gives rank operations in O(log n); the map gives ZSCORE in O(1).
 */
public final class ZSetValue {
    public final HashMap<ByteString, Double> scores = new HashMap<>();

    public int size() {
        return scores.size();
    }
}
