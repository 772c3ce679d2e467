package io.baton.shim.server;

import io.baton.proto.Accepted;
import io.baton.proto.ExecutorEvent;
import io.baton.proto.ExecutorID;
import io.baton.proto.Forwarded;
import io.baton.proto.FrameworkCall;
import io.baton.proto.FrameworkResponse;
import io.baton.proto.FrameworkSubscribed;
import io.baton.proto.KillEvent;
import io.baton.proto.LaunchEvent;
import io.baton.proto.OfferID;
import io.baton.proto.OfferList;
import io.baton.proto.RejectCode;
import io.baton.proto.Replace;
import io.baton.proto.ReplaceEvent;
import io.baton.proto.TaskID;
import io.baton.proto.TaskReason;
import io.baton.proto.TaskState;
import io.baton.proto.TaskStatus;
import io.baton.proto.TaskStatusList;
import io.baton.resources.Resources;
import io.baton.ledger.Ids;
import io.baton.ledger.OfferView;
import io.baton.ledger.Verdict;
import io.baton.shim.metrics.ShimMetrics;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The framework API: SUBSCRIBE, OFFERS, DECLINE, LAUNCH, KILL, REPLACE, RECONCILE, ACKNOWLEDGE, STATE. */
final class FrameworkApi {
    private static final Logger LOG = LoggerFactory.getLogger(FrameworkApi.class);

    /**
     * Rejections that violate the seed's resource requirements: the new task is reported TASK_LOST. Not
     * UNKNOWN_TASK: after a shim restart the old task is unknown until its executor re-subscribes, and a
     * retry of the same replacement may then go through — the new task would run after being "lost".
     */
    static final java.util.Set<RejectCode> LOSES_NEW_TASK = java.util.EnumSet.of(RejectCode.INSUFFICIENT_RESOURCES,
            RejectCode.INVALID_RESOURCES, RejectCode.UNKNOWN_OFFER, RejectCode.OFFER_EXPIRED, RejectCode.OFFER_USED,
            RejectCode.OFFER_FOREIGN);

    private final ShimContext ctx;
    private final byte[] token;
    private final ShimMetrics metrics;

    FrameworkApi(ShimContext ctx, String token) {
        this(ctx, token, new ShimMetrics());
    }

    FrameworkApi(ShimContext ctx, String token, ShimMetrics metrics) {
        this.ctx = ctx;
        this.token = token.getBytes(StandardCharsets.UTF_8);
        this.metrics = metrics;
    }

    void handle(FrameworkSession s, FrameworkCall call) {
        long cid = call.getCorrelationId();
        if (call.getCallCase() == FrameworkCall.CallCase.SUBSCRIBE) {
            subscribe(s, call);
            return;
        }
        if (!s.authenticated) {
            s.reject(cid, RejectCode.UNAUTHENTICATED, "SUBSCRIBE with the framework token first");
            return;
        }
        switch (call.getCallCase()) {
            case OFFERS -> offers(s, call);
            case DECLINE -> {
                List<String> ids = new ArrayList<>();
                call.getDecline().getOfferIdsList().forEach(o -> ids.add(o.getValue()));
                ctx.ledger.decline(ids);
                s.respond(accepted(cid));
            }
            case LAUNCH -> launch(s, call);
            case KILL -> kill(s, call);
            case REPLACE -> replace(s, call);
            case RECONCILE -> reconcile(s, call);
            case ACKNOWLEDGE -> acknowledge(s, call);
            case STATE -> s.respond(FrameworkResponse.newBuilder().setCorrelationId(cid)
                    .setState(NodeStates.snapshot(ctx)).build());
            case HEARTBEAT -> s.respond(accepted(cid));
            default -> s.reject(cid, RejectCode.MALFORMED, "the call is empty: set one of subscribe, offers, decline, "
                    + "launch, kill, replace, reconcile, acknowledge, state, heartbeat");
        }
    }

    private void subscribe(FrameworkSession s, FrameworkCall call) {
        byte[] given = call.getSubscribe().getToken().getBytes(StandardCharsets.UTF_8);
        if (!MessageDigest.isEqual(given, token)) {
            LOG.warn("framework subscription from {} refused: wrong token", s.channel.remoteAddress());
            s.reject(call.getCorrelationId(), RejectCode.UNAUTHENTICATED, "wrong framework token; use the token in "
                    + ctx.config.tokenFile());
            return;
        }
        s.authenticated = true;
        s.name = Ids.printable(call.getSubscribe().getName());
        if (call.getSubscribe().getUpdates()) {
            s.updates = true;
            ctx.sessions.subscribe(s);
        }
        s.respond(FrameworkResponse.newBuilder().setCorrelationId(call.getCorrelationId())
                .setSubscribed(FrameworkSubscribed.newBuilder().setNode(ctx.config.node())
                        .addAllNodeTotal(ctx.ledger.total().toProto())).build());
    }

    private void offers(FrameworkSession s, FrameworkCall call) {
        Resources wanted;
        try {
            wanted = Resources.fromProto(call.getOffers().getResourcesList());
        } catch (IllegalArgumentException e) {
            s.reject(call.getCorrelationId(), RejectCode.INVALID_RESOURCES, "requested resources are invalid: "
                    + e.getMessage());
            return;
        }
        Verdict<OfferView> v = ctx.ledger.requestOffer(wanted, ctx.nowUs());
        if (v instanceof Verdict.Rejected<OfferView> r) {
            s.reject(call.getCorrelationId(), r.code(), r.message());
            return;
        }
        s.respond(FrameworkResponse.newBuilder().setCorrelationId(call.getCorrelationId())
                .setOffers(OfferList.newBuilder().addOffers(v.value().toProto(ctx.config.node()))).build());
    }

    private void launch(FrameworkSession s, FrameworkCall call) {
        long cid = call.getCorrelationId();
        var launch = call.getLaunch();
        String exec = launch.getExecutorId().getValue();
        Verdict<Resources> v = ctx.ledger.launch(exec, launch.getTask(), offerIds(launch.getOfferIdsList()), ctx.nowUs());
        if (v instanceof Verdict.Rejected<Resources> r) {
            s.reject(cid, r.code(), r.message());
            return;
        }
        String failure = ctx.applyLimits(exec, v.value());
        if (failure != null) {
            ctx.ledger.abortLaunch(exec, launch.getTask().getTaskId().getValue());
            s.reject(cid, RejectCode.ISOLATOR_FAILED, failure);
            return;
        }
        ctx.sessions.deliver(exec, ExecutorEvent.newBuilder().setLaunch(LaunchEvent.newBuilder()
                .setTask(launch.getTask())).build());
        s.respond(forwarded(cid, exec, false));
    }

    private void kill(FrameworkSession s, FrameworkCall call) {
        long cid = call.getCorrelationId();
        String tid = call.getKill().getTaskId().getValue();
        String owner = ctx.ledger.ownerOf(tid);
        if (owner == null) {
            s.reject(cid, RejectCode.UNKNOWN_TASK, "task " + Ids.printable(tid) + " is not known on this node");
            return;
        }
        if (ctx.ledger.executor(owner) == null) {
            s.reject(cid, RejectCode.UNKNOWN_EXECUTOR, "task " + tid + " belonged to executor " + owner
                    + ", which is gone");
            return;
        }
        deliver(s, cid, owner, ExecutorEvent.newBuilder().setKill(KillEvent.newBuilder()
                .setTaskId(call.getKill().getTaskId()).setGracePeriodMs(call.getKill().getGracePeriodMs())).build());
    }

    private void replace(FrameworkSession s, FrameworkCall call) {
        Failpoints.reached("replace-received");
        long cid = call.getCorrelationId();
        Replace r = call.getReplace();
        long now = ctx.nowUs();
        Verdict<String> v = ctx.ledger.precheckReplace(r, now);
        if (v instanceof Verdict.Rejected<String> rej) {
            if (LOSES_NEW_TASK.contains(rej.code()) && losable(r)) {
                // The seed: an invalid replace reports TASK_LOST for the new task, and the request ends.
                ctx.publishShimStatus(ShimStatuses.of(r.getNewTask().getTaskId(), TaskState.TASK_LOST,
                        TaskReason.REPLACE_INVALID, rej.message(), null, now).toBuilder()
                        .setRelatedTaskId(r.getOldTaskId()).setReplacementId(r.getReplacementId()).build());
            }
            s.reject(cid, rej.code(), rej.message());
            metrics.replaceRejected();
            return;
        }
        String exec = v.value();
        ReplaceEvent event = ReplaceEvent.newBuilder().setReplacementId(r.getReplacementId())
                .setOldTaskId(r.getOldTaskId()).setNewTask(r.getNewTask()).addAllOfferIds(r.getOfferIdsList())
                .setPolicy(r.getPolicy()).setRequestedAtUs(now).build();
        ExecutorEvent replace = ExecutorEvent.newBuilder().setReplace(event).build();
        if (deliver(s, cid, exec, replace)) {
            ctx.sessions.awaitConfirmation(r.getReplacementId().getValue(), exec, replace);
        } else {
            metrics.replaceRejected();
        }
    }

    /**
     * The new task of a refused replace is reported lost only if that id is nobody's task: with the old
     * task's id (a same-id replace), or any other task's, the update would "end" a task that may well run.
     */
    private boolean losable(Replace r) {
        String newId = r.getNewTask().getTaskId().getValue();
        return !newId.equals(r.getOldTaskId().getValue()) && ctx.ledger.ownerOf(newId) == null;
    }

    private boolean deliver(FrameworkSession s, long cid, String exec, ExecutorEvent event) {
        boolean connected = ctx.sessions.isConnected(exec);
        if (!ctx.sessions.deliver(exec, event)) {
            s.reject(cid, RejectCode.EXECUTOR_DISCONNECTED, "executor " + exec + " is re-registering and its queue of "
                    + Sessions.MAILBOX_CAPACITY + " requests is full; retry later");
            return false;
        }
        s.respond(forwarded(cid, exec, !connected));
        return true;
    }

    private void reconcile(FrameworkSession s, FrameworkCall call) {
        TaskStatusList.Builder out = TaskStatusList.newBuilder();
        if (call.getReconcile().getTaskIdsCount() == 0) {
            out.addAllStatuses(ctx.ledger.latestAll());
        }
        for (TaskID id : call.getReconcile().getTaskIdsList()) {
            TaskStatus latest = ctx.ledger.latest(id.getValue());
            out.addStatuses(latest != null ? latest : TaskStatus.newBuilder().setTaskId(id)
                    .setState(TaskState.TASK_UNKNOWN).setReason(TaskReason.REASON_RECONCILIATION)
                    .setMessage("task is not known on this node").setTimestampUs(ctx.nowUs()).build());
        }
        s.respond(FrameworkResponse.newBuilder().setCorrelationId(call.getCorrelationId()).setStatuses(out).build());
    }

    private void acknowledge(FrameworkSession s, FrameworkCall call) {
        var ack = call.getAcknowledge();
        Verdict<String> owner = ctx.ledger.acknowledge(ack.getTaskId().getValue(), ack.getUuid());
        if (owner instanceof Verdict.Rejected<String> r) {
            s.reject(call.getCorrelationId(), r.code(), r.message());
            return;
        }
        ExecutorSession exec = ctx.sessions.executor(owner.value());
        if (exec != null) {
            exec.send(ExecutorEvent.newBuilder().setAcknowledged(io.baton.proto.AcknowledgedEvent.newBuilder()
                    .setTaskId(ack.getTaskId()).setUuid(ack.getUuid())).build());
        }
        s.respond(accepted(call.getCorrelationId()));
    }

    private static List<String> offerIds(List<OfferID> ids) {
        List<String> out = new ArrayList<>(ids.size());
        ids.forEach(o -> out.add(o.getValue()));
        return out;
    }

    private static FrameworkResponse forwarded(long cid, String exec, boolean queued) {
        return FrameworkResponse.newBuilder().setCorrelationId(cid).setForwarded(Forwarded.newBuilder()
                .setExecutorId(ExecutorID.newBuilder().setValue(exec)).setQueued(queued)).build();
    }

    private static FrameworkResponse accepted(long cid) {
        return FrameworkResponse.newBuilder().setCorrelationId(cid).setAccepted(Accepted.getDefaultInstance()).build();
    }
}
