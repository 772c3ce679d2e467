package io.baton.sdk.driver;

import io.baton.sdk.core.Timer;

/**
 * Which timer: the runtime keeps one armed timer per key (arming a key again replaces it). The keys' {@code equals}
 * and {@code hashCode} are written out, or Object's for the keys of which there is one: a record's own are
 * bootstrapped (method handles) the first time they run, and a restarting executor's first timer ran them on its
 * way to the shim (the first bootstrap of the process, about 10 ms of a cold JVM's CPU).
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
    final class Pump extends Fixed implements TimerKey {
        public static final Pump KEY = new Pump();

        private Pump() {
        }
    }

    /** Subscribe again after a refusal. */
    final class Resubscribe extends Fixed implements TimerKey {
        public static final Resubscribe KEY = new Resubscribe();

        private Resubscribe() {
        }
    }

    /** Recovery's checkpoint, once the journal's store is open (checked again until it is). */
    final class Checkpoint extends Fixed implements TimerKey {
        public static final Checkpoint KEY = new Checkpoint();

        private Checkpoint() {
        }
    }

    /** The grace after SHUTDOWN before the executor ends. */
    final class ShutdownGrace extends Fixed implements TimerKey {
        public static final ShutdownGrace KEY = new ShutdownGrace();

        private ShutdownGrace() {
        }
    }

    /** A key of which there is one: equal to itself only (Object's), named by its class. */
    abstract class Fixed {
        @Override
        public String toString() {
            return getClass().getSimpleName();
        }
    }
}
