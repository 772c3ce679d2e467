package io.baton.sdk.client;

import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The automatic acknowledgements still unanswered, so that {@link BatonClient#close} can let the updates it
 * already received be delivered and acknowledged before the connection goes: an update the client saw is
 * then not sent to it again.
 */
final class InFlightAcks {
    private static final Logger LOG = LoggerFactory.getLogger(InFlightAcks.class);

    private final Set<CompletableFuture<Void>> inFlight = new HashSet<>();

    CompletableFuture<Void> track(CompletableFuture<Void> ack) {
        synchronized (inFlight) {
            inFlight.add(ack);
        }
        ack.whenComplete((v, t) -> {
            synchronized (inFlight) {
                inFlight.remove(ack);
            }
        });
        return ack;
    }

    /**
     * Waits for the deliveries queued on {@code delivery}, then runs {@code sendPending} there (the acknowledgements
     * they left waiting for the rest of their burst go out), then waits for the acknowledgements; each at most
     * {@code ms}.
     */
    void flush(ExecutorService delivery, Runnable sendPending, long ms) {
        try {
            delivery.submit(sendPending).get(ms, TimeUnit.MILLISECONDS);
            await(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException | RejectedExecutionException e) {
            LOG.debug("closing without every update acknowledged: {}", e.toString());
        }
    }

    /** Waits at most {@code ms} for the acknowledgements sent so far to be answered. */
    void await(long ms) {
        try {
            CompletableFuture<?>[] acks;
            synchronized (inFlight) {
                acks = inFlight.toArray(new CompletableFuture<?>[0]);
            }
            CompletableFuture.allOf(acks).get(ms, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            LOG.debug("closing without every update acknowledged: {}", e.toString());
        }
    }
}
