package io.baton.sdk.core;

import static io.baton.proto.TaskState.TASK_KILLING;
import static io.baton.proto.TaskState.TASK_LOST;
import static io.baton.proto.TaskState.TASK_RUNNING;

import io.baton.proto.Keep;
import io.baton.proto.ReplaceStrategy;
import io.baton.proto.TaskReason;
import io.baton.sdk.core.Event.HookFailed;
import io.baton.sdk.core.Event.OldTaskTerminated;
import io.baton.sdk.core.Event.PreconditionsMet;
import io.baton.sdk.core.Event.Requested;
import io.baton.sdk.core.Event.ReserveAccepted;
import io.baton.sdk.core.Event.ReserveRejected;

/**
 * The actions of the {@link Transitions} table from the request until the old task is out of the way
 * (stopped or frozen), or the replacement ends before it got under way (rejected, aborted).
 */
final class RequestSteps {
    private RequestSteps() {
    }

    // ------------------------------------------------------------------ request

    static Phase requestReady(Replacement r, Event e) {
        r.reserve();
        return Phase.REQUESTED;
    }

    static Phase requestWaits(Replacement r, Event e) {
        r.arm(Timer.DRAIN, r.drainDeadline()); // the seed: one timer for the wait and the drain
        return Phase.PENDING;
    }

    static Phase requestTerminating(Replacement r, Event e) {
        return reject(r, TaskReason.REPLACE_EXECUTOR_TERMINATING, ((Requested) e).detail());
    }

    static Phase requestInvalid(Replacement r, Event e) {
        releaseShimHold(r);
        // the new task id may belong to a task that runs: the outcome goes out on the old task
        r.report(r.oldId(), TASK_RUNNING, TaskReason.REPLACE_INVALID, ((Requested) e).detail(), Phase.REJECTED);
        return Phase.REJECTED;
    }

    /** The seed: an invalid replace ends with TASK_LOST for the new task (unless that id is the old task's). */
    static Phase requestRefusedByShim(Replacement r, Event e) {
        return reject(r, TaskReason.REPLACE_INVALID, ((Requested) e).detail());
    }

    static Phase requestOldBusy(Replacement r, Event e) {
        return reject(r, TaskReason.REPLACE_INVALID, ((Requested) e).detail());
    }

    static Phase requestOldUnknown(Replacement r, Event e) {
        r.oldAlive = false;
        return reject(r, TaskReason.REPLACE_INVALID, ((Requested) e).detail());
    }

    static Phase preconditionsMet(Replacement r, Event e) {
        r.oldTask = ((PreconditionsMet) e).oldTask();
        r.reserve();
        return Phase.REQUESTED;
    }

    static Phase oldGone(Replacement r, Event e) {
        r.oldAlive = false;
        return reject(r, TaskReason.REPLACE_INVALID, ((Event.OldTaskGone) e).detail());
    }

    static Phase reserveRejected(Replacement r, Event e) {
        return reject(r, TaskReason.REPLACE_INVALID, ((ReserveRejected) e).message());
    }

    private static Phase reject(Replacement r, TaskReason reason, String message) {
        r.cancelAll();
        releaseShimHold(r);
        endWithoutNewTask(r, reason, message, Phase.REJECTED);
        return Phase.REJECTED;
    }

    /**
     * The shim reserved the request on delivery and the replacement ends before taking the pool: the reservation
     * goes back (the old task keeps its resources while it runs), and the release is re-issued until confirmed.
     */
    private static void releaseShimHold(Replacement r) {
        if (r.shimHolds && !r.reserved && !r.releaseUnconfirmed) {
            r.emit(new Command.Release(r.id, r.oldAlive ? Keep.KEEP_OLD : Keep.KEEP_NONE));
            r.releaseUnconfirmed = true;
        }
    }

    /**
     * The new task never ran: it is reported lost — unless it has the old task's id and that task still runs
     * (a terminal update there would be followed by that task's own), so the outcome goes out on it as running.
     */
    private static void endWithoutNewTask(Replacement r, TaskReason reason, String message, Phase outcome) {
        r.report(r.newId(), r.sameTask() && r.oldAlive ? TASK_RUNNING : TASK_LOST, reason, message, outcome);
    }

    static Phase reserved(Replacement r, Event e) {
        r.pool = ((ReserveAccepted) e).pool();
        r.reserved = true;
        r.inUse = r.request.oldResources();
        r.drainStartUs = e.atUs();
        ReplaceStrategy s = r.strategy();
        if (s != ReplaceStrategy.RESIZE_IN_PLACE) {
            r.report(r.oldId(), TASK_KILLING, TaskReason.REPLACED, "being replaced by " + r.newId()
                    + " (replacement " + r.id + ")", null);
        }
        switch (s) {
            case STOP_THEN_START -> {
                r.emit(new Command.Kill(r.id, r.oldId(), r.oldTask.getKillGracePeriodMs()));
                r.arm(Timer.DRAIN, r.drainDeadline());
                return Phase.DRAINING;
            }
            case FREEZE_THEN_START -> {
                r.emit(new Command.Freeze(r.id, r.oldId()));
                r.arm(Timer.DRAIN, r.drainDeadline());
                return Phase.FREEZING;
            }
            case START_THEN_STOP -> {
                r.cancel(Timer.DRAIN);
                r.adjust(r.request.oldResources().plus(r.request.newResources()));
                return Phase.HANDING_OFF;
            }
            default -> { // RESIZE_IN_PLACE
                r.cancel(Timer.DRAIN);
                r.adjust(r.request.newResources());
                return Phase.HANDING_OFF;
            }
        }
    }

    /**
     * A RESERVE answered OK after the replacement ended without a reservation of its own: the shim booked a RESERVE
     * sent again (after a reconnect) once it had refused or released the first, and holds a pool nothing will use
     * (simulation seed 7308335: refused because a later REPLACE of the task held it, then booked once that one was
     * released). It is given back at once, and the release re-issued until the shim confirms it. The engine takes
     * this event only then ({@link Engine#accepts}); a late answer for a reservation it took is nothing new.
     */
    static Phase reservedAfterOutcome(Replacement r, Event e) {
        if (!r.reserved) {
            r.emit(new Command.Release(r.id, r.oldAlive ? Keep.KEEP_OLD : Keep.KEEP_NONE));
            r.released = false; // a release confirmed before this answer freed the pool the shim held then
            r.releaseUnconfirmed = true;
        }
        return r.phase;
    }

    // ------------------------------------------------------------------ the old task ends before it was asked to

    static Phase oldEndedPending(Replacement r, Event e) {
        r.oldAlive = false;
        r.cancelAll();
        releaseShimHold(r);
        reportEndedEarly(r, (OldTaskTerminated) e, Phase.REJECTED);
        return Phase.REJECTED;
    }

    static Phase oldEndedRequested(Replacement r, Event e) {
        r.oldAlive = false;
        r.cancelAll();
        r.emit(new Command.Release(r.id, Keep.KEEP_NONE)); // in case the reserve landed: free it all
        r.releaseUnconfirmed = true;
        reportEndedEarly(r, (OldTaskTerminated) e, Phase.ABORTED);
        return Phase.ABORTED;
    }

    /** The old task ended on its own before the replacement got under way: nothing to replace. */
    private static void reportEndedEarly(Replacement r, OldTaskTerminated t, Phase outcome) {
        String ended = "old task " + r.oldId() + " ended " + t.state() + " before replacement " + r.id + " started";
        // one task (same id): its terminal update is the last word, and it carries the outcome
        r.report(r.oldId(), t.state(), TaskReason.REASON_UNSPECIFIED, ended, r.sameTask() ? outcome : null);
        if (!r.sameTask()) {
            r.report(r.newId(), TASK_LOST, TaskReason.REPLACE_INVALID, "old task " + r.oldId() + " ended (" + t.state()
                    + ") before the replacement started", outcome);
        }
    }

    // ------------------------------------------------------------------ old task stops or freezes

    static Phase oldStopped(Replacement r, Event e) {
        r.oldAlive = false;
        r.oldStoppedUs = e.atUs();
        r.cancel(Timer.DRAIN);
        r.adjust(r.request.newResources());
        r.giveBackLeftoverIfImmediate();
        return Phase.HANDING_OFF;
    }

    static Phase oldFrozen(Replacement r, Event e) {
        r.oldFrozen = true;
        r.oldStoppedUs = e.atUs();
        r.cancel(Timer.DRAIN);
        r.adjust(r.request.oldResources().plus(r.request.newResources())); // a frozen task keeps its memory
        return Phase.HANDING_OFF;
    }

    /** Waiting for the executor or the old task: nothing was reserved yet, unless the shim did on delivery. */
    static Phase pendingTimeout(Replacement r, Event e) {
        r.cancelAll();
        releaseShimHold(r);
        endWithoutNewTask(r, TaskReason.REPLACE_DRAIN_TIMEOUT, drainTimeoutMessage(r), Phase.ABORTED);
        return Phase.ABORTED;
    }

    static Phase drainTimeout(Replacement r, Event e) {
        return abort(r, TaskReason.REPLACE_DRAIN_TIMEOUT, drainTimeoutMessage(r));
    }

    static Phase freezeTimeout(Replacement r, Event e) {
        String message = drainTimeoutMessage(r);
        r.emit(new Command.Thaw(r.id, r.oldId()));
        return abort(r, TaskReason.REPLACE_DRAIN_TIMEOUT, message);
    }

    private static String drainTimeoutMessage(Replacement r) {
        return "old task " + r.oldId() + " did not stop within the drain timeout of "
                + r.ms(r.request.policy().drainTimeoutUs()) + " (phase " + r.phase + ")";
    }

    /** The kill (draining) or the freeze (freezing) of the old task failed: it runs on, the replacement ends. */
    static Phase drainHookFailed(Replacement r, Event e) {
        HookFailed h = (HookFailed) e;
        r.report(r.oldId(), TASK_RUNNING, TaskReason.REPLACE_ROLLED_BACK, "replacement " + r.id + " aborted: "
                + h.hook() + " failed", null);
        return abort(r, TaskReason.REPLACE_NEW_TASK_FAILED, h.hook() + " of old task " + r.oldId() + " failed: "
                + h.message());
    }

    /**
     * After the reserve (or while it is unanswered, REQUESTED's drain timer): the old task keeps its resources, the
     * rest is released. Unanswered, the reserve may have landed: the release is owed until the shim confirms it.
     */
    private static Phase abort(Replacement r, TaskReason reason, String message) {
        r.cancelAll();
        r.emit(new Command.Release(r.id, Keep.KEEP_OLD));
        if (!r.reserved) {
            r.releaseUnconfirmed = true;
        }
        endWithoutNewTask(r, reason, message, Phase.ABORTED);
        return Phase.ABORTED;
    }
}
