package io.baton.sdk.client;

import io.baton.proto.Forwarded;
import io.baton.proto.ReplacementOutcome;
import io.baton.proto.TaskStatus;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Replacement outcomes by replacement id. A final update (replacement id set, outcome set) completes
 * the future of a handle waiting for it; one that arrives before any handle waits (a retry of an
 * ended replacement, or a race with {@code replace()}) is remembered, up to a bound, for the handle
 * registered next.
 */
final class Outcomes {
    private final Map<String, CompletableFuture<ReplaceOutcome>> waiting = new HashMap<>();
    private final Map<String, ReplaceOutcome> recent;
    private RuntimeException closedBy;

    Outcomes(int remember) {
        this.recent = new LinkedHashMap<>(16, 0.75f, false) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<String, ReplaceOutcome> eldest) {
                return size() > remember;
            }
        };
    }

    static boolean isFinal(TaskStatus s) {
        return s.hasReplacementId() && !s.getReplacementId().getValue().isEmpty()
                && s.getOutcome() != ReplacementOutcome.OUTCOME_UNSPECIFIED;
    }

    /** The future of {@code replacementId}'s outcome; already complete when its final update was seen. */
    CompletableFuture<ReplaceOutcome> register(String replacementId) {
        CompletableFuture<ReplaceOutcome> f;
        ReplaceOutcome known;
        synchronized (this) {
            known = recent.get(replacementId);
            f = known != null ? new CompletableFuture<>()
                    : waiting.computeIfAbsent(replacementId, k -> new CompletableFuture<>());
            if (known == null && closedBy != null) {
                waiting.remove(replacementId);
                f.completeExceptionally(closedBy);
                return f;
            }
        }
        if (known != null) {
            f.complete(known);
        }
        return f;
    }

    /** Feeds a status update; true when it was a replacement's final update. */
    boolean offer(TaskStatus status) {
        if (!isFinal(status)) {
            return false;
        }
        ReplaceOutcome o = ReplaceOutcome.of(status);
        CompletableFuture<ReplaceOutcome> f;
        synchronized (this) {
            recent.put(o.replacementId(), o);
            f = waiting.remove(o.replacementId());
        }
        if (f != null) {
            f.complete(o);
        }
        return true;
    }

    /**
     * Follows a REPLACE's answer. Outcomes come only from final updates (made by the executors), never made
     * up here: a refusal after which an outcome follows (the executor ends the request, or answers a retry)
     * leaves the outcome to the stream; a refusal that is no outcome — nothing happened, a retry may go
     * through — fails it with the refusal. Any other failure fails it too, as does a forward (or a refusal
     * with an outcome to follow) to a client without updates, which cannot see the outcome.
     */
    void follow(ReplaceSpec spec, CompletableFuture<Forwarded> forwarded, boolean updates) {
        String rid = spec.replacementId();
        forwarded.whenComplete((f, t) -> {
            if (t instanceof ShimRejectedException r && r.outcomeFollows() && updates) {
                return; // its final update comes on the stream
            } else if (t != null) {
                fail(rid, t instanceof RuntimeException r ? r : new IllegalStateException(t));
            } else if (!updates) {
                fail(rid, new IllegalStateException("replacement " + rid + " was forwarded, but this client connected "
                        + "with updates(false) and cannot see its final update; connect with updates(true)"));
            }
        });
    }

    void fail(String replacementId, RuntimeException cause) {
        CompletableFuture<ReplaceOutcome> f;
        synchronized (this) {
            f = waiting.remove(replacementId);
        }
        if (f != null) {
            f.completeExceptionally(cause);
        }
    }

    /** Fails every outcome still expected, and every one registered later that is not already known. */
    void failAll(RuntimeException cause) {
        List<CompletableFuture<ReplaceOutcome>> all;
        synchronized (this) {
            if (closedBy == null) {
                closedBy = cause;
            }
            all = new ArrayList<>(waiting.values());
            waiting.clear();
        }
        all.forEach(f -> f.completeExceptionally(cause));
    }

    synchronized int waitingCount() {
        return waiting.size();
    }
}
