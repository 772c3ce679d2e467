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
    private final transient io.baton.proto.TaskStatus finalUpdate;

    public ShimRejectedException(String call, RejectCode code, String shimMessage) {
        this(call, code, shimMessage, null);
    }

    /** @param finalUpdate the final update of the replacement the refusal ended, or null (see {@link #finalUpdate}) */
    public ShimRejectedException(String call, RejectCode code, String shimMessage,
            io.baton.proto.TaskStatus finalUpdate) {
        super(call + " rejected by the shim (" + code + "): " + shimMessage);
        this.call = call;
        this.code = code;
        this.shimMessage = shimMessage;
        this.finalUpdate = finalUpdate;
    }

    /**
     * For a refused REPLACE: the final update (outcome REJECTED) when the refusal ended the replacement — the
     * same update the stream carries. Empty when nothing happened: the request was not taken, and a retry of
     * the same replacement id may still go through.
     */
    public java.util.Optional<io.baton.proto.TaskStatus> finalUpdate() {
        return java.util.Optional.ofNullable(finalUpdate);
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
