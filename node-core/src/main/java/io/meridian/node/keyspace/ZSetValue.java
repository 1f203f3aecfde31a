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

    /** OBJECT ENCODING and the RDB type: "listpack" or "skiplist" (Redis 7.0 rules, owned by SortedSetCommands). */
    public String encoding() {
        return "skiplist";
    }

    /** Adds or updates a member (RDB load, RESTORE). */
    public void add(byte[] member, double score) {
        scores.put(ByteString.of(member), score);
    }

    /** Members in order (score, then member bytes): what ZRANGE, RDB and DEBUG DIGEST walk. */
    public void forEachInOrder(MemberScore visitor) {
        scores.entrySet().stream()
                .sorted((a, b) -> a.getValue().equals(b.getValue()) ? a.getKey().compareTo(b.getKey()) : Double.compare(a.getValue(), b.getValue()))
                .forEach(e -> visitor.accept(e.getKey().bytes(), e.getValue()));
    }

    @FunctionalInterface
    public interface MemberScore {
        void accept(byte[] member, double score);
    }
}
