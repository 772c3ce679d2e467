package io.baton.sdk.it;

import io.baton.proto.TaskInfo;
import io.baton.sdk.api.BatonExecutor;
import io.baton.sdk.api.Task;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A test executor whose tasks are threads. The task spec's value says how the task behaves:
 * "ok" runs until killed, "fail" crashes 50 ms after starting (before it runs), "hang" never reports running.
 */
public class ThreadExecutor extends BatonExecutor {
    final Map<String, Thread> threads = new ConcurrentHashMap<>();

    @Override
    public void launch(Task task) {
        String mode = task.info().getSpec().getValue();
        Thread t = new Thread(() -> {
            try {
                if (mode.equals("hang")) {
                    Thread.sleep(Long.MAX_VALUE);
                }
                if (mode.equals("fail")) {
                    Thread.sleep(50);
                    task.failed("crashed on start (on purpose)");
                    return;
                }
                task.running();
                Thread.sleep(Long.MAX_VALUE);
            } catch (InterruptedException stopped) {
                task.killed("stopped");
            }
        }, "task-" + task.id());
        t.setDaemon(true);
        threads.put(task.id(), t);
        t.start();
    }

    @Override
    public void kill(Task task, Duration grace) throws InterruptedException {
        Thread t = threads.remove(task.id());
        if (t == null) {
            task.killed("was not running");
            return;
        }
        t.interrupt();
        t.join(grace.toMillis());
    }

    @Override
    public void resize(Task task, TaskInfo to) {
        // a thread needs nothing to grow or shrink
    }
}
