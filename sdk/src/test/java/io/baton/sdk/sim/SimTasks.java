package io.baton.sdk.sim;

import io.baton.proto.TaskInfo;
import io.baton.proto.TaskState;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The executor author's side, modelled: the task processes (which outlive an executor crash when
 * they are child processes, and die with it when they are in-process) and the hooks the runtime calls.
 * Every hook answers after a delay; what it answers is the task's {@link Fate}.
 */
final class SimTasks {
    /** How a task behaves; chosen by the workload when it creates the task. */
    enum Fate {
        NORMAL, FAILS_TO_START, HANGS_STARTING, LAUNCH_THROWS, DIES_LATER, SLOW_TO_DIE, KILL_THROWS, NOT_READY,
        RESIZE_THROWS, RELAUNCH_FAILS
    }

    /** A running (or starting, or frozen) process. */
    static final class Proc {
        final String taskId;
        TaskInfo info;
        boolean running;
        boolean frozen;
        final boolean childProcess;
        int generation;
        /** The incarnation of the author's handle that holds this process (its reports carry it). */
        long handle;

        Proc(String taskId, TaskInfo info, boolean childProcess) {
            this.taskId = taskId;
            this.info = info;
            this.childProcess = childProcess;
        }
    }

    /** Where a process's own reports go: the executor incarnation that runs (or adopted) it. */
    interface Reporter {
        void report(String taskId, long handle, TaskState state, String message);
    }

    private final SimWorld w;
    final Map<String, Fate> fates = new LinkedHashMap<>();
    /** Tasks whose relaunch (in a rollback) fails once. */
    final Set<String> relaunchFails = new LinkedHashSet<>();
    final Map<String, Proc> procs = new LinkedHashMap<>();
    private final Set<String> launched = new LinkedHashSet<>();
    private final Set<String> killThrown = new LinkedHashSet<>();
    Reporter reporter;
    private int gen;

    SimTasks(SimWorld w) {
        this.w = w;
    }

    Fate fate(String taskId) {
        return fates.getOrDefault(taskId, Fate.NORMAL);
    }

    private void report(Proc p, TaskState state, String message) {
        w.trace("task " + p.taskId + " reports " + state);
        if (reporter != null) {
            reporter.report(p.taskId, p.handle, state, message);
        }
    }

    // ------------------------------------------------------------------ hooks (ok / fail answered later by the caller's scheduling)

    /**
     * The process the author's handle {@code handle} holds: as in a real executor, a handle holds the
     * process its own launch started (or recovery attached), never the one of a later launch of the same id.
     */
    private Proc proc(String id, long handle) {
        Proc p = procs.get(id);
        return p != null && p.handle == handle ? p : null;
    }

    /** launch: the process starts; it reports RUNNING (or fails, or hangs) by its fate. Returns the hook's failure, or null. */
    String launch(TaskInfo task, long handle) {
        String id = task.getTaskId().getValue();
        Fate f = fate(id);
        boolean relaunch = !launched.add(id);
        if (f == Fate.LAUNCH_THROWS && !relaunch || relaunch && relaunchFails.remove(id)) {
            return "launch of " + id + " threw: cannot start";
        }
        if (procs.containsKey(id)) {
            procs.get(id).handle = handle; // already has a process (a repeated launch): the new handle takes it
            return null;
        }
        Proc p = new Proc(id, task, w.chance(0.7));
        p.generation = ++gen;
        p.handle = handle;
        procs.put(id, p);
        w.trace("process " + id + " started" + (p.childProcess ? " (child process)" : " (in-process)"));
        int g = p.generation;
        if (f == Fate.HANGS_STARTING && !relaunch) {
            return null;
        }
        w.after(w.between(5_000, 800_000), "task " + id + " starts", () -> {
            if (procs.get(id) != p || p.generation != g) {
                return;
            }
            if (f == Fate.FAILS_TO_START && !relaunch) {
                procs.remove(id);
                report(p, TaskState.TASK_FAILED, "exited with 1 while starting");
                return;
            }
            p.running = true;
            report(p, TaskState.TASK_RUNNING, "");
            if (f == Fate.DIES_LATER) {
                w.after(w.between(200_000, 20_000_000), "task " + id + " dies", () -> {
                    if (procs.get(id) == p) {
                        procs.remove(id);
                        report(p, TaskState.TASK_FAILED, "exited with 137 (it crashed)");
                    }
                });
            }
        });
        return null;
    }

    /** kill: the process dies after a while (a long while for SLOW_TO_DIE) and reports KILLED. */
    String kill(String id, long handle) {
        if (fate(id) == Fate.KILL_THROWS && killThrown.add(id)) {
            return "kill of " + id + " threw"; // once: a passing failure
        }
        Proc p = proc(id, handle);
        if (p == null) {
            w.after(w.between(100, 5_000), "task " + id + " already gone", () -> reporter.report(id, handle,
                    TaskState.TASK_KILLED, "was not running"));
            return null;
        }
        long delay = fate(id) == Fate.SLOW_TO_DIE ? w.between(1_000_000, 6_000_000) : w.between(1_000, 300_000);
        w.after(delay, "task " + id + " dies of the kill", () -> {
            if (procs.get(id) == p) {
                procs.remove(id);
                report(p, TaskState.TASK_KILLED, "killed");
            }
        });
        return null;
    }

    String freeze(String id, long handle) {
        Proc p = proc(id, handle);
        if (p == null) {
            return "freeze of " + id + ": no such process";
        }
        p.frozen = true;
        return null;
    }

    String thaw(String id, long handle) {
        Proc p = proc(id, handle);
        if (p == null) {
            return "thaw of " + id + ": no such process";
        }
        p.frozen = false;
        return null;
    }

    String resize(String id, long handle, TaskInfo to) {
        Proc p = proc(id, handle);
        if (p == null || fate(id) == Fate.RESIZE_THROWS) {
            return "resize of " + id + " failed";
        }
        p.info = to;
        return null;
    }

    /** The readiness check's answer now. */
    boolean ready(String id, long handle) {
        Proc p = proc(id, handle);
        return p != null && p.running && !p.frozen && fate(id) != Fate.NOT_READY;
    }

    /** recover: which of these tasks still have a process (child processes survive the executor); the new handles take them. */
    Set<String> recover(Map<String, Long> asked) {
        Set<String> alive = new LinkedHashSet<>();
        asked.forEach((id, handle) -> {
            Proc p = procs.get(id);
            if (p != null) {
                p.handle = handle;
                alive.add(id);
            }
        });
        return alive;
    }

    /**
     * The executor process died: in-process tasks die with it, silently; child processes run on, held by no
     * handle (handle 0, which the driver never gives out) until a recovery adopts them — the handles died
     * with the process, and the next process numbers its handles afresh.
     */
    void executorDied() {
        procs.values().removeIf(p -> {
            if (!p.childProcess) {
                w.trace("process " + p.taskId + " died with the executor");
                return true;
            }
            p.handle = 0;
            return false;
        });
    }
}
