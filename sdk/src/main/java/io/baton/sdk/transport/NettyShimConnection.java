package io.baton.sdk.transport;

import io.baton.proto.Adjust;
import io.baton.proto.ContainerLimits;
import io.baton.proto.ExecutorCall;
import io.baton.proto.ExecutorResponse;
import io.baton.proto.ExecutorSubscribe;
import io.baton.proto.ExecutorSubscribed;
import io.baton.proto.Heartbeat;
import io.baton.proto.Release;
import io.baton.proto.Reserve;
import io.baton.proto.ReservationRecord;
import io.baton.proto.ShimToExecutor;
import io.baton.proto.TaskStatus;
import io.baton.proto.Update;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.codec.LengthFieldPrepender;
import io.netty.handler.codec.protobuf.ProtobufDecoder;
import io.netty.handler.codec.protobuf.ProtobufEncoder;
import io.netty.handler.flush.FlushConsolidationHandler;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link ShimConnection} over the shim's executor Unix socket (or its executor TCP port, with the
 * token: over TCP the shim cannot see who the peer is): length-prefixed protobuf frames,
 * calls correlated by id, reconnect with exponential backoff (100 ms doubling to 5 s) — or as soon as a new shim
 * socket or address file is there while it waits ({@link ShimReappears}) — and a heartbeat at the interval the shim
 * asks for. One Netty IO thread. It says where it connects, what a failed
 * attempt means ({@link ShimUnreachable}) without repeating itself ({@link ConnectRetries}), and when it is
 * connected.
 */
public final class NettyShimConnection implements ShimConnection {
    static {
        io.baton.jvm.NettyFlightEvents.decide(); // before Netty reads it
    }

    private static final Logger LOG = LoggerFactory.getLogger(NettyShimConnection.class);
    private static final int MAX_FRAME = 64 * 1024 * 1024;
    /**
     * Reads start at 2 KiB and never go below it (at most Netty's default 64 KiB): Netty's adaptive guess shrinks to
     * the frames a connection usually gets (acknowledgements, answers: 20–150 bytes, guesses of 288–448), and a
     * REPLACE (about 600 bytes with a small task) then took two reads, in the HTTP benchmark at times more than a
     * millisecond apart, on its way to the kill.
     */
    private static final int MIN_READ_BYTES = 2048;

    /** The receive buffers of a connection to the shim (an executor's or a framework's): never below 2 KiB. */
    public static io.netty.channel.RecvByteBufAllocator readBuffers() {
        return new io.netty.channel.AdaptiveRecvByteBufAllocator(MIN_READ_BYTES, MIN_READ_BYTES, 64 * 1024);
    }

    /**
     * The connection's framing and protobuf codecs, in pipeline order (new instances each time): frames in are
     * {@link ShimToExecutor}s, messages out any protobuf message, each behind its 4-byte length. {@link WireWarmUp}
     * runs the same ones.
     */
    static io.netty.channel.ChannelHandler[] frameCodecs() {
        return new io.netty.channel.ChannelHandler[] {new LengthFieldBasedFrameDecoder(MAX_FRAME, 0, 4, 0, 4),
                new ProtobufDecoder(ShimToExecutor.getDefaultInstance()), new LengthFieldPrepender(4), new ProtobufEncoder()};
    }

    private static final long MAX_BACKOFF_MS = 5_000;

    /** Where to connect: asked again before every attempt (a shim address file may change). */
    private final java.util.function.Supplier<java.net.SocketAddress> address;
    private final String socket;
    /** The Unix socket's path, to explain a failed connect ({@link ShimUnreachable}); null over TCP. */
    private final Path socketPath;
    /**
     * The file the shim announces itself by (the Unix socket, or the address file and its versions), watched while
     * the connection waits to reconnect; null for a fixed TCP address.
     */
    private final Path announcedBy;
    /** What the retries say (touched on the IO thread only). */
    private final ConnectRetries retries;
    private final String token;
    /** One IO thread, which the executor's driver loop shares ("baton-executor-loop-…" in a thread dump by default). */
    private final EventLoopGroup group;
    private final io.netty.channel.EventLoop loop;
    private final Map<Long, Pending<?>> pending = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong();
    private volatile Channel channel;
    private volatile boolean open = true;
    private volatile Listener listener;
    /** A connect attempt is under way (on the IO thread only): {@link #start} after a preconnect waits for it. */
    private boolean connecting;
    private long backoffMs = 100;
    private ScheduledFuture<?> heartbeat;
    /** The next attempt while it waits (IO thread only). */
    private ScheduledFuture<?> retry;
    /** While it waits: the watch on {@link #announcedBy}, its next look, and since when it waits (IO thread only). */
    private ShimReappears watch;
    private ScheduledFuture<?> nextLook;
    private long waitingSinceNanos;
    /** A waiting connection looks for its shim this often for the first {@link #LOOK_OFTEN_FOR_MS} of a wait. */
    static final long LOOK_EVERY_MS = 100;
    /** ... and then this often: a shim away that long is not coming back any second, and a node may run many executors. */
    static final long LOOK_LATER_EVERY_MS = 1_000;
    static final long LOOK_OFTEN_FOR_MS = 10_000;
    /** How long one attempt to connect may take (a TCP peer whose host is gone answers nothing). */
    static final int CONNECT_TIMEOUT_MS = 5_000;

    private record Pending<T>(CompletableFuture<T> future, Function<ExecutorResponse, T> extract) {
        void complete(ExecutorResponse r) {
            if (r.hasRejected()) {
                future.completeExceptionally(new ShimRejection(r.getRejected().getCode(), r.getRejected().getMessage()));
            } else {
                future.complete(extract.apply(r));
            }
        }
    }

    /** Over the shim's executor Unix socket, on Baton's named IO thread ({@link ExecutorThreads#named()}). */
    public NettyShimConnection(Path socket) {
        this(socket, ExecutorThreads.named().io());
    }

    /** Over the shim's executor Unix socket, with its IO thread made by {@code threads}. */
    public NettyShimConnection(Path socket, ThreadFactory threads) {
        this(fixed(new DomainSocketAddress(socket.toFile())), socket.toString(), socket, socket, null, threads);
    }

    private NettyShimConnection(java.util.function.Supplier<java.net.SocketAddress> address, String describe,
            Path socketPath, Path announcedBy, String token, ThreadFactory threads) {
        this.address = address;
        this.socket = describe;
        this.socketPath = socketPath;
        this.announcedBy = announcedBy;
        this.retries = new ConnectRetries(describe, MAX_BACKOFF_MS);
        this.token = token;
        this.group = new MultiThreadIoEventLoopGroup(1, Objects.requireNonNull(threads, "thread factory"),
                EpollIoHandler.newFactory());
        this.loop = group.next();
    }

    /** Over the shim's executor TCP port ({@code baton shim --executor-port}), presenting its token. */
    public static NettyShimConnection tcp(String host, int port, String token) {
        return tcp(host, port, token, ExecutorThreads.named().io());
    }

    /** Like {@link #tcp(String, int, String)}, with the IO thread made by {@code threads}. */
    public static NettyShimConnection tcp(String host, int port, String token, ThreadFactory threads) {
        return new NettyShimConnection(fixed(new java.net.InetSocketAddress(host, port)), "tcp:" + host + ":" + port,
                null, null, token, threads);
    }

    /**
     * Over TCP to the address in {@code addressFile} ({@link ShimAddressFile}), read again before every attempt
     * to connect: after the shim moved, the executor reconnects to where the file's newest version says.
     */
    public static NettyShimConnection tcpFromFile(Path addressFile, String token, ThreadFactory threads) {
        return new NettyShimConnection(() -> ShimAddressFile.read(addressFile), "the TCP address in " + addressFile
                + " (or its newest version " + addressFile.getFileName() + ".N)", null, addressFile, token, threads);
    }

    private static java.util.function.Supplier<java.net.SocketAddress> fixed(java.net.SocketAddress a) {
        return () -> a;
    }

    @Override
    public void start(Listener l) {
        Objects.requireNonNull(l, "listener");
        LOG.info(retries.connecting());
        loop.execute(() -> { // set on the IO thread, where channelActive reads it: the listener hears of a connection once
            this.listener = l;
            Channel ch = channel;
            if (ch != null && ch.isActive()) { // preconnected and still up
                connectedNow();
            } else if (!connecting) { // else the preconnect's attempt reports to the listener when it ends
                connect();
            }
        });
    }

    @Override
    public void preconnect() {
        loop.execute(() -> {
            if (listener == null && channel == null && !connecting) {
                connect();
            }
        });
    }

    private void connect() {
        if (!open) {
            return;
        }
        if (retry != null) {
            retry.cancel(false); // this is the attempt (or one came sooner: the shim appeared)
            retry = null;
        }
        connecting = true;
        java.net.SocketAddress address;
        try {
            address = this.address.get();
        } catch (RuntimeException e) { // an address file missing or unreadable for now: like a refused connect
            connectFailed(e);
            return;
        }
        boolean unix = address instanceof DomainSocketAddress;
        new Bootstrap().group(loop).channel(unix ? EpollDomainSocketChannel.class
                : io.netty.channel.epoll.EpollSocketChannel.class)
                .option(io.netty.channel.ChannelOption.RCVBUF_ALLOCATOR, readBuffers())
                .option(io.netty.channel.ChannelOption.CONNECT_TIMEOUT_MILLIS, CONNECT_TIMEOUT_MS)
                .handler(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
                // the driver loop runs here: frames written by one of its steps leave in one flush
                ch.pipeline().addLast(new FlushConsolidationHandler(FlushConsolidationHandler.DEFAULT_EXPLICIT_FLUSH_AFTER_FLUSHES, true));
                ch.pipeline().addLast(frameCodecs());
                ch.pipeline().addLast(new Inbound());
            }
        }).connect(address).addListener(f -> {
            if (!f.isSuccess()) {
                connectFailed(f.cause());
            }
        });
    }

    /** On the IO thread: says what the failure means (not every time) and tries again later. */
    private void connectFailed(Throwable cause) {
        connecting = false;
        if (!open) {
            return;
        }
        if (listener == null) { // a preconnect: start() tries again, and says so
            LOG.debug("early connect to the shim at {} failed: {}", socket, cause.toString());
            return;
        }
        String why = socketPath != null
                ? ShimUnreachable.explain(cause, socketPath, ShimUnreachable.uidOfThisProcess())
                : String.valueOf(cause.getMessage());
        String line = retries.failed(why, backoffMs, loop.ticker().nanoTime());
        if (line != null) {
            LOG.warn(line);
        } else {
            LOG.debug("attempt {} to connect to the shim at {} failed: {}", retries.failures(), socket, why);
        }
        retryLater();
    }

    private void retryLater() {
        if (!open) {
            return;
        }
        long delay = backoffMs;
        backoffMs = Math.min(MAX_BACKOFF_MS, backoffMs * 2);
        retry = loop.schedule(this::connect, delay, TimeUnit.MILLISECONDS);
        watchForTheShim();
    }

    /**
     * On the IO thread, while the connection waits to reconnect: looks for the file the shim announces itself by
     * ({@link ShimReappears}) every {@link #LOOK_EVERY_MS} (every {@link #LOOK_LATER_EVERY_MS} once it has waited
     * {@link #LOOK_OFTEN_FOR_MS}), and connects at once when another one is there. Set up once per wait.
     */
    private void watchForTheShim() {
        if (announcedBy == null || watch != null) {
            return;
        }
        watch = ShimReappears.of(announcedBy, socketPath == null);
        waitingSinceNanos = System.nanoTime();
        lookLater();
    }

    private void lookLater() {
        boolean early = System.nanoTime() - waitingSinceNanos < TimeUnit.MILLISECONDS.toNanos(LOOK_OFTEN_FOR_MS);
        nextLook = loop.schedule(this::lookForTheShim, early ? LOOK_EVERY_MS : LOOK_LATER_EVERY_MS,
                TimeUnit.MILLISECONDS);
    }

    private void lookForTheShim() {
        if (watch == null) {
            return; // connected or closed since
        }
        // only while an attempt is due: a new file seen during an attempt is left for the look after it
        if (open && channel == null && !connecting && retry != null && watch.changed()) {
            LOG.info("{} is new: connecting now, not in {} ms", announcedBy, retry.getDelay(TimeUnit.MILLISECONDS));
            backoffMs = 100; // a shim only just bound may refuse once: try again soon (a new file is another shim)
            connect();
        }
        lookLater();
    }

    /** On the IO thread: connected or closed, nothing to wait for. */
    private void stopWatching() {
        if (nextLook != null) {
            nextLook.cancel(false);
            nextLook = null;
        }
        watch = null;
    }

    private final class Inbound extends SimpleChannelInboundHandler<ShimToExecutor> {
        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            connecting = false;
            channel = ctx.channel();
            if (listener != null) { // else preconnected: start() reports it
                connectedNow();
            }
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, ShimToExecutor msg) {
            if (msg.hasResponse()) {
                ExecutorResponse r = msg.getResponse();
                Pending<?> p = pending.remove(r.getCorrelationId());
                if (p != null) {
                    p.complete(r);
                } else if (r.getCorrelationId() == 0 && r.hasRejected()) { // a quiet update or progress, refused
                    LOG.warn("the shim at {} refused a status update or progress of this executor: {}: {}", socket,
                            r.getRejected().getCode(), r.getRejected().getMessage());
                }
            } else if (msg.hasEvent()) {
                listener.event(msg.getEvent());
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            channel = null;
            if (listener == null) { // a preconnected channel closed before start(): start() connects again
                return;
            }
            if (heartbeat != null) {
                heartbeat.cancel(false);
            }
            ShimUnavailable gone = new ShimUnavailable("connection to the shim at " + socket + " was lost");
            pending.values().forEach(p -> p.future().completeExceptionally(gone));
            pending.clear();
            listener.disconnected("connection to the shim at " + socket + " closed");
            retryLater();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            LOG.warn("shim connection error: {}", cause.toString());
            ctx.close();
        }
    }

    /** On the IO thread: the connection is up and the listener is told, once per connection. */
    private void connectedNow() {
        backoffMs = 100;
        stopWatching();
        LOG.info(retries.connected());
        listener.connected();
    }

    private <T> CompletableFuture<T> call(ExecutorCall.Builder call, Function<ExecutorResponse, T> extract) {
        CompletableFuture<T> f = new CompletableFuture<>();
        Channel ch = channel;
        if (ch == null || !ch.isActive()) {
            f.completeExceptionally(new ShimUnavailable("not connected to the shim at " + socket));
            return f;
        }
        long id = ids.incrementAndGet();
        pending.put(id, new Pending<>(f, extract));
        ch.writeAndFlush(call.setCorrelationId(id).build()).addListener(w -> {
            if (!w.isSuccess()) {
                Pending<?> p = pending.remove(id);
                if (p != null) {
                    p.future().completeExceptionally(new ShimUnavailable("could not write to the shim: " + w.cause()));
                }
            }
        });
        return f;
    }

    @Override
    public CompletableFuture<ExecutorSubscribed> subscribe(ExecutorSubscribe s) {
        ExecutorSubscribe withToken = token == null ? s : s.toBuilder().setToken(token).build();
        return call(ExecutorCall.newBuilder().setSubscribe(withToken), ExecutorResponse::getSubscribed).thenApply(ok -> {
            long every = Math.max(100, ok.getHeartbeatIntervalMs());
            Channel ch = channel;
            if (heartbeat != null) {
                heartbeat.cancel(false); // a re-subscription on the same connection must not add a second one
            }
            if (ch != null) {
                heartbeat = ch.eventLoop().scheduleAtFixedRate(() -> call(ExecutorCall.newBuilder()
                        .setHeartbeat(Heartbeat.getDefaultInstance()), r -> null), every, every, TimeUnit.MILLISECONDS);
            }
            return ok;
        });
    }

    @Override
    public CompletableFuture<ReservationRecord> reserve(Reserve r) {
        return call(ExecutorCall.newBuilder().setReserve(r), ExecutorResponse::getReserved);
    }

    @Override
    public CompletableFuture<ContainerLimits> adjust(Adjust a) {
        return call(ExecutorCall.newBuilder().setAdjust(a), ExecutorResponse::getAdjusted);
    }

    @Override
    public CompletableFuture<ContainerLimits> release(Release r) {
        return call(ExecutorCall.newBuilder().setRelease(r), ExecutorResponse::getReleased);
    }

    /**
     * Sent quiet: the shim answers only a refusal (logged here); the framework's acknowledgement comes as an
     * {@code acknowledged} event. Completes once the update is written, or with {@link ShimUnavailable}.
     */
    @Override
    public CompletableFuture<Void> update(TaskStatus s) {
        return tell(ExecutorCall.newBuilder().setUpdate(Update.newBuilder().setStatus(s)));
    }

    /** Sent quiet, like {@link #update}. */
    @Override
    public CompletableFuture<Void> progress(io.baton.proto.ReplacementProgress p) {
        return tell(ExecutorCall.newBuilder().setProgress(p));
    }

    /** A quiet call: correlation id 0, no answer once accepted, so nothing waits for one. */
    private CompletableFuture<Void> tell(ExecutorCall.Builder call) {
        CompletableFuture<Void> f = new CompletableFuture<>();
        Channel ch = channel;
        if (ch == null || !ch.isActive()) {
            f.completeExceptionally(new ShimUnavailable("not connected to the shim at " + socket));
            return f;
        }
        ch.writeAndFlush(call.setQuiet(true).build()).addListener(w -> {
            if (w.isSuccess()) {
                f.complete(null);
            } else {
                f.completeExceptionally(new ShimUnavailable("could not write to the shim: " + w.cause()));
            }
        });
        return f;
    }

    @Override
    public CompletableFuture<Void> recordedOutcome(TaskStatus finalUpdate) {
        return call(ExecutorCall.newBuilder().setRecordedOutcome(io.baton.proto.RecordedOutcome.newBuilder()
                .setFinalUpdate(finalUpdate)), r -> null);
    }

    /** The connection's one IO thread (every channel it opens is registered on it). */
    @Override
    public java.util.concurrent.ScheduledExecutorService ioLoop() {
        return loop;
    }

    @Override
    public void close() {
        open = false;
        Channel ch = channel;
        if (ch != null) {
            ch.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(3, TimeUnit.SECONDS);
    }
}
