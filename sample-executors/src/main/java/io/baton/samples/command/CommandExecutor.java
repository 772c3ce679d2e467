package io.baton.samples.command;

import io.baton.proto.TaskInfo;
import io.baton.sdk.api.BatonExecutor;
import io.baton.sdk.api.ExecutorOptions;
import io.baton.sdk.api.Task;
import io.baton.sdk.runtime.ExecutorBootstrap;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Runs each task's {@code spec.value} as a shell command ({@code sh -c}) in its own session and process
 * group, so the command outlives this executor and is re-adopted when it restarts.
 *
 * <ul>
 *   <li><b>RUNNING</b> once the command has stayed up for {@code spec.params["startup_ms"]} (default 200):
 *       a command that dies at start fails before it runs, which makes a replacement roll back.</li>
 *   <li><b>Exit</b>: FINISHED on exit code 0, FAILED with the code otherwise.</li>
 *   <li><b>Kill</b>: SIGTERM to the whole process group, SIGKILL to it after the grace period; KILLED once
 *       no process of the group is left.</li>
 *   <li><b>Freeze/thaw</b> (FREEZE_THEN_START): SIGSTOP / SIGCONT to the group. <b>Resize in place</b>: the
 *       processes share the executor's container, so only a task with the same command can be resized.</li>
 *   <li><b>Recovery</b>: each task's leader pid and start time (field 22 of {@code /proc/PID/stat}) are kept
 *       in {@code <work-dir>/command-tasks/<task>.pid}. After a restart, a task whose process still has that
 *       pid and start time is re-adopted, not relaunched; the rest are lost (and what is left of their
 *       process group is killed).</li>
 *   <li><b>Exit codes after re-adoption</b>: a re-adopted process is no longer this JVM's child, so its
 *       exit status cannot be waited for. The command therefore runs under a small {@code sh} wrapper (the
 *       group's leader) that writes the command's exit code to {@code <task>.exit} before it exits; a
 *       re-adopted task reports FINISHED or FAILED from that file, or FAILED "exited while the executor
 *       could not see its exit status" when there is none (the group was killed from outside). A command
 *       that ended while the executor was down is lost, like any task that did not survive. A command
 *       re-adopted before it reported RUNNING (the executor died within {@code startup_ms} of launching it)
 *       is not reported RUNNING again unless it is a replacement's new task (Baton's recovery does that):
 *       {@code recover} is not told which state a task was in.</li>
 * </ul>
 *
 * <p>Threading: hooks may run concurrently for different tasks; per-task state lives in {@link Child},
 * whose end is decided once under its lock (the exit watcher, the startup timer and kill race for it).
 * Linux only (setsid, /proc).
 */
public final class CommandExecutor extends BatonExecutor {
    /** $1 = the command, $2 = the exit-code file, written atomically before the wrapper exits. */
    static final String WRAPPER = "sh -c \"$1\"; c=$?; echo \"$c\" > \"$2.tmp\" && mv \"$2.tmp\" \"$2\"; exit \"$c\"";
    private static final long ADOPTED_POLL_MS = 100;

    private final TaskRecords records;
    private final Map<String, Child> children = new ConcurrentHashMap<>();
    private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "command-executor-timers");
        t.setDaemon(true);
        return t;
    });

    /** @param workDir the executor's work directory; task records go to {@code command-tasks/} in it */
    public CommandExecutor(Path workDir) {
        this.records = new TaskRecords(workDir);
        timers.scheduleWithFixedDelay(this::pollAdopted, ADOPTED_POLL_MS, ADOPTED_POLL_MS, TimeUnit.MILLISECONDS);
    }

    /** A task's process group; {@code process} is null once re-adopted (no longer our child). */
    private static final class Child {
        final Task task;
        /** The id the task has now (a RESIZE_IN_PLACE may give it another); the key in {@code children}. */
        volatile String id;
        /** The id its exit file was written under at launch (the command's wrapper writes there). */
        final String launchedAs;
        final long pid;
        final long startTime;
        final Process process;
        private boolean ended;

        Child(Task task, long pid, long startTime, Process process) {
            this.task = task;
            this.id = task.id();
            this.launchedAs = task.id();
            this.pid = pid;
            this.startTime = startTime;
            this.process = process;
        }

        /** True for the first caller only: whoever ends the child reports its terminal state. */
        synchronized boolean end() {
            boolean first = !ended;
            ended = true;
            return first;
        }

        synchronized void reportRunningIfUp() {
            if (!ended && ProcStat.alive(pid, startTime)) {
                task.running();
            }
        }
    }

    @Override
    public void launch(Task task) throws IOException, InterruptedException {
        String command = task.info().getSpec().getValue();
        long startupMs;
        try {
            startupMs = Long.parseLong(task.info().getSpec().getParamsOrDefault("startup_ms", "200"));
        } catch (NumberFormatException e) {
            task.failed("startup_ms must be a number of milliseconds, was '"
                    + task.info().getSpec().getParamsOrThrow("startup_ms") + "'");
            return;
        }
        if (command.isBlank()) {
            task.failed("no command: put the shell command in the task's spec.value");
            return;
        }
        Files.deleteIfExists(records.exitFile(task.id()));
        ProcessBuilder pb = new ProcessBuilder("setsid", "sh", "-c", WRAPPER, "baton-command", command,
                records.exitFile(task.id()).toString())
                .redirectInput(new File("/dev/null"))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(records.logFile(task.id()).toFile()));
        pb.environment().put("BATON_TASK_ID", task.id());
        Process p = pb.start();
        long pid = p.pid();
        // setsid runs in the child: until it has, a group kill would miss the command
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        ProcStat stat = ProcStat.of(pid).orElse(null);
        while (stat != null && stat.pgrp() != pid && System.nanoTime() < deadline) {
            Thread.sleep(1);
            stat = ProcStat.of(pid).orElse(null);
        }
        if (stat != null && stat.pgrp() != pid) {
            p.destroyForcibly();
            task.failed("process " + pid + " did not get its own process group (pgrp " + stat.pgrp() + ") within 2 s");
            return;
        }
        Child child = new Child(task, pid, stat == null ? -1 : stat.startTime(), p);
        children.put(task.id(), child);
        if (stat != null) {
            records.writeLeader(task.id(), new TaskRecords.Leader(pid, stat.startTime()));
        }
        p.onExit().thenAccept(x -> ended(child, x.exitValue(), ""));
        timers.schedule(child::reportRunningIfUp, startupMs, TimeUnit.MILLISECONDS);
    }

    @Override
    public void kill(Task task, Duration grace) throws Exception {
        Child child = children.remove(task.id());
        if (child == null || !child.end()) {
            task.killed("not running"); // an ended child's records went with its end
            return;
        }
        long pgid = child.pid;
        String how = "SIGTERM to process group " + pgid;
        if (ProcStat.groupAlive(pgid)) {
            signal("TERM", pgid);
            signal("CONT", pgid); // a frozen group only sees SIGTERM once it runs again
            if (!awaitGroupGone(pgid, grace.toMillis())) {
                signal("KILL", pgid);
                how = "SIGKILL to process group " + pgid + " after the grace period of " + grace.toMillis() + " ms";
                if (!awaitGroupGone(pgid, 5_000)) {
                    throw new IllegalStateException("process group " + pgid + " of task " + task.id()
                            + " still has live processes 5 s after SIGKILL");
                }
            }
        }
        // only now that the group is gone: an executor killed during the grace period finds the record on its
        // restart, adopts the command and finishes the kill (until 2026-12-07 it found nothing, and the command ran on)
        records.forget(child.launchedAs);
        records.forget(task.id());
        task.killed(how);
    }

    @Override
    public void freeze(Task task) throws Exception {
        signal("STOP", running(task).pid);
    }

    @Override
    public void thaw(Task task) throws Exception {
        signal("CONT", running(task).pid);
    }

    @Override
    public void resize(Task task, TaskInfo to) throws IOException {
        if (!to.getSpec().equals(task.info().getSpec())) {
            throw new IllegalArgumentException("RESIZE_IN_PLACE can change a command task's resources only, not its "
                    + "command or params ('" + task.info().getSpec().getValue() + "' -> '" + to.getSpec().getValue()
                    + "'); use STOP_THEN_START or START_THEN_STOP to run another command");
        }
        Child c = running(task); // the processes share the executor's container: its limits are the shim's business
        String newId = to.getTaskId().getValue();
        if (!newId.equals(task.id()) && children.remove(task.id(), c)) {
            // the same process is now task newId: kill, exit and re-adoption after a restart must find it so
            // (issue 11: keyed by the old id, `baton kill NEW` answered "not running" while it ran on untracked)
            c.id = newId;
            children.put(newId, c);
            records.writeLeader(newId, new TaskRecords.Leader(c.pid, c.startTime));
            records.forget(task.id());
        }
    }

    @Override
    public Set<String> recover(Collection<Task> tasks) throws IOException, InterruptedException {
        Set<String> adopted = new HashSet<>();
        for (Task t : tasks) {
            TaskRecords.Leader leader = records.leader(t.id()).orElse(null);
            if (leader != null && ProcStat.alive(leader.pid(), leader.startTime())) {
                children.put(t.id(), new Child(t, leader.pid(), leader.startTime(), null));
                adopted.add(t.id());
                continue;
            }
            if (leader != null && ProcStat.groupAlive(leader.pid())) { // the leader is gone, orphans of it are not
                signal("KILL", leader.pid());
            }
            records.forget(t.id());
        }
        return adopted;
    }

    /** Re-adopted processes are not our children: watch for their end by polling /proc. */
    private void pollAdopted() {
        for (Child c : children.values()) {
            if (c.process == null && !ProcStat.alive(c.pid, c.startTime)) {
                ended(c, records.exitCode(c.launchedAs).orElse(-1), " (re-adopted)");
            }
        }
    }

    /** The command exited on its own; {@code code} -1: unknown. */
    private void ended(Child c, int code, String note) {
        if (!children.remove(c.id, c) || !c.end()) {
            return; // kill() took it first
        }
        records.forget(c.launchedAs);
        records.forget(c.id);
        if (code == 0) {
            c.task.finished("exited with code 0" + note);
        } else if (code > 0) {
            c.task.failed("exited with code " + code + note);
        } else {
            c.task.failed("process " + c.pid + " exited while the executor could not see its exit status (it was "
                    + "re-adopted after a restart and left no exit code: killed from outside?)");
        }
    }

    private Child running(Task task) {
        Child c = children.get(task.id());
        if (c == null) {
            throw new IllegalStateException("task " + task.id() + " has no running process");
        }
        return c;
    }

    private static boolean awaitGroupGone(long pgid, long timeoutMs) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (ProcStat.groupAlive(pgid)) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(20);
        }
        return true;
    }

    /** Java cannot signal a process group: the shell's kill builtin can ({@code kill -SIG -PGID}). */
    private static void signal(String sig, long pgid) throws IOException, InterruptedException {
        new ProcessBuilder("sh", "-c", "kill -" + sig + " -" + pgid + " 2>/dev/null")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor();
    }

    /** {@code --id ID --work-dir DIR [--shim SOCKET]}. */
    public static void main(String[] args) {
        ExecutorOptions options = ExecutorOptions.fromArgs(args);
        ExecutorBootstrap.run(new CommandExecutor(options.workDir()), options);
    }
}
