package io.meridian.node.server;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;

/** Counters for INFO stats, errorstats and the metrics. Written by the command thread. */
public final class Stats {
    public long commandsProcessed;
    public long connectionsReceived;
    public long rejectedConnections;
    public final AtomicLong netInputBytes = new AtomicLong();
    public final AtomicLong netOutputBytes = new AtomicLong();
    public long totalErrorReplies;
    public long unexpectedErrorReplies;
    public long dirty;
    public long syncFull;
    public long syncPartialOk;
    public long syncPartialErr;
    public long expiredStaleKeys;
    public long evictedKeys;
    public long pubsubMessages;
    /** Error replies by their first word (ERR, WRONGTYPE, ...): INFO errorstats. */
    public final Map<String, Long> errorsByCode = new TreeMap<>();

    public void countError(String msg) {
        totalErrorReplies++;
        int sp = msg.indexOf(' ');
        String code = sp > 0 ? msg.substring(0, sp) : msg;
        errorsByCode.merge(code, 1L, Long::sum);
    }

    public void reset() {
        commandsProcessed = 0;
        connectionsReceived = 0;
        rejectedConnections = 0;
        netInputBytes.set(0);
        netOutputBytes.set(0);
        totalErrorReplies = 0;
        syncFull = 0;
        syncPartialOk = 0;
        syncPartialErr = 0;
        pubsubMessages = 0;
        errorsByCode.clear();
    }
}
