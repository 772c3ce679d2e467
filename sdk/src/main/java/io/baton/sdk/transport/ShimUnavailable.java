package io.baton.sdk.transport;

/** No connection to the shim right now (it reconnects on its own). */
public final class ShimUnavailable extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ShimUnavailable(String message) {
        super(message);
    }
}
