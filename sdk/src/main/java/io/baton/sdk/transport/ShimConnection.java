package io.baton.sdk.transport;

import io.baton.proto.Adjust;
import io.baton.proto.ContainerLimits;
import io.baton.proto.ExecutorEvent;
import io.baton.proto.ExecutorSubscribe;
import io.baton.proto.ExecutorSubscribed;
import io.baton.proto.Release;
import io.baton.proto.Reserve;
import io.baton.proto.ReservationRecord;
import io.baton.proto.TaskStatus;
import java.util.concurrent.CompletableFuture;

/**
 * The executor's side of the shim's executor API. Calls complete exceptionally with a
 * {@link ShimRejection} when the shim refuses, or {@link ShimUnavailable} when there is no connection.
 *
 * <p>Listener methods run on the connection's IO thread; implementations hand them to their own loop.
 */
public interface ShimConnection extends AutoCloseable {

    /** Connects (and reconnects with backoff, for as long as it is open). */
    void start(Listener listener);

    /**
     * Optional: opens the connection now, before {@link #start}, so that its set-up overlaps the executor's
     * start (opening and replaying its journal); {@link #start} then reports it connected at once if it is
     * still up, and connects as usual if not. One attempt, no retries, nothing logged: a failure here is
     * only a missed head start. Nothing is sent on it before {@link #start}'s listener subscribes.
     */
    default void preconnect() {
    }

    CompletableFuture<ExecutorSubscribed> subscribe(ExecutorSubscribe subscription);

    CompletableFuture<ReservationRecord> reserve(Reserve reserve);

    CompletableFuture<ContainerLimits> adjust(Adjust adjust);

    CompletableFuture<ContainerLimits> release(Release release);

    CompletableFuture<Void> update(TaskStatus status);

    /** Best-effort live progress; failures are ignored by callers. */
    default CompletableFuture<Void> progress(io.baton.proto.ReplacementProgress progress) {
        return CompletableFuture.completedFuture(null);
    }

    /**
     * A retry of a replacement that ended is answered with its final update (relayed to frameworks as an
     * outcome, not as a status); failures are ignored by callers (the framework may ask again).
     */
    default CompletableFuture<Void> recordedOutcome(TaskStatus finalUpdate) {
        return CompletableFuture.completedFuture(null);
    }

    /**
     * The single thread this connection does its IO on and calls its listener from, if the executor's
     * driver loop may run there too (saving a thread hand-off on every shim call and event); null if not.
     * Work run there must not block for long: it delays the connection's IO.
     */
    default java.util.concurrent.ScheduledExecutorService ioLoop() {
        return null;
    }

    @Override
    void close();

    interface Listener {
        /** A connection is up: the listener must SUBSCRIBE on it. */
        void connected();

        /** The connection is gone; it will be re-established. */
        void disconnected(String why);

        void event(ExecutorEvent event);
    }
}
