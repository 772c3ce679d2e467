package io.baton.sdk.driver;

import io.baton.proto.ExecutorEvent;
import io.baton.proto.Keep;
import io.baton.proto.Release;
import io.baton.proto.ReplaceEvent;
import io.baton.proto.ReplacementOutcome;
import io.baton.resources.Resources;
import io.baton.proto.TaskInfo;
import io.baton.proto.TaskReason;
import io.baton.proto.TaskState;
import io.baton.proto.TaskStatus;
import io.baton.sdk.core.Engine;
import io.baton.sdk.core.ReplaceRequest;
import io.baton.sdk.journal.Journal;
import io.baton.tasks.TaskStates;
import java.util.ArrayList;
import java.util.Optional;

/** What the shim forwards: LAUNCH, KILL, REPLACE, ACKNOWLEDGED, SHUTDOWN, SHRINK, ERROR. Part of {@link ExecutorDriver}. */
final class ShimEvents {
    private final ExecutorDriver d;

    ShimEvents(ExecutorDriver d) {
        this.d = d;
    }

    void handle(ExecutorEvent e) {
        switch (e.getEventCase()) {
            case LAUNCH -> launch(e.getLaunch().getTask());
            case KILL -> kill(e.getKill().getTaskId().getValue(), e.getKill().getGracePeriodMs());
            case REPLACE -> replace(e.getReplace());
            case ACKNOWLEDGED -> {
                d.je.acknowledged(e.getAcknowledged(), d.now);
                d.pump();
            }
            case SHUTDOWN -> shutdown(e.getShutdown().getReason());
            case SHRINK -> d.emit(new Effect.Shrink(e.getShrink().getTargetBytes(), e.getShrink().getUsageBytes()));
            case ERROR -> d.log(Effect.Level.ERROR, "executor " + d.executorId + ": the shim reports "
                    + e.getError().getCode() + ": " + e.getError().getMessage());
            default -> d.log(Effect.Level.WARN, "executor " + d.executorId + ": ignoring an unknown event from the shim");
        }
    }

    private void launch(TaskInfo task) {
        String id = task.getTaskId().getValue();
        if (d.tasks.holds(id)) {
            d.log(Effect.Level.INFO, "task " + id + " is already known; ignoring a repeated launch");
            return;
        }
        d.commands.launch("", task, ExecutorDriver.HOOK_BOUND_MS);
    }

    private void kill(String id, long graceMs) {
        if (!d.tasks.holds(id)) {
            if (!endedUnacknowledged(id)) {
                d.send(d.status(id, TaskState.TASK_LOST, "task " + id + " is not running here"));
            } // else its terminal update is on its way: a second, different one would contradict it
            return;
        }
        d.commands.kill("", id, graceMs, ExecutorDriver.HOOK_BOUND_MS);
    }

    /**
     * A retry of a replacement that has ended gets its outcome at once: the final update as first sent, unless
     * that is still unacknowledged (then it is on its way to every framework anyway) or no longer kept.
     */
    private void answerRetry(String rid) {
        TaskStatus last = d.je.finalUpdate(rid);
        boolean pending = last != null && d.je.outbox().pending().stream().anyMatch(p -> p.getUuid().equals(last.getUuid()));
        if (last == null) {
            d.log(Effect.Level.INFO, "replacement " + rid + " was asked again; it ended long ago and its final update"
                    + " is no longer kept (the latest " + JournaledEngine.REMEMBERED_OUTCOMES + " are)");
        } else if (!pending && d.subscribed) {
            d.emit(new Effect.RecordedOutcome(last));
        }
    }

    /** Whether a terminal update of the task waits for its acknowledgement. */
    boolean endedUnacknowledged(String taskId) {
        for (TaskStatus s : d.je.outbox().pending()) {
            if (s.getTaskId().getValue().equals(taskId) && TaskStates.isTerminal(s.getState())) {
                return true;
            }
        }
        return false;
    }

    private void replace(ReplaceEvent e) {
        if (refusedForSpace(e)) {
            releaseUntaken(e);
            return;
        }
        Engine engine = d.je.engine();
        String oldId = e.getRequest().getOldTaskId().getValue();
        TaskInfo old = engine.tasks().getOrDefault(oldId, TaskInfo.newBuilder().setTaskId(e.getRequest().getOldTaskId())
                .build());
        long at = e.getRequestedAtUs() == 0 ? d.now : e.getRequestedAtUs();
        ReplaceRequest request = new ReplaceRequest(e.getRequest(), old, at);
        Engine.Submitted s = e.hasRefusal() ? d.je.submitRefused(request, e.getRefusal().getMessage(), d.now)
                : e.hasReserved() ? d.je.submitReserved(request, Resources.fromProto(e.getReserved().getPoolList()), d.now)
                : d.je.submit(request, d.now);
        if (s.conflict() != null) {
            d.log(Effect.Level.WARN, "executor " + d.executorId + ": " + s.conflict());
            releaseUntaken(e);
            return;
        }
        if (s.retry() && (s.replacement() == null || s.replacement().phase().terminal())) {
            releaseUntaken(e); // a retry of one that ended: the shim, which no longer knew it, reserved it anew
        }
        if (!s.retry()) {
            d.log(Effect.Level.INFO, "replacement " + request.replacementId() + ": " + oldId + " -> "
                    + request.newTaskId() + " (" + request.policy().strategy() + ")");
        } else if (s.replacement() == null || s.replacement().phase().terminal()) {
            answerRetry(request.replacementId());
        }
        d.commands.run(s.commands());
    }

    /**
     * The shim reserved a request on delivery that the engine does not take up (not journaled as a new
     * replacement): the reservation goes back at once, the old task keeping its resources. Nothing waits for
     * the answer; if it is lost, the next re-subscription drops the reservation (the executor does not claim it).
     */
    private void releaseUntaken(ReplaceEvent e) {
        if (e.hasReserved()) {
            d.emit(new Effect.Call(e.getRequest().getReplacementId().getValue(), Effect.CallKind.RELEASE,
                    Release.newBuilder().setReplacementId(e.getRequest().getReplacementId()).setKeep(Keep.KEEP_OLD)
                            .build(), false));
        }
    }

    /**
     * New replacements are refused while the journal is short of disk space (they could not be journaled
     * write-ahead): the framework gets the final update at once, new task TASK_LOST with reason
     * REPLACE_JOURNAL_FULL, outcome REJECTED and the numbers. The refusal is neither journaled (no room)
     * nor resent: the shim hands an unanswered REPLACE over again when the executor re-subscribes. A
     * replacement id the engine already knows (a retry) is left to the engine, which answers it.
     */
    private boolean refusedForSpace(ReplaceEvent e) {
        Optional<Journal.Shortage> shortage = d.journal.shortage();
        if (shortage.isEmpty()) {
            return false;
        }
        String rid = e.getRequest().getReplacementId().getValue();
        Engine engine = d.je.engine();
        if (engine.replacement(rid) != null || engine.ended().stream().anyMatch(x -> x.replacementId().equals(rid))) {
            return false;
        }
        String why = "replacement " + rid + " refused: " + shortage.get().message();
        d.log(Effect.Level.WARN, "executor " + d.executorId + ": " + why);
        if (d.subscribed) {
            d.emit(new Effect.Update(d.status(e.getRequest().getNewTask().getTaskId().getValue(), TaskState.TASK_LOST,
                    why).toBuilder().setReason(TaskReason.REPLACE_JOURNAL_FULL).setReplacementId(e.getRequest()
                    .getReplacementId()).setRelatedTaskId(e.getRequest().getOldTaskId())
                    .setOutcome(ReplacementOutcome.REJECTED).build()));
        }
        return true;
    }

    private void shutdown(String reason) {
        d.log(Effect.Level.INFO, "executor " + d.executorId + " shutting down: " + reason);
        d.je.terminating(d.now);
        for (String id : new ArrayList<>(d.tasks.ids())) {
            d.commands.kill("", id, 0, ExecutorDriver.HOOK_BOUND_MS);
        }
        d.emit(new Effect.Arm(TimerKey.ShutdownGrace.KEY, d.now + ExecutorDriver.SHUTDOWN_GRACE_US));
    }
}
