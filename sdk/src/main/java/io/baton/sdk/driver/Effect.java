package io.baton.sdk.driver;

import io.baton.proto.ExecutorSubscribe;
import io.baton.proto.ReplacementProgress;
import io.baton.proto.TaskInfo;
import io.baton.proto.TaskStatus;
import io.baton.sdk.core.Hook;
import java.util.List;

/**
 * What the executor must do, in the imperative: the output of {@link ExecutorDriver#step}, carried out in
 * order by the runtime (threads, sockets, the author's code) or by the simulation. Outcomes come back as
 * {@link Input}s.
 */
public sealed interface Effect {
    /**
     * Whether one of a step's effects acts on what the step journaled, so that its records must be in the journal's
     * file before the effects are carried out ({@code Journal.settle}: only a journal still opening holds records
     * back). Not so: log lines, the question to the recover hook, timers and the connection, none of which tells
     * anyone outside the executor anything. The subscription does (the tasks recovery found, from records it may
     * still hold): it waits, so an executor whose journal cannot be opened never subscribes. The runtime and the
     * simulation both ask this.
     */
    static boolean actsOnRecords(List<Effect> step) {
        for (Effect e : step) {
            if (!(e instanceof Log || e instanceof AskRecover || e instanceof Connect || e instanceof Arm
                    || e instanceof Cancel)) {
                return true;
            }
        }
        return false;
    }

    enum Level {
        DEBUG, INFO, WARN, ERROR
    }

    /** A line for the executor's log. */
    record Log(Level level, String message) implements Effect {
    }

    /**
     * Ask the author's recover hook which of these tasks still run (each gets a handle of the incarnation
     * given); answer with {@link Input.Recovered}.
     */
    record AskRecover(List<HeldTask> tasks) implements Effect {
    }

    /** Open the shim connection (it reconnects on its own); answer with {@link Input.Connected}. */
    record Connect() implements Effect {
    }

    /** Subscribe on the current connection; answer with {@link Input.Subscribed} or {@link Input.SubscribeRefused}. */
    record Subscribe(ExecutorSubscribe subscription) implements Effect {
    }

    enum CallKind {
        RESERVE, ADJUST, RELEASE, GIVE_BACK
    }

    /**
     * A shim call of a replacement; {@code request} is the protobuf message of its kind (Reserve, Adjust or
     * Release). Answer with {@link Input.Answered} unless {@code answerWanted} is false.
     */
    record Call(String replacementId, CallKind kind, com.google.protobuf.Message request, boolean answerWanted)
            implements Effect {
    }

    /** Send a status update (it is journaled already); its acknowledgement comes as a shim event. */
    record Update(TaskStatus status) implements Effect {
    }

    /**
     * Answer a retry of a replacement that already ended with its final update, as first sent (relayed to the
     * frameworks as an {@code outcome}, not as a new status); no answer needed.
     */
    record RecordedOutcome(TaskStatus finalUpdate) implements Effect {
    }

    /** Best-effort live progress of a replacement for the frameworks watching. */
    record Progress(ReplacementProgress progress) implements Effect {
    }

    /**
     * Run an author hook for a task, after the task's previous hook returned, bounded by {@code boundMs};
     * answer with {@link Input.HookReturned}. {@code task} is the task's info (for LAUNCH the task to
     * launch, for RESIZE the task to resize to); {@code replacementId} is empty outside a replacement.
     * {@code incarnation} names the handle the hook runs on: a LAUNCH creates the handle of that incarnation
     * (its reports carry the number); any other hook runs on the handle that has it. {@code successor}, for a
     * replacement's KILL only, is the task the replacement puts in the killed one's place (see
     * {@code BatonExecutor.kill(Task, Duration, TaskInfo)}); null otherwise.
     */
    record RunHook(String replacementId, String taskId, long incarnation, Hook hook, TaskInfo task, long graceMs,
            long boundMs, TaskInfo successor)
            implements Effect {
    }

    /** Run the author's shrink hook (executor-wide, guarded, no answer needed). */
    record Shrink(long targetBytes, long usageBytes) implements Effect {
    }

    /** The task {@code fromId} is now {@code to} (a resize): the author's handle follows, attachment included. */
    record TaskRenamed(String fromId, TaskInfo to, long incarnation) implements Effect {
    }

    /** The executor needs no handle of this task any more. */
    record TaskClosed(String taskId) implements Effect {
    }

    /** Arm (or re-arm) the timer {@code key} for {@code deadlineUs}; answer with {@link Input.TimerFired}. */
    record Arm(TimerKey key, long deadlineUs) implements Effect {
    }

    record Cancel(TimerKey key) implements Effect {
    }

    /** The executor is done (after SHUTDOWN, or when recovery failed). */
    record Exit(String reason) implements Effect {
    }
}
