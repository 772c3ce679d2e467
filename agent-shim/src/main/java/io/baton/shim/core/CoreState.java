package io.baton.shim.core;

import com.google.protobuf.ByteString;
import io.baton.proto.Accepted;
import io.baton.proto.ExecutorEvent;
import io.baton.proto.ExecutorID;
import io.baton.proto.ExecutorResponse;
import io.baton.proto.FrameworkEvent;
import io.baton.proto.FrameworkResponse;
import io.baton.proto.RejectCode;
import io.baton.proto.Rejection;
import io.baton.proto.TaskID;
import io.baton.proto.TaskReason;
import io.baton.proto.TaskState;
import io.baton.proto.TaskStatus;
import io.baton.resources.Resources;
import io.baton.ledger.Ledger;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The shim's state around the ledger — which connection is which executor, which frameworks listen, what
 * waits for whom, what the containers hold, which requests are unanswered — and the effects of the input
 * being handled. Shared by the call handlers; touched only through {@link ShimCore#on}.
 */
final class CoreState {
    /** An executor connection: its peer identity, and the executor id it subscribed as (null before). */
    static final class ExecutorConn {
        final long pid;
        final int uid;
        String executorId;
        boolean subscribing;
        /** It subscribed with {@code acknowledged_together}: one event may carry several acknowledgements. */
        boolean acknowledgedTogether;

        ExecutorConn(long pid, int uid) {
            this.pid = pid;
            this.uid = uid;
        }
    }

    /** A framework connection. */
    static final class FrameworkConn {
        boolean authenticated;
        boolean updates;
        String name = "?";
    }

    /** What the core knows of an executor's container: its description and the limits it holds. */
    record Container(String description, Resources applied) {
    }

    final ShimSettings settings;
    final Ledger ledger;
    final Mailboxes mail = new Mailboxes();
    final Map<Long, ExecutorConn> executorConns = new HashMap<>();
    /** The connection each executor id is bound to. */
    final Map<String, Long> bound = new HashMap<>();
    final Map<Long, FrameworkConn> frameworkConns = new HashMap<>();
    final Set<Long> subscribers = new LinkedHashSet<>();
    /** The subscribers that take progress events (all but those that subscribed {@code without_progress}). */
    final Set<Long> progressSubscribers = new LinkedHashSet<>();
    final Map<String, Container> containers = new LinkedHashMap<>();
    /** Each executor's part of the last STATE, reused while nothing it was made from changed ({@link NodeStates}). */
    final Map<String, NodeStates.Cached> stateCache = new HashMap<>();
    final RefusedSubscriptions refused = new RefusedSubscriptions();
    final Map<Long, Pending> pending = new HashMap<>();
    /**
     * RESERVEs being granted or sized, by replacement id, with the same RESERVE sent again meanwhile (an executor
     * that reconnected): the retries are answered with the first, never booked or undone on their own. A RELEASE of
     * that replacement meanwhile waits for the RESERVE's answer, then goes to the ledger: answered at once, it would
     * find nothing to release, and the grant would then book a reservation nobody releases (a node that grants
     * through YARN's resource manager; the simulation's later grants).
     */
    final Map<String, ReserveUnderWay> reservesUnderWay = new HashMap<>();

    record ReserveUnderWay(String executorId, io.baton.proto.Reserve call, java.util.List<long[]> retries,
            java.util.List<WaitingRelease> releases) {
    }

    /** A RELEASE that came while its replacement's RESERVE was under way, with where to answer it. */
    record WaitingRelease(long conn, long cid, io.baton.proto.Release call) {
    }
    /**
     * The REPLACE requests forwarded lately, by replacement id (bounded): a request that comes again with a
     * known id is a retry only if {@link io.baton.tasks.Replaces#same} says so; otherwise it is refused.
     */
    final Map<String, KnownReplace> replaces = new LinkedHashMap<>(16, 0.75f, false) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, KnownReplace> eldest) {
            return size() > REMEMBERED_REPLACES;
        }
    };
    static final int REMEMBERED_REPLACES = 4096;
    /** Phases and outcomes of replacements, for the STATE snapshot. */
    final ReplacementBoard board = new ReplacementBoard();
    private long nextRequest;
    private long uuids;
    List<Effect> out = new ArrayList<>();

    CoreState(ShimSettings settings, Ledger ledger) {
        this.settings = settings;
        this.ledger = ledger;
    }

    long request(Pending p) {
        long id = ++nextRequest;
        pending.put(id, p);
        return id;
    }

    void emit(Effect e) {
        out.add(e);
    }

    void note(Effect.Note.Level level, String text) {
        out.add(new Effect.Note(level, text));
    }

    // ------------------------------------------------------------------ executors

    Long connOf(String executorId) {
        return bound.get(executorId);
    }

    void reply(long conn, ExecutorResponse r) {
        out.add(new Effect.ExecutorReply(conn, r));
    }

    void reject(long conn, long cid, RejectCode code, String message) {
        reply(conn, ExecutorResponse.newBuilder().setCorrelationId(cid)
                .setRejected(Rejection.newBuilder().setCode(code).setMessage(message)).build());
    }

    void accepted(long conn, long cid) {
        reply(conn, ExecutorResponse.newBuilder().setCorrelationId(cid).setAccepted(Accepted.getDefaultInstance()).build());
    }

    void send(long conn, ExecutorEvent event) {
        ExecutorConn c = executorConns.get(conn);
        out.add(new Effect.Deliver(conn, c == null ? null : c.executorId, event));
    }

    /** To the executor if it is connected (nothing otherwise). */
    /** Whether the executor's connection reads several acknowledgements in one event. */
    boolean readsAcknowledgedTogether(String executorId) {
        Long conn = bound.get(executorId);
        ExecutorConn c = conn == null ? null : executorConns.get(conn);
        return c != null && c.acknowledgedTogether;
    }

    void sendIfConnected(String executorId, ExecutorEvent event) {
        Long conn = bound.get(executorId);
        if (conn != null) {
            out.add(new Effect.Deliver(conn, executorId, event));
        }
    }

    /** Sends to the executor now, or queues it until the executor re-subscribes; false when the mailbox is full. */
    boolean deliver(String executorId, ExecutorEvent event) {
        Long conn = bound.get(executorId);
        if (conn != null) {
            out.add(new Effect.Deliver(conn, executorId, event));
            return true;
        }
        return mail.queue(executorId, event);
    }

    void isolatorError(long conn, String failure) {
        if (failure != null) {
            send(conn, ExecutorEvent.newBuilder().setError(io.baton.proto.ErrorEvent.newBuilder()
                    .setCode(RejectCode.ISOLATOR_FAILED).setMessage(failure)).build());
        }
    }

    /** The message of a failed {@link Effect.ApplyLimits}, logged once here; null when it did not fail. */
    String limitsFailure(String executorId, Resources limits, String failure) {
        if (failure == null) {
            if (ledger.knowsExecutor(executorId)) { // (not for an executor that is gone meanwhile)
                containers.compute(executorId, (k, c) -> new Container(c == null ? "" : c.description(), limits));
            }
            return null;
        }
        note(Effect.Note.Level.ERROR, "could not set limits " + limits + " on the container of executor " + executorId
                + ": " + failure);
        return "could not set container limits " + limits + " for executor " + executorId + ": " + failure;
    }

    // ------------------------------------------------------------------ frameworks

    void reply(long conn, FrameworkResponse r) {
        out.add(new Effect.FrameworkReply(conn, r));
    }

    void fwReject(long conn, long cid, RejectCode code, String message) {
        reply(conn, FrameworkResponse.newBuilder().setCorrelationId(cid)
                .setRejected(Rejection.newBuilder().setCode(code).setMessage(message)).build());
    }

    void fwReject(long conn, long cid, Rejection rejection) {
        reply(conn, FrameworkResponse.newBuilder().setCorrelationId(cid).setRejected(rejection).build());
    }

    void fwAccepted(long conn, long cid) {
        reply(conn, FrameworkResponse.newBuilder().setCorrelationId(cid).setAccepted(Accepted.getDefaultInstance()).build());
    }

    void publish(FrameworkEvent event) {
        for (long conn : subscribers) {
            out.add(new Effect.Relay(conn, event));
        }
    }

    /** A replacement's progress, to the subscribers that did not subscribe {@code without_progress}. */
    void publishProgress(FrameworkEvent event) {
        for (long conn : progressSubscribers) {
            out.add(new Effect.Relay(conn, event));
        }
    }

    /** A status the shim itself originates: recorded in the ledger (for RECONCILE) and relayed. */
    void publishShimStatus(TaskStatus status) {
        ledger.shimStatus(status);
        publish(FrameworkEvent.newBuilder().setUpdate(status).build());
    }

    TaskStatus shimStatus(TaskID task, TaskState state, TaskReason reason, String message, String executorId,
            long nowUs) {
        TaskStatus.Builder b = TaskStatus.newBuilder().setTaskId(task).setState(state).setReason(reason)
                .setMessage(message).setUuid(nextUuid()).setTimestampUs(nowUs);
        if (executorId != null) {
            b.setExecutorId(ExecutorID.newBuilder().setValue(executorId));
        }
        return b.build();
    }

    private ByteString nextUuid() {
        long[] salt = settings.uuidSalt();
        return ByteString.copyFrom(ByteBuffer.allocate(16).putLong(salt[0]).putLong(salt[1] + ++uuids).array());
    }
}
