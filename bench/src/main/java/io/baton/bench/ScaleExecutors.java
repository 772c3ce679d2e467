package io.baton.bench;

import com.google.protobuf.ByteString;
import io.baton.proto.ExecutorCall;
import io.baton.proto.ExecutorEvent;
import io.baton.proto.ExecutorID;
import io.baton.proto.ExecutorResponse;
import io.baton.proto.ExecutorSubscribe;
import io.baton.proto.Heartbeat;
import io.baton.proto.ShimToExecutor;
import io.baton.proto.TaskInfo;
import io.baton.proto.TaskRecord;
import io.baton.proto.TaskState;
import io.baton.proto.TaskStatus;
import io.baton.proto.Update;
import io.baton.sdk.transport.ShimReappears;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoop;
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
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Many lightweight executors in this JVM, each its own connection to the shim's executor Unix socket, all on
 * one Netty event loop. Each speaks the executor protocol itself: it subscribes (reporting the tasks it runs),
 * heartbeats at the interval the shim asks for, answers a LAUNCH with a RUNNING update and a KILL with a KILLED
 * one, and reconnects the way the SDK does when the connection drops: 100 ms doubling to 5 s, or as soon as a new
 * shim socket is there, each executor looking for one every 100 ms while it waits (the SDK's {@link ShimReappears}).
 * No journal and no replacement engine: this is the shim's load, not an executor's.
 *
 * <p>Threads: one event loop thread; every executor's state is touched on it only. {@link #call} may be used
 * from any thread.
 */
final class ScaleExecutors implements AutoCloseable {
    private static final int MAX_FRAME = 64 << 20;
    private static final long MAX_BACKOFF_MS = 5_000;

    private final Path socket;
    private final EventLoopGroup group;
    private final EventLoop loop;
    private final List<Exec> executors = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final AtomicLong uuids = new AtomicLong();
    private final AtomicReference<CountDownLatch> subscriptions = new AtomicReference<>(new CountDownLatch(0));
    /** The first error the shim sent to any of them (an ErrorEvent or a rejected call), or null. */
    final AtomicReference<String> firstError = new AtomicReference<>();
    private volatile boolean open = true;
    /** Connection attempts that failed (the shim was down or refused), and the latest reason. */
    final AtomicLong failedConnects = new AtomicLong();
    volatile String lastConnectFailure;

    ScaleExecutors(Path socket) {
        this.socket = socket;
        this.group = new MultiThreadIoEventLoopGroup(1, r -> {
            Thread t = new Thread(r, "bench-scale-executors");
            t.setDaemon(true);
            return t;
        }, EpollIoHandler.newFactory());
        this.loop = group.next();
    }

    /** One executor: its connection, the tasks it runs, its calls in flight. */
    final class Exec {
        final String id;
        final Map<String, TaskInfo> tasks = new LinkedHashMap<>();
        private final Map<Long, CompletableFuture<ExecutorResponse>> pending = new HashMap<>();
        private long nextCid;
        private long backoffMs = 100;
        /** The next attempt while it waits to reconnect, else null; and its look for a new shim socket meanwhile. */
        private ScheduledFuture<?> retry;
        private ShimReappears watch;
        private Channel channel;
        private ScheduledFuture<?> heartbeat;
        /** System.nanoTime() of its latest successful subscription (0 before the first). */
        volatile long subscribedAtNs;

        Exec(String id) {
            this.id = id;
        }

        private void connect() {
            if (!open) {
                return;
            }
            if (retry != null) {
                retry.cancel(false);
                retry = null;
            }
            new Bootstrap().group(loop).channel(EpollDomainSocketChannel.class).handler(new ChannelInitializer<Channel>() {
                @Override
                protected void initChannel(Channel ch) {
                    ch.pipeline().addLast(new LengthFieldBasedFrameDecoder(MAX_FRAME, 0, 4, 0, 4),
                            new ProtobufDecoder(ShimToExecutor.getDefaultInstance()), new LengthFieldPrepender(4),
                            new ProtobufEncoder(), new Inbound(Exec.this));
                }
            }).connect(new DomainSocketAddress(socket.toFile())).addListener(f -> {
                if (!f.isSuccess()) {
                    failedConnects.incrementAndGet();
                    lastConnectFailure = String.valueOf(f.cause());
                    retryLater();
                }
            });
        }

        private void retryLater() {
            if (open) {
                long delay = backoffMs;
                backoffMs = Math.min(MAX_BACKOFF_MS, backoffMs * 2);
                retry = loop.schedule(this::connect, delay, TimeUnit.MILLISECONDS);
                if (watch == null) { // as NettyShimConnection looks while it waits (its first 10 s: the storm's)
                    watch = ShimReappears.of(socket, false);
                    loop.schedule(this::lookForTheShim, 100, TimeUnit.MILLISECONDS);
                }
            }
        }

        private void lookForTheShim() {
            if (watch == null || !open) {
                return; // connected since
            }
            if (channel == null && retry != null && watch.changed()) {
                backoffMs = 100;
                connect();
            }
            loop.schedule(this::lookForTheShim, 100, TimeUnit.MILLISECONDS);
        }

        private void subscribe() {
            ExecutorSubscribe.Builder sub = ExecutorSubscribe.newBuilder().setExecutorId(ExecutorID.newBuilder().setValue(id));
            tasks.values().forEach(t -> sub.addTasks(TaskRecord.newBuilder().setTask(t).setState(TaskState.TASK_RUNNING)));
            send(ExecutorCall.newBuilder().setSubscribe(sub)).thenAccept(r -> {
                subscribedAtNs = System.nanoTime();
                long every = Math.max(100, r.getSubscribed().getHeartbeatIntervalMs());
                heartbeat = loop.scheduleAtFixedRate(() -> send(ExecutorCall.newBuilder()
                        .setHeartbeat(Heartbeat.getDefaultInstance())), every, every, TimeUnit.MILLISECONDS);
                subscriptions.get().countDown();
            });
        }

        /** On the loop: sends the call; completes with the answer (exceptionally when rejected or disconnected). */
        private CompletableFuture<ExecutorResponse> send(ExecutorCall.Builder call) {
            CompletableFuture<ExecutorResponse> f = new CompletableFuture<>();
            if (channel == null) {
                f.completeExceptionally(new java.nio.channels.NotYetConnectedException());
                return f;
            }
            long cid = ++nextCid;
            pending.put(cid, f);
            channel.writeAndFlush(call.setCorrelationId(cid).build());
            return f.whenComplete((r, e) -> {
                if (e instanceof Rejected) {
                    firstError.compareAndSet(null, "executor " + id + ": " + e.getMessage());
                }
            });
        }

        /** Reports a task's state to the shim (a fresh uuid each time). */
        private CompletableFuture<ExecutorResponse> report(TaskInfo task, TaskState state) {
            byte[] uuid = ByteBuffer.allocate(16).putLong(id.hashCode()).putLong(uuids.incrementAndGet()).array();
            return send(ExecutorCall.newBuilder().setUpdate(Update.newBuilder().setStatus(TaskStatus.newBuilder()
                    .setTaskId(task.getTaskId()).setState(state).setUuid(ByteString.copyFrom(uuid))
                    .setTimestampUs(Harness.nowUs()))));
        }

        private void event(ExecutorEvent e) {
            if (e.hasLaunch()) {
                TaskInfo t = e.getLaunch().getTask();
                tasks.put(t.getTaskId().getValue(), t);
                report(t, TaskState.TASK_RUNNING);
            } else if (e.hasKill()) {
                TaskInfo t = tasks.remove(e.getKill().getTaskId().getValue());
                if (t != null) {
                    report(t, TaskState.TASK_KILLED);
                }
            } else if (e.hasError()) {
                firstError.compareAndSet(null, "executor " + id + " got " + e.getError().getCode() + ": "
                        + e.getError().getMessage());
            }
        }
    }

    /** The shim refused a call (its code and message). */
    static final class Rejected extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Rejected(String message) {
            super(message);
        }
    }

    private static final class Inbound extends SimpleChannelInboundHandler<ShimToExecutor> {
        private final Exec e;

        Inbound(Exec e) {
            this.e = e;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            e.channel = ctx.channel();
            e.backoffMs = 100;
            e.watch = null;
            e.subscribe();
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, ShimToExecutor msg) {
            if (msg.hasResponse()) {
                CompletableFuture<ExecutorResponse> f = e.pending.remove(msg.getResponse().getCorrelationId());
                if (f == null) {
                    return;
                }
                if (msg.getResponse().hasRejected()) {
                    f.completeExceptionally(new Rejected(msg.getResponse().getRejected().getCode() + ": "
                            + msg.getResponse().getRejected().getMessage()));
                } else {
                    f.complete(msg.getResponse());
                }
            } else if (msg.hasEvent()) {
                e.event(msg.getEvent());
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            e.channel = null;
            if (e.heartbeat != null) {
                e.heartbeat.cancel(false);
            }
            List<CompletableFuture<ExecutorResponse>> lost = new ArrayList<>(e.pending.values());
            e.pending.clear();
            lost.forEach(f -> f.completeExceptionally(new java.nio.channels.ClosedChannelException()));
            e.retryLater();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    /**
     * Expects {@code n} subscriptions from now on (first ones, or re-subscriptions after the shim restarted):
     * the latch {@link #awaitSubscriptions} waits for.
     */
    void expectSubscriptions(int n) {
        subscriptions.set(new CountDownLatch(n));
    }

    /** Waits (bounded) for the subscriptions {@link #expectSubscriptions} announced; whether they all came. */
    boolean awaitSubscriptions(long timeoutMs) throws InterruptedException {
        return subscriptions.get().await(timeoutMs, TimeUnit.MILLISECONDS);
    }

    /** Adds executors {@code from} ... {@code to - 1} and starts connecting them; they subscribe on their own. */
    void add(String prefix, int from, int to) {
        for (int i = from; i < to; i++) {
            Exec e = new Exec(prefix + i);
            executors.add(e);
            loop.execute(e::connect);
        }
    }

    int size() {
        return executors.size();
    }

    Exec get(int i) {
        return executors.get(i);
    }

    List<Exec> all() {
        return List.copyOf(executors);
    }

    /** A call from executor {@code e}, made on the loop; completes with the shim's answer. */
    CompletableFuture<ExecutorResponse> call(Exec e, ExecutorCall.Builder call) {
        return CompletableFuture.supplyAsync(() -> e.send(call), loop).thenCompose(f -> f);
    }

    /**
     * A call from executor {@code e}, timed on the loop from just before its frame is written to the handling of
     * the answer (ns): the round trip as an executor's driver loop sees it, with no thread hand-off in it.
     */
    CompletableFuture<Long> timed(Exec e, ExecutorCall.Builder call) {
        return CompletableFuture.supplyAsync(() -> {
            long t0 = System.nanoTime();
            return e.send(call).thenApply(r -> System.nanoTime() - t0);
        }, loop).thenCompose(f -> f);
    }

    /** Executor {@code e} reports {@code state} for {@code task}; completes when the shim accepted it. */
    CompletableFuture<ExecutorResponse> report(Exec e, TaskInfo task, TaskState state) {
        return CompletableFuture.supplyAsync(() -> e.report(task, state), loop).thenCompose(f -> f);
    }

    /** How many tasks the executors run in all (read on the loop). */
    int tasks() throws Exception {
        return loop.submit(() -> executors.stream().mapToInt(e -> e.tasks.size()).sum()).get(10, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        open = false;
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
