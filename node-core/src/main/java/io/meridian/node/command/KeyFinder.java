package io.meridian.node.command;

/** For commands whose key positions depend on the arguments (ZUNIONSTORE numkeys ..., LMPOP): the key indexes. */
@FunctionalInterface
public interface KeyFinder {
    int[] keys(byte[][] argv);
}
