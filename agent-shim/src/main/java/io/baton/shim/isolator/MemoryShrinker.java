package io.baton.shim.isolator;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Changes a container's memory without OOM-killing it (DESIGN §4). Raising is immediate (hard, then
 * soft). Lowering sets the soft limit at once and lowers the hard limit only once usage fits: at once
 * if it already does, otherwise after asking the task to shrink ({@link Listener#shrinkRequested}) and
 * polling usage until a deadline. On the deadline the hard limit stays where it was and the failure is
 * reported, with numbers: unlike Mesos the limit does come down when it can, unlike Kubernetes the
 * attempt always ends.
 *
 * <p>Threading: polls run on the injected scheduler; pass the shim's single ledger thread so the
 * isolator is only ever called from one thread. State is guarded by this object's lock; listener
 * methods are called without holding it, on the caller's thread (setMemory) or the scheduler's.
 */
public final class MemoryShrinker {

    /** Outcomes of a lowering; exactly one of completed/failed/error ends each requested shrink. */
    public interface Listener {
        /** Usage is above the target: ask the task to free memory before {@code deadlineNanos} (clock time). */
        void shrinkRequested(String containerId, long targetBytes, long usageBytes, long deadlineNanos);

        /** The hard limit is now {@code targetBytes}. */
        void shrinkCompleted(String containerId, long targetBytes, Duration elapsed);

        /** The deadline passed with usage still above the target; the hard limit was left unchanged. */
        void shrinkFailed(String containerId, long targetBytes, long usageBytes, Duration elapsed);

        /** Usage could no longer be read (container gone?); the shrink was abandoned. */
        void shrinkError(String containerId, long targetBytes, IsolatorException error);
    }

    private static final Logger LOG = LoggerFactory.getLogger(MemoryShrinker.class);

    private static final class Pending {
        final String containerId;
        final long targetBytes;
        final long startNanos;
        final long deadlineNanos;
        ScheduledFuture<?> next;
        IsolatorException lastLowerError;

        Pending(String containerId, long targetBytes, long startNanos, long deadlineNanos) {
            this.containerId = containerId;
            this.targetBytes = targetBytes;
            this.startNanos = startNanos;
            this.deadlineNanos = deadlineNanos;
        }
    }

    private final Isolator isolator;
    private final ScheduledExecutorService scheduler;
    private final LongSupplier nanoClock;
    private final long pollNanos;
    private final long deadlineNanos;
    private final Listener listener;
    private final Map<String, Pending> pending = new HashMap<>();

    public MemoryShrinker(Isolator isolator, ScheduledExecutorService scheduler, LongSupplier nanoClock,
            Duration pollInterval, Duration deadline, Listener listener) {
        this.isolator = Objects.requireNonNull(isolator, "isolator");
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
        this.listener = Objects.requireNonNull(listener, "listener");
        if (pollInterval.isNegative() || pollInterval.isZero() || deadline.isNegative()) {
            throw new IllegalArgumentException("pollInterval must be > 0 and deadline >= 0, got pollInterval="
                    + pollInterval + " deadline=" + deadline);
        }
        this.pollNanos = pollInterval.toNanos();
        this.deadlineNanos = deadline.toNanos();
    }

    /**
     * Moves the container's memory to {@code targetBytes}, superseding any shrink in progress for it.
     * Errors of the immediate writes are thrown; outcomes of a deferred shrink go to the listener.
     */
    public void setMemory(String containerId, long targetBytes) throws IsolatorException {
        ContainerIds.validate(containerId);
        if (targetBytes < 0) {
            throw new IllegalArgumentException("targetBytes must be >= 0, got " + targetBytes);
        }
        Pending started;
        long usage;
        synchronized (this) {
            cancelLocked(containerId);
            long hard = isolator.read(containerId).memoryBytes();
            if (targetBytes >= hard) {
                isolator.applyMemoryHard(containerId, targetBytes);
                isolator.applyMemorySoft(containerId, targetBytes);
                return;
            }
            isolator.applyMemorySoft(containerId, targetBytes);
            usage = isolator.memoryUsage(containerId);
            if (usage <= targetBytes) {
                isolator.applyMemoryHard(containerId, targetBytes);
                return;
            }
            long now = nanoClock.getAsLong();
            started = new Pending(containerId, targetBytes, now, now + deadlineNanos);
            pending.put(containerId, started);
            started.next = scheduler.schedule(() -> poll(started), Math.min(pollNanos, deadlineNanos),
                    TimeUnit.NANOSECONDS);
        }
        listener.shrinkRequested(containerId, targetBytes, usage, started.deadlineNanos);
    }

    /** Whether a shrink for the container is still waiting for usage to come down. */
    public synchronized boolean pending(String containerId) {
        return pending.containsKey(containerId);
    }

    /** Stops waiting (the limits stay as they are: soft at the target, hard unchanged). No listener call. */
    public synchronized void cancel(String containerId) {
        cancelLocked(containerId);
    }

    /** A one-line explanation of a failed shrink, for the listener to log or forward. */
    public static String failureMessage(String containerId, long targetBytes, long usageBytes, Duration elapsed) {
        return "container " + containerId + " did not shrink to " + targetBytes + " B within " + elapsed.toMillis()
                + " ms: usage is still " + usageBytes + " B (" + (usageBytes - targetBytes)
                + " B over); the hard limit was left unchanged and the soft limit is " + targetBytes
                + " B. Free memory in the task, or keep its memory at or above " + usageBytes + " B";
    }

    private void cancelLocked(String containerId) {
        Pending p = pending.remove(containerId);
        if (p != null && p.next != null) {
            p.next.cancel(false);
        }
    }

    private void poll(Pending p) {
        Runnable outcome;
        synchronized (this) {
            if (pending.get(p.containerId) != p) {
                return; // superseded or cancelled after this poll was queued
            }
            outcome = pollLocked(p);
        }
        if (outcome != null) {
            try {
                outcome.run();
            } catch (RuntimeException e) {
                LOG.warn("memory shrink listener failed for container {}", p.containerId, e);
            }
        }
    }

    /** One poll; returns the listener notification that ends the shrink, or null to keep polling. */
    private Runnable pollLocked(Pending p) {
        long now = nanoClock.getAsLong();
        Duration elapsed = Duration.ofNanos(now - p.startNanos);
        long usage;
        try {
            usage = isolator.memoryUsage(p.containerId);
        } catch (IsolatorException e) {
            pending.remove(p.containerId);
            return () -> listener.shrinkError(p.containerId, p.targetBytes, e);
        }
        if (usage <= p.targetBytes) {
            try {
                isolator.applyMemoryHard(p.containerId, p.targetBytes);
                pending.remove(p.containerId);
                return () -> listener.shrinkCompleted(p.containerId, p.targetBytes, elapsed);
            } catch (IsolatorException e) {
                // Usage may have bounced back between the read and the write; try again next poll.
                p.lastLowerError = e;
                LOG.debug("lowering the hard limit of {} to {} B failed, will retry: {}", p.containerId,
                        p.targetBytes, e.getMessage());
            }
        }
        long remaining = p.deadlineNanos - now;
        if (remaining <= 0) {
            pending.remove(p.containerId);
            if (p.lastLowerError != null) {
                LOG.debug("last hard-limit error for {}: {}", p.containerId, p.lastLowerError.getMessage());
            }
            return () -> listener.shrinkFailed(p.containerId, p.targetBytes, usage, elapsed);
        }
        p.next = scheduler.schedule(() -> poll(p), Math.min(pollNanos, remaining), TimeUnit.NANOSECONDS);
        return null;
    }
}
