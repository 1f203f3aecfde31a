package io.meridian.node.keyspace;

import io.meridian.node.util.ByteString;

import java.util.LinkedHashSet;

/** A set of byte strings. */
public final class SetValue {
    public final LinkedHashSet<ByteString> set = new LinkedHashSet<>();

    public int size() {
        return set.size();
    }

    /** OBJECT ENCODING and the RDB type: "intset" or "hashtable" (Redis 7.0 rules, owned by SetCommands). */
    public String encoding() {
        return "hashtable";
    }

    public void forEach(java.util.function.Consumer<byte[]> member) {
        for (ByteString m : set) member.accept(m.bytes());
    }

    /** Adds a member (RDB load, RESTORE); false when present. */
    public boolean add(byte[] member) {
        return set.add(ByteString.of(member));
    }

    public SetValue copy() {
        SetValue s = new SetValue();
        s.set.addAll(set);
        return s;
    }
}
