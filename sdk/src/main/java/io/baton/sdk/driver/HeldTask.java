package io.baton.sdk.driver;

import io.baton.proto.TaskInfo;

/** A task the executor holds a handle of, and the incarnation of that handle (see {@link HeldTasks}). */
public record HeldTask(TaskInfo info, long incarnation) {
    public String id() {
        return info.getTaskId().getValue();
    }
}
