package io.baton.sdk.core;

/** The executor author's hooks that a replacement calls. */
public enum Hook {
    LAUNCH, KILL, FREEZE, THAW, RESIZE, READINESS
}
