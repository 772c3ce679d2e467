package io.baton.sdk.transport;

import io.netty.util.concurrent.DefaultThreadFactory;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Where every thread of an executor process's runtime comes from: the {@link ThreadFactory} its author
 * injected ({@code ExecutorOptions.withThreads}), which then makes all of them, or by default Baton's own
 * named threads — {@code baton-executor-loop-P-N} (the shim connection's IO thread, which the driver loop
 * shares), {@code baton-driver-<id>} (the driver loop's own thread, for a connection without an IO thread),
 * {@code baton-journal-open} (opens the journal at start, then ends), {@code baton-warm-up} (runs once after the
 * first subscription, then ends), {@code baton-standby-<what>} (a standby's, until it takes over) and
 * {@code baton-hook-N} (the author's hooks, {@code recover} included). An injected factory's threads
 * keep the names and daemon flags it gives them.
 *
 * <p>The one class of the runtime and transport packages that may make a thread any other way
 * ({@code ThreadInjectionArchTest} holds the rest to it). Immutable and thread-safe.
 */
public final class ExecutorThreads {
    static {
        io.baton.jvm.NettyFlightEvents.decide(); // the executor's first use of Netty is its thread factory
    }

    private static final ExecutorThreads NAMED = new ExecutorThreads(null);

    /** Null for Baton's named threads. */
    private final ThreadFactory injected;

    private ExecutorThreads(ThreadFactory injected) {
        this.injected = injected;
    }

    /** Baton's named threads (the default). */
    public static ExecutorThreads named() {
        return NAMED;
    }

    /** Every thread from {@code factory}. */
    public static ExecutorThreads from(ThreadFactory factory) {
        return new ExecutorThreads(Objects.requireNonNull(factory, "thread factory"));
    }

    /** Every thread from {@code factory}, or Baton's named ones when it is null. */
    public static ExecutorThreads fromOrNamed(ThreadFactory factory) {
        return factory == null ? NAMED : from(factory);
    }

    /** The shim connection's one IO thread: by default {@code baton-executor-loop-P-N}, not a daemon. */
    public ThreadFactory io() {
        return injected != null ? injected : new DefaultThreadFactory("baton-executor-loop");
    }

    /** The driver loop's own thread: by default the daemon {@code baton-driver-<executorId>}. */
    public ThreadFactory driver(String executorId) {
        return injected != null ? injected : r -> daemon(new Thread(r, "baton-driver-" + executorId));
    }

    /** The thread that opens the journal while the connection is set up: by default the daemon {@code baton-journal-open}. */
    public ThreadFactory journalOpen() {
        return injected != null ? injected : r -> daemon(new Thread(r, "baton-journal-open"));
    }

    /** The thread that replays the journal while the connection is set up: by default the daemon {@code baton-replay}. */
    public ThreadFactory replay() {
        return injected != null ? injected : r -> daemon(new Thread(r, "baton-replay"));
    }

    /**
     * The thread that warms the replacement code up once the executor has subscribed ({@code DriverWarmUp}): by
     * default the daemon {@code baton-warm-up}, at the lowest priority.
     */
    public ThreadFactory warmUp() {
        return injected != null ? injected : r -> {
            Thread t = daemon(new Thread(r, "baton-warm-up"));
            t.setPriority(Thread.MIN_PRIORITY);
            return t;
        };
    }

    /**
     * A standby's own threads while it stands by (its stand-in shim's, its journal's refresh): by default daemons
     * named {@code baton-standby-<what>}. The standby's warm-up and takeover use the threads above.
     */
    public ThreadFactory standby(String what) {
        return injected != null ? injected : r -> daemon(new Thread(r, "baton-standby-" + what));
    }

    /**
     * The hook threads: as many as hooks run at once (each hook starts at once, as its bound is timed
     * from its submission), idle ones ending after a minute; by default daemons named {@code baton-hook-N}.
     */
    public ExecutorService hookPool() {
        if (injected != null) {
            return Executors.newCachedThreadPool(injected);
        }
        AtomicInteger n = new AtomicInteger();
        return Executors.newCachedThreadPool(r -> daemon(new Thread(r, "baton-hook-" + n.incrementAndGet())));
    }

    private static Thread daemon(Thread t) {
        t.setDaemon(true);
        return t;
    }

    @Override
    public String toString() {
        return injected == null ? "Baton's named threads" : "threads from " + injected;
    }
}
