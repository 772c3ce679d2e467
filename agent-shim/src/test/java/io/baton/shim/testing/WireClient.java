package io.baton.shim.testing;

import com.google.protobuf.MessageLite;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.codec.LengthFieldPrepender;
import io.netty.handler.codec.protobuf.ProtobufDecoder;
import io.netty.handler.codec.protobuf.ProtobufEncoder;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A minimal client of the shim written from the proto files alone: length-prefixed protobuf frames
 * over a Unix socket (or TCP). Every message from the shim lands in {@link #inbox}.
 */
public final class WireClient<I extends MessageLite> implements AutoCloseable {
    private static final EventLoopGroup GROUP = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());

    public final BlockingQueue<I> inbox = new LinkedBlockingQueue<>();
    private final Channel channel;
    private final java.util.List<I> backlog = new java.util.ArrayList<>();

    private WireClient(SocketAddress address, boolean unix, I prototype) throws InterruptedException {
        Bootstrap b = new Bootstrap().group(GROUP)
                .channel(unix ? EpollDomainSocketChannel.class : EpollSocketChannel.class)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(new LengthFieldBasedFrameDecoder(64 << 20, 0, 4, 0, 4),
                                new ProtobufDecoder(prototype), new LengthFieldPrepender(4), new ProtobufEncoder(),
                                new SimpleChannelInboundHandler<MessageLite>() {
                                    @Override
                                    @SuppressWarnings("unchecked")
                                    protected void channelRead0(ChannelHandlerContext ctx, MessageLite msg) {
                                        inbox.add((I) msg);
                                    }
                                });
                    }
                });
        channel = b.connect(address).sync().channel();
    }

    public static <I extends MessageLite> WireClient<I> unix(Path socket, I prototype) throws InterruptedException {
        return new WireClient<>(new DomainSocketAddress(socket.toFile()), true, prototype);
    }

    public static <I extends MessageLite> WireClient<I> tcp(int port, I prototype) throws InterruptedException {
        return new WireClient<>(new InetSocketAddress("127.0.0.1", port), false, prototype);
    }

    public void send(MessageLite msg) {
        channel.writeAndFlush(msg).syncUninterruptibly();
    }

    /** Writes raw bytes, bypassing the codec (for malformed and oversized frames). */
    public void sendRaw(ByteBuf bytes) {
        channel.pipeline().firstContext().writeAndFlush(bytes).syncUninterruptibly();
    }

    public io.netty.buffer.ByteBufAllocator alloc() {
        return channel.alloc();
    }

    /**
     * The first message matching, within 10 s. Messages that do not match stay available for later
     * awaits (a status update may arrive before the response a test is waiting for).
     */
    public synchronized I await(Predicate<I> match) throws InterruptedException {
        for (var it = backlog.iterator(); it.hasNext();) {
            I m = it.next();
            if (match.test(m)) {
                it.remove();
                return m;
            }
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            I m = inbox.poll(Math.max(0, left), TimeUnit.NANOSECONDS);
            if (m == null) {
                throw new AssertionError("no matching message within 10 s; unmatched: " + backlog);
            }
            if (match.test(m)) {
                return m;
            }
            backlog.add(m);
        }
    }

    /** Like {@link #await} but gives up after {@code timeout}, returning null. */
    public synchronized I poll(Predicate<I> match, Duration timeout) throws InterruptedException {
        for (var it = backlog.iterator(); it.hasNext();) {
            I m = it.next();
            if (match.test(m)) {
                it.remove();
                return m;
            }
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            I m = inbox.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (m == null) {
                return null;
            }
            if (match.test(m)) {
                return m;
            }
            backlog.add(m);
        }
        return null;
    }

    public boolean isOpen() {
        return channel.isActive();
    }

    public void awaitClosed() {
        channel.closeFuture().awaitUninterruptibly(10, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
    }
}
