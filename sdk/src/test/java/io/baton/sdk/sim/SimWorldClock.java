package io.baton.sdk.sim;

/** The simulated clock's origin: far from zero, so that no deadline or backoff is ever near it. */
final class SimWorldClock {
    static final long START_US = 1_000_000_000L;

    private SimWorldClock() {
    }
}
