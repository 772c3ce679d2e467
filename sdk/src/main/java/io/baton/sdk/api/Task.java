package io.baton.sdk.api;

import io.baton.proto.TaskInfo;
import io.baton.proto.TaskState;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One task of this executor, as the author's code sees it: its TaskInfo, and thread-safe methods to
 * report its state. Baton turns the reports into reliable status updates — or, while the task is part
 * of a replacement, into the replacement's progress.
 */
public final class Task {
    private final TaskInfo info;
    private final TaskReporter reporter;
    private final AtomicReference<Object> attachment = new AtomicReference<>();

    public Task(TaskInfo info, TaskReporter reporter) {
        this.info = info;
        this.reporter = reporter;
    }

    public String id() {
        return info.getTaskId().getValue();
    }

    public TaskInfo info() {
        return info;
    }

    public void running() {
        update(TaskState.TASK_RUNNING, "");
    }

    public void finished(String message) {
        update(TaskState.TASK_FINISHED, message);
    }

    public void failed(String message) {
        update(TaskState.TASK_FAILED, message);
    }

    public void killed(String message) {
        update(TaskState.TASK_KILLED, message);
    }

    public void update(TaskState state, String message) {
        reporter.report(id(), state, message == null ? "" : message);
    }

    /** Your own per-task object (a process handle, a server); survives nothing but the process. */
    @SuppressWarnings("unchecked")
    public <T> T attachment() {
        return (T) attachment.get();
    }

    public void attach(Object value) {
        attachment.set(value);
    }

    /** Where a task's reports go (the runtime). */
    @FunctionalInterface
    public interface TaskReporter {
        void report(String taskId, TaskState state, String message);
    }
}
