package io.baton.bench;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/** A throughput round's counts and times ({@link Harness#throughput}): a warm-up, then the measured part. */
final class ThroughputRound {
    final long startNs;
    final long measuredFromNs;
    final long deadlineNs;
    final AtomicInteger startedMeasured = new AtomicInteger();
    final AtomicInteger committed = new AtomicInteger();
    final AtomicInteger failed = new AtomicInteger();
    volatile int committedWarm;
    volatile long warmEndNs;
    /** This JVM's CPU time (every thread: shim, executor, client, GC) when the warm-up ended. */
    volatile long cpuAtWarmEndNs;

    ThroughputRound(long startNs, long warmMillis, long measuredMillis) {
        this.startNs = startNs;
        this.measuredFromNs = startNs + TimeUnit.MILLISECONDS.toNanos(warmMillis);
        this.deadlineNs = measuredFromNs + TimeUnit.MILLISECONDS.toNanos(measuredMillis);
        this.warmEndNs = measuredFromNs;
    }

    /**
     * Waits until the warm-up's end (or the end of {@code chains}, if they all end before it), then marks it: what
     * committed until then is not counted.
     */
    void warmUpThrough(CompletableFuture<Void> chains) throws InterruptedException, ExecutionException {
        long untilWarm = measuredFromNs - System.nanoTime();
        if (untilWarm > 0) {
            try {
                chains.get(untilWarm, TimeUnit.NANOSECONDS);
            } catch (TimeoutException stillRunning) {
                // the expected case: the chains run on into the measured part
            }
        }
        warmedUp();
    }

    private void warmedUp() {
        warmEndNs = System.nanoTime();
        committedWarm = committed.get();
        cpuAtWarmEndNs = processCpuNs();
    }

    /** CPU time this JVM has used so far, all threads (the harness's shim, executor and client run in it). */
    static long processCpuNs() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getProcessCpuTime();
    }

    /** Whether a chain may start one more replacement (the measured part's are counted against {@code max}). */
    boolean mayStart(int max) {
        long now = System.nanoTime();
        return now <= deadlineNs && (now < measuredFromNs || startedMeasured.incrementAndGet() <= max);
    }
}
