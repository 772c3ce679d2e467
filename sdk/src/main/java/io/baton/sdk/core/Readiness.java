package io.baton.sdk.core;

/** Whether a replacement can start now; decided by the engine from what the executor knows. */
public enum Readiness {
    /** The old task runs and the shim is reachable. */
    READY,
    /** The executor is (re-)registering with the shim: wait. */
    EXECUTOR_REREGISTERING,
    /** The old task is unknown but may be recovering (executor restart): wait. */
    OLD_TASK_RECOVERING,
    /** The old task is not known to this executor, or has ended. */
    OLD_TASK_UNKNOWN,
    /** The old task is already in another replacement. */
    OLD_TASK_BUSY,
    /** Something else about the request is wrong (e.g. the new task id is taken); the detail says what. */
    INVALID,
    /** The executor is shutting down: its resources cannot be reused. */
    EXECUTOR_TERMINATING,
    /**
     * The shim refused the request's resources (the seed's invalid replace: offers that do not cover the new
     * task, unknown, expired or used offers); the detail is the shim's message. The executor, which knows
     * every replacement id it has seen, is the one to end the request.
     */
    REFUSED_BY_SHIM
}
