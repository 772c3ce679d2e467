package io.baton.sdk.driver;

import io.baton.sdk.core.Timer;

/**
 * Which timer: the runtime keeps one armed timer per key (arming a key again replaces it). The keys' {@code equals}
 * and {@code hashCode} are written out: a record's own are bootstrapped (method handles) the first time they run,
 * and a restarting executor's first timer ran them on its way to the shim (the first bootstrap of the process,
 * about 10 ms of a cold JVM's CPU).
 */
public sealed interface TimerKey {
    /** An engine timer of a replacement (drain, start, reserve, ...). */
    record Replacement(String replacementId, Timer timer) implements TimerKey {
        @Override
        public boolean equals(Object o) {
            return o instanceof Replacement r && java.util.Objects.equals(r.replacementId, replacementId) && r.timer == timer;
        }

        @Override
        public int hashCode() {
            return 31 * java.util.Objects.hashCode(replacementId) + java.util.Objects.hashCode(timer);
        }
    }

    /** The next readiness probe of a replacement's new task. */
    record Probe(String replacementId) implements TimerKey {
        @Override
        public boolean equals(Object o) {
            return o instanceof Probe p && java.util.Objects.equals(p.replacementId, replacementId);
        }

        @Override
        public int hashCode() {
            return 17 + java.util.Objects.hashCode(replacementId);
        }
    }

    /** Resend status updates that are due (armed while any waits for an acknowledgement). */
    record Pump() implements TimerKey {
        @Override
        public boolean equals(Object o) {
            return o instanceof Pump;
        }

        @Override
        public int hashCode() {
            return 1;
        }
    }

    /** Subscribe again after a refusal. */
    record Resubscribe() implements TimerKey {
        @Override
        public boolean equals(Object o) {
            return o instanceof Resubscribe;
        }

        @Override
        public int hashCode() {
            return 2;
        }
    }

    /** Recovery's checkpoint, once the journal's store is open (checked again until it is). */
    record Checkpoint() implements TimerKey {
        @Override
        public boolean equals(Object o) {
            return o instanceof Checkpoint;
        }

        @Override
        public int hashCode() {
            return 3;
        }
    }

    /** The grace after SHUTDOWN before the executor ends. */
    record ShutdownGrace() implements TimerKey {
        @Override
        public boolean equals(Object o) {
            return o instanceof ShutdownGrace;
        }

        @Override
        public int hashCode() {
            return 4;
        }
    }
}
