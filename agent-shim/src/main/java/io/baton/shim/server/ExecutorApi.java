package io.baton.shim.server;

import io.baton.proto.Accepted;
import io.baton.proto.ContainerLimits;
import io.baton.proto.ExecutorCall;
import io.baton.proto.ExecutorEvent;
import io.baton.proto.ExecutorResponse;
import io.baton.proto.ExecutorSubscribed;
import io.baton.proto.FrameworkEvent;
import io.baton.proto.RejectCode;
import io.baton.proto.TaskInfo;
import io.baton.proto.TaskReason;
import io.baton.proto.TaskState;
import io.baton.resources.Resources;
import io.baton.shim.isolator.IsolatorException;
import io.baton.ledger.Ids;
import io.baton.ledger.Ledger;
import io.baton.ledger.ReservationView;
import io.baton.ledger.Verdict;
import io.baton.shim.metrics.ShimMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The executor API: SUBSCRIBE, UPDATE, RESERVE, ADJUST, RELEASE, HEARTBEAT. Runs on the shim's loop. */
final class ExecutorApi {
    private static final Logger LOG = LoggerFactory.getLogger(ExecutorApi.class);

    private final ShimContext ctx;
    private final byte[] token;
    private final ShimMetrics metrics;

    ExecutorApi(ShimContext ctx) {
        this(ctx, "", new ShimMetrics());
    }

    /** @param token required from executors that connect over TCP (they have no peer credentials) */
    ExecutorApi(ShimContext ctx, String token, ShimMetrics metrics) {
        this.ctx = ctx;
        this.token = token.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        this.metrics = metrics;
    }

    void handle(ExecutorSession s, ExecutorCall call) {
        long cid = call.getCorrelationId();
        if (call.getCallCase() == ExecutorCall.CallCase.SUBSCRIBE) {
            subscribe(s, call);
            return;
        }
        if (call.getCallCase() == ExecutorCall.CallCase.CALL_NOT_SET) {
            s.reject(cid, RejectCode.MALFORMED, "the call is empty: set one of subscribe, update, reserve, adjust, "
                    + "release, heartbeat");
            return;
        }
        if (s.executorId == null) {
            s.reject(cid, RejectCode.UNAUTHENTICATED, "SUBSCRIBE first: this connection has no executor id yet");
            return;
        }
        switch (call.getCallCase()) {
            case UPDATE -> update(s, call);
            case RESERVE -> reserve(s, call);
            case ADJUST -> adjust(s, call);
            case RELEASE -> respondWithLimits(s, cid, ctx.ledger.release(s.executorId, call.getRelease()), true);
            case HEARTBEAT -> s.respond(accepted(cid));
            case PROGRESS -> progress(s, call);
            default -> s.reject(cid, RejectCode.MALFORMED, "unsupported call " + call.getCallCase());
        }
    }

    private void subscribe(ExecutorSession s, ExecutorCall call) {
        long cid = call.getCorrelationId();
        String id = call.getSubscribe().getExecutorId().getValue();
        if (s.executorId != null) {
            s.reject(cid, RejectCode.CONFLICT, "this connection is already subscribed as executor " + s.executorId);
            return;
        }
        String bad = Ids.checkExecutor(id);
        if (bad != null) {
            s.reject(cid, RejectCode.INVALID_ID, bad);
            return;
        }
        if (s.uid < 0 && (token.length == 0 || !java.security.MessageDigest.isEqual(token,
                call.getSubscribe().getToken().getBytes(java.nio.charset.StandardCharsets.UTF_8)))) {
            s.reject(cid, RejectCode.UNAUTHENTICATED, "executors connecting over TCP must present the shim's token "
                    + "(from " + ctx.config.tokenFile() + "); the Unix socket identifies them by their credentials instead");
            return;
        }
        String taken = ownedByAnother(id, s.uid);
        if (taken != null) {
            s.reject(cid, RejectCode.NOT_OWNER, taken);
            return;
        }
        // check first, then put the process into its container, then change the ledger: a refused
        // subscription changes nothing, and no process lands in a container it may not use
        Verdict<Ledger.SubscribePlan> plan = ctx.ledger.prepareSubscribe(withQueuedLaunches(withDefaultOverhead(call),
                ctx.sessions.queuedFor(id)), s.pid, s.uid);
        if (plan instanceof Verdict.Rejected<Ledger.SubscribePlan> r) {
            s.reject(cid, r.code(), r.message());
            return;
        }
        String container;
        try {
            container = ctx.containers.attach(id, s.pid);
        } catch (IsolatorException e) {
            s.reject(cid, RejectCode.ISOLATOR_FAILED, "could not put executor " + id + " (pid " + s.pid
                    + ") into its container: " + e.getMessage());
            return;
        }
        try {
            ctx.owners.record(id, s.uid);
        } catch (java.io.IOException e) {
            // availability first: the executor runs; only the protection across a shim restart is missing
            LOG.error("could not record that executor {} belongs to uid {} ({}); after a shim restart another uid "
                    + "could subscribe as {} first: check that the work directory is writable", id, s.uid,
                    e.toString(), id);
        }
        Ledger.Subscribed subscribed = ctx.ledger.commitSubscribe(plan.value());
        s.executorId = id;
        ctx.sessions.bind(s);
        ctx.containers.forget(id);
        String failure = ctx.applyLimits(id, subscribed.limits());
        for (TaskInfo lost : subscribed.lostTasks()) {
            ctx.publishShimStatus(ShimStatuses.of(lost.getTaskId(), TaskState.TASK_LOST,
                    TaskReason.REASON_EXECUTOR_UNREGISTERED, "executor " + id
                            + " re-subscribed without this task", id, ctx.nowUs()));
        }
        ExecutorSubscribed.Builder ack = ExecutorSubscribed.newBuilder().setExecutorId(call.getSubscribe().getExecutorId())
                .addAllNodeTotal(ctx.ledger.total().toProto()).setHeartbeatIntervalMs(ctx.config.heartbeatIntervalMs())
                .setContainer(container);
        subscribed.lostTasks().forEach(t -> ack.addLostTasks(t.getTaskId()));
        s.respond(ExecutorResponse.newBuilder().setCorrelationId(cid).setSubscribed(ack).build());
        LOG.info("{} subscribed: {} tasks, {} reservations, limits {}, container {}", s,
                call.getSubscribe().getTasksCount(), call.getSubscribe().getReservationsCount(),
                subscribed.limits(), container);
        reportIsolatorFailure(s, failure);
        java.util.List<ExecutorEvent> queued = ctx.sessions.drainMailbox(id);
        queued.forEach(s::send);
        for (ExecutorEvent e : ctx.sessions.unconfirmedFor(id)) {
            if (!queued.contains(e)) {
                s.send(e); // forwarded before, never confirmed: the executor may have died before journaling it
            }
        }
    }

    /**
     * Tasks launched while the executor was away are in its mailbox, delivered right after this
     * subscription: the executor cannot report them yet, and they are not lost (they are about to start).
     */
    static io.baton.proto.ExecutorSubscribe withQueuedLaunches(io.baton.proto.ExecutorSubscribe sub,
            java.util.List<ExecutorEvent> queued) {
        java.util.Set<String> mentioned = new java.util.HashSet<>();
        sub.getTasksList().forEach(t -> mentioned.add(t.getTask().getTaskId().getValue()));
        sub.getReservationsList().forEach(r -> {
            mentioned.add(r.getOldTask().getTaskId().getValue());
            mentioned.add(r.getNewTask().getTaskId().getValue());
        });
        io.baton.proto.ExecutorSubscribe.Builder b = sub.toBuilder();
        for (ExecutorEvent e : queued) {
            if (e.hasLaunch() && mentioned.add(e.getLaunch().getTask().getTaskId().getValue())) {
                b.addTasks(io.baton.proto.TaskRecord.newBuilder().setTask(e.getLaunch().getTask())
                        .setState(TaskState.TASK_STAGING));
            }
        }
        return b.build();
    }

    /** Why this uid may not subscribe as {@code id} (it is another uid's, also across shim restarts), or null. */
    private String ownedByAnother(String id, int uid) {
        if (uid == 0) {
            return null; // root may take over any executor id
        }
        try {
            Integer owner = ctx.owners.owner(id);
            return owner == null || owner == uid ? null : "executor " + id + " belongs to uid " + owner
                    + "; this connection is uid " + uid + " (run it as uid " + owner + ", or pick another executor id)";
        } catch (java.io.IOException e) {
            return "executor " + id + ": its owner cannot be checked (" + e.getMessage() + "); refused to be safe";
        }
    }

    private io.baton.proto.ExecutorSubscribe withDefaultOverhead(ExecutorCall call) {
        io.baton.proto.ExecutorSubscribe sub = call.getSubscribe();
        if (sub.getOverheadCount() > 0) {
            return sub;
        }
        return sub.toBuilder().addAllOverhead(ctx.config.defaultOverhead().toProto()).build();
    }

    private void update(ExecutorSession s, ExecutorCall call) {
        long cid = call.getCorrelationId();
        // the executor id on a relayed status is always the caller's, whatever the message said
        var status = call.getUpdate().getStatus().toBuilder()
                .setExecutorId(io.baton.proto.ExecutorID.newBuilder().setValue(s.executorId)).build();
        if (status.getUuid().size() != 16) {
            s.reject(cid, RejectCode.MALFORMED, "status update for task " + Ids.printable(status.getTaskId().getValue())
                    + " must carry a 16-byte uuid, got " + status.getUuid().size() + " bytes");
            return;
        }
        var v = ctx.ledger.recordStatus(s.executorId, status);
        if (v instanceof Verdict.Rejected<Ledger.StatusEffect> r) {
            s.reject(cid, r.code(), r.message());
            return;
        }
        if (v.value().freed()) {
            reportIsolatorFailure(s, ctx.applyLimits(s.executorId, v.value().limits()));
        }
        if (status.hasReplacementId()) {
            ctx.sessions.confirmed(status.getReplacementId().getValue());
        }
        ctx.sessions.publish(FrameworkEvent.newBuilder().setUpdate(status).build());
        metrics.relayed(status); // a replacement's final update (outcome set) is counted once per uuid
        s.respond(accepted(cid));
    }

    /** Live progress of a replacement of the caller's: relayed to frameworks as it is, with the caller's id. */
    private void progress(ExecutorSession s, ExecutorCall call) {
        var p = call.getProgress();
        String bad = Ids.checkObject("replacement id", p.getReplacementId().getValue());
        if (bad == null && !(p.getPhase().matches("[A-Z_]{1,32}") && p.getFromPhase().matches("[A-Z_]{0,32}"))) {
            bad = "phase '" + Ids.printable(p.getPhase()) + "' is not a phase name (A-Z and _, at most 32)";
        }
        if (bad != null) {
            s.reject(call.getCorrelationId(), RejectCode.MALFORMED, "progress refused: " + bad);
            return;
        }
        for (String task : java.util.List.of(p.getOldTaskId().getValue(), p.getNewTaskId().getValue())) {
            String owner = task.isEmpty() ? null : ctx.ledger.ownerOf(task);
            if (owner != null && !owner.equals(s.executorId)) {
                s.reject(call.getCorrelationId(), RejectCode.NOT_OWNER, "task " + task + " belongs to executor " + owner);
                return;
            }
        }
        ctx.sessions.publish(FrameworkEvent.newBuilder().setProgress(p.toBuilder()
                .setExecutorId(io.baton.proto.ExecutorID.newBuilder().setValue(s.executorId))).build());
        s.respond(accepted(call.getCorrelationId()));
    }

    private void reserve(ExecutorSession s, ExecutorCall call) {
        Failpoints.reached("reserve-received");
        long cid = call.getCorrelationId();
        ctx.sessions.confirmed(call.getReserve().getReplacementId().getValue());
        Verdict<ReservationView> v = ctx.ledger.reserve(s.executorId, call.getReserve(), ctx.nowUs());
        if (v instanceof Verdict.Rejected<ReservationView> r) {
            s.reject(cid, r.code(), r.message());
            return;
        }
        // The pool came out of offers and the old task; the container does not grow until ADJUST.
        s.respond(ExecutorResponse.newBuilder().setCorrelationId(cid).setReserved(v.value().toRecord()).build());
    }

    private void adjust(ExecutorSession s, ExecutorCall call) {
        Failpoints.reached("adjust-received");
        long cid = call.getCorrelationId();
        Resources inUse;
        try {
            inUse = Resources.fromProto(call.getAdjust().getInUseList());
        } catch (IllegalArgumentException e) {
            s.reject(cid, RejectCode.INVALID_RESOURCES, "adjust in_use is invalid: " + e.getMessage());
            return;
        }
        Verdict<Resources> v = ctx.ledger.adjust(s.executorId, call.getAdjust().getReplacementId().getValue(), inUse);
        respondWithLimits(s, cid, v, false);
    }

    /** Applies the executor's new limits and answers with them. */
    private void respondWithLimits(ExecutorSession s, long cid, Verdict<Resources> v, boolean release) {
        if (v instanceof Verdict.Rejected<Resources> r) {
            s.reject(cid, r.code(), r.message());
            return;
        }
        // the ledger has changed: answer with it, and report a container that could not follow separately
        String failure = ctx.applyLimits(s.executorId, v.value());
        ContainerLimits limits = ContainerLimits.newBuilder().addAllLimits(v.value().toProto())
                .setMemoryShrinkPending(ctx.containers.shrinkPending(s.executorId)).build();
        ExecutorResponse.Builder b = ExecutorResponse.newBuilder().setCorrelationId(cid);
        s.respond((release ? b.setReleased(limits) : b.setAdjusted(limits)).build());
        reportIsolatorFailure(s, failure);
    }

    private static void reportIsolatorFailure(ExecutorSession s, String failure) {
        if (failure != null) {
            s.send(ExecutorEvent.newBuilder().setError(io.baton.proto.ErrorEvent.newBuilder()
                    .setCode(RejectCode.ISOLATOR_FAILED).setMessage(failure)).build());
        }
    }

    private static ExecutorResponse accepted(long cid) {
        return ExecutorResponse.newBuilder().setCorrelationId(cid).setAccepted(Accepted.getDefaultInstance()).build();
    }
}
