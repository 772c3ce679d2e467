package io.baton.sdk.client;

import io.baton.proto.Forwarded;
import java.util.concurrent.CompletableFuture;

/**
 * A replacement in flight, returned by {@link BatonClient#replace}.
 *
 * <pre>{@code
 * ReplaceHandle h = client.replace(ReplaceSpec.of("web-1", webV2));
 * h.forwarded().join();                       // the shim validated it and handed it to the executor
 * ReplaceOutcome o = h.outcome().join();      // the executor's final update for it
 * }</pre>
 *
 * <p>{@link #forwarded()} completes with the shim's answer, or exceptionally with a
 * {@link ShimRejectedException}. Then, when {@link ShimRejectedException#outcomeFollows()} says so (the executor
 * ends the request itself) and the client streams updates, {@link #outcome()} completes with the executor's
 * {@code REJECTED} final update; otherwise {@link #outcome()} fails with the same exception (when nothing follows,
 * nothing happened, and a retry may go through).
 * {@link #outcome()} completes on the replacement's final update (or exceptionally with
 * {@link ShimUnavailableException} when the connection is lost first). Both futures complete on the
 * client's IO thread: dependent stages must not block (use the {@code *Async} variants to block).
 * {@link #outcome()} does not wait for the update listeners to have seen the final update.
 * Thread-safe.
 */
public final class ReplaceHandle {
    private final String replacementId;
    private final CompletableFuture<Forwarded> forwarded;
    private final CompletableFuture<ReplaceOutcome> outcome;

    ReplaceHandle(String replacementId, CompletableFuture<Forwarded> forwarded,
            CompletableFuture<ReplaceOutcome> outcome) {
        this.replacementId = replacementId;
        this.forwarded = forwarded;
        this.outcome = outcome;
    }

    /** The id given in the spec, or the generated one. */
    public String replacementId() {
        return replacementId;
    }

    public CompletableFuture<Forwarded> forwarded() {
        return forwarded;
    }

    public CompletableFuture<ReplaceOutcome> outcome() {
        return outcome;
    }
}
