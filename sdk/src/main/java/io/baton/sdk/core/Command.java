package io.baton.sdk.core;

import io.baton.proto.Keep;
import io.baton.proto.TaskInfo;
import io.baton.proto.TaskReason;
import io.baton.proto.TaskState;
import io.baton.resources.Resources;
import java.util.List;

/**
 * What to do, in the imperative. The engine returns commands; the runtime executes them in order
 * and feeds their outcomes back as {@link Event}s. Every command is idempotent, so recovery can
 * re-issue the ones that were in flight.
 */
public sealed interface Command {
    String replacementId();

    record Reserve(String replacementId, String oldTaskId, TaskInfo newTask, List<String> offerIds,
            boolean concurrent) implements Command {
    }

    /** The container holds {@code inUse} of the reservation's pool. */
    record Adjust(String replacementId, Resources inUse) implements Command {
    }

    /** Give part of the pool back now (the seed's immediate leftover release). */
    record GiveBack(String replacementId, Resources resources) implements Command {
    }

    record Release(String replacementId, Keep keep) implements Command {
    }

    record Kill(String replacementId, String taskId, long gracePeriodMs) implements Command {
    }

    record Freeze(String replacementId, String taskId) implements Command {
    }

    record Thaw(String replacementId, String taskId) implements Command {
    }

    record Launch(String replacementId, TaskInfo task) implements Command {
    }

    record Resize(String replacementId, String taskId, TaskInfo to) implements Command {
    }

    /** Run the task's readiness check until it has passed continuously for {@code minHealthyUs}. */
    record CheckReadiness(String replacementId, TaskInfo task, long minHealthyUs) implements Command {
    }

    record ArmTimer(String replacementId, Timer timer, long deadlineUs) implements Command {
    }

    record CancelTimer(String replacementId, Timer timer) implements Command {
    }

    /**
     * Send a status update (reliably) for a task of this replacement. The replacement's final update
     * carries its {@code outcome} (a terminal phase) and its timings; other updates carry neither.
     */
    record Report(String replacementId, String taskId, TaskState state, TaskReason reason, String message,
            String relatedTaskId, Timings timings, Phase outcome) implements Command {
    }
}
