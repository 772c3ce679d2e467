package io.baton.sdk.client;

import com.google.protobuf.ByteString;
import io.baton.proto.TaskStatus;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The status stream: drops duplicates by uuid (within a bounded window), then, on the delivery
 * executor (one thread, so listeners never block IO and see updates in wire order), offers each
 * update to the queue view, runs the listeners and acknowledges it. A duplicate is acknowledged again
 * (its sender evidently missed the first acknowledgement) but not delivered — unless the first
 * acknowledgement is still waiting for its burst, which then covers both.
 *
 * <p>Acknowledgements go out per burst: the first update a burst delivers queues one task behind the
 * deliveries already waiting, and that task acknowledges every update delivered until then in one call
 * (at most {@link #MOST_PER_CALL}, and none waits longer than {@link #MOST_WAIT_MS} once delivered). An update
 * is acknowledged only after its listeners ran, as before; a lone update is acknowledged right after its delivery.
 */
final class UpdateStream {
    private static final Logger LOG = LoggerFactory.getLogger(UpdateStream.class);

    /** The most updates one ACKNOWLEDGE names (a longer burst takes several calls). */
    static final int MOST_PER_CALL = 256;
    /**
     * The longest a delivered update waits for the rest of its burst (slow listeners): then the call goes with what
     * it has, well before an executor resends an unacknowledged update (after 500 ms).
     */
    static final long MOST_WAIT_MS = 50;

    /** Sends one ACKNOWLEDGE for the updates, in order; called on the delivery executor. */
    interface Acknowledger {
        void acknowledge(List<TaskStatus> statuses);
    }

    private final Executor delivery;
    private final Acknowledger acknowledger;
    private final Consumer<TaskStatus> afterListeners;
    private final BlockingQueue<TaskStatus> queue;
    private final List<Consumer<TaskStatus>> listeners = new CopyOnWriteArrayList<>();
    private final Map<ByteString, Boolean> seen;
    private long overflowed;
    /** Delivered, to be acknowledged at the end of the burst (delivery thread only). */
    private List<TaskStatus> unacknowledged = new ArrayList<>();
    /** When the first of {@link #unacknowledged} was delivered (delivery thread only). */
    private long firstPendingNanos;
    private final java.util.function.LongSupplier nanos;

    /**
     * @param acknowledger null: no automatic acknowledgements
     * @param afterListeners runs on each update once every listener has seen it (completes replacement outcomes)
     */
    UpdateStream(Executor delivery, Acknowledger acknowledger, Consumer<TaskStatus> afterListeners, int dedupWindow,
            int queueCapacity) {
        this(delivery, acknowledger, afterListeners, dedupWindow, queueCapacity, System::nanoTime);
    }

    /** @param nanos the clock that bounds how long an acknowledgement waits for its burst */
    UpdateStream(Executor delivery, Acknowledger acknowledger, Consumer<TaskStatus> afterListeners, int dedupWindow,
            int queueCapacity, java.util.function.LongSupplier nanos) {
        this.nanos = nanos;
        this.delivery = delivery;
        this.acknowledger = acknowledger;
        this.afterListeners = afterListeners;
        this.queue = new LinkedBlockingQueue<>(queueCapacity);
        this.seen = new LinkedHashMap<>(16, 0.75f, false) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<ByteString, Boolean> eldest) {
                return size() > dedupWindow;
            }
        };
    }

    /** An update from the shim (IO thread). */
    void accept(TaskStatus status) {
        boolean fresh;
        synchronized (seen) {
            fresh = status.getUuid().isEmpty() || seen.put(status.getUuid(), Boolean.TRUE) == null;
        }
        if (fresh) {
            submit(() -> deliver(status));
        } else {
            LOG.debug("dropped a duplicate update of task {} ({})", status.getTaskId().getValue(), status.getState());
            submit(() -> {
                if (unacknowledged.stream().noneMatch(s -> s.getUuid().equals(status.getUuid()))) {
                    acknowledge(status); // (not twice in one call: the second would be refused, the task forgotten)
                }
            });
        }
    }

    /** False when the delivery executor is shut down (the client closed). */
    private boolean submit(Runnable r) {
        try {
            delivery.execute(r);
            return true;
        } catch (RejectedExecutionException closed) {
            LOG.debug("client closed; update not delivered, or acknowledgements not sent");
            return false;
        }
    }

    private void deliver(TaskStatus status) {
        offerToQueue(status);
        for (Consumer<TaskStatus> l : listeners) {
            try {
                l.accept(status);
            } catch (RuntimeException e) {
                LOG.warn("an update listener failed on the update of task {} ({}); the other listeners still run",
                        status.getTaskId().getValue(), status.getState(), e);
            }
        }
        afterListeners.accept(status);
        acknowledge(status);
    }

    private void offerToQueue(TaskStatus status) {
        while (!queue.offer(status)) {
            queue.poll();
            if (overflowed++ % 1000 == 0) {
                LOG.warn("the updates() queue is full ({} updates); dropping the oldest ({} so far). Drain it, or "
                        + "raise updateQueueCapacity", queue.size() + queue.remainingCapacity(), overflowed);
            }
        }
    }

    private void acknowledge(TaskStatus status) {
        if (acknowledger == null || status.getUuid().isEmpty()) {
            return;
        }
        unacknowledged.add(status);
        if (unacknowledged.size() == 1) {
            firstPendingNanos = nanos.getAsLong();
            if (!submit(this::acknowledgePending)) { // behind the deliveries queued by now: theirs go in the same call
                unacknowledged.clear(); // closed: nothing can be sent any more
            }
        } else if (unacknowledged.size() == MOST_PER_CALL
                || nanos.getAsLong() - firstPendingNanos > MOST_WAIT_MS * 1_000_000) {
            acknowledgePending(); // the task queued for this burst then finds it empty, or the next one started
        }
    }

    /** Acknowledges, in one call, the updates delivered and not acknowledged yet; on the delivery executor only. */
    void acknowledgePending() {
        if (unacknowledged.isEmpty()) {
            return;
        }
        List<TaskStatus> burst = unacknowledged;
        unacknowledged = new ArrayList<>();
        acknowledger.acknowledge(burst);
    }

    BatonClient.Registration add(Consumer<TaskStatus> listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    BlockingQueue<TaskStatus> queue() {
        return queue;
    }
}
