package io.baton.sdk.client;

import io.baton.proto.FrameworkResponse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * Calls waiting for their response, by correlation id. Each entry decodes its own response, so the
 * caller's future completes with the typed result or the plain exception (never a wrapper).
 * Once failed (the connection is gone), every later registration fails at once with the same cause.
 */
final class PendingCalls {
    private final Map<Long, Pending<?>> waiting = new HashMap<>();
    private RuntimeException closedBy;

    /** A future for the response to {@code correlationId}; {@code decode} may throw ShimRejectedException. */
    synchronized <T> CompletableFuture<T> register(long correlationId, Function<FrameworkResponse, T> decode) {
        Pending<T> p = new Pending<>(decode);
        if (closedBy != null) {
            p.future.completeExceptionally(closedBy);
        } else {
            waiting.put(correlationId, p);
        }
        return p.future;
    }

    /** Completes the call the response answers; false when nothing waited for it. */
    boolean complete(FrameworkResponse response) {
        Pending<?> p;
        synchronized (this) {
            p = waiting.remove(response.getCorrelationId());
        }
        if (p == null) {
            return false;
        }
        p.complete(response);
        return true;
    }

    void fail(long correlationId, RuntimeException cause) {
        Pending<?> p;
        synchronized (this) {
            p = waiting.remove(correlationId);
        }
        if (p != null) {
            p.future.completeExceptionally(cause);
        }
    }

    /** Fails every waiting call, and every later one. */
    void failAll(RuntimeException cause) {
        List<Pending<?>> all;
        synchronized (this) {
            if (closedBy == null) {
                closedBy = cause;
            }
            all = new ArrayList<>(waiting.values());
            waiting.clear();
        }
        all.forEach(p -> p.future.completeExceptionally(cause));
    }

    synchronized int size() {
        return waiting.size();
    }

    private static final class Pending<T> {
        final CompletableFuture<T> future = new CompletableFuture<>();
        final Function<FrameworkResponse, T> decode;

        Pending(Function<FrameworkResponse, T> decode) {
            this.decode = decode;
        }

        void complete(FrameworkResponse response) {
            T value;
            try {
                value = decode.apply(response);
            } catch (RuntimeException e) {
                future.completeExceptionally(e);
                return;
            }
            future.complete(value);
        }
    }
}
