package io.baton.sdk.client;

/**
 * The shim cannot be reached: connecting failed, the connection was lost, or the client was closed.
 * Every call still waiting for its answer (and every replacement outcome still expected) fails with
 * it; {@link #endpoint()} names the socket or port.
 *
 * <pre>{@code
 * client.state().whenComplete((state, t) -> {
 *     if (t instanceof ShimUnavailableException u) {
 *         log.warn("shim at {} is gone; reconnect later", u.endpoint());
 *     }
 * });
 * }</pre>
 *
 * <p>Thread-safe (immutable).
 */
public final class ShimUnavailableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String endpoint;

    public ShimUnavailableException(String endpoint, String message, Throwable cause) {
        super(message, cause);
        this.endpoint = endpoint;
    }

    /** Where the shim was expected: {@code unix:/var/lib/baton/shim/framework.sock} or {@code tcp:127.0.0.1:5051}. */
    public String endpoint() {
        return endpoint;
    }
}
