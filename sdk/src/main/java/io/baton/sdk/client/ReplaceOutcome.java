package io.baton.sdk.client;

import io.baton.proto.ReplacementOutcome;
import io.baton.proto.ReplacementTimings;
import io.baton.proto.TaskStatus;

/**
 * How a replacement ended: the outcome from its final status update, that update, and its per-phase
 * timings. A replace the shim refused outright ends {@link ReplacementOutcome#REJECTED} with a
 * status synthesized by the client (new task {@code TASK_LOST}, reason {@code REPLACE_INVALID}, the
 * shim's message, no uuid).
 *
 * <pre>{@code
 * ReplaceOutcome o = client.replace(spec).outcome().get(2, TimeUnit.MINUTES);
 * if (!o.committed()) {
 *     log.warn("replacement {} ended {}: {}", o.replacementId(), o.outcome(), o.status().getMessage());
 * }
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 */
public record ReplaceOutcome(ReplacementOutcome outcome, TaskStatus status, ReplacementTimings timings) {

    /** From a replacement's final update (its {@code outcome} is set). */
    public static ReplaceOutcome of(TaskStatus finalUpdate) {
        return new ReplaceOutcome(finalUpdate.getOutcome(), finalUpdate, finalUpdate.getTimings());
    }

    /** A replace the shim refused outright: the new task is lost, with the shim's message. */
    public String replacementId() {
        return status.getReplacementId().getValue();
    }

    /** The new task runs and holds its resources. */
    public boolean committed() {
        return outcome == ReplacementOutcome.COMMITTED;
    }
}
