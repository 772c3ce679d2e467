package io.baton.sdk.core;

/**
 * Where a replacement is. The happy path of the seed's strategy (STOP_THEN_START) is
 * {@code REQUESTED → DRAINING → HANDING_OFF → LAUNCHING → (VERIFYING →) COMMITTED}; the other
 * strategies and the rollback path add the rest. Five phases are terminal: exactly one of them ends
 * every replacement.
 */
public enum Phase {
    /** Created, the request not yet applied. */
    NEW,
    /** Waiting for the executor to re-register with the shim, or for the old task to be recovered. */
    PENDING,
    /** Asking the shim to validate and reserve. */
    REQUESTED,
    /** STOP_THEN_START: the old task is being killed; the drain timer runs. */
    DRAINING,
    /** FREEZE_THEN_START: the old task is being frozen. */
    FREEZING,
    /** The old task has stopped; the container is being resized for the new one. */
    HANDING_OFF,
    /** The new task is being launched; the start timer runs. */
    LAUNCHING,
    /** The new task runs; its readiness check must pass for minHealthy. */
    VERIFYING,
    /** START_THEN_STOP and FREEZE_THEN_START: the new task is ready; the old one is being stopped. */
    STOPPING_OLD,
    /** RESIZE_IN_PLACE: the task is being resized. */
    RESIZING,
    /** The new task failed: it is being stopped. */
    ROLLING_BACK,
    /** The container is being sized for the old task again. */
    RESTORING,
    /** The old task is being started (or thawed) again. */
    RELAUNCHING,
    COMMITTED,
    ROLLED_BACK,
    ABORTED,
    REJECTED,
    FAILED;

    public boolean terminal() {
        return switch (this) {
            case COMMITTED, ROLLED_BACK, ABORTED, REJECTED, FAILED -> true;
            default -> false;
        };
    }
}
