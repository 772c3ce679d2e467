package io.baton.shim.isolator;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.Delayed;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A deterministic scheduler with its own clock: nothing runs until {@link #advance}, which runs due
 * tasks in time order (then submission order), moving the clock to each task's time.
 */
final class FakeScheduler extends AbstractExecutorService implements ScheduledExecutorService {

    private long nanos = 1_000_000_000L; // not zero, so code cannot confuse "time 0" with "unset"
    private long sequence;
    private final PriorityQueue<Task> queue = new PriorityQueue<>(
            Comparator.comparingLong((Task t) -> t.at).thenComparingLong(t -> t.seq));

    long nanoTime() {
        return nanos;
    }

    void advance(Duration by) {
        long until = nanos + by.toNanos();
        while (!queue.isEmpty() && queue.peek().at <= until) {
            Task task = queue.poll();
            nanos = Math.max(nanos, task.at);
            if (!task.cancelled) {
                task.done = true;
                task.command.run();
            }
        }
        nanos = until;
    }

    /** Tasks waiting to run (cancelled ones excluded). */
    int queued() {
        return (int) queue.stream().filter(t -> !t.cancelled).count();
    }

    @Override
    public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
        Task task = new Task(nanos + unit.toNanos(Math.max(delay, 0)), sequence++, command);
        queue.add(task);
        return task;
    }

    @Override
    public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
        throw new UnsupportedOperationException("not used by the isolator package");
    }

    @Override
    public ScheduledFuture<?> scheduleAtFixedRate(Runnable command, long initialDelay, long period, TimeUnit unit) {
        throw new UnsupportedOperationException("not used by the isolator package");
    }

    @Override
    public ScheduledFuture<?> scheduleWithFixedDelay(Runnable command, long initialDelay, long delay,
            TimeUnit unit) {
        throw new UnsupportedOperationException("not used by the isolator package");
    }

    @Override
    public void execute(Runnable command) {
        schedule(command, 0, TimeUnit.NANOSECONDS);
    }

    @Override
    public void shutdown() {
        queue.clear();
    }

    @Override
    public List<Runnable> shutdownNow() {
        List<Runnable> pending = new ArrayList<>();
        queue.forEach(t -> pending.add(t.command));
        queue.clear();
        return pending;
    }

    @Override
    public boolean isShutdown() {
        return false;
    }

    @Override
    public boolean isTerminated() {
        return false;
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) {
        return true;
    }

    private final class Task implements ScheduledFuture<Object> {
        final long at;
        final long seq;
        final Runnable command;
        boolean cancelled;
        boolean done;

        Task(long at, long seq, Runnable command) {
            this.at = at;
            this.seq = seq;
            this.command = command;
        }

        @Override
        public long getDelay(TimeUnit unit) {
            return unit.convert(at - nanos, TimeUnit.NANOSECONDS);
        }

        @Override
        public int compareTo(Delayed other) {
            return Long.compare(getDelay(TimeUnit.NANOSECONDS), other.getDelay(TimeUnit.NANOSECONDS));
        }

        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            if (done) {
                return false;
            }
            cancelled = true;
            return true;
        }

        @Override
        public boolean isCancelled() {
            return cancelled;
        }

        @Override
        public boolean isDone() {
            return done || cancelled;
        }

        @Override
        public Object get() {
            return null;
        }

        @Override
        public Object get(long timeout, TimeUnit unit) {
            return null;
        }
    }
}
