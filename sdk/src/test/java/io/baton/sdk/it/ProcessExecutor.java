package io.baton.sdk.it;

import io.baton.sdk.api.BatonExecutor;
import io.baton.sdk.api.ExecutorOptions;
import io.baton.sdk.api.Task;
import io.baton.sdk.runtime.ExecutorBootstrap;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A test executor whose tasks are real processes that outlive the executor, so a SIGKILLed executor
 * can re-adopt them: each task's pid and start time go to {@code <dir>/<task>.pid}, and {@code recover}
 * keeps the tasks whose process still has that pid and start time. A task reports RUNNING once its
 * process has stayed up 300 ms. Spec values: "ok" (sleeps), "fail" (exits at once), "stubborn"
 * (ignores SIGTERM), "slow" (runs only after 3 s), "stubborn-slow" (both, and not running for a minute).
 * While a file {@code <dir>/hold-recovery} exists, {@code recover} creates {@code <dir>/recovering} and
 * waits for the hold to go: a crash test can then act while the executor is still recovering its tasks.
 */
public final class ProcessExecutor extends BatonExecutor {
    private final Path dir;
    private final Map<String, ProcessHandle> procs = new ConcurrentHashMap<>();

    public ProcessExecutor(Path dir) {
        this.dir = dir;
    }

    @Override
    public void launch(Task task) throws IOException {
        String script = switch (task.info().getSpec().getValue()) {
            case "fail" -> "exit 3";
            case "stubborn", "stubborn-slow" -> "trap '' TERM; sleep 600 & wait";
            case "slow" -> "sleep 3; exec sleep 600";
            default -> "exec sleep 600";
        };
        Process p = new ProcessBuilder("setsid", "sh", "-c", script).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        ProcessHandle h = p.toHandle();
        procs.put(task.id(), h);
        // whole or not there: the tests poll this file while it is written
        Path pid = dir.resolve(task.id() + ".pid");
        Path tmp = dir.resolve(task.id() + ".pid.tmp");
        Files.writeString(tmp, h.pid() + " " + startTime(h.pid()));
        Files.move(tmp, pid, java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        String mode = task.info().getSpec().getValue();
        watch(task, h, mode.equals("slow") ? 3_300 : mode.equals("stubborn-slow") ? 60_000 : 300);
    }

    private void watch(Task task, ProcessHandle h, long upAfterMs) {
        h.onExit().thenRun(() -> {
            if (procs.remove(task.id(), h)) { // not when kill() took it out first
                task.failed("process " + h.pid() + " exited");
            }
        });
        java.util.concurrent.CompletableFuture.delayedExecutor(upAfterMs, TimeUnit.MILLISECONDS).execute(() -> {
            if (h.isAlive()) {
                task.running();
            }
        });
    }

    @Override
    public void kill(Task task, Duration grace) throws Exception {
        ProcessHandle h = procs.remove(task.id());
        if (h == null) {
            task.killed("not running");
            return;
        }
        h.descendants().forEach(ProcessHandle::destroy);
        h.destroy();
        if (h.onExit().completeOnTimeout(null, grace.toMillis(), TimeUnit.MILLISECONDS).get() == null) {
            h.descendants().forEach(ProcessHandle::destroyForcibly);
            h.destroyForcibly();
            h.onExit().get(5, TimeUnit.SECONDS);
        }
        task.killed("stopped");
    }

    @Override
    public Set<String> recover(Collection<Task> tasks) throws IOException, InterruptedException {
        holdWhileAsked();
        Set<String> alive = new HashSet<>();
        for (Task t : tasks) {
            Path pidFile = dir.resolve(t.id() + ".pid");
            if (!Files.exists(pidFile)) {
                continue;
            }
            String[] parts = Files.readString(pidFile).trim().split(" ");
            long pid = Long.parseLong(parts[0]);
            var h = ProcessHandle.of(pid);
            if (h.isPresent() && h.get().isAlive() && parts[1].equals(startTime(pid))) {
                procs.put(t.id(), h.get());
                alive.add(t.id());
                h.get().onExit().thenRun(() -> {
                    if (procs.remove(t.id(), h.get())) {
                        t.failed("process " + pid + " exited");
                    }
                });
            }
        }
        return alive;
    }

    private void holdWhileAsked() throws IOException, InterruptedException {
        Path hold = dir.resolve("hold-recovery");
        if (!Files.exists(hold)) {
            return;
        }
        Files.writeString(dir.resolve("recovering"), Long.toString(ProcessHandle.current().pid()));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(50); // within Recovery's 60 s bound
        while (Files.exists(hold) && System.nanoTime() < deadline) {
            Thread.sleep(20); // a child process polling a file the test removes, not a test waiting
        }
        Files.deleteIfExists(dir.resolve("recovering"));
    }

    /** Field 22 of /proc/PID/stat: the start time in clock ticks since boot (survives pid reuse checks). */
    static String startTime(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return f[19];
        } catch (IOException gone) {
            return "gone";
        }
    }

    /** Child-process entry: {@code --id ID --work-dir DIR --shim SOCKET}. */
    public static void main(String[] args) throws Exception {
        ExecutorOptions o = ExecutorOptions.fromArgs(args);
        Files.createDirectories(o.workDir());
        ExecutorBootstrap.run(new ProcessExecutor(o.workDir()), o);
    }
}
