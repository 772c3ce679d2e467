package io.baton.sdk.core;

import java.util.EnumSet;
import java.util.Set;

/**
 * One legal move: from a phase, on an event type — narrowed to one case of it ({@code when}: the hook
 * that failed, the readiness a request met) or, with {@code when} null, any case no other row of the
 * phase names — to one of a declared set of phases.
 */
record Row(int index, Phase from, Class<? extends Event> on, Enum<?> when, Set<Phase> to, String note,
        Action action) {

    /** Emits commands on the replacement and returns the phase it moves to (one of {@link #to}). */
    @FunctionalInterface
    interface Action {
        Phase apply(Replacement r, Event e);
    }

    static Set<Phase> phases(Phase first, Phase... rest) {
        return EnumSet.of(first, rest);
    }
}
