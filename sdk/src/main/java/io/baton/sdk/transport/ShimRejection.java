package io.baton.sdk.transport;

import io.baton.proto.RejectCode;

/** The shim refused a call; {@link #code()} says why, the message says what with numbers. */
public final class ShimRejection extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final RejectCode code;
    private final String reason;

    public ShimRejection(RejectCode code, String message) {
        super(code + ": " + message);
        this.code = code;
        this.reason = message;
    }

    /** The shim's message alone (without the code). */
    public String reason() {
        return reason;
    }

    public RejectCode code() {
        return code;
    }
}
