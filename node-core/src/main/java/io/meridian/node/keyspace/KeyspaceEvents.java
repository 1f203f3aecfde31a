package io.meridian.node.keyspace;

/** What the keyspace tells the rest of the node: WATCH, blocked clients, expiry propagation. */
public interface KeyspaceEvents {
    /** A key was written: WATCH (touch) and client-side caches. */
    void modified(int db, byte[] key);

    /** A list or sorted set appeared under this key: serve blocked clients. */
    void ready(int db, byte[] key);

    /** Every key of the database is about to go (FLUSHDB, SWAPDB): WATCH. */
    void flushed(int db);

    /** SWAPDB is about to exchange two databases' contents: WATCH. */
    default void swapped(int a, int b) {
        flushed(a);
        flushed(b);
    }

    /** The master expired a key: propagate it as DEL. */
    void expired(int db, byte[] key);

    KeyspaceEvents NONE = new KeyspaceEvents() {
        public void modified(int db, byte[] key) {}
        public void ready(int db, byte[] key) {}
        public void flushed(int db) {}
        public void expired(int db, byte[] key) {}
    };
}
