package io.baton.sdk.core;

import io.baton.proto.RejectCode;
import io.baton.proto.TaskInfo;
import io.baton.proto.TaskState;
import io.baton.resources.Resources;

/**
 * What happened, in the past tense, with the time it happened. Events are the replacement engine's
 * only input; the journal records each one before the engine acts on it, so replaying them yields
 * the same states and commands.
 */
public sealed interface Event {
    long atUs();

    /**
     * The framework asked; {@code readiness} is what the executor knew at that moment, {@code detail}
     * a human explanation when it is not READY.
     */
    record Requested(ReplaceRequest request, Readiness readiness, String detail, long atUs) implements Event {
    }

    /** What a PENDING replacement waited for happened: the shim is back and the old task is known. */
    record PreconditionsMet(TaskInfo oldTask, long atUs) implements Event {
    }

    /** A PENDING replacement's old task turned out not to exist after all (recovery finished without it). */
    record OldTaskGone(String detail, long atUs) implements Event {
    }

    record ReserveAccepted(Resources pool, long atUs) implements Event {
    }

    record ReserveRejected(RejectCode code, String message, long atUs) implements Event {
    }

    /**
     * The container holds what the replacement's Adjust put in use. Never from outside: the engine applies it in
     * the step that issued the Adjust (the container holds the whole pool from the RESERVE on).
     */
    record ContainerAdjusted(long atUs) implements Event {
    }

    /** The old task reached a terminal state. */
    record OldTaskTerminated(TaskState state, long atUs) implements Event {
    }

    record OldTaskFrozen(long atUs) implements Event {
    }

    /** The old task runs again (relaunched or thawed) during a rollback. */
    record OldTaskRunning(long atUs) implements Event {
    }

    /** The old task could not be started again during a rollback. */
    record OldTaskFailed(String message, long atUs) implements Event {
    }

    record OldTaskResized(long atUs) implements Event {
    }

    record NewTaskRunning(long atUs) implements Event {
    }

    /** The new task's readiness check passed for minHealthy. */
    record NewTaskReady(long atUs) implements Event {
    }

    /** The new task reached a terminal state. */
    record NewTaskTerminated(TaskState state, String message, long atUs) implements Event {
    }

    /** An author hook threw, hung past its bound, or reported failure. */
    record HookFailed(Hook hook, String message, long atUs) implements Event {
    }

    record TimerFired(Timer timer, long atUs) implements Event {
    }

    /** The shim confirmed the reservation's final release. */
    record Released(long atUs) implements Event {
    }
}
