package io.meridian.node.server;

import io.meridian.node.Node;
import io.meridian.node.util.ByteString;
import io.meridian.node.util.Bytes;
import io.meridian.node.util.Glob;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Channel, pattern and shard-channel subscriptions and message delivery (Redis's pubsub.c).
 * Every notification and message is a push: RESP3 {@code >}, RESP2 an array, and it is sent
 * even to a client under CLIENT REPLY OFF, as Redis's CLIENT_PUSHING does.
 */
public final class PubSub {
    private static final byte[] MESSAGE = Bytes.utf8("message");
    private static final byte[] PMESSAGE = Bytes.utf8("pmessage");
    private static final byte[] SMESSAGE = Bytes.utf8("smessage");
    private static final byte[] SUBSCRIBE = Bytes.utf8("subscribe");
    private static final byte[] UNSUBSCRIBE = Bytes.utf8("unsubscribe");
    private static final byte[] PSUBSCRIBE = Bytes.utf8("psubscribe");
    private static final byte[] PUNSUBSCRIBE = Bytes.utf8("punsubscribe");
    private static final byte[] SSUBSCRIBE = Bytes.utf8("ssubscribe");
    private static final byte[] SUNSUBSCRIBE = Bytes.utf8("sunsubscribe");

    /** Global channels or shard channels: the same mechanics, different replies and counts. */
    private enum Kind { GLOBAL, SHARD }

    private final Node node;
    private final Map<ByteString, Set<Client>> channels = new LinkedHashMap<>();
    private final Map<ByteString, Set<Client>> shardChannels = new LinkedHashMap<>();
    private final Map<ByteString, Set<Client>> patterns = new LinkedHashMap<>();

    public PubSub(Node node) {
        this.node = node;
    }

    private Map<ByteString, Set<Client>> server(Kind k) {
        return k == Kind.GLOBAL ? channels : shardChannels;
    }

    private static Set<ByteString> of(Client c, Kind k) {
        return k == Kind.GLOBAL ? c.channels : c.shardChannels;
    }

    private static int count(Client c, Kind k) {
        return k == Kind.GLOBAL ? c.subscriptionCount() : c.shardChannels.size();
    }

    // ---- subscribe / unsubscribe -------------------------------------------------------

    /** SUBSCRIBE one channel, with its notification; true when newly subscribed. */
    public boolean subscribe(Client c, byte[] channel) {
        return subscribe(c, channel, Kind.GLOBAL);
    }

    public boolean ssubscribe(Client c, byte[] channel) {
        return subscribe(c, channel, Kind.SHARD);
    }

    private boolean subscribe(Client c, byte[] channel, Kind k) {
        ByteString ch = ByteString.of(channel);
        boolean added = of(c, k).add(ch);
        if (added) server(k).computeIfAbsent(ch, x -> new LinkedHashSet<>()).add(c);
        c.pubsubMode = true;
        notify(c, k == Kind.GLOBAL ? SUBSCRIBE : SSUBSCRIBE, channel, count(c, k));
        return added;
    }

    public boolean unsubscribe(Client c, byte[] channel, boolean notify) {
        return unsubscribe(c, ByteString.of(channel), notify, Kind.GLOBAL);
    }

    public boolean sunsubscribe(Client c, byte[] channel, boolean notify) {
        return unsubscribe(c, ByteString.of(channel), notify, Kind.SHARD);
    }

    private boolean unsubscribe(Client c, ByteString ch, boolean notify, Kind k) {
        boolean removed = of(c, k).remove(ch);
        if (removed) {
            Set<Client> s = server(k).get(ch);
            if (s != null) {
                s.remove(c);
                if (s.isEmpty()) server(k).remove(ch);
            }
        }
        if (notify) notify(c, k == Kind.GLOBAL ? UNSUBSCRIBE : SUNSUBSCRIBE, ch.bytes(), count(c, k));
        return removed;
    }

    /** UNSUBSCRIBE with no argument: every channel, or one null notification when there is none. */
    public int unsubscribeAll(Client c, boolean notify) {
        return unsubscribeAll(c, notify, Kind.GLOBAL);
    }

    public int sunsubscribeAll(Client c, boolean notify) {
        return unsubscribeAll(c, notify, Kind.SHARD);
    }

    private int unsubscribeAll(Client c, boolean notify, Kind k) {
        int n = 0;
        for (ByteString ch : new ArrayList<>(of(c, k))) {
            if (unsubscribe(c, ch, notify, k)) n++;
        }
        if (notify && n == 0) notify(c, k == Kind.GLOBAL ? UNSUBSCRIBE : SUNSUBSCRIBE, null, count(c, k));
        return n;
    }

    public boolean psubscribe(Client c, byte[] pattern) {
        ByteString p = ByteString.of(pattern);
        boolean added = c.patterns.add(p);
        if (added) patterns.computeIfAbsent(p, x -> new LinkedHashSet<>()).add(c);
        c.pubsubMode = true;
        notify(c, PSUBSCRIBE, pattern, c.subscriptionCount());
        return added;
    }

    public boolean punsubscribe(Client c, byte[] pattern, boolean notify) {
        return punsubscribe(c, ByteString.of(pattern), notify);
    }

    private boolean punsubscribe(Client c, ByteString p, boolean notify) {
        boolean removed = c.patterns.remove(p);
        if (removed) {
            Set<Client> s = patterns.get(p);
            if (s != null) {
                s.remove(c);
                if (s.isEmpty()) patterns.remove(p);
            }
        }
        if (notify) notify(c, PUNSUBSCRIBE, p.bytes(), c.subscriptionCount());
        return removed;
    }

    public int punsubscribeAll(Client c, boolean notify) {
        int n = 0;
        for (ByteString p : new ArrayList<>(c.patterns)) {
            if (punsubscribe(c, p, notify)) n++;
        }
        if (notify && n == 0) notify(c, PUNSUBSCRIBE, null, c.subscriptionCount());
        return n;
    }

    /** Leaves pub/sub mode when the last subscription went (end of every unsubscribe command). */
    public void leaveModeIfIdle(Client c) {
        if (c.totalSubscriptions() == 0) c.pubsubMode = false;
    }

    /** Drops every subscription silently (disconnect, RESET). */
    public void forget(Client c) {
        unsubscribeAll(c, false, Kind.GLOBAL);
        unsubscribeAll(c, false, Kind.SHARD);
        punsubscribeAll(c, false);
        c.pubsubMode = false;
    }

    /** Kept for callers of the first version: silent removal of everything. */
    public void unsubscribeAll(Client c) {
        forget(c);
    }

    private static void notify(Client c, byte[] kind, byte[] channel, long count) {
        boolean was = c.pushing;
        c.pushing = true;
        c.push(3);
        c.bulk(kind);
        if (channel == null) c.nullBulk();
        else c.bulk(channel);
        c.integer(count);
        c.pushing = was;
    }

    // ---- publish -----------------------------------------------------------------------

    /** Delivers a message; returns the number of receivers (channel + pattern matches). */
    public long publish(byte[] channel, byte[] message) {
        long n = deliver(channels.get(ByteString.of(channel)), MESSAGE, channel, message);
        for (Map.Entry<ByteString, Set<Client>> e : patterns.entrySet()) {
            byte[] pattern = e.getKey().bytes();
            if (!Glob.match(pattern, channel, false)) continue;
            for (Client c : e.getValue()) {
                boolean was = c.pushing;
                c.pushing = true;
                c.push(4);
                c.bulk(PMESSAGE);
                c.bulk(pattern);
                c.bulk(channel);
                c.bulk(message);
                c.pushing = was;
                n++;
            }
        }
        node.stats().pubsubMessages++;
        return n;
    }

    /** SPUBLISH: shard channels only, patterns do not apply. */
    public long spublish(byte[] channel, byte[] message) {
        long n = deliver(shardChannels.get(ByteString.of(channel)), SMESSAGE, channel, message);
        node.stats().pubsubMessages++;
        return n;
    }

    private static long deliver(Set<Client> clients, byte[] kind, byte[] channel, byte[] message) {
        if (clients == null) return 0;
        long n = 0;
        for (Client c : clients) {
            boolean was = c.pushing;
            c.pushing = true;
            c.push(3);
            c.bulk(kind);
            c.bulk(channel);
            c.bulk(message);
            c.pushing = was;
            n++;
        }
        return n;
    }

    // ---- introspection -----------------------------------------------------------------

    public List<ByteString> channels(byte[] pattern) {
        return list(channels, pattern);
    }

    public List<ByteString> shardChannels(byte[] pattern) {
        return list(shardChannels, pattern);
    }

    private static List<ByteString> list(Map<ByteString, Set<Client>> m, byte[] pattern) {
        List<ByteString> out = new ArrayList<>();
        for (ByteString ch : m.keySet()) {
            if (pattern == null || Glob.match(pattern, ch.bytes(), false)) out.add(ch);
        }
        return out;
    }

    public int subscribers(byte[] channel) {
        Set<Client> s = channels.get(ByteString.of(channel));
        return s == null ? 0 : s.size();
    }

    public int shardSubscribers(byte[] channel) {
        Set<Client> s = shardChannels.get(ByteString.of(channel));
        return s == null ? 0 : s.size();
    }

    public int patternCount() {
        return patterns.size();
    }

    public int channelCount() {
        return channels.size();
    }

    public int shardChannelCount() {
        return shardChannels.size();
    }
}
