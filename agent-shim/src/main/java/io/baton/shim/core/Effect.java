package io.baton.shim.core;

import io.baton.proto.ExecutorEvent;
import io.baton.proto.ExecutorResponse;
import io.baton.proto.FrameworkEvent;
import io.baton.proto.FrameworkResponse;
import io.baton.proto.Reserve;
import io.baton.proto.TaskStatus;
import io.baton.resources.Resources;

/**
 * What the core decided should happen, in the order it must happen. Replies and events go to connections;
 * the requests ({@link Attach}, {@link ApplyLimits}, {@link RequestGrant}) are answered by a later
 * {@link Input} carrying the same {@code request} number — at once by the local node, later by a cluster
 * resource manager. The core never assumes the answer arrives in the same call.
 */
public sealed interface Effect {

    record ExecutorReply(long conn, ExecutorResponse response) implements Effect {
    }

    record FrameworkReply(long conn, FrameworkResponse response) implements Effect {
    }

    /** An event to a connected executor: LAUNCH, KILL, REPLACE, ACKNOWLEDGED, SHRINK, ERROR. */
    record Deliver(long conn, String executorId, ExecutorEvent event) implements Effect {
    }

    /** A status update or progress to one framework that subscribed to updates. */
    record Relay(long conn, FrameworkEvent event) implements Effect {
    }

    /** Create the executor's container (idempotent) and move the process in; answered by {@link Input.Attached}. */
    record Attach(long request, String executorId, long pid) implements Effect {
    }

    /**
     * Make the executor's container hold {@code limits}; {@code rewrite}: write them even if they are what
     * was applied last (after a subscription). Answered by {@link Input.LimitsApplied}.
     */
    record ApplyLimits(long request, String executorId, Resources limits, boolean rewrite) implements Effect {
    }

    /** Ask whoever owns the node's resources for what a reservation needs; answered by {@link Input.GrantDecided}. */
    record RequestGrant(long request, String executorId, Reserve reserve) implements Effect {
    }

    /** The executor expired: remove its container. */
    record DestroyContainer(String executorId) implements Effect {
    }

    /** Durably record that the executor id belongs to {@code uid} (a failure only loses restart protection). */
    record RecordOwner(String executorId, int uid) implements Effect {
    }

    /** The executor expired: its id is free for anyone again. */
    record ForgetOwner(String executorId) implements Effect {
    }

    /** Feed a {@link Input.Tick} at (or after) this time: an offer or an executor's recovery time runs out then. */
    record WakeAt(long atUs) implements Effect {
    }

    /** A relayed status update, for the metrics (a replacement's final update is counted once per uuid). */
    record StatusRelayed(TaskStatus status) implements Effect {
    }

    /** The shim refused a REPLACE itself, for the metrics. */
    record ReplaceRefused() implements Effect {
    }

    /** Something an operator should read in the log. */
    record Note(Level level, String text) implements Effect {
        public enum Level { INFO, WARN, ERROR }
    }
}
