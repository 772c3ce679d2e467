package io.baton.shim.server;

import io.baton.proto.ErrorEvent;
import io.baton.proto.ExecutorEvent;
import io.baton.proto.RejectCode;
import io.baton.proto.ShrinkEvent;
import io.baton.shim.isolator.IsolatorException;
import io.baton.shim.isolator.MemoryShrinker;
import java.time.Duration;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Tells the executor when its container's memory is being lowered below its usage, and how that ended. */
final class ShrinkNotices implements MemoryShrinker.Listener {
    private static final Logger LOG = LoggerFactory.getLogger(ShrinkNotices.class);

    private final Supplier<ShimContext> ctx;
    /** The clock the shrinker's deadlines are read on (monotonic nanoseconds). */
    private final LongSupplier nanoClock;

    ShrinkNotices(Supplier<ShimContext> ctx, LongSupplier nanoClock) {
        this.ctx = ctx;
        this.nanoClock = nanoClock;
    }

    @Override
    public void shrinkRequested(String executorId, long targetBytes, long usageBytes, long deadlineNanos) {
        long remainingUs = (deadlineNanos - nanoClock.getAsLong()) / 1000;
        LOG.info("executor {} uses {} bytes, above its new memory limit {}; asked it to shrink", executorId,
                usageBytes, targetBytes);
        send(executorId, ExecutorEvent.newBuilder().setShrink(ShrinkEvent.newBuilder().setTargetBytes(targetBytes)
                .setUsageBytes(usageBytes).setDeadlineUs(ctx.get().nowUs() + remainingUs)).build());
    }

    @Override
    public void shrinkCompleted(String executorId, long targetBytes, Duration elapsed) {
        LOG.info("executor {} memory hard limit lowered to {} bytes after {} ms", executorId, targetBytes,
                elapsed.toMillis());
    }

    @Override
    public void shrinkFailed(String executorId, long targetBytes, long usageBytes, Duration elapsed) {
        String msg = MemoryShrinker.failureMessage(executorId, targetBytes, usageBytes, elapsed);
        LOG.error(msg);
        send(executorId, error(msg));
    }

    @Override
    public void shrinkError(String executorId, long targetBytes, IsolatorException error) {
        String msg = "could not lower the memory of executor " + executorId + " to " + targetBytes + " bytes: "
                + error.getMessage();
        LOG.error(msg);
        send(executorId, error(msg));
    }

    private static ExecutorEvent error(String msg) {
        return ExecutorEvent.newBuilder().setError(ErrorEvent.newBuilder().setCode(RejectCode.ISOLATOR_FAILED)
                .setMessage(msg)).build();
    }

    private void send(String executorId, ExecutorEvent event) {
        ExecutorSession s = ctx.get().sessions.executor(executorId);
        if (s != null) {
            s.send(event);
        }
    }
}
