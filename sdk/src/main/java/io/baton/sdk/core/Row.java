package io.baton.sdk.core;

import java.util.EnumSet;
import java.util.Set;

/** One legal move: from a phase, on an event type, to one of a declared set of phases. */
record Row(int index, Phase from, Class<? extends Event> on, Set<Phase> to, String note, Action action) {

    /** Emits commands on the replacement and returns the phase it moves to (one of {@link #to}). */
    @FunctionalInterface
    interface Action {
        Phase apply(Replacement r, Event e);
    }

    static Set<Phase> phases(Phase first, Phase... rest) {
        return EnumSet.of(first, rest);
    }
}
