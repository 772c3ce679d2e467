package io.baton.sdk.core;

/** A programmer error: an event the transition table has no row for. Carries the replacement's recent history. */
public final class IllegalTransitionException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    public IllegalTransitionException(String replacementId, Phase phase, Event event, String history) {
        super("replacement " + replacementId + ": no transition from " + phase + " on "
                + event.getClass().getSimpleName() + " (" + event + "); recent history:\n" + history);
    }
}
