package io.meridian.node.repl.master;

import io.meridian.node.server.Client;
import io.meridian.node.snapshot.Snapshot;

/** One replica connection as the master sees it. */
public final class ReplicaSession {
    final Client client;
    ReplicaState state;
    /** REPLCONF listening-port / ip-address / capa eof. */
    int listeningPort;
    String announcedIp;
    boolean capaEof;
    boolean capaPsync2;
    /** Stream position up to which bytes were handed to its socket. */
    long sentOffset;
    /** What it acknowledged (REPLCONF ACK) and when. */
    long ackOffset;
    long ackMillis;
    boolean sawAck;
    /** The offset its full sync's snapshot was taken at. */
    long syncOffset;
    Snapshot snapshot;
    boolean needsFlush;
    /** A diskless full sync is sent; the stream starts at its first REPLCONF ACK. */
    boolean awaitingFirstAck;

    ReplicaSession(Client client) {
        this.client = client;
    }

    public ReplicaState state() {
        return state;
    }

    public long ackOffset() {
        return ackOffset;
    }

    public int listeningPort() {
        return listeningPort;
    }

    public String ip() {
        if (announcedIp != null) return announcedIp;
        String a = client.remoteAddress();
        int colon = a.lastIndexOf(':');
        return colon > 0 ? a.substring(0, colon) : a;
    }

    public void setListeningPort(int port) {
        this.listeningPort = port;
    }

    public void setAnnouncedIp(String ip) {
        this.announcedIp = ip;
    }

    public void setCapaEof() {
        this.capaEof = true;
    }

    public void setCapaPsync2() {
        this.capaPsync2 = true;
    }

    String name() {
        return ip() + ":" + listeningPort;
    }
}
