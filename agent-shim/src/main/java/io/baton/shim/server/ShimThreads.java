package io.baton.shim.server;

import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;

/**
 * Where the shim server's threads come from: the {@link ThreadFactory} given to {@link ShimServer}, which
 * then makes all of them, or by default the names they have always had — the event loop
 * {@code multiThreadIoEventLoopGroup-P-N} (Netty's own default: not a daemon, maximum priority) and the
 * metrics endpoint's daemon {@code shim-metrics}. The one class of the shim's server, metrics and isolator
 * packages that may make a thread any other way ({@code ThreadInjectionArchTest}).
 */
final class ShimThreads {
    /** Null for the default names. */
    private final ThreadFactory injected;

    private ShimThreads(ThreadFactory injected) {
        this.injected = injected;
    }

    static ShimThreads named() {
        return new ShimThreads(null);
    }

    static ShimThreads from(ThreadFactory factory) {
        return new ShimThreads(java.util.Objects.requireNonNull(factory, "thread factory"));
    }

    /** The one event loop thread that runs everything: IO, the core, the ledger, the isolator. */
    ThreadFactory loop() {
        return injected != null ? injected : new DefaultThreadFactory(MultiThreadIoEventLoopGroup.class,
                Thread.MAX_PRIORITY);
    }

    /** The thread that answers {@code GET /metrics}. */
    ExecutorService metrics() {
        return Executors.newSingleThreadExecutor(injected != null ? injected : r -> {
            Thread t = new Thread(r, "shim-metrics");
            t.setDaemon(true);
            return t;
        });
    }
}
