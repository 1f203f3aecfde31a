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

/** Channel and pattern subscriptions and message delivery (RESP2 arrays, RESP3 push). */
public final class PubSub {
    private static final byte[] MESSAGE = Bytes.utf8("message");
    private static final byte[] PMESSAGE = Bytes.utf8("pmessage");
    private final Node node;
    private final Map<ByteString, Set<Client>> channels = new LinkedHashMap<>();
    private final Map<ByteString, Set<Client>> patterns = new LinkedHashMap<>();

    public PubSub(Node node) {
        this.node = node;
    }

    public boolean subscribe(Client c, byte[] channel) {
        ByteString k = ByteString.of(channel);
        if (!c.channels.add(k)) return false;
        channels.computeIfAbsent(k, x -> new LinkedHashSet<>()).add(c);
        return true;
    }

    public boolean unsubscribe(Client c, byte[] channel) {
        ByteString k = ByteString.of(channel);
        if (!c.channels.remove(k)) return false;
        Set<Client> s = channels.get(k);
        if (s != null) {
            s.remove(c);
            if (s.isEmpty()) channels.remove(k);
        }
        return true;
    }

    public boolean psubscribe(Client c, byte[] pattern) {
        ByteString k = ByteString.of(pattern);
        if (!c.patterns.add(k)) return false;
        patterns.computeIfAbsent(k, x -> new LinkedHashSet<>()).add(c);
        return true;
    }

    public boolean punsubscribe(Client c, byte[] pattern) {
        ByteString k = ByteString.of(pattern);
        if (!c.patterns.remove(k)) return false;
        Set<Client> s = patterns.get(k);
        if (s != null) {
            s.remove(c);
            if (s.isEmpty()) patterns.remove(k);
        }
        return true;
    }

    public void unsubscribeAll(Client c) {
        for (ByteString ch : new ArrayList<>(c.channels)) unsubscribe(c, ch.bytes());
        for (ByteString p : new ArrayList<>(c.patterns)) punsubscribe(c, p.bytes());
    }

    /** Delivers a message; returns the number of receivers (channel + pattern matches). */
    public long publish(byte[] channel, byte[] message) {
        long n = 0;
        Set<Client> s = channels.get(ByteString.of(channel));
        if (s != null) {
            for (Client c : s) {
                c.push(3);
                c.bulk(MESSAGE);
                c.bulk(channel);
                c.bulk(message);
                n++;
            }
        }
        for (Map.Entry<ByteString, Set<Client>> e : patterns.entrySet()) {
            if (!Glob.match(e.getKey().bytes(), channel, false)) continue;
            for (Client c : e.getValue()) {
                c.push(4);
                c.bulk(PMESSAGE);
                c.bulk(e.getKey().bytes());
                c.bulk(channel);
                c.bulk(message);
                n++;
            }
        }
        node.stats().pubsubMessages++;
        return n;
    }

    public List<ByteString> channels(byte[] pattern) {
        List<ByteString> out = new ArrayList<>();
        for (ByteString ch : channels.keySet()) {
            if (pattern == null || Glob.match(pattern, ch.bytes(), false)) out.add(ch);
        }
        return out;
    }

    public int subscribers(byte[] channel) {
        Set<Client> s = channels.get(ByteString.of(channel));
        return s == null ? 0 : s.size();
    }

    public int patternCount() {
        return patterns.size();
    }

    public int channelCount() {
        return channels.size();
    }
}
