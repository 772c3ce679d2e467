package io.baton.shim.core;

import io.baton.proto.ExecutorCall;
import io.baton.proto.FrameworkCall;
import io.baton.proto.TaskReason;
import io.baton.proto.TaskState;

/**
 * Everything that can happen to the shim, as data: a call on a connection, a connection closing, the
 * answer to a request the core made (container attached, limits applied, grant decided), an isolator
 * event, and the passing of time. Each carries the time it happened where a decision needs it; the core
 * reads no clock. Connections are opaque numbers chosen by the adapter (unique per connection).
 */
public sealed interface Input {

    /**
     * An executor's call. {@code pid} and {@code uid} come from the socket's peer credentials (-1 over TCP);
     * {@code owner} is the adapter's lookup of the durable owner record of the executor id a SUBSCRIBE
     * names (null for other calls, and for a SUBSCRIBE by root or with an invalid id).
     */
    record ExecutorCalled(long conn, long pid, int uid, ExecutorCall call, OwnerRecord owner, long nowUs)
            implements Input {
    }

    /** The executor connection ended. */
    record ExecutorClosed(long conn, long nowUs) implements Input {
    }

    record FrameworkCalled(long conn, FrameworkCall call, long nowUs) implements Input {
    }

    record FrameworkClosed(long conn) implements Input {
    }

    /** Answer to {@link Effect.Attach}: the container's description, or why the process could not be put in. */
    record Attached(long request, String container, String failure) implements Input {
    }

    /**
     * Answer to {@link Effect.ApplyLimits}: null {@code failure} when the container holds the limits (a memory
     * decrease may still be under way: {@code shrinkPending}).
     */
    record LimitsApplied(long request, boolean shrinkPending, String failure) implements Input {
    }

    /** Answer to {@link Effect.RequestGrant}: null {@code refusal} when the resources are granted. */
    record GrantDecided(long request, String refusal) implements Input {
    }

    /** The isolator asks the executor to free memory before {@code deadlineUs} (its usage is above the new limit). */
    record ShrinkRequested(String executorId, long targetBytes, long usageBytes, long deadlineUs) implements Input {
    }

    /** A memory decrease ended badly (deadline passed, usage unreadable): the executor is told why. */
    record ShrinkFailed(String executorId, String message) implements Input {
    }

    /**
     * Whoever owns the node's resources saw the executor's container end for good (a cluster resource manager:
     * killed, preempted, over its memory, its node lost): it will not re-subscribe. Its tasks end now with
     * {@code state} and {@code reason}, each carrying {@code message}, and everything it held is freed, without
     * waiting for the recovery timeout. An executor the ledger does not know is ignored.
     */
    record ExecutorGone(String executorId, TaskState state, TaskReason reason, String message, long nowUs)
            implements Input {
    }

    /**
     * Where a shim serves several nodes ({@link NodeRouter}): executor {@code executorId} is started on
     * {@code node} (a cluster resource manager placed its container there), so its calls go to that node's core.
     * A node seen for the first time gets a core of its own; an executor started again on another node ends what
     * the old node's ledger still held of it (TASK_LOST).
     */
    record Placed(String executorId, String node, long nowUs) implements Input {
    }

    /**
     * Tasks an executor this shim does not hold had when it was last seen (a later attempt of the YARN AM reads them
     * from the earlier attempt's records) end with {@code state} and {@code reason}: the executor will not come
     * back with them. Each task the ledger does not know yet is relayed to the frameworks and answered by RECONCILE;
     * nothing changes for an executor that is here.
     */
    record TasksEndedAway(String executorId, java.util.List<String> taskIds, TaskState state, TaskReason reason,
            String message, long nowUs) implements Input {
    }

    /** Time passed: offers and executors whose recovery timeout ran out expire. */
    record Tick(long nowUs) implements Input {
    }

    /** Who an executor id belongs to across shim restarts: a uid, nobody (both null), or an unreadable record. */
    record OwnerRecord(Integer uid, String unreadable) {
        public static final OwnerRecord NOBODY = new OwnerRecord(null, null);
    }
}
