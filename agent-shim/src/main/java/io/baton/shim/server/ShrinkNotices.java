package io.baton.shim.server;

import io.baton.shim.core.Input;
import io.baton.shim.isolator.IsolatorException;
import io.baton.shim.isolator.MemoryShrinker;
import java.time.Duration;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Turns the memory shrinker's outcomes into inputs of the core (which tells the executor). */
final class ShrinkNotices implements MemoryShrinker.Listener {
    private static final Logger LOG = LoggerFactory.getLogger(ShrinkNotices.class);

    private final Supplier<ShimContext> ctx;
    private final LongSupplier nanoTime;

    ShrinkNotices(Supplier<ShimContext> ctx) {
        this(ctx, System::nanoTime);
    }

    /** @param nanoTime the shrinker's clock, to turn its deadline into the shim's wall-clock microseconds */
    ShrinkNotices(Supplier<ShimContext> ctx, LongSupplier nanoTime) {
        this.ctx = ctx;
        this.nanoTime = nanoTime;
    }

    @Override
    public void shrinkRequested(String executorId, long targetBytes, long usageBytes, long deadlineNanos) {
        long remainingUs = (deadlineNanos - nanoTime.getAsLong()) / 1000;
        ctx.get().feed(new Input.ShrinkRequested(executorId, targetBytes, usageBytes, ctx.get().nowUs() + remainingUs));
    }

    @Override
    public void shrinkCompleted(String executorId, long targetBytes, Duration elapsed) {
        LOG.info("executor {} memory hard limit lowered to {} bytes after {} ms", executorId, targetBytes,
                elapsed.toMillis());
    }

    @Override
    public void shrinkFailed(String executorId, long targetBytes, long usageBytes, Duration elapsed) {
        ctx.get().feed(new Input.ShrinkFailed(executorId, MemoryShrinker.failureMessage(executorId, targetBytes,
                usageBytes, elapsed)));
    }

    @Override
    public void shrinkError(String executorId, long targetBytes, IsolatorException error) {
        ctx.get().feed(new Input.ShrinkFailed(executorId, "could not lower the memory of executor " + executorId + " to "
                + targetBytes + " bytes: " + error.getMessage()));
    }
}
