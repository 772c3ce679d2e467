package io.baton.sdk.core;

/** The replacement's timers. Deadlines are absolute wall-clock microseconds, so they survive restarts. */
public enum Timer {
    /** From the request: the old task must stop (or freeze) in time. Merged with the pending wait, as the seed suggests. */
    DRAIN,
    /** From the launch: the new task (or the relaunched old one) must run and be ready in time. */
    START
}
