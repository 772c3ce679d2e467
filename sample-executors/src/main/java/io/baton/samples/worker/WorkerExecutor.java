package io.baton.samples.worker;

import io.baton.proto.TaskInfo;
import io.baton.sdk.api.BatonExecutor;
import io.baton.sdk.api.ExecutorOptions;
import io.baton.sdk.api.Task;
import io.baton.sdk.runtime.ExecutorBootstrap;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Each task is a thread that does one observable unit of work every {@code spec.params["period_ms"]} ms
 * (default 100): it increments the task's counter, readable with {@link #count(String)}. Fast and
 * process-free, for demos and benchmarks; every strategy works with it.
 *
 * <ul>
 *   <li>{@code spec.value}: {@code "fail"} fails at start (before RUNNING), {@code "hang"} never runs
 *       (the start timeout rolls a replacement back); anything else is a label and works.</li>
 *   <li>{@link #resize} (RESIZE_IN_PLACE) applies the new task's {@code period_ms} live, same task id and
 *       counter; a new {@code spec.value} of {@code "fail"} makes the resize fail (a rollback demo).</li>
 *   <li>{@link #freeze}/{@link #thaw} (FREEZE_THEN_START) pause and resume the loop, keeping the count;
 *       freeze returns once the loop has stopped counting.</li>
 *   <li>{@code spec.params["hold_mb"]} (default 0): before RUNNING the task fills that many MB of heap and holds
 *       them while it lives, to try memory limits (the NodeManager's memory monitor, a cgroup); give the JVM an
 *       {@code -Xmx} that fits them, or the task fails with the OutOfMemoryError.</li>
 *   <li>{@link #kill} stops the thread and reports KILLED with the count.</li>
 * </ul>
 *
 * <p>Counters are kept per task id in this JVM (static, so tests and demos can read them) while the task
 * lives; nothing survives the process: {@link #recover} keeps no task.
 */
public final class WorkerExecutor extends BatonExecutor {
    private static final Map<String, Worker> WORKERS = new ConcurrentHashMap<>();

    /** Units of work the live task {@code taskId} has done in this JVM, or -1 when it is not running here. */
    public static long count(String taskId) {
        Worker w = WORKERS.get(taskId);
        return w == null ? -1 : w.count();
    }

    /** The live task's current period, or -1 when it is not running here. */
    public static long periodMs(String taskId) {
        Worker w = WORKERS.get(taskId);
        return w == null ? -1 : w.periodMs();
    }

    /** Whether the live task is frozen (false when it is not running here). */
    public static boolean frozen(String taskId) {
        Worker w = WORKERS.get(taskId);
        return w != null && w.isPaused();
    }

    @Override
    public void launch(Task task) {
        long period;
        int holdMb;
        try {
            period = period(task.info());
            holdMb = holdMb(task.info());
        } catch (IllegalArgumentException e) {
            task.failed(e.getMessage());
            return;
        }
        Worker w = new Worker(task, period, task.info().getSpec().getValue(), holdMb);
        if (WORKERS.putIfAbsent(task.id(), w) != null) {
            task.failed("task " + task.id() + " already runs in this JVM");
            return;
        }
        w.start();
    }

    @Override
    public void kill(Task task, Duration grace) throws InterruptedException {
        Worker w = WORKERS.remove(task.id());
        if (w == null) {
            task.killed("not running");
            return;
        }
        w.stop(grace.toMillis());
        task.killed("stopped after " + w.count() + " units of work");
    }

    @Override
    public void resize(Task task, TaskInfo to) {
        Worker w = worker(task);
        if (to.getSpec().getValue().equals("fail")) {
            throw new IllegalStateException("resize of task " + task.id() + " refused: the new spec says 'fail'");
        }
        w.period(period(to));
        String newId = to.getTaskId().getValue();
        if (!newId.equals(task.id()) && WORKERS.remove(task.id(), w)) {
            WORKERS.put(newId, w); // the same worker is now task newId: kill and freeze must find it so (issue 11)
        }
    }

    @Override
    public void freeze(Task task) throws InterruptedException {
        worker(task).freeze();
    }

    @Override
    public void thaw(Task task) {
        worker(task).thaw(); // Baton reports RUNNING once thaw returns
    }

    private static Worker worker(Task task) {
        Worker w = WORKERS.get(task.id());
        if (w == null) {
            throw new IllegalStateException("task " + task.id() + " is not running in this executor");
        }
        return w;
    }

    private static long period(TaskInfo info) {
        String p = info.getSpec().getParamsOrDefault("period_ms", "100");
        try {
            long ms = Long.parseLong(p);
            if (ms >= 1) {
                return ms;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("period_ms of task " + info.getTaskId().getValue()
                + " must be a whole number of milliseconds >= 1, was '" + p + "'");
    }

    private static int holdMb(TaskInfo info) {
        String p = info.getSpec().getParamsOrDefault("hold_mb", "0");
        try {
            int mb = Integer.parseInt(p);
            if (mb >= 0) {
                return mb;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("hold_mb of task " + info.getTaskId().getValue()
                + " must be a whole number of MB >= 0, was '" + p + "'");
    }

    /** {@code --id ID --work-dir DIR [--shim SOCKET]}. */
    public static void main(String[] args) {
        ExecutorBootstrap.run(new WorkerExecutor(), ExecutorOptions.fromArgs(args));
    }

    /** The loop of one task. Its flags are guarded by the worker itself; the loop waits on it. */
    private static final class Worker implements Runnable {
        private final Task task;
        private final String mode;
        private final Thread thread;
        private final int holdMb;
        private byte[][] held;
        private long periodMs;
        private long count;
        private boolean frozen;
        private boolean paused;
        private boolean looping;
        private boolean stopped;

        Worker(Task task, long periodMs, String mode, int holdMb) {
            this.task = task;
            this.periodMs = periodMs;
            this.mode = mode;
            this.holdMb = holdMb;
            this.thread = new Thread(this, "worker-" + task.id());
            thread.setDaemon(true);
        }

        void start() {
            thread.start();
        }

        @Override
        public void run() {
            try {
                synchronized (this) {
                    if (mode.equals("fail")) {
                        wait(20);
                        if (!stopped) {
                            WORKERS.remove(task.id(), this);
                            task.failed("fails at start (spec value 'fail')");
                        }
                        return;
                    }
                    while (mode.equals("hang") && !stopped) {
                        wait();
                    }
                    if (stopped) {
                        return;
                    }
                    if (!hold()) {
                        return;
                    }
                    task.running(); // under the lock: never after kill's KILLED
                }
                loop();
            } catch (InterruptedException stopping) {
                Thread.currentThread().interrupt();
            }
        }

        private synchronized void loop() throws InterruptedException {
            looping = true;
            long next = System.nanoTime();
            while (!stopped) {
                if (frozen) {
                    paused = true;
                    notifyAll();
                    while (frozen && !stopped) {
                        wait();
                    }
                    paused = false;
                    next = System.nanoTime();
                    continue;
                }
                long waitMs = (next - System.nanoTime()) / 1_000_000;
                if (waitMs > 0) {
                    wait(waitMs); // woken early by resize, freeze or stop
                    continue;
                }
                count++;
                next += periodMs * 1_000_000;
            }
        }

        /** Fills and keeps {@code holdMb} MB of heap, every page written; false (the task failed) when it cannot. */
        private boolean hold() {
            try {
                // 64 KB pieces: a 1 MB array is "humongous" to G1 and takes two regions of a small heap
                held = new byte[holdMb * 16][];
                for (int i = 0; i < held.length; i++) {
                    held[i] = new byte[1 << 16];
                    for (int j = 0; j < held[i].length; j += 4096) {
                        held[i][j] = 1;
                    }
                }
                return true;
            } catch (OutOfMemoryError e) {
                held = null;
                WORKERS.remove(task.id(), this);
                task.failed("could not hold " + holdMb + " MB of heap: " + e.getMessage());
                return false;
            }
        }

        synchronized long count() {
            return count;
        }

        synchronized long periodMs() {
            return periodMs;
        }

        synchronized boolean isPaused() {
            return paused;
        }

        synchronized void period(long ms) {
            periodMs = ms;
            notifyAll();
        }

        synchronized void freeze() throws InterruptedException {
            frozen = true;
            notifyAll();
            while (looping && !paused && !stopped && thread.isAlive()) { // not looping yet: it will see frozen first
                wait(10);
            }
        }

        synchronized void thaw() {
            frozen = false;
            notifyAll();
        }

        void stop(long graceMs) throws InterruptedException {
            synchronized (this) {
                stopped = true;
                notifyAll();
            }
            thread.join(Math.max(1, graceMs));
            if (thread.isAlive()) {
                thread.interrupt();
                thread.join(1_000);
            }
        }
    }
}
