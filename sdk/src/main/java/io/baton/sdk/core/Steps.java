package io.baton.sdk.core;

import static io.baton.proto.TaskState.TASK_FAILED;
import static io.baton.proto.TaskState.TASK_KILLED;
import static io.baton.proto.TaskState.TASK_KILLING;
import static io.baton.proto.TaskState.TASK_LOST;
import static io.baton.proto.TaskState.TASK_ROLLED_BACK;
import static io.baton.proto.TaskState.TASK_RUNNING;

import io.baton.proto.Keep;
import io.baton.proto.ReplaceStrategy;
import io.baton.proto.TaskReason;
import io.baton.sdk.core.Event.HookFailed;
import io.baton.sdk.core.Event.NewTaskTerminated;
import io.baton.sdk.core.Event.OldTaskFailed;
import io.baton.sdk.core.Event.PreconditionsMet;
import io.baton.sdk.core.Event.Requested;
import io.baton.sdk.core.Event.ReserveAccepted;
import io.baton.sdk.core.Event.ReserveRejected;

/** The actions of the {@link Transitions} table: each emits commands and returns the next phase. */
final class Steps {
    private Steps() {
    }

    // ------------------------------------------------------------------ request

    static Phase requested(Replacement r, Event e) {
        Requested q = (Requested) e;
        switch (q.readiness()) {
            case READY -> {
                r.reserve();
                return Phase.REQUESTED;
            }
            case EXECUTOR_REREGISTERING, OLD_TASK_RECOVERING -> {
                r.arm(Timer.DRAIN, r.drainDeadline()); // the seed: one timer for the wait and the drain
                return Phase.PENDING;
            }
            case EXECUTOR_TERMINATING -> {
                return reject(r, TaskReason.REPLACE_EXECUTOR_TERMINATING, q.detail());
            }
            case INVALID -> {
                // the new task id may belong to a task that runs: the outcome goes out on the old task
                r.report(r.oldId(), TASK_RUNNING, TaskReason.REPLACE_INVALID, q.detail(), Phase.REJECTED);
                return Phase.REJECTED;
            }
            default -> {
                if (q.readiness() == Readiness.OLD_TASK_UNKNOWN) {
                    r.oldAlive = false;
                }
                return reject(r, TaskReason.REPLACE_INVALID, q.detail());
            }
        }
    }

    static Phase preconditionsMet(Replacement r, Event e) {
        r.oldTask = ((PreconditionsMet) e).oldTask();
        r.reserve();
        return Phase.REQUESTED;
    }

    static Phase reserveRejected(Replacement r, Event e) {
        return reject(r, TaskReason.REPLACE_INVALID, ((ReserveRejected) e).message());
    }

    private static Phase reject(Replacement r, TaskReason reason, String message) {
        r.cancelAll();
        endWithoutNewTask(r, reason, message, Phase.REJECTED);
        return Phase.REJECTED;
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

    static Phase drainTimeout(Replacement r, Event e) {
        String message = "old task " + r.oldId() + " did not stop within the drain timeout of "
                + r.ms(r.request.policy().drainTimeoutUs()) + " (phase " + r.phase + ")";
        if (r.phase == Phase.FREEZING) {
            r.emit(new Command.Thaw(r.id, r.oldId()));
        }
        return abort(r, TaskReason.REPLACE_DRAIN_TIMEOUT, message, r.phase != Phase.PENDING);
    }

    /** A failure of a hook this phase is not waiting for (a late one from an earlier step) changes nothing. */
    private static boolean stale(Event e, Hook... expected) {
        Hook h = ((HookFailed) e).hook();
        for (Hook x : expected) {
            if (x == h) {
                return false;
            }
        }
        return true;
    }

    /** The old task ended on its own before the replacement got under way: nothing to replace. */
    static Phase oldEndedEarly(Replacement r, Event e) {
        Event.OldTaskTerminated t = (Event.OldTaskTerminated) e;
        r.oldAlive = false;
        r.cancelAll();
        Phase outcome = r.phase == Phase.PENDING ? Phase.REJECTED : Phase.ABORTED;
        if (outcome == Phase.ABORTED) {
            r.emit(new Command.Release(r.id, Keep.KEEP_NONE)); // in case the reserve landed: free it all
        }
        String ended = "old task " + r.oldId() + " ended " + t.state() + " before replacement " + r.id + " started";
        // one task (same id): its terminal update is the last word, and it carries the outcome
        r.report(r.oldId(), t.state(), TaskReason.REASON_UNSPECIFIED, ended, r.sameTask() ? outcome : null);
        if (!r.sameTask()) {
            r.report(r.newId(), TASK_LOST, TaskReason.REPLACE_INVALID, "old task " + r.oldId() + " ended (" + t.state()
                    + ") before the replacement started", outcome);
        }
        return outcome;
    }

    static Phase drainHookFailed(Replacement r, Event e) {
        if (stale(e, r.phase == Phase.FREEZING ? Hook.FREEZE : Hook.KILL)) {
            return r.phase;
        }
        HookFailed h = (HookFailed) e;
        r.report(r.oldId(), TASK_RUNNING, TaskReason.REPLACE_ROLLED_BACK, "replacement " + r.id + " aborted: "
                + h.hook() + " failed", null);
        return abort(r, TaskReason.REPLACE_NEW_TASK_FAILED, h.hook() + " of old task " + r.oldId() + " failed: "
                + h.message(), true);
    }

    private static Phase abort(Replacement r, TaskReason reason, String message, boolean reserved) {
        r.cancelAll();
        if (reserved) {
            r.emit(new Command.Release(r.id, Keep.KEEP_OLD));
        }
        endWithoutNewTask(r, reason, message, Phase.ABORTED);
        return Phase.ABORTED;
    }

    // ------------------------------------------------------------------ handoff, launch, readiness

    static Phase handedOff(Replacement r, Event e) {
        r.handoffDoneUs = e.atUs();
        r.launchStartUs = e.atUs();
        r.arm(Timer.START, e.atUs() + r.request.policy().startTimeoutUs());
        if (r.strategy() == ReplaceStrategy.RESIZE_IN_PLACE) {
            r.emit(new Command.Resize(r.id, r.oldId(), r.request.newTask()));
            return Phase.RESIZING;
        }
        r.emit(new Command.Launch(r.id, r.request.newTask()));
        return Phase.LAUNCHING;
    }

    static Phase adjustRejected(Replacement r, Event e) {
        r.fail(TaskReason.REPLACE_NEW_TASK_FAILED, "the container could not be sized for new task " + r.newId()
                + ": " + ((Event.AdjustRejected) e).message());
        return restore(r);
    }

    static Phase oldDiedMeanwhile(Replacement r, Event e) {
        r.oldAlive = false;
        r.oldFrozen = false;
        if (r.oldStoppedUs == 0) {
            r.oldStoppedUs = e.atUs();
        }
        return r.phase;
    }

    static Phase newRunning(Replacement r, Event e) {
        r.runningUs = e.atUs();
        if (r.request.newTask().hasReadiness()) {
            r.emit(new Command.CheckReadiness(r.id, r.request.newTask(), r.request.policy().minHealthyUs()));
            return Phase.VERIFYING;
        }
        return ready(r, e);
    }

    static Phase newReady(Replacement r, Event e) {
        r.readyUs = e.atUs();
        return ready(r, e);
    }

    /** The new task is up: stop a still-living old task first, else commit. */
    private static Phase ready(Replacement r, Event e) {
        r.cancel(Timer.START);
        if (r.oldAlive) {
            r.drainStartUs = e.atUs();
            r.oldKillIssued = true;
            r.emit(new Command.Kill(r.id, r.oldId(), r.oldTask.getKillGracePeriodMs()));
            r.arm(Timer.DRAIN, e.atUs() + r.request.policy().drainTimeoutUs());
            return Phase.STOPPING_OLD;
        }
        return commit(r);
    }

    static Phase oldStoppedLast(Replacement r, Event e) {
        r.oldAlive = false;
        r.oldStoppedUs = e.atUs();
        r.cancel(Timer.DRAIN);
        return commit(r);
    }

    static Phase resized(Replacement r, Event e) {
        r.runningUs = e.atUs();
        return commit(r);
    }

    private static Phase commit(Replacement r) {
        r.cancelAll();
        r.emit(new Command.Release(r.id, Keep.KEEP_NEW));
        if (!r.sameTask()) {
            r.report(r.oldId(), TASK_KILLED, TaskReason.REPLACED, "replaced by " + r.newId() + " (replacement "
                    + r.id + ")", null);
        }
        r.report(r.newId(), TASK_RUNNING, TaskReason.REPLACED, (r.sameTask() ? "resized" : "replaced "
                + r.oldId()) + " (replacement " + r.id + " committed)", Phase.COMMITTED);
        return Phase.COMMITTED;
    }

    // ------------------------------------------------------------------ failure and rollback

    static Phase newTerminated(Replacement r, Event e) {
        NewTaskTerminated t = (NewTaskTerminated) e;
        r.fail(TaskReason.REPLACE_NEW_TASK_FAILED, "new task " + r.newId() + " ended " + t.state()
                + (t.message().isEmpty() ? "" : ": " + t.message()));
        return restore(r);
    }

    static Phase launchHookFailed(Replacement r, Event e) {
        if (stale(e, Hook.LAUNCH)) {
            return r.phase;
        }
        r.fail(TaskReason.REPLACE_NEW_TASK_FAILED, "launch of new task " + r.newId() + " failed: "
                + ((HookFailed) e).message());
        return rollBack(r, e); // it may have started partly: stop it before the old task comes back
    }

    static Phase readinessFailed(Replacement r, Event e) {
        return stale(e, Hook.READINESS) ? r.phase : startTimeout(r, e);
    }

    static Phase stopOldKillFailed(Replacement r, Event e) {
        if (stale(e, Hook.KILL)) {
            return r.phase;
        }
        r.oldKillIssued = false; // the kill did not happen: the old task still runs (or is still frozen)
        return stopOldTimeout(r, e);
    }

    static Phase startTimeout(Replacement r, Event e) {
        boolean readiness = r.phase == Phase.VERIFYING;
        String why = e instanceof HookFailed h ? "readiness check failed: " + h.message()
                : (readiness ? "new task " + r.newId() + " was not ready" : "new task " + r.newId() + " was not running")
                        + " within the start timeout of " + r.ms(r.request.policy().startTimeoutUs());
        r.fail(readiness ? TaskReason.REPLACE_NOT_READY : TaskReason.REPLACE_START_TIMEOUT, why);
        return rollBack(r, e);
    }

    static Phase stopOldTimeout(Replacement r, Event e) {
        r.fail(TaskReason.REPLACE_DRAIN_TIMEOUT, "old task " + r.oldId() + " did not stop within the drain timeout of "
                + r.ms(r.request.policy().drainTimeoutUs()) + (e instanceof HookFailed h ? ": " + h.message() : ""));
        return rollBack(r, e);
    }

    /** Stop the new task, with the drain timeout as its bound. */
    private static Phase rollBack(Replacement r, Event e) {
        r.cancelAll();
        r.emit(new Command.Kill(r.id, r.newId(), r.request.newTask().getKillGracePeriodMs()));
        r.arm(Timer.DRAIN, e.atUs() + r.request.policy().drainTimeoutUs());
        return Phase.ROLLING_BACK;
    }

    static Phase newStopped(Replacement r, Event e) {
        return restore(r);
    }

    static Phase resizeFailed(Replacement r, Event e) {
        if (e instanceof HookFailed && stale(e, Hook.RESIZE)) {
            return r.phase;
        }
        if (e instanceof Event.OldTaskTerminated) {
            r.oldAlive = false;
        }
        r.fail(TaskReason.REPLACE_NEW_TASK_FAILED, "resize of task " + r.oldId() + " failed: "
                + (e instanceof HookFailed h ? h.message() : e instanceof Event.TimerFired ? "start timeout" : "the task died"));
        return restore(r);
    }

    /** The new task is gone: size the container for the old task again, if the pool still holds it. */
    private static Phase restore(Replacement r) {
        r.cancelAll();
        if (!r.pool.contains(r.request.oldResources())) {
            return failed(r, "old task " + r.oldId() + " cannot be restarted: the reservation no longer holds its "
                    + r.request.oldResources() + " (leftover released immediately)");
        }
        r.adjust(r.request.oldResources());
        return Phase.RESTORING;
    }

    static Phase restored(Replacement r, Event e) {
        if (r.oldAlive && !r.oldFrozen && !r.oldKillIssued) {
            if (r.strategy() == ReplaceStrategy.RESIZE_IN_PLACE) {
                r.emit(new Command.Resize(r.id, r.oldId(), r.oldTask)); // back to its old size
            }
            return rolledBack(r, e);
        }
        r.arm(Timer.START, e.atUs() + r.request.policy().startTimeoutUs());
        boolean thaw = r.oldFrozen && !r.oldKillIssued;
        r.emit(thaw ? new Command.Thaw(r.id, r.oldId()) : new Command.Launch(r.id, r.oldTask));
        return Phase.RELAUNCHING;
    }

    static Phase oldGone(Replacement r, Event e) {
        r.oldAlive = false;
        return reject(r, TaskReason.REPLACE_INVALID, ((Event.OldTaskGone) e).detail());
    }

    static Phase rolledBack(Replacement r, Event e) {
        r.cancelAll();
        r.emit(new Command.Release(r.id, Keep.KEEP_OLD));
        r.endUs = e.atUs();
        if (!r.sameTask()) {
            r.report(r.newId(), TASK_FAILED, r.failureReason, r.failureMessage, null);
        }
        r.report(r.oldId(), TASK_ROLLED_BACK, TaskReason.REPLACE_ROLLED_BACK, "replacement " + r.id
                + " rolled back: " + r.failureMessage, Phase.ROLLED_BACK);
        return Phase.ROLLED_BACK;
    }

    static Phase relaunchFailed(Replacement r, Event e) {
        if (e instanceof HookFailed && stale(e, Hook.LAUNCH, Hook.THAW)) {
            return r.phase;
        }
        String why = e instanceof OldTaskFailed f ? f.message() : e instanceof HookFailed h ? h.message()
                : "not running within the start timeout";
        // the relaunch may still be starting (or the ending that failed it was the previous, dying process's):
        // stop it, or it would run on with nothing reserved for it
        r.emit(new Command.Kill(r.id, r.oldId(), r.oldTask.getKillGracePeriodMs()));
        return failed(r, "old task " + r.oldId() + " could not be restarted: " + why);
    }

    static Phase rollbackHookFailed(Replacement r, Event e) {
        if (e instanceof HookFailed && stale(e, Hook.KILL)) {
            return r.phase; // e.g. the hung launch that started this rollback finally timing out
        }
        if (r.phase == Phase.ROLLING_BACK && e instanceof HookFailed && !r.rollbackKillRetried) {
            r.rollbackKillRetried = true; // once: a kill can fail for a passing reason; the drain timer bounds it
            r.emit(new Command.Kill(r.id, r.newId(), r.request.newTask().getKillGracePeriodMs()));
            return Phase.ROLLING_BACK;
        }
        String why = e instanceof HookFailed h ? h.hook() + " failed: " + h.message()
                : e instanceof Event.AdjustRejected a ? "the container could not be sized back: " + a.message()
                : "new task " + r.newId() + " did not stop within the drain timeout";
        if (r.phase == Phase.ROLLING_BACK && r.oldAlive && !r.oldKillIssued) {
            // the old task never stopped (it runs, or is frozen and is thawed): it stays, and the new one has
            // been told to stop (it is reported failed)
            r.fail(TaskReason.REPLACE_NEW_TASK_FAILED, why);
            return restore(r);
        }
        return failed(r, "rollback of replacement " + r.id + " failed: " + why);
    }

    private static Phase failed(Replacement r, String message) {
        r.cancelAll();
        r.emit(new Command.Release(r.id, Keep.KEEP_NONE));
        if (!r.sameTask()) {
            r.fail(TaskReason.REPLACE_NEW_TASK_FAILED, message);
            r.report(r.newId(), TASK_FAILED, r.failureReason, r.failureMessage, null);
        }
        r.report(r.oldId(), TASK_FAILED, TaskReason.REPLACE_ROLLBACK_FAILED, message, Phase.FAILED);
        return Phase.FAILED;
    }

    // ------------------------------------------------------------------ misc

    static Phase stay(Replacement r, Event e) {
        return r.phase;
    }

    static Phase released(Replacement r, Event e) {
        r.released = true;
        return r.phase;
    }

}
