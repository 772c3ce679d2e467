package io.baton.sdk.core;

import static io.baton.proto.TaskState.TASK_KILLED;
import static io.baton.proto.TaskState.TASK_RUNNING;

import io.baton.proto.Keep;
import io.baton.proto.ReplaceStrategy;
import io.baton.proto.TaskReason;
import io.baton.sdk.core.Event.HookFailed;

/**
 * The actions of the {@link Transitions} table from the handoff until the commit: sizing the container,
 * launching (or resizing), readiness, stopping a still-running old task — and the failures of those steps
 * that start a rollback.
 */
final class LaunchSteps {
    private LaunchSteps() {
    }

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

    /** The old task ended while the replacement was past waiting for it: noted, for a rollback to relaunch it. */
    static Phase oldDiedMeanwhile(Replacement r, Event e) {
        r.oldAlive = false;
        r.oldFrozen = false;
        if (r.oldStoppedUs == 0) {
            r.oldStoppedUs = e.atUs();
        }
        if (r.phase == Phase.RESTORING && r.awaitingOldEnd) { // the rollback waited for this to relaunch it
            r.awaitingOldEnd = false;
            r.cancel(Timer.DRAIN);
            return RollbackSteps.relaunch(r, e);
        }
        return r.phase;
    }

    // ------------------------------------------------------------------ the new task comes up

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

    // ------------------------------------------------------------------ it does not: roll back

    static Phase launchFailed(Replacement r, Event e) {
        r.fail(TaskReason.REPLACE_NEW_TASK_FAILED, "launch of new task " + r.newId() + " failed: "
                + ((HookFailed) e).message());
        return RollbackSteps.rollBack(r, e); // it may have started partly: stop it before the old task comes back
    }

    static Phase launchTimeout(Replacement r, Event e) {
        r.fail(TaskReason.REPLACE_START_TIMEOUT, "new task " + r.newId() + " was not running within the start timeout of "
                + r.ms(r.request.policy().startTimeoutUs()));
        return RollbackSteps.rollBack(r, e);
    }

    static Phase readinessFailed(Replacement r, Event e) {
        r.fail(TaskReason.REPLACE_NOT_READY, "readiness check failed: " + ((HookFailed) e).message());
        return RollbackSteps.rollBack(r, e);
    }

    static Phase notReadyInTime(Replacement r, Event e) {
        r.fail(TaskReason.REPLACE_NOT_READY, "new task " + r.newId() + " was not ready within the start timeout of "
                + r.ms(r.request.policy().startTimeoutUs()));
        return RollbackSteps.rollBack(r, e);
    }

    static Phase stopOldTimeout(Replacement r, Event e) {
        r.fail(TaskReason.REPLACE_DRAIN_TIMEOUT, oldDidNotStop(r));
        return RollbackSteps.rollBack(r, e);
    }

    static Phase stopOldKillFailed(Replacement r, Event e) {
        r.oldKillIssued = false; // the kill did not happen: the old task still runs (or is still frozen)
        r.fail(TaskReason.REPLACE_DRAIN_TIMEOUT, oldDidNotStop(r) + ": " + ((HookFailed) e).message());
        return RollbackSteps.rollBack(r, e);
    }

    private static String oldDidNotStop(Replacement r) {
        return "old task " + r.oldId() + " did not stop within the drain timeout of "
                + r.ms(r.request.policy().drainTimeoutUs());
    }

    // ------------------------------------------------------------------ resize in place fails: size it back

    static Phase resizeFailed(Replacement r, Event e) {
        return sizeBack(r, ((HookFailed) e).message());
    }

    static Phase resizeTimeout(Replacement r, Event e) {
        return sizeBack(r, "start timeout");
    }

    static Phase resizedTaskDied(Replacement r, Event e) {
        r.oldAlive = false;
        return sizeBack(r, "the task died");
    }

    private static Phase sizeBack(Replacement r, String why) {
        r.fail(TaskReason.REPLACE_NEW_TASK_FAILED, "resize of task " + r.oldId() + " failed: " + why);
        return RollbackSteps.restore(r);
    }
}
