package io.meridian.node.server;

import io.meridian.node.Node;
import io.meridian.node.resp.RespDecoder;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.DefaultThreadFactory;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * The RESP listeners. One event-loop thread accepts, reads, executes and writes, as Redis's
 * main thread does: the keyspace needs no locks and a pipeline is answered with one write.
 */
public final class RespServer {
    private static final byte[] PROTECTED = ("-DENIED Redis is running in protected mode because protected mode is enabled and no password is set for the default user. "
            + "In this mode connections are only accepted from the loopback interface. If you want to connect from external computers to Redis you may adopt one of the following solutions: "
            + "1) Just disable protected mode sending the command 'CONFIG SET protected-mode no' from the loopback interface by connecting to Redis from the same host the server is running, however MAKE SURE Redis is not publicly accessible from internet if you do so. Use CONFIG REWRITE to make this change permanent. "
            + "2) Alternatively you can just disable the protected mode by editing the Redis configuration file, and setting the protected mode option to 'no', and then restarting the server. "
            + "3) If you started the server manually just for testing, restart it with the '--protected-mode no' option. "
            + "4) Setup a an authentication password for the default user. NOTE: You only need to do one of the above things in order for the server to start accepting connections from the outside.\r\n").getBytes();
    private static final byte[] MAX_CLIENTS = "-ERR max number of clients reached\r\n".getBytes();

    private final Node node;
    private final ProtocolLimits protocolLimits;
    private final EventLoopGroup group;
    private final List<Channel> listeners = new ArrayList<>();
    private final List<Client> toFlush = new ArrayList<>();
    private final boolean epoll = Epoll.isAvailable();
    private volatile int boundPort = -1;
    private volatile int boundTlsPort = -1;
    /** Builds the server's TLS context when tls-port is set (see the TLS support). */
    private volatile Supplier<SslContext> tls;

    public RespServer(Node node) {
        this.node = node;
        this.protocolLimits = new ProtocolLimits(node.config());
        IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        this.group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("meridian-main"), io);
        // output buffer limits are also checked while nothing new is written (clientsCron)
        node.addCron(() -> {
            for (Client c : new ArrayList<>(node.clients().values())) c.checkOutputBufferLimits();
        });
    }

    public EventLoopGroup group() {
        return group;
    }

    public EventLoop commandLoop() {
        return group.next();
    }

    private TlsSupport tlsSupport;

    /** The TLS contexts of this node (server side for tls-port; client side for tls-replication links). */
    public synchronized TlsSupport tlsSupport() {
        if (tlsSupport == null) tlsSupport = new TlsSupport(node.config());
        return tlsSupport;
    }

    public void setTls(Supplier<SslContext> tls) {
        this.tls = tls;
    }

    public Class<? extends ServerSocketChannel> serverChannelClass() {
        return epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    }

    public Class<? extends io.netty.channel.socket.SocketChannel> clientChannelClass() {
        return epoll ? io.netty.channel.epoll.EpollSocketChannel.class : io.netty.channel.socket.nio.NioSocketChannel.class;
    }

    public void start() throws InterruptedException {
        int port = node.config().getInt("port");
        List<String> binds = node.config().getList("bind");
        if (port > 0) bindAll(binds, port, false);
        int tlsPort = node.config().getInt("tls-port");
        if (tlsPort > 0) {
            if (tls == null) tls = tlsSupport().serverSupplier();
            tls.get(); // a bad certificate or key stops the start, as Redis's "Failed to configure TLS"
            bindAll(binds, tlsPort, true);
        }
    }

    private void bindAll(List<String> binds, int port, boolean ssl) throws InterruptedException {
        List<String> addrs = binds.isEmpty() ? List.of("*") : binds;
        boolean any = false;
        for (String raw : addrs) {
            boolean optional = raw.startsWith("-");
            String a = optional ? raw.substring(1) : raw;
            String host = a.equals("*") || a.equals("::*") ? null : a;
            if (a.equals("::*") && addrs.stream().anyMatch(x -> x.equals("*"))) continue; // "*" already covers IPv6 here
            try {
                Channel ch = bootstrap(ssl).bind(host == null ? new InetSocketAddress(port) : new InetSocketAddress(host, port))
                        .sync().channel();
                listeners.add(ch);
                int p = ((InetSocketAddress) ch.localAddress()).getPort();
                if (ssl) boundTlsPort = p;
                else boundPort = p;
                any = true;
            } catch (Exception e) {
                if (optional) continue;
                throw new IllegalStateException("Warning: Could not create server TCP listening socket " + a + ":" + port + ": " + e.getMessage(), e);
            }
        }
        if (!any) throw new IllegalStateException("Failed listening on port " + port + " (tcp), aborting.");
    }

    private ServerBootstrap bootstrap(boolean ssl) {
        return new ServerBootstrap()
                .group(group)
                .channel(serverChannelClass())
                .option(ChannelOption.SO_BACKLOG, node.config().getInt("tcp-backlog"))
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        applyKeepAlive(ch, node.config().getLong("tcp-keepalive"));
                        if (ssl) {
                            SslContext ctx = tls.get();
                            ch.pipeline().addLast("tls", ctx.newHandler(ch.alloc()));
                        }
                        ClientHandler handler = new ClientHandler(node, protocolLimits);
                        ch.pipeline().addLast("resp", new RespDecoder(handler));
                        ch.pipeline().addLast("client", handler);
                    }
                });
    }

    /**
     * tcp-keepalive as Redis's anetKeepAlive: SO_KEEPALIVE, first probe after the period, then
     * every third of it, three probes; read when a connection is accepted, as Redis does.
     */
    static void applyKeepAlive(SocketChannel ch, long seconds) {
        if (seconds <= 0) return;
        int idle = (int) Math.min(seconds, Integer.MAX_VALUE);
        int interval = Math.max(1, idle / 3);
        ch.config().setOption(ChannelOption.SO_KEEPALIVE, true);
        if (ch instanceof io.netty.channel.epoll.EpollSocketChannel e) {
            e.config().setTcpKeepIdle(idle);
            e.config().setTcpKeepIntvl(interval);
            e.config().setTcpKeepCnt(3);
        } else {
            ch.config().setOption(io.netty.channel.socket.nio.NioChannelOption.of(jdk.net.ExtendedSocketOptions.TCP_KEEPIDLE), idle);
            ch.config().setOption(io.netty.channel.socket.nio.NioChannelOption.of(jdk.net.ExtendedSocketOptions.TCP_KEEPINTERVAL), interval);
            ch.config().setOption(io.netty.channel.socket.nio.NioChannelOption.of(jdk.net.ExtendedSocketOptions.TCP_KEEPCOUNT), 3);
        }
    }

    /** Redis's islocalClient: exactly 127.0.0.1 or ::1 (not the whole loopback range). */
    static boolean isLocal(java.net.InetAddress a) {
        if (a instanceof java.net.Inet4Address) return a.getHostAddress().equals("127.0.0.1");
        return a.isLoopbackAddress();
    }

    /** Whether a fresh connection must be refused before it can send anything; writes the reason. */
    boolean admit(Channel ch) {
        if (node.clients().size() >= node.config().getLong("maxclients")) {
            node.stats().rejectedConnections++;
            ch.writeAndFlush(io.netty.buffer.Unpooled.wrappedBuffer(MAX_CLIENTS)).addListener(io.netty.channel.ChannelFutureListener.CLOSE);
            return false;
        }
        if (node.config().getBool("protected-mode") && !node.authRequired()
                && ch.remoteAddress() instanceof InetSocketAddress a && !isLocal(a.getAddress())) {
            node.stats().rejectedConnections++;
            ch.writeAndFlush(io.netty.buffer.Unpooled.wrappedBuffer(PROTECTED)).addListener(io.netty.channel.ChannelFutureListener.CLOSE);
            return false;
        }
        return true;
    }

    public int port() {
        return boundPort;
    }

    public int tlsPort() {
        return boundTlsPort;
    }

    void needsFlush(Client c) {
        toFlush.add(c);
    }

    /** Sends every reply written since the last flush (end of a read batch, a timer, a publish). */
    public void flushAll() {
        for (int i = 0; i < toFlush.size(); i++) {
            Client c = toFlush.get(i);
            c.flushQueued = false;
            int n = c.pendingBytes();
            node.stats().netOutputBytes.addAndGet(n);
            c.flush();
        }
        toFlush.clear();
    }

    /** Stops accepting connections (the first step of stopping: nobody new arrives meanwhile). */
    public void closeListeners() {
        for (Channel ch : listeners) ch.close().syncUninterruptibly();
        listeners.clear();
    }

    public void stop() {
        closeListeners();
        group.shutdownGracefully(0, 2, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
    }
}
