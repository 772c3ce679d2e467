package io.baton.sdk.api;

import io.baton.proto.TaskInfo;
import io.baton.resources.Resources;
import java.time.Duration;
import java.util.Collection;
import java.util.Set;

/**
 * Base class for executors. Implement {@link #launch} and {@link #kill} for your kind of task; Baton
 * does the rest: replacement (partial, full, augmented), drain, handoff, health gating, automatic
 * rollback, a durable journal and reliable status updates. Start one with
 * {@code io.baton.sdk.runtime.ExecutorBootstrap} (see the example below).
 *
 * <h2>Threading contract</h2>
 * <ul>
 *   <li>Hooks run on Baton's hook threads, <b>never two at a time for the same task</b>; hooks for
 *       different tasks may run concurrently.</li>
 *   <li>Each hook is bounded: launch and resize by the replacement's start timeout, kill and freeze by
 *       its drain timeout, a readiness probe by its check's timeout (defaults: 60 s, 30 s, 1 s; 60 s
 *       for hooks outside a replacement). A hook that throws, or is still running at its bound, is a
 *       failure of that step (its thread is interrupted) — never a dead executor.</li>
 *   <li>An executor whose hooks return at once can say so ({@link #hooksReturnAtOnce()}): Baton then calls
 *       them on its driver loop, unbounded, and goes back to hook threads if one ever takes longer than
 *       {@link #inlineHookLimitMs()} ({@value #INLINE_HOOK_LIMIT_MS} ms by default), a hook's first call
 *       excepted.</li>
 *   <li>{@link Task}'s status methods are thread-safe: call them from any thread, any time (e.g. from
 *       a process watcher when the task exits). A hook may return before the task is running; report
 *       {@code running()} when it is.</li>
 * </ul>
 *
 * <h2>A complete executor</h2>
 * (compiled and tested as {@code sdk/src/test/java/io/baton/sdk/examples/SleepExecutor.java})
 * <pre>{@code
 * public final class SleepExecutor extends BatonExecutor {
 *     private final Map<String, Process> procs = new ConcurrentHashMap<>();
 *
 *     public void launch(Task task) throws Exception {
 *         Process p = new ProcessBuilder("sleep", task.info().getSpec().getValue()).start();
 *         procs.put(task.id(), p);
 *         task.running();
 *         p.onExit().thenRun(() -> {
 *             if (procs.remove(task.id(), p)) task.finished("exited " + p.exitValue());
 *         });
 *     }
 *
 *     public void kill(Task task, Duration grace) throws Exception {
 *         Process p = procs.remove(task.id());
 *         if (p == null) { task.killed("not running"); return; }
 *         p.destroy();
 *         if (!p.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) p.destroyForcibly().waitFor();
 *         task.killed("stopped");
 *     }
 *
 *     public static void main(String[] args) {
 *         ExecutorBootstrap.run(new SleepExecutor(), ExecutorOptions.fromArgs(args)); // --id, --work-dir, --shim
 *     }
 * }
 * }</pre>
 */
public abstract class BatonExecutor {

    /**
     * Whether this executor's {@link #launch}, {@link #kill}, {@link #freeze}, {@link #thaw} and {@link #resize}
     * return at once: they start or stop the work elsewhere (a thread, a process, an event loop of the author's) and
     * report through {@link Task} from there, never waiting, sleeping or doing I/O that can stall. Then Baton calls
     * them on its driver loop instead of on a hook thread, which saves two thread hand-offs per hook (the call, and
     * its return to the loop). False by default; asked once, when the executor's runtime starts.
     *
     * <p>A hook called on the loop has no time bound (it cannot be interrupted) and holds up the whole executor,
     * heartbeats included, while it runs. Baton times each one: the first that takes longer than
     * {@link #inlineHookLimitMs()} ({@value #INLINE_HOOK_LIMIT_MS} ms unless overridden) is logged with its duration,
     * and from then on this executor's hooks run on hook threads again. The first call of each hook is not held to
     * that limit: it runs cold (class loading, the interpreter), which says nothing about whether it blocks. A task's
     * hook is still never called while another of its hooks runs (one on a hook thread makes the next wait there).
     * Readiness probes, {@link #recover} and {@link #shrink} always run on hook threads.
     */
    public boolean hooksReturnAtOnce() {
        return false;
    }

    /** How long a hook called on the driver loop may take before hooks go back to hook threads (ms), by default. */
    public static final long INLINE_HOOK_LIMIT_MS = 10;

    /**
     * How long a hook called on the driver loop ({@link #hooksReturnAtOnce()}) may take before this executor's
     * hooks go back to hook threads, in milliseconds: {@value #INLINE_HOOK_LIMIT_MS} by default. Raise it where a
     * hook that does return at once can still be held up longer (a machine whose garbage-collection pauses or
     * scheduling delays exceed the default). At least 1: a smaller value is refused when the executor starts
     * (or stands by), before its journal is touched.
     */
    public long inlineHookLimitMs() {
        return INLINE_HOOK_LIMIT_MS;
    }

    /** Starts the task. Report {@link Task#running()} once it runs, and a terminal state when it ends. */
    public abstract void launch(Task task) throws Exception;

    /** Stops the task within {@code gracePeriod}, then reports a terminal state (usually {@link Task#killed}). */
    public abstract void kill(Task task, Duration gracePeriod) throws Exception;

    /**
     * Stops the task as a step of a replacement that puts {@code successor} in its place; the same contract as
     * {@link #kill(Task, Duration)}, which it calls unless overridden. {@code successor} is:
     * <ul>
     *   <li>STOP_THEN_START: the new task, launched on this task's resources once this one is terminal;</li>
     *   <li>START_THEN_STOP and FREEZE_THEN_START, once the new task is ready: the new task, running already;</li>
     *   <li>a rollback stopping the new task: the old one, which is then started, thawed or kept again — if the
     *       rollback can (a rollback can fail, so a successor is what the replacement means to run next, not a
     *       promise).</li>
     * </ul>
     * Every other kill comes through {@link #kill(Task, Duration)}. Override this to hand over what the successor
     * will use (a listening socket, a lock, a warm cache) instead of releasing it, and bound how long you keep it
     * for a successor that may not come. The HTTP sample keeps its port's listener for a successor on the same
     * port, so connections made between the two versions wait for the new one instead of being refused.
     */
    public void kill(Task task, Duration gracePeriod, TaskInfo successor) throws Exception {
        kill(task, gracePeriod);
    }

    /**
     * One readiness probe of a running task: true when it is ready. The default runs the task's
     * {@code readiness} check from its TaskInfo (HTTP GET on 127.0.0.1, or a shell command), or
     * answers true when it has none.
     */
    public boolean ready(Task task) throws Exception {
        return ReadinessProbes.probe(task.info());
    }

    /**
     * Changes a running task's resources in place (strategy RESIZE_IN_PLACE). Unsupported by default. The task
     * may get another id ({@code to}'s): once this returns, Baton's calls name the task by that id (the handle
     * keeps its attachment, and reports through the old handle count for the renamed task), so anything you
     * keep by task id must move to the new one.
     */
    public void resize(Task task, TaskInfo to) throws Exception {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " does not resize tasks in place");
    }

    /** Pauses a task, keeping its state (strategy FREEZE_THEN_START). Unsupported by default. */
    public void freeze(Task task) throws Exception {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " cannot freeze tasks");
    }

    /** Resumes a frozen task; report {@link Task#running()} when it runs again. Unsupported by default. */
    public void thaw(Task task) throws Exception {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " cannot thaw tasks");
    }

    /**
     * After a restart: the ids of the given tasks that are still alive (e.g. child processes you can
     * verify by pid and start time). The rest are considered lost. Default: none survived.
     */
    public Set<String> recover(Collection<Task> tasks) throws Exception {
        return Set.of();
    }

    /** The shim is lowering the container's memory below its usage: free memory if you can. */
    public void shrink(long targetBytes, long usageBytes) {
    }

    /**
     * The executor's own footprint, added to its container's limits: {@code cpus:0.1;mem:32} unless the
     * system property {@code baton.executor.overhead} says otherwise (a JVM needs more under real cgroups).
     */
    public Resources overhead() {
        return Resources.parse(System.getProperty("baton.executor.overhead", "cpus:0.1;mem:32"));
    }
}
