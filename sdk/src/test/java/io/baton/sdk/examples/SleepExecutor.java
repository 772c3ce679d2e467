package io.baton.sdk.examples;

import io.baton.sdk.api.BatonExecutor;
import io.baton.sdk.api.ExecutorOptions;
import io.baton.sdk.api.Task;
import io.baton.sdk.runtime.ExecutorBootstrap;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/** The minimal executor from BatonExecutor's javadoc and the README, compiled and tested as written. */
public final class SleepExecutor extends BatonExecutor {
    private final Map<String, Process> procs = new ConcurrentHashMap<>();

    @Override
    public void launch(Task task) throws Exception {
        Process p = new ProcessBuilder("sleep", task.info().getSpec().getValue()).start();
        procs.put(task.id(), p);
        task.running();
        p.onExit().thenRun(() -> {
            if (procs.remove(task.id(), p)) {
                task.finished("exited " + p.exitValue());
            }
        });
    }

    @Override
    public void kill(Task task, Duration grace) throws Exception {
        Process p = procs.remove(task.id());
        if (p == null) {
            task.killed("not running");
            return;
        }
        p.destroy();
        if (!p.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
            p.destroyForcibly().waitFor();
        }
        task.killed("stopped");
    }

    public static void main(String[] args) {
        ExecutorBootstrap.run(new SleepExecutor(), ExecutorOptions.fromArgs(args)); // --id, --work-dir, --shim
    }
}
