package io.baton.tasks;

import io.baton.proto.TaskState;

/** Task state facts, as in Apache Mesos (TASK_ROLLED_BACK is Baton's and is not terminal: the task runs again). */
public final class TaskStates {
    private TaskStates() {
    }

    public static boolean isTerminal(TaskState s) {
        return switch (s) {
            case TASK_FINISHED, TASK_FAILED, TASK_KILLED, TASK_LOST, TASK_ERROR, TASK_DROPPED, TASK_GONE,
                    TASK_GONE_BY_OPERATOR -> true;
            default -> false;
        };
    }
}
