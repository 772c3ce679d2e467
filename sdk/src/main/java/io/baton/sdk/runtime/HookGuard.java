package io.baton.sdk.runtime;

import io.baton.sdk.core.Hook;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
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

    /**
     * {@code pool} must start each hook at once (its bound is timed from submission; see
     * {@code ExecutorThreads.hookPool}); closing shuts it down.
     */
    HookGuard(ScheduledExecutorService loop, ExecutorService pool) {
        this.loop = loop;
        this.pool = pool;
    }

    /**
     * Runs {@code body} for {@code taskId} after the task's previous hook finished; {@code onOk} or
     * {@code onFail} (with a message naming the hook, the task and the cause, logged here) then runs on the loop.
     */
    <T> void run(String taskId, Hook hook, long boundMs, Callable<T> body, Consumer<T> onOk, Consumer<String> onFail) {
        CompletableFuture<Void> prev = tails.getOrDefault(taskId, CompletableFuture.completedFuture(null));
        CompletableFuture<Void> done = new CompletableFuture<>();
        tails.put(taskId, done);
        prev.whenComplete((x, y) -> start(hook + " of task " + taskId, boundMs, body, onOk, message -> {
            LOG.warn(message);
            onFail.accept(message);
        }, done, () -> {
            if (tails.get(taskId) == done) {
                tails.remove(taskId);
            }
        }));
    }

    /** Whether no hook of {@code taskId} is running or waiting to run (its next one could start right now). */
    boolean idle(String taskId) {
        return !tails.containsKey(taskId);
    }

    /**
     * Runs {@code body} (called {@code what} in messages) on a hook thread at once, bounded like a hook;
     * {@code onOk} or {@code onFail} (with a message naming it and the cause, not logged here) then runs on
     * the loop. For the executor-wide recover hook, which no task's hooks queue behind.
     */
    <T> void runOnce(String what, long boundMs, Callable<T> body, Consumer<T> onOk, Consumer<String> onFail) {
        start(what, boundMs, body, onOk, onFail, new CompletableFuture<>(), () -> { });
    }

    private <T> void start(String what, long boundMs, Callable<T> body, Consumer<T> onOk, Consumer<String> onFail,
            CompletableFuture<Void> done, Runnable onLoopFirst) {
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
                result.completeExceptionally(new java.util.concurrent.TimeoutException(what + " did not return within "
                        + boundMs + " ms"));
            }
        }, boundMs, TimeUnit.MILLISECONDS);
        result.whenComplete((value, error) -> {
            loop.execute(() -> {
                bound.cancel(false); // on the loop: a cancel from the hook's thread would be one more task for it
                onLoopFirst.run();
                if (error == null) {
                    onOk.accept(value);
                    return;
                }
                Throwable cause = error instanceof java.util.concurrent.CompletionException && error.getCause() != null
                        ? error.getCause() : error;
                onFail.accept(cause instanceof java.util.concurrent.TimeoutException ? cause.getMessage()
                        : what + " failed: " + cause);
            });
        });
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
