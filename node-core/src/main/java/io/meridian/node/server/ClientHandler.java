package io.meridian.node.server;

import io.meridian.node.Node;
import io.meridian.node.resp.ProtocolError;
import io.meridian.node.resp.RespDecoder;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/** Glue between a connection and the dispatcher: requests in, replies flushed once per read. */
final class ClientHandler extends ChannelInboundHandlerAdapter implements RespDecoder.Limits {
    /** Requests held for a blocked or paused client before reading from its socket stops. */
    private static final int MAX_PENDING = 1024;
    private final Node node;
    private final ProtocolLimits limits;
    private Client client;

    ClientHandler(Node node, ProtocolLimits limits) {
        this.node = node;
        this.limits = limits;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        node.stats().connectionsReceived++;
        if (!node.server().admit(ctx.channel())) return;
        client = node.newClient(ctx.channel());
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        Client c = client;
        if (c == null || c.closeAfterReply) return;
        if (msg instanceof byte[][] argv) {
            node.dispatcher().process(c, argv);
            if ((c.blocked != null || c.postponed) && c.pending.size() >= MAX_PENDING) {
                // stop reading while blocked: further input waits in the socket, not in memory
                ctx.channel().config().setAutoRead(false);
            }
        } else if (msg instanceof ProtocolError e) {
            String reply = e.reply();
            if (reply == null) {
                node.log().warn("Closing client that reached max query buffer length: id={} addr={}", c.id, c.remoteAddress());
                c.discardOutput();
                c.closeAfterReply = true;
                ctx.close();
                return;
            }
            node.log().debug("Protocol error ({}) from client: id={} addr={}", e.getMessage(), c.id, c.remoteAddress());
            if (c.blocked != null || c.postponed || !c.pending.isEmpty()) {
                // the error comes after the requests that wait: Redis reads no further while blocked
                c.pendingProtocolError = reply;
                return;
            }
            c.error(reply);
            c.closeAfterReply();
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        node.server().flushAll();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (client != null) {
            node.removeClient(client);
            client = null;
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        node.log().debug("Client connection error: {}", cause.toString());
        ctx.close();
    }

    @Override
    public long maxBulkLen() {
        Client c = client;
        return c != null && c.isMaster() ? Long.MAX_VALUE : limits.maxBulkLen();
    }

    @Override
    public long queryBufferLimit() {
        Client c = client;
        return c != null && c.isMaster() ? Long.MAX_VALUE : limits.queryBufferLimit();
    }

    @Override
    public boolean authenticated() {
        Client c = client;
        return c == null || c.authenticated || !node.authRequired();
    }

    @Override
    public void received(int bytes) {
        node.stats().netInputBytes.addAndGet(bytes);
        Client c = client;
        if (c != null) c.lastInteraction = node.clock().millis();
    }
}
