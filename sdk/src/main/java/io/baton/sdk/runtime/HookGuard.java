package io.baton.sdk.runtime;

import io.baton.sdk.core.Hook;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the author's hooks: on hook threads, one at a time per task, each bounded. An exception or a
 * hook still running at its bound becomes a failure delivered on the driver loop — the executor goes on.
 * Called only from the driver loop.
 */
final class HookGuard implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HookGuard.class);

    private final ExecutorService pool;
    private final ScheduledExecutorService loop;
    private final Map<String, CompletableFuture<Void>> tails = new HashMap<>();

    /** {@code pool} must start each hook at once (its bound is timed from submission); closing shuts it down. */
    HookGuard(ScheduledExecutorService loop, ExecutorService pool) {
        this.loop = loop;
        this.pool = pool;
    }

    /** The default hook threads: as many as hooks run at once, daemons named baton-hook-N. */
    static ExecutorService newHookThreads() {
        AtomicInteger n = new AtomicInteger();
        return Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "baton-hook-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Runs {@code body} for {@code taskId} after the task's previous hook finished; {@code onOk} or
     * {@code onFail} (with a message naming the hook, the task and the cause) then runs on the loop.
     */
    <T> void run(String taskId, Hook hook, long boundMs, Callable<T> body, Consumer<T> onOk, Consumer<String> onFail) {
        CompletableFuture<Void> prev = tails.getOrDefault(taskId, CompletableFuture.completedFuture(null));
        CompletableFuture<Void> done = new CompletableFuture<>();
        tails.put(taskId, done);
        prev.whenComplete((x, y) -> start(taskId, hook, boundMs, body, onOk, onFail, done));
    }

    private <T> void start(String taskId, Hook hook, long boundMs, Callable<T> body, Consumer<T> onOk,
            Consumer<String> onFail, CompletableFuture<Void> done) {
        CompletableFuture<T> result = new CompletableFuture<>();
        Future<?> running = pool.submit(() -> {
            try {
                result.complete(body.call());
            } catch (Throwable t) {
                result.completeExceptionally(t);
            } finally {
                done.complete(null); // the task's next hook starts only once this one has really returned
            }
        });
        java.util.concurrent.ScheduledFuture<?> bound = loop.schedule(() -> {
            if (!result.isDone()) {
                running.cancel(true);
                result.completeExceptionally(new java.util.concurrent.TimeoutException(hook + " of task " + taskId
                        + " did not return within " + boundMs + " ms"));
            }
        }, boundMs, TimeUnit.MILLISECONDS);
        result.whenComplete((value, error) -> {
            bound.cancel(false);
            loop.execute(() -> {
                if (tails.get(taskId) == done) {
                    tails.remove(taskId);
                }
                if (error == null) {
                    onOk.accept(value);
                    return;
                }
                Throwable cause = error instanceof java.util.concurrent.CompletionException && error.getCause() != null
                        ? error.getCause() : error;
                String message = cause instanceof java.util.concurrent.TimeoutException ? cause.getMessage()
                        : hook + " of task " + taskId + " failed: " + cause;
                LOG.warn(message);
                onFail.accept(message);
            });
        });
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
