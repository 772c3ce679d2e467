package io.baton.sdk.runtime;

import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The executor's single driver thread. Anything a task throws is logged with its cause, never swallowed. */
final class DriverLoop extends ScheduledThreadPoolExecutor {
    private static final Logger LOG = LoggerFactory.getLogger(DriverLoop.class);

    DriverLoop(String executorId) {
        super(1, r -> {
            Thread t = new Thread(r, "baton-driver-" + executorId);
            t.setDaemon(true);
            return t;
        });
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
