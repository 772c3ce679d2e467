package io.baton.shim.core;

import io.baton.proto.ExecutorSubscribe;
import io.baton.proto.Reserve;
import io.baton.proto.TaskInfo;
import io.baton.proto.TaskStatus;
import io.baton.resources.Resources;
import io.baton.ledger.Ledger;
import io.baton.ledger.ReservationView;

/** What the core does when the answer to one of its requests comes: the rest of the call that made it. */
sealed interface Pending {

    /** SUBSCRIBE checked; waiting for the process to be in its container before the ledger changes. */
    record SubscribeAttach(long conn, long cid, ExecutorSubscribe call, Ledger.SubscribePlan plan, long nowUs)
            implements Pending {
    }

    /** SUBSCRIBE committed; waiting for the container to hold the executor's limits before answering. */
    record SubscribeLimits(long conn, long cid, ExecutorSubscribe call, Ledger.Subscribed subscribed, String container,
            long nowUs) implements Pending {
    }

    /** A terminal UPDATE freed resources; waiting for the container to shrink before relaying it. */
    record UpdateLimits(long conn, long cid, boolean quiet, String executorId, Resources limits, TaskStatus status)
            implements Pending {
    }

    /** ADJUST or RELEASE changed the ledger; the answer carries the limits once the container holds them. */
    record AnswerLimits(long conn, long cid, String executorId, Resources limits, boolean release) implements Pending {
    }

    /** LAUNCH booked; forwarded once the container has grown (undone if it cannot). */
    record LaunchLimits(long conn, long cid, String executorId, Resources limits, TaskInfo task) implements Pending {
    }

    /** RESERVE booked; answered once the container holds the executor's limits with the whole pool (undone if not). */
    record ReserveLimits(long conn, long cid, String executorId, Resources limits, Reserve reserve,
            ReservationView reservation) implements Pending {
    }

    /** A RESERVE undone: the container goes back to the ledger's limits (best effort; a failure is logged). */
    record RestoreLimits(String executorId, Resources limits) implements Pending {
    }

    /** A REPLACE reserved on delivery, waiting for the grant; delivered once reserved (or plain if not). */
    record DeliveryGrant(String executorId, Reserve reserve, io.baton.proto.ExecutorEvent replace, long nowUs)
            implements Pending {
    }

    /** A REPLACE reserved on delivery: delivered with its reservation once the container holds the pool. */
    record DeliveryLimits(String executorId, Resources limits, io.baton.proto.ExecutorEvent replace,
            ReservationView reservation) implements Pending {
    }

    /** RESERVE waiting for the resources to be granted. */
    record ReserveGrant(long conn, long cid, String executorId, Reserve reserve, long nowUs) implements Pending {
    }
}
