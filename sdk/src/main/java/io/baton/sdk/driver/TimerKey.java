package io.baton.sdk.driver;

import io.baton.sdk.core.Timer;

/** Which timer: the runtime keeps one armed timer per key (arming a key again replaces it). */
public sealed interface TimerKey {
    /** An engine timer of a replacement (drain, start, reserve, ...). */
    record Replacement(String replacementId, Timer timer) implements TimerKey {
    }

    /** The next readiness probe of a replacement's new task. */
    record Probe(String replacementId) implements TimerKey {
    }

    /** Resend status updates that are due (armed while any waits for an acknowledgement). */
    record Pump() implements TimerKey {
    }

    /** Subscribe again after a refusal. */
    record Resubscribe() implements TimerKey {
    }

    /** Recovery's checkpoint, once the journal's store is open (checked again until it is). */
    record Checkpoint() implements TimerKey {
    }

    /** The grace after SHUTDOWN before the executor ends. */
    record ShutdownGrace() implements TimerKey {
    }
}
