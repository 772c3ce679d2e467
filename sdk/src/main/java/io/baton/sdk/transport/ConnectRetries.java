package io.baton.sdk.transport;

import java.util.concurrent.TimeUnit;

/**
 * What a connection that keeps failing to reach the shim says, and when: the first failure (what it means,
 * and that it retries), then at most one line every {@link #QUIET_NANOS} (or when the reason changes) with the
 * number of attempts so far, and one line when it connects. An executor started before its shim, or pointed at
 * the wrong socket, is then neither silent nor flooding its log. Pure: the caller passes the time in.
 */
final class ConnectRetries {
    static final long QUIET_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final String endpoint;
    private final long maxBackoffMs;
    private int failures;
    private String lastWhy;
    private long lastSaidNanos;

    ConnectRetries(String endpoint, long maxBackoffMs) {
        this.endpoint = endpoint;
        this.maxBackoffMs = maxBackoffMs;
    }

    /** Said once, before the first attempt. */
    String connecting() {
        return "connecting to the shim at " + endpoint;
    }

    /** An attempt failed because of {@code why}; the next is in {@code retryInMs}. The line to log, or null. */
    String failed(String why, long retryInMs, long nowNanos) {
        failures++;
        if (failures > 1 && why.equals(lastWhy) && nowNanos - lastSaidNanos < QUIET_NANOS) {
            return null;
        }
        lastWhy = why;
        lastSaidNanos = nowNanos;
        if (failures == 1) {
            return "cannot connect to the shim at " + endpoint + ": " + why + "; retrying in " + retryInMs
                    + " ms, then less often, up to every " + millis(maxBackoffMs) + ", until it is there";
        }
        return "still cannot connect to the shim at " + endpoint + " after " + failures + " attempts: " + why
                + "; retrying every " + millis(retryInMs);
    }

    /** Connected: the line to log; the count starts again for the next time the connection is lost. */
    String connected() {
        int attempts = failures + 1;
        failures = 0;
        lastWhy = null;
        return "connected to the shim at " + endpoint + (attempts == 1 ? "" : " after " + attempts + " attempts");
    }

    int failures() {
        return failures;
    }

    private static String millis(long ms) {
        return ms % 1000 == 0 ? ms / 1000 + " s" : ms + " ms";
    }
}
