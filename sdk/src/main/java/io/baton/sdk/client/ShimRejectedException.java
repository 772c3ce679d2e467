package io.baton.sdk.client;

import io.baton.proto.RejectCode;

/**
 * The shim refused a call: it answered {@code rejected { code, message }}. The shim's message names
 * the problem with its numbers and says what to do; {@link #getMessage()} prefixes it with the call.
 *
 * <pre>{@code
 * client.launch("e1", task, offerIds).exceptionally(t -> {
 *     if (t instanceof ShimRejectedException r && r.code() == RejectCode.INSUFFICIENT_RESOURCES) {
 *         log.warn("not launched: {}", r.shimMessage());
 *     }
 *     return null;
 * });
 * }</pre>
 *
 * <p>Thread-safe (immutable).
 */
public final class ShimRejectedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String call;
    private final RejectCode code;
    private final String shimMessage;
    private final boolean outcomeFollows;

    public ShimRejectedException(String call, RejectCode code, String shimMessage) {
        this(call, code, shimMessage, false);
    }

    /** @param outcomeFollows see {@link #outcomeFollows} */
    public ShimRejectedException(String call, RejectCode code, String shimMessage, boolean outcomeFollows) {
        super(call + " rejected by the shim (" + code + "): " + shimMessage);
        this.call = call;
        this.code = code;
        this.shimMessage = shimMessage;
        this.outcomeFollows = outcomeFollows;
    }

    /**
     * For a refused REPLACE: true when the request went on to the old task's executor all the same, which ends
     * it (REJECTED, with this message) or, for a retry of a replacement it knows, answers with that outcome —
     * on the update stream, where {@code outcome()} takes it from. False: nothing happened, and a retry of the
     * same replacement id may still go through.
     */
    public boolean outcomeFollows() {
        return outcomeFollows;
    }

    /** Why the shim refused. */
    public RejectCode code() {
        return code;
    }

    /** The shim's own message, verbatim. */
    public String shimMessage() {
        return shimMessage;
    }

    /** The refused call, e.g. {@code "REPLACE r-1"}. */
    public String call() {
        return call;
    }
}
