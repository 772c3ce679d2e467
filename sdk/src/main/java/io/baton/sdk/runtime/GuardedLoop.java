package io.baton.sdk.runtime;

import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The executor's driver loop over one thread: its own {@link DriverLoop}, or the shim connection's IO
 * thread when the connection offers it ({@code ShimConnection.ioLoop()}), so that a shim answer or event
 * is handled where it arrives and a shim call is written where it is made, with no hand-off between
 * threads either way (two thread wake-ups saved per shim round trip). One thread either way, so the
 * runtime's single-threaded contract is unchanged.
 *
 * <p>Anything a step throws is logged with its cause and the loop goes on (a periodic step keeps
 * running). {@link #stop} — called on the loop itself as the last step that touches the journal — makes
 * every later step a no-op, so nothing already queued runs against a closed journal; a borrowed IO thread
 * is then ended by the connection's close, an owned one by {@link #shutdownNow}.
 */
final class GuardedLoop extends AbstractExecutorService implements ScheduledExecutorService {
    private static final Logger LOG = LoggerFactory.getLogger(GuardedLoop.class);

    private final ScheduledExecutorService io;
    private final boolean owned;
    private volatile boolean stopped;

    /** @param owned whether {@link #shutdownNow} also ends {@code io} (true for a loop of its own) */
    GuardedLoop(ScheduledExecutorService io, boolean owned) {
        this.io = io;
        this.owned = owned;
    }

    /** From now on every step, queued or future, is skipped. */
    void stop() {
        stopped = true;
    }

    private Runnable guarded(Runnable step) {
        return () -> {
            if (stopped) {
                return;
            }
            try {
                step.run();
            } catch (RuntimeException | Error e) {
                LOG.error("executor driver loop: a step failed: {}", e.toString(), e);
            }
        };
    }

    private <V> Callable<V> guarded(Callable<V> step) {
        return () -> {
            if (stopped) {
                return null;
            }
            try {
                return step.call();
            } catch (Exception | Error e) {
                LOG.error("executor driver loop: a step failed: {}", e.toString(), e);
                throw e;
            }
        };
    }

    @Override
    public void execute(Runnable step) {
        if (stopped) {
            LOG.debug("executor driver loop stopped; dropping {}", step);
            return;
        }
        io.execute(guarded(step));
    }

    @Override
    public ScheduledFuture<?> schedule(Runnable step, long delay, TimeUnit unit) {
        return io.schedule(guarded(step), delay, unit);
    }

    @Override
    public <V> ScheduledFuture<V> schedule(Callable<V> step, long delay, TimeUnit unit) {
        return io.schedule(guarded(step), delay, unit);
    }

    @Override
    public ScheduledFuture<?> scheduleAtFixedRate(Runnable step, long initialDelay, long period, TimeUnit unit) {
        return io.scheduleAtFixedRate(guarded(step), initialDelay, period, unit);
    }

    @Override
    public ScheduledFuture<?> scheduleWithFixedDelay(Runnable step, long initialDelay, long delay, TimeUnit unit) {
        return io.scheduleWithFixedDelay(guarded(step), initialDelay, delay, unit);
    }

    @Override
    public void shutdown() {
        stopped = true;
        if (owned) {
            io.shutdown();
        }
    }

    @Override
    public List<Runnable> shutdownNow() {
        stopped = true;
        if (owned) {
            io.shutdownNow();
        }
        return List.of();
    }

    @Override
    public boolean isShutdown() {
        return stopped;
    }

    @Override
    public boolean isTerminated() {
        return stopped && (!owned || io.isTerminated());
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
        return !owned || io.awaitTermination(timeout, unit);
    }
}
