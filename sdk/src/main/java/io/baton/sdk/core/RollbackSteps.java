package io.baton.sdk.core;

import static io.baton.proto.TaskState.TASK_FAILED;
import static io.baton.proto.TaskState.TASK_ROLLED_BACK;

import io.baton.proto.Keep;
import io.baton.proto.ReplaceStrategy;
import io.baton.proto.TaskReason;
import io.baton.sdk.core.Event.HookFailed;
import io.baton.sdk.core.Event.NewTaskTerminated;
import io.baton.sdk.core.Event.OldTaskFailed;

/**
 * The actions of the {@link Transitions} table once the new task is given up: stopping it, sizing the
 * container back, relaunching or thawing the old task — or, when that cannot be done, the failure.
 */
final class RollbackSteps {
    private RollbackSteps() {
    }

    static Phase newTerminated(Replacement r, Event e) {
        NewTaskTerminated t = (NewTaskTerminated) e;
        r.fail(TaskReason.REPLACE_NEW_TASK_FAILED, "new task " + r.newId() + " ended " + t.state()
                + (t.message().isEmpty() ? "" : ": " + t.message()));
        return restore(r);
    }

    /** Stop the new task, with the drain timeout as its bound. */
    static Phase rollBack(Replacement r, Event e) {
        r.cancelAll();
        r.emit(new Command.Kill(r.id, r.newId(), r.request.newTask().getKillGracePeriodMs()));
        r.arm(Timer.DRAIN, e.atUs() + r.request.policy().drainTimeoutUs());
        return Phase.ROLLING_BACK;
    }

    static Phase newStopped(Replacement r, Event e) {
        return restore(r);
    }

    static Phase rollbackKillFailed(Replacement r, Event e) {
        HookFailed h = (HookFailed) e;
        if (!r.rollbackKillRetried) {
            r.rollbackKillRetried = true; // once: a kill can fail for a passing reason; the drain timer bounds it
            r.emit(new Command.Kill(r.id, r.newId(), r.request.newTask().getKillGracePeriodMs()));
            return Phase.ROLLING_BACK;
        }
        return newTaskWillNotStop(r, h.hook() + " failed: " + h.message());
    }

    static Phase rollbackTimeout(Replacement r, Event e) {
        return newTaskWillNotStop(r, "new task " + r.newId() + " did not stop within the drain timeout");
    }

    private static Phase newTaskWillNotStop(Replacement r, String why) {
        if (r.oldAlive && !r.oldKillIssued) {
            // the old task never stopped (it runs, or is frozen and is thawed): it stays, and the new one has
            // been told to stop (it is reported failed)
            r.fail(TaskReason.REPLACE_NEW_TASK_FAILED, why);
            return restore(r);
        }
        return failed(r, "rollback of replacement " + r.id + " failed: " + why);
    }

    /** The new task is gone: size the container for the old task again, if the pool still holds it. */
    static Phase restore(Replacement r) {
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
        if (r.oldAlive && r.oldKillIssued) {
            // asked to stop but never seen ending: relaunching now would start a second copy next to a dying
            // one, or (after a restart that lost the kill) "relaunch" a task that never stopped, and a failing
            // relaunch would then report FAILED while it runs. Ask again (idempotent); relaunch once it ended.
            r.awaitingOldEnd = true;
            r.emit(new Command.Kill(r.id, r.oldId(), r.oldTask.getKillGracePeriodMs()));
            r.arm(Timer.DRAIN, e.atUs() + r.request.policy().drainTimeoutUs());
            return Phase.RESTORING;
        }
        return relaunch(r, e);
    }

    static Phase relaunch(Replacement r, Event e) {
        r.arm(Timer.START, e.atUs() + r.request.policy().startTimeoutUs());
        boolean thaw = r.oldFrozen && !r.oldKillIssued;
        r.emit(thaw ? new Command.Thaw(r.id, r.oldId()) : new Command.Launch(r.id, r.oldTask));
        return Phase.RELAUNCHING;
    }

    /** RESTORING, waiting for the old task's end: its kill failed or it outlived the drain timer, so it runs on. */
    static Phase oldOutlivedItsKill(Replacement r, Event e) {
        if (!r.awaitingOldEnd) {
            return r.phase; // a late failure of a kill that no longer matters
        }
        r.awaitingOldEnd = false;
        r.oldKillIssued = false;
        return rolledBack(r, e);
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

    /** The relaunched old task runs: rolled back — unless it was given up already (its stop is under way). */
    static Phase relaunchRunning(Replacement r, Event e) {
        return r.stoppingRelaunch ? r.phase : rolledBack(r, e);
    }

    // ------------------------------------------------------------------ the old task does not come back

    static Phase relaunchedTaskFailed(Replacement r, Event e) {
        if (r.stoppingRelaunch) { // the relaunch given up has ended: nothing of the old task runs
            return failed(r, "old task " + r.oldId() + " could not be restarted: " + r.relaunchFailure);
        }
        return notRestarted(r, ((OldTaskFailed) e).message());
    }

    static Phase relaunchFailed(Replacement r, Event e) {
        return notRestarted(r, ((HookFailed) e).message());
    }

    /**
     * The relaunched old task is not running within the start timeout: stop it, and report FAILED only once
     * it has ended — reported at once, the outcome would be false while the relaunch (still starting, or
     * a kill of it that failed) runs on. A second timer firing here is the drain timer of that stop.
     */
    static Phase relaunchTimeout(Replacement r, Event e) {
        if (r.stoppingRelaunch) {
            return relaunchWillNotStop(r, e, "it did not stop within the drain timeout");
        }
        r.cancelAll();
        r.stoppingRelaunch = true;
        r.relaunchFailure = "not running within the start timeout";
        r.emit(new Command.Kill(r.id, r.oldId(), r.oldTask.getKillGracePeriodMs()));
        r.arm(Timer.DRAIN, e.atUs() + r.request.policy().drainTimeoutUs());
        return Phase.RELAUNCHING;
    }

    /** RELAUNCHING: a kill failed — a late one of an earlier stop, or the stop of a relaunch given up. */
    static Phase relaunchKillFailed(Replacement r, Event e) {
        if (!r.stoppingRelaunch) {
            return r.phase;
        }
        if (!r.relaunchKillRetried) {
            r.relaunchKillRetried = true; // once: a kill can fail for a passing reason; the drain timer bounds it
            r.emit(new Command.Kill(r.id, r.oldId(), r.oldTask.getKillGracePeriodMs()));
            return Phase.RELAUNCHING;
        }
        return relaunchWillNotStop(r, e, "its kill failed: " + ((HookFailed) e).message());
    }

    /**
     * The relaunch given up cannot be stopped: it is kept (ROLLED_BACK, its resources stay with it), the
     * only outcome that is not false while it may run; the author's next report of it says how it is.
     */
    private static Phase relaunchWillNotStop(Replacement r, Event e, String why) {
        r.fail(TaskReason.REPLACE_NEW_TASK_FAILED, r.failureMessage + "; old task " + r.oldId() + " was relaunched but "
                + r.relaunchFailure + ", and " + why + ": it is kept");
        return rolledBack(r, e);
    }

    private static Phase notRestarted(Replacement r, String why) {
        // the relaunch may still be starting (or the ending that failed it was the previous, dying process's):
        // stop it, or it would run on with nothing reserved for it
        r.emit(new Command.Kill(r.id, r.oldId(), r.oldTask.getKillGracePeriodMs()));
        return failed(r, "old task " + r.oldId() + " could not be restarted: " + why);
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
}
