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
 * The tasks a benchmark replaces, with the time the author's own hooks take per task as the author sees it: a kill
 * from the hook entered to the task reported KILLED, a launch from the hook entered to the task reported RUNNING.
 * What a replacement spends besides these two — the delivery, the driver's steps, the journal's appends and fsyncs,
 * the hand-offs to and from the hook threads — is Baton's: {@link Harness} subtracts them from {@code total_us}.
 * The tasks are the worker sample's, unchanged ({@link Kind#WORKER}), or no-op tasks ({@link Kind#NOOP},
 * {@link Kind#NOOP_AT_ONCE}). Bench instrumentation only.
 */
final class TimedWorker extends BatonExecutor {
    /** What a task is, and where its hooks run. */
    enum Kind {
        /** The worker sample: a thread per task (started by launch, joined by kill); hooks on hook threads. */
        WORKER("worker sample (a thread per task), hooks on hook threads"),
        /** A task is an entry in a set: launch reports RUNNING and kill KILLED before they return; hook threads. */
        NOOP("no-op tasks, hooks on hook threads (the default)"),
        /** No-op tasks whose executor says its hooks return at once: called on the driver loop. */
        NOOP_AT_ONCE("no-op tasks, hooks called on the driver loop (`hooksReturnAtOnce`)");

        final String label;

        Kind(String label) {
            this.label = label;
        }
    }

    private final Kind kind;
    private final WorkerExecutor sample = new WorkerExecutor();
    private final Set<String> noops = ConcurrentHashMap.newKeySet();
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

    TimedWorker(Kind kind) {
        this.kind = kind;
    }

    @Override
    public boolean hooksReturnAtOnce() {
        return kind == Kind.NOOP_AT_ONCE;
    }

    @Override
    public void launch(Task task) throws Exception {
        long entered = System.nanoTime();
        Task timed = timed(task, TaskState.TASK_RUNNING, launchNs, entered);
        if (kind == Kind.WORKER) {
            sample.launch(timed);
        } else if (noops.add(task.id())) {
            timed.running();
        } else {
            timed.failed("task " + task.id() + " already runs here");
        }
    }

    @Override
    public void kill(Task task, Duration gracePeriod) throws Exception {
        long entered = System.nanoTime();
        Task timed = timed(task, TaskState.TASK_KILLED, killNs, entered);
        if (kind == Kind.WORKER) {
            sample.kill(timed, gracePeriod);
        } else {
            timed.killed(noops.remove(task.id()) ? "stopped" : "not running");
        }
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
