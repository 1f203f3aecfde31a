package io.meridian.node.server;

import io.meridian.node.util.ByteString;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/** WATCHed keys: a write to one flags its watchers so their EXEC aborts. */
public final class WatchRegistry {
    private final Map<Integer, Map<ByteString, Set<Client>>> byDb = new HashMap<>();

    public void watch(Client c, int db, byte[] key) {
        ByteString k = ByteString.of(key);
        if (!c.watched.add(new Client.WatchedKey(db, k))) return;
        byDb.computeIfAbsent(db, x -> new HashMap<>()).computeIfAbsent(k, x -> new HashSet<>()).add(c);
    }

    public void unwatchAll(Client c) {
        for (Client.WatchedKey wk : c.watched) {
            Map<ByteString, Set<Client>> m = byDb.get(wk.db());
            if (m == null) continue;
            Set<Client> s = m.get(wk.key());
            if (s != null) {
                s.remove(c);
                if (s.isEmpty()) m.remove(wk.key());
            }
        }
        c.watched.clear();
        c.dirtyCas = false;
    }

    public boolean isEmpty() {
        return byDb.isEmpty() || byDb.values().stream().allMatch(Map::isEmpty);
    }

    public void touched(int db, byte[] key) {
        Map<ByteString, Set<Client>> m = byDb.get(db);
        if (m == null || m.isEmpty()) return;
        Set<Client> s = m.get(ByteString.of(key));
        if (s != null) for (Client c : s) c.dirtyCas = true;
    }

    public void flushed(int db) {
        Map<ByteString, Set<Client>> m = byDb.get(db);
        if (m == null) return;
        for (Set<Client> s : m.values()) for (Client c : s) c.dirtyCas = true;
    }

    public int watchingClients() {
        Set<Client> all = new HashSet<>();
        for (Map<ByteString, Set<Client>> m : byDb.values()) for (Set<Client> s : m.values()) all.addAll(s);
        return all.size();
    }

    public int watchedKeys() {
        int n = 0;
        for (Map<ByteString, Set<Client>> m : byDb.values()) n += m.size();
        return n;
    }
}
