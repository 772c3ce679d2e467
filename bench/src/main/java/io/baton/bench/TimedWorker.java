package io.baton.bench;

import io.baton.resources.Resources;
import io.baton.proto.TaskInfo;
import io.baton.proto.TaskState;
import io.baton.samples.worker.WorkerExecutor;
import io.baton.sdk.api.BatonExecutor;
import io.baton.sdk.api.Task;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The worker sample, unchanged, with the time its own hooks take per task as the author sees it: a kill from
 * the hook entered to the task reported KILLED, a launch from the hook entered to the task reported RUNNING (by
 * the worker's thread). What a replacement spends besides these two — the delivery, the driver's steps, the
 * journal's appends and fsyncs, the hand-offs to and from the hook threads — is Baton's: {@link Harness}
 * subtracts them from {@code total_us}. Bench instrumentation only.
 */
final class TimedWorker extends BatonExecutor {
    private final WorkerExecutor sample = new WorkerExecutor();
    private final Map<String, Long> killNs = new ConcurrentHashMap<>();
    private final Map<String, Long> launchNs = new ConcurrentHashMap<>();
    /** Off outside the latency measurement: nothing is kept for the throughput and heap-per-task runs. */
    private volatile boolean on;

    /** Starts or stops the timing (stopping forgets what was not read). */
    void timing(boolean on) {
        this.on = on;
        if (!on) {
            killNs.clear();
            launchNs.clear();
        }
    }

    /** The kill hook's own time for {@code taskId} in µs, removed once read; -1 if none was recorded. */
    long takeKillUs(String taskId) {
        Long ns = killNs.remove(taskId);
        return ns == null ? -1 : ns / 1_000;
    }

    /** The launch hook's own time for {@code taskId} in µs (to RUNNING), removed once read; -1 if none. */
    long takeLaunchUs(String taskId) {
        Long ns = launchNs.remove(taskId);
        return ns == null ? -1 : ns / 1_000;
    }

    @Override
    public void launch(Task task) throws Exception {
        long entered = System.nanoTime();
        sample.launch(timed(task, TaskState.TASK_RUNNING, launchNs, entered));
    }

    @Override
    public void kill(Task task, Duration gracePeriod) throws Exception {
        long entered = System.nanoTime();
        sample.kill(timed(task, TaskState.TASK_KILLED, killNs, entered), gracePeriod);
    }

    /** {@code task}, noting in {@code into} how long after {@code entered} it was first reported {@code state}. */
    private Task timed(Task task, TaskState state, Map<String, Long> into, long entered) {
        if (!on) {
            return task;
        }
        return new Task(task.info(), (id, s, message) -> {
            if (s == state) {
                into.putIfAbsent(task.id(), System.nanoTime() - entered);
            }
            task.update(s, message);
        });
    }

    @Override
    public boolean ready(Task task) throws Exception {
        return sample.ready(task);
    }

    @Override
    public void resize(Task task, TaskInfo to) throws Exception {
        sample.resize(task, to);
    }

    @Override
    public void freeze(Task task) throws Exception {
        sample.freeze(task);
    }

    @Override
    public void thaw(Task task) throws Exception {
        sample.thaw(task);
    }

    @Override
    public Set<String> recover(Collection<Task> tasks) throws Exception {
        return sample.recover(tasks);
    }

    @Override
    public Resources overhead() {
        return sample.overhead();
    }
}
