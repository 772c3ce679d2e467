package io.baton.shim.server;

import io.baton.proto.ExecutorCall;
import io.baton.proto.FrameworkCall;
import io.baton.shim.isolator.Isolator;
import io.baton.shim.isolator.MemoryShrinker;
import io.baton.shim.metrics.LedgerGauges;
import io.baton.shim.metrics.MetricsEndpoint;
import io.baton.shim.metrics.MetricsText;
import io.baton.shim.metrics.ShimMetrics;
import io.baton.shim.web.WebView;
import com.google.protobuf.util.JsonFormat;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.util.concurrent.Ticker;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The shim daemon's network side. One event loop thread runs everything — IO, the ledger, the
 * isolator — so the ledger needs no locks and every call sees the effects of the one before.
 * Listens on {@code executor.sock} and {@code framework.sock} in the work directory (mode 0600),
 * and optionally on a loopback TCP port for the framework API.
 */
public final class ShimServer implements AutoCloseable {
    static {
        io.baton.jvm.NettyFlightEvents.decide(); // before Netty reads it
    }

    private static final Logger LOG = LoggerFactory.getLogger(ShimServer.class);

    private final ShimConfig config;
    private final NodeBackend backend;
    private final EventLoopGroup group;
    private final EventLoop loop;
    private final ShimContext ctx;
    private final ExecutorApi executorApi;
    private final FrameworkApi frameworkApi;
    private final List<Channel> listeners = new ArrayList<>();
    /** Every accepted connection, so close() ends them all explicitly (peers see the close at once). */
    private final io.netty.channel.group.ChannelGroup connections;
    private final ShimThreads threads;
    private final ShimMetrics metrics = new ShimMetrics();
    private MetricsEndpoint metricsEndpoint;
    private ScheduledFuture<?> housekeeping;
    private WorkDir workDir;
    private boolean closed;

    public ShimServer(ShimConfig config, Isolator isolator, String token) {
        this(config, isolator, token, Clock.systemUTC());
    }

    /**
     * With {@code clock} as the wall clock of every timestamp and offer expiry the shim decides on
     * (and of its offer id prefix). Deadlines that only measure elapsed time (memory shrinks, frame
     * deadlines) use the event loop's monotonic {@link io.netty.util.concurrent.Ticker}.
     */
    public ShimServer(ShimConfig config, Isolator isolator, String token, Clock clock) {
        this(config, isolator, token, clock, ShimThreads.named());
    }

    /**
     * Like {@link #ShimServer(ShimConfig, Isolator, String, Clock)}, with every thread the server starts —
     * its event loop and the metrics endpoint's handler thread — made by {@code threads}, under the names
     * and daemon flags it gives them; {@link #close()} ends them all. (The JDK's HTTP server behind
     * {@code --metrics-port} also starts two threads of its own, {@code HTTP-Dispatcher} and
     * {@code idle-timeout-task}, which no factory reaches.)
     */
    public ShimServer(ShimConfig config, Isolator isolator, String token, Clock clock, ThreadFactory threads) {
        this(config, isolator, token, clock, ShimThreads.from(threads));
    }

    private ShimServer(ShimConfig config, Isolator isolator, String token, Clock clock, ShimThreads threads) {
        this(config, isolator, null, token, clock, threads);
    }

    /**
     * A shim whose node-facing requests (attach, limits, grants, destroy) go to {@code backend} instead of an
     * isolator: e.g. a cluster resource manager that answers them later. Everything else is as in
     * {@link #ShimServer(ShimConfig, Isolator, String, Clock)}; {@link #close()} closes the backend.
     */
    public static ShimServer withBackend(ShimConfig config, NodeBackend backend, String token, Clock clock) {
        return new ShimServer(config, null, Objects.requireNonNull(backend, "backend"), token, clock,
                ShimThreads.named());
    }

    private ShimServer(ShimConfig config, Isolator isolator, NodeBackend custom, String token, Clock clock,
            ShimThreads threads) {
        Objects.requireNonNull(clock, "clock");
        if (!Epoll.isAvailable()) {
            throw new IllegalStateException("the shim needs Linux epoll for Unix sockets and peer credentials: "
                    + Epoll.unavailabilityCause());
        }
        this.config = config;
        this.threads = threads;
        this.group = new MultiThreadIoEventLoopGroup(1, threads.loop(), EpollIoHandler.newFactory());
        this.loop = group.next();
        // on the loop, not Netty's GlobalEventExecutor (a thread of Netty's own); close() never runs on the loop
        this.connections = new io.netty.channel.group.DefaultChannelGroup(loop);
        if (custom == null) {
            Ticker ticker = loop.ticker();
            MemoryShrinker shrinker = new MemoryShrinker(isolator, loop, ticker::nanoTime,
                    Duration.ofMillis(config.memoryPollMs()), Duration.ofMillis(config.memoryShrinkDeadlineMs()),
                    new ShrinkNotices(this::context, ticker::nanoTime));
            this.backend = new IsolatorBackend(new Containers(isolator, shrinker));
        } else {
            this.backend = custom;
        }
        String offerPrefix = "o" + Long.toString(clock.millis(), 36);
        this.ctx = ShimContext.of(config, offerPrefix, backend, () -> micros(clock), token, metrics);
        backend.bind(new BackendLoop(loop, ctx));
        this.executorApi = new ExecutorApi(ctx);
        this.frameworkApi = new FrameworkApi(ctx);
    }

    private ShimContext context() {
        return ctx;
    }

    /** Binds the sockets. Fails with a clear message if another shim holds the work directory. */
    public ShimServer start() throws IOException, InterruptedException {
        try {
            return bindAll();
        } catch (IOException | InterruptedException | RuntimeException e) {
            close();
            throw e;
        }
    }

    private ShimServer bindAll() throws IOException, InterruptedException {
        workDir = WorkDir.lock(config.workDir());
        Path exec = config.executorSocket();
        Path fw = config.frameworkSocket();
        listeners.add(bindUnix(exec, executorInitializer("executor-unix")));
        listeners.add(bindUnix(fw, frameworkInitializer("framework-unix")));
        if (config.tcpPort() > 0) {
            Channel tcp = new ServerBootstrap().group(group).channel(EpollServerSocketChannel.class)
                    .childHandler(frameworkInitializer("framework-tcp"))
                    .bind(new InetSocketAddress(config.bindAddress(), config.tcpPort())).sync().channel();
            listeners.add(tcp);
            LOG.info("framework API on tcp {}", tcp.localAddress());
        }
        if (config.executorPort() > 0) {
            Channel tcp = new ServerBootstrap().group(group).channel(EpollServerSocketChannel.class)
                    .childHandler(executorInitializer("executor-tcp"))
                    .bind(new InetSocketAddress(config.bindAddress(), config.executorPort())).sync().channel();
            listeners.add(tcp);
            LOG.info("executor API on tcp {} (token required, no containers)", tcp.localAddress());
        }
        if (config.metricsPort() > 0) {
            metricsEndpoint = MetricsEndpoint.start(config.bindAddress(), config.metricsPort(), this::metricsText,
                    new WebView(this::stateJson), threads.metrics());
            LOG.info("metrics at {}, live view at {}", metricsEndpoint.url(), metricsEndpoint.viewUrl());
        }
        Pipelines.warmBufferEvents(); // here, while the loop already serves: not on it at the first big frame
        long period = Math.max(50, Math.min(1000, config.offerTtlMs() / 4));
        housekeeping = loop.scheduleAtFixedRate(this::housekeeping, period, period, TimeUnit.MILLISECONDS);
        LOG.info("shim on node {} serving executors at {} and frameworks at {}; total {}; isolator {}",
                config.node(), exec, fw, config.total(), backend.kind());
        return this;
    }

    private Channel bindUnix(Path path, ChannelInitializer<Channel> init) throws IOException, InterruptedException {
        Files.deleteIfExists(path);
        Channel ch = new ServerBootstrap().group(group).channel(EpollServerDomainSocketChannel.class)
                .childHandler(init).bind(new DomainSocketAddress(path.toFile())).sync().channel();
        Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-------"));
        return ch;
    }

    private ChannelInitializer<Channel> executorInitializer(String listener) {
        ConnectionLimit limit = new ConnectionLimit(listener, config.maxConnections(), metrics,
                why -> io.baton.proto.ShimToExecutor.newBuilder().setEvent(io.baton.proto.ExecutorEvent.newBuilder()
                        .setError(error(why))).build());
        return new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel ch) {
                connections.add(ch);
                if (!limit.admit(ch)) {
                    return;
                }
                Pipelines.install(ch.pipeline(), config.maxFrameBytes(), config.idleTimeoutMs(),
                        ExecutorCall.getDefaultInstance(), new ExecutorHandler(ctx, executorApi));
            }
        };
    }

    private ChannelInitializer<Channel> frameworkInitializer(String listener) {
        ConnectionLimit limit = new ConnectionLimit(listener, config.maxConnections(), metrics,
                why -> io.baton.proto.ShimToFramework.newBuilder().setEvent(io.baton.proto.FrameworkEvent.newBuilder()
                        .setError(error(why))).build());
        return new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel ch) {
                connections.add(ch);
                if (!limit.admit(ch)) {
                    return;
                }
                Pipelines.install(ch.pipeline(), config.maxFrameBytes(), config.idleTimeoutMs(),
                        FrameworkCall.getDefaultInstance(), new FrameworkHandler(ctx, frameworkApi));
            }
        };
    }

    private static io.baton.proto.ErrorEvent error(String why) {
        return io.baton.proto.ErrorEvent.newBuilder().setCode(io.baton.proto.RejectCode.TOO_MANY_CONNECTIONS)
                .setMessage(why).build();
    }

    /** Offers expire back to free; executors away longer than the recovery timeout lose their tasks. */
    private void housekeeping() {
        ctx.feed(new io.baton.shim.core.Input.Tick(ctx.nowUs()));
    }

    /** Runs a task on the shim's loop and waits for it (for tests and the STATE snapshot of tools). */
    public <T> T onLoop(java.util.concurrent.Callable<T> task) throws Exception {
        return loop.submit(task).get(10, TimeUnit.SECONDS);
    }

    /** The ledgers' self-check (null when consistent), read on the loop. */
    public String verifyLedger() throws Exception {
        return onLoop(ctx.router::verify);
    }

    public io.baton.proto.NodeState state() throws Exception {
        return onLoop(ctx.router::state);
    }

    /** The Prometheus text of {@code GET /metrics}: ledger gauges read on the loop, counters from anywhere. */
    String metricsText() throws Exception {
        LedgerGauges gauges = onLoop(() -> LedgerGauges.read(ctx.router.ledgers())
                .withRefusedSubscriptions(ctx.router.refusedSubscriptions()));
        return MetricsText.render(metrics.snapshot(), gauges);
    }

    /** {@code GET /api/state} of the live view: the STATE snapshot read on the loop, printed as the CLI prints it. */
    String stateJson() throws Exception {
        return JsonFormat.printer().print(state());
    }

    public ShimConfig config() {
        return config;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (metricsEndpoint != null) {
            metricsEndpoint.close();
        }
        if (housekeeping != null) {
            housekeeping.cancel(false);
        }
        for (Channel ch : listeners) {
            ch.close().awaitUninterruptibly();
        }
        connections.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        if (workDir != null) { // only the shim that holds the lock owns the socket files
            try {
                Files.deleteIfExists(config.executorSocket());
                Files.deleteIfExists(config.frameworkSocket());
            } catch (IOException e) {
                LOG.warn("could not remove socket files: {}", e.getMessage());
            }
        }
        if (workDir != null) {
            workDir.close();
        }
        backend.close();
    }

    /**
     * {@code clock}'s time in microseconds since the epoch, at the clock's own resolution (the system clock's is
     * microseconds on Linux): every timestamp the shim stamps, a REPLACE's {@code requested_at_us} among them, which
     * the executor's {@code total_us} starts from. Milliseconds would add up to 1 ms to every such duration.
     */
    public static long micros(Clock clock) {
        java.time.Instant now = clock.instant();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
    }
}
