package io.baton.sdk.client;

import io.baton.sdk.transport.NettyShimConnection;
import io.baton.sdk.transport.ShimUnreachable;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * One connection to the shim on its own single IO thread: epoll for the Unix socket (and for TCP when
 * available, NIO otherwise).
 */
final class Transport implements AutoCloseable {
    static {
        io.baton.jvm.NettyFlightEvents.decide(); // before Netty reads it
    }

    private final EventLoopGroup group;
    private final Channel channel;

    private Transport(EventLoopGroup group, Channel channel) {
        this.group = group;
        this.channel = channel;
    }

    static Transport connect(ClientOptions options, ClientInitializer initializer) throws InterruptedException {
        String endpoint = options.endpoint();
        boolean epoll = Epoll.isAvailable();
        if (options.socket() != null && !epoll) {
            throw new ShimUnavailableException(endpoint, "cannot reach " + endpoint + ": Unix sockets need Linux "
                    + "epoll, which is unavailable here (" + Epoll.unavailabilityCause() + "); use the shim's TCP "
                    + "port (baton shim --port) instead", Epoll.unavailabilityCause());
        }
        IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, ClientThreads.io(options), io);
        SocketAddress address;
        Bootstrap b = new Bootstrap().group(group).handler(initializer)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) options.connectTimeout().toMillis())
                .option(ChannelOption.RCVBUF_ALLOCATOR, NettyShimConnection.readBuffers());
        if (options.socket() != null) {
            b.channel(EpollDomainSocketChannel.class);
            address = new DomainSocketAddress(options.socket().toFile());
        } else {
            b.channel(epoll ? EpollSocketChannel.class : NioSocketChannel.class);
            address = new InetSocketAddress(options.host(), options.port());
        }
        ChannelFuture f = b.connect(address);
        boolean done = f.await(options.connectTimeout().toMillis() + 100, TimeUnit.MILLISECONDS);
        if (!done || !f.isSuccess()) {
            f.cancel(false);
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            if (done && options.socket() != null) { // say what it means: no socket, a stale one, no permission
                throw new ShimUnavailableException(endpoint, "cannot connect to the shim at " + endpoint + ": "
                        + ShimUnreachable.explain(f.cause(), options.socket(), ShimUnreachable.uidOfThisProcess()),
                        f.cause());
            }
            String why = done ? String.valueOf(f.cause())
                    : "no connection within " + options.connectTimeout().toMillis() + " ms";
            throw new ShimUnavailableException(endpoint, "cannot connect to the shim at " + endpoint + ": " + why
                    + "; is `baton shim` running there" + (options.socket() != null ? " (--work-dir)" : " (--port)")
                    + "?", f.cause());
        }
        return new Transport(group, f.channel());
    }

    Channel channel() {
        return channel;
    }

    /** Closes the connection and stops the IO thread; waits for both unless called on the IO thread. */
    @Override
    public void close() {
        boolean onIoThread = channel.eventLoop().inEventLoop();
        var closing = channel.close();
        var stopping = group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        if (!onIoThread) {
            closing.awaitUninterruptibly(2, TimeUnit.SECONDS);
            stopping.awaitUninterruptibly(3, TimeUnit.SECONDS);
        }
    }
}
