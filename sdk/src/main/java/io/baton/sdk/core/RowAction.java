package io.baton.sdk.core;

/**
 * What each row of {@link Transitions} does, one constant per step method, named after it. An enum and a switch, not
 * method references: the table is built when the first replacement is decided, on a restart in the middle of the
 * journal's replay, and 48 method references there bootstrap 66 lambdas — about 30 ms of one core on a cold JVM
 * with the class-data archive (measured), which a restarting executor's subscription waited for.
 */
enum RowAction implements Row.Action {
    REQUEST_READY, REQUEST_WAITS, REQUEST_TERMINATING, REQUEST_OLD_UNKNOWN, REQUEST_OLD_BUSY, REQUEST_INVALID,
    REQUEST_REFUSED_BY_SHIM, PRECONDITIONS_MET, PENDING_TIMEOUT, OLD_GONE, OLD_ENDED_PENDING, RESERVED,
    RESERVE_REJECTED, DRAIN_TIMEOUT, OLD_ENDED_REQUESTED, OLD_STOPPED, DRAIN_HOOK_FAILED, OLD_FROZEN, FREEZE_TIMEOUT,
    HANDED_OFF, NEW_RUNNING, NEW_TERMINATED, LAUNCH_FAILED, STAY, LAUNCH_TIMEOUT, OLD_DIED_MEANWHILE, NEW_READY,
    READINESS_FAILED, NOT_READY_IN_TIME, OLD_STOPPED_LAST, STOP_OLD_TIMEOUT, STOP_OLD_KILL_FAILED, RESIZED,
    RESIZE_FAILED, RESIZE_TIMEOUT, RESIZED_TASK_DIED, NEW_STOPPED, ROLLBACK_KILL_FAILED, ROLLBACK_TIMEOUT, RESTORED,
    OLD_OUTLIVED_ITS_KILL, RELAUNCH_RUNNING, RELAUNCHED_TASK_FAILED, RELAUNCH_FAILED, RELAUNCH_KILL_FAILED,
    RELAUNCH_TIMEOUT, RELEASED, RESERVED_AFTER_OUTCOME;

    @Override
    public Phase apply(Replacement r, Event e) {
        return switch (this) {
            case REQUEST_READY -> RequestSteps.requestReady(r, e);
            case REQUEST_WAITS -> RequestSteps.requestWaits(r, e);
            case REQUEST_TERMINATING -> RequestSteps.requestTerminating(r, e);
            case REQUEST_OLD_UNKNOWN -> RequestSteps.requestOldUnknown(r, e);
            case REQUEST_OLD_BUSY -> RequestSteps.requestOldBusy(r, e);
            case REQUEST_INVALID -> RequestSteps.requestInvalid(r, e);
            case REQUEST_REFUSED_BY_SHIM -> RequestSteps.requestRefusedByShim(r, e);
            case PRECONDITIONS_MET -> RequestSteps.preconditionsMet(r, e);
            case PENDING_TIMEOUT -> RequestSteps.pendingTimeout(r, e);
            case OLD_GONE -> RequestSteps.oldGone(r, e);
            case OLD_ENDED_PENDING -> RequestSteps.oldEndedPending(r, e);
            case RESERVED -> RequestSteps.reserved(r, e);
            case RESERVE_REJECTED -> RequestSteps.reserveRejected(r, e);
            case DRAIN_TIMEOUT -> RequestSteps.drainTimeout(r, e);
            case OLD_ENDED_REQUESTED -> RequestSteps.oldEndedRequested(r, e);
            case OLD_STOPPED -> RequestSteps.oldStopped(r, e);
            case DRAIN_HOOK_FAILED -> RequestSteps.drainHookFailed(r, e);
            case OLD_FROZEN -> RequestSteps.oldFrozen(r, e);
            case FREEZE_TIMEOUT -> RequestSteps.freezeTimeout(r, e);
            case HANDED_OFF -> LaunchSteps.handedOff(r, e);
            case NEW_RUNNING -> LaunchSteps.newRunning(r, e);
            case NEW_TERMINATED -> RollbackSteps.newTerminated(r, e);
            case LAUNCH_FAILED -> LaunchSteps.launchFailed(r, e);
            case STAY -> Transitions.stay(r, e);
            case LAUNCH_TIMEOUT -> LaunchSteps.launchTimeout(r, e);
            case OLD_DIED_MEANWHILE -> LaunchSteps.oldDiedMeanwhile(r, e);
            case NEW_READY -> LaunchSteps.newReady(r, e);
            case READINESS_FAILED -> LaunchSteps.readinessFailed(r, e);
            case NOT_READY_IN_TIME -> LaunchSteps.notReadyInTime(r, e);
            case OLD_STOPPED_LAST -> LaunchSteps.oldStoppedLast(r, e);
            case STOP_OLD_TIMEOUT -> LaunchSteps.stopOldTimeout(r, e);
            case STOP_OLD_KILL_FAILED -> LaunchSteps.stopOldKillFailed(r, e);
            case RESIZED -> LaunchSteps.resized(r, e);
            case RESIZE_FAILED -> LaunchSteps.resizeFailed(r, e);
            case RESIZE_TIMEOUT -> LaunchSteps.resizeTimeout(r, e);
            case RESIZED_TASK_DIED -> LaunchSteps.resizedTaskDied(r, e);
            case NEW_STOPPED -> RollbackSteps.newStopped(r, e);
            case ROLLBACK_KILL_FAILED -> RollbackSteps.rollbackKillFailed(r, e);
            case ROLLBACK_TIMEOUT -> RollbackSteps.rollbackTimeout(r, e);
            case RESTORED -> RollbackSteps.restored(r, e);
            case OLD_OUTLIVED_ITS_KILL -> RollbackSteps.oldOutlivedItsKill(r, e);
            case RELAUNCH_RUNNING -> RollbackSteps.relaunchRunning(r, e);
            case RELAUNCHED_TASK_FAILED -> RollbackSteps.relaunchedTaskFailed(r, e);
            case RELAUNCH_FAILED -> RollbackSteps.relaunchFailed(r, e);
            case RELAUNCH_KILL_FAILED -> RollbackSteps.relaunchKillFailed(r, e);
            case RELAUNCH_TIMEOUT -> RollbackSteps.relaunchTimeout(r, e);
            case RELEASED -> Transitions.released(r, e);
            case RESERVED_AFTER_OUTCOME -> RequestSteps.reservedAfterOutcome(r, e);
        };
    }
}
