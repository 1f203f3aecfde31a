package io.meridian.node.keyspace;

import io.meridian.node.util.ByteString;

import java.util.LinkedHashSet;

/** A set of byte strings. */
public final class SetValue {
    public final LinkedHashSet<ByteString> set = new LinkedHashSet<>();

    public int size() {
        return set.size();
    }

    public SetValue copy() {
        SetValue s = new SetValue();
        s.set.addAll(set);
        return s;
    }
}
