package io.meridian.node.keyspace;

/**
 * Sees an entry just before it changes or goes: a point-in-time snapshot in progress uses it
 * to serialise the old value of entries it has not visited yet (versioned snapshotting).
 */
public interface WriteObserver {
    void beforeWrite(Database db, Entry e);

    /** The database is about to be emptied (FLUSHDB / SWAPDB). */
    void beforeClear(Database db);
}
