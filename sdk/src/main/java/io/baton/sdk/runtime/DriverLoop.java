package io.baton.sdk.runtime;

import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The executor's single driver thread. Anything a task throws is logged with its cause, never swallowed. */
final class DriverLoop extends ScheduledThreadPoolExecutor {
    private static final Logger LOG = LoggerFactory.getLogger(DriverLoop.class);

    /** Its one thread is made by {@code threads} (by default {@code ExecutorThreads.driver}: baton-driver-ID). */
    DriverLoop(ThreadFactory threads) {
        super(1, threads);
        setRemoveOnCancelPolicy(true);
    }

    @Override
    protected void afterExecute(Runnable r, Throwable t) {
        super.afterExecute(r, t);
        Throwable failure = t;
        if (failure == null && r instanceof Future<?> f && f.isDone() && !f.isCancelled()) {
            try {
                f.get();
            } catch (ExecutionException e) {
                failure = e.getCause();
            } catch (CancellationException | InterruptedException ignored) {
                // cancelled timers and shutdown are normal
            }
        }
        if (failure != null) {
            LOG.error("executor driver loop: a step failed: {}", failure.toString(), failure);
        }
    }
}
