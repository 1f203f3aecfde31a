package io.meridian.node.server;

import io.meridian.node.Node;
import io.meridian.node.resp.ProtocolError;
import io.meridian.node.resp.RespDecoder;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/** Glue between a connection and the dispatcher: requests in, replies flushed once per read. */
final class ClientHandler extends ChannelInboundHandlerAdapter implements RespDecoder.Limits {
    private final Node node;
    private Client client;

    ClientHandler(Node node) {
        this.node = node;
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
        if (c == null) return;
        if (msg instanceof byte[][] argv) {
            if (c.closeAfterReply) return;
            node.dispatcher().process(c, argv);
            if (c.blocked != null && ctx.channel().config().isAutoRead()) {
                // stop reading while blocked: further input waits in the socket, not in memory
                ctx.channel().config().setAutoRead(c.pending.size() < 1024);
            }
        } else if (msg instanceof ProtocolError e) {
            String reply = e.reply();
            if (reply == null) {
                node.log().warn("Closing client that reached max query buffer length: id={} addr={}", c.id, c.remoteAddress());
                ctx.close();
                return;
            }
            node.log().debug("Protocol error ({}) from client: id={} addr={}", e.getMessage(), c.id, c.remoteAddress());
            c.closeAfterReply = true;
            c.replyMode = Client.ReplyMode.ON;
            c.skipNext = false;
            c.error(reply);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        node.server().flushAll();
        if (client != null && client.blocked == null && !ctx.channel().config().isAutoRead()) {
            ctx.channel().config().setAutoRead(true);
        }
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
        return node.config().getLong("proto-max-bulk-len");
    }

    @Override
    public long queryBufferLimit() {
        return node.config().getLong("client-query-buffer-limit");
    }

    @Override
    public boolean authenticated() {
        return client == null || client.authenticated;
    }
}
