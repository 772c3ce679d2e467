package io.baton.shim.core;

import io.baton.proto.ExecutorEvent;
import io.baton.proto.ExecutorID;
import io.baton.proto.Forwarded;
import io.baton.proto.FrameworkCall;
import io.baton.proto.FrameworkResponse;
import io.baton.proto.FrameworkSubscribed;
import io.baton.proto.KillEvent;
import io.baton.proto.LaunchEvent;
import io.baton.proto.OfferList;
import io.baton.proto.RejectCode;
import io.baton.proto.Rejection;
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
import io.baton.tasks.Replaces;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/** The framework API: SUBSCRIBE, OFFERS, DECLINE, LAUNCH, KILL, REPLACE, RECONCILE, ACKNOWLEDGE, STATE. */
final class FrameworkCalls {
    /**
     * Rejections that violate the seed's resource requirements: the new task is reported TASK_LOST. Not
     * UNKNOWN_TASK: after a shim restart the old task is unknown until its executor re-subscribes, and a
     * retry of the same replacement may then go through — the new task would run after being "lost".
     */
    static final Set<RejectCode> LOSES_NEW_TASK = EnumSet.of(RejectCode.INSUFFICIENT_RESOURCES,
            RejectCode.INVALID_RESOURCES, RejectCode.UNKNOWN_OFFER, RejectCode.OFFER_EXPIRED, RejectCode.OFFER_USED,
            RejectCode.OFFER_FOREIGN);

    private final CoreState s;
    private final String isolatorKind;

    FrameworkCalls(CoreState s, String isolatorKind) {
        this.s = s;
        this.isolatorKind = isolatorKind;
    }

    void on(Input.FrameworkCalled in) {
        FrameworkCall call = in.call();
        long conn = in.conn();
        long cid = call.getCorrelationId();
        CoreState.FrameworkConn f = s.frameworkConns.computeIfAbsent(conn, k -> new CoreState.FrameworkConn());
        if (call.getCallCase() == FrameworkCall.CallCase.SUBSCRIBE) {
            subscribe(conn, f, call);
            return;
        }
        if (!f.authenticated) {
            s.fwReject(conn, cid, RejectCode.UNAUTHENTICATED, "SUBSCRIBE with the framework token first");
            return;
        }
        switch (call.getCallCase()) {
            case OFFERS -> offers(conn, call, in.nowUs());
            case DECLINE -> {
                List<String> ids = new ArrayList<>();
                call.getDecline().getOfferIdsList().forEach(o -> ids.add(o.getValue()));
                s.ledger.decline(ids);
                s.fwAccepted(conn, cid);
            }
            case LAUNCH -> launch(conn, call, in.nowUs());
            case KILL -> kill(conn, call);
            case REPLACE -> replace(conn, call, in.nowUs());
            case RECONCILE -> reconcile(conn, call, in.nowUs());
            case ACKNOWLEDGE -> acknowledge(conn, call);
            case STATE -> s.reply(conn, FrameworkResponse.newBuilder().setCorrelationId(cid)
                    .setState(NodeStates.snapshot(s, isolatorKind)).build());
            case HEARTBEAT -> s.fwAccepted(conn, cid);
            default -> s.fwReject(conn, cid, RejectCode.MALFORMED, "the call is empty: set one of subscribe, offers, "
                    + "decline, launch, kill, replace, reconcile, acknowledge, state, heartbeat");
        }
    }

    private void subscribe(long conn, CoreState.FrameworkConn f, FrameworkCall call) {
        byte[] given = call.getSubscribe().getToken().getBytes(StandardCharsets.UTF_8);
        if (!MessageDigest.isEqual(given, s.settings.token().getBytes(StandardCharsets.UTF_8))) {
            s.note(Effect.Note.Level.WARN, "framework subscription on connection " + conn + " refused: wrong token");
            s.fwReject(conn, call.getCorrelationId(), RejectCode.UNAUTHENTICATED, "wrong framework token; use the token in "
                    + s.settings.tokenFile());
            return;
        }
        f.authenticated = true;
        f.name = Ids.printable(call.getSubscribe().getName());
        if (call.getSubscribe().getUpdates()) {
            f.updates = true;
            s.subscribers.add(conn);
        }
        s.reply(conn, FrameworkResponse.newBuilder().setCorrelationId(call.getCorrelationId())
                .setSubscribed(FrameworkSubscribed.newBuilder().setNode(s.settings.node())
                        .addAllNodeTotal(s.ledger.total().toProto())).build());
    }

    private void offers(long conn, FrameworkCall call, long now) {
        Resources wanted;
        try {
            wanted = Resources.fromProto(call.getOffers().getResourcesList());
        } catch (IllegalArgumentException e) {
            s.fwReject(conn, call.getCorrelationId(), RejectCode.INVALID_RESOURCES, "requested resources are invalid: "
                    + e.getMessage());
            return;
        }
        Verdict<OfferView> v = s.ledger.requestOffer(wanted, now);
        if (v instanceof Verdict.Rejected<OfferView> r) {
            s.fwReject(conn, call.getCorrelationId(), r.code(), r.message());
            return;
        }
        s.reply(conn, FrameworkResponse.newBuilder().setCorrelationId(call.getCorrelationId())
                .setOffers(OfferList.newBuilder().addOffers(v.value().toProto(s.settings.node()))).build());
        s.emit(new Effect.WakeAt(v.value().expiresAtUs()));
    }

    private void launch(long conn, FrameworkCall call, long now) {
        var launch = call.getLaunch();
        String exec = launch.getExecutorId().getValue();
        List<String> offers = new ArrayList<>();
        launch.getOfferIdsList().forEach(o -> offers.add(o.getValue()));
        Verdict<Resources> v = s.ledger.launch(exec, launch.getTask(), offers, now);
        if (v instanceof Verdict.Rejected<Resources> r) {
            s.fwReject(conn, call.getCorrelationId(), r.code(), r.message());
            return;
        }
        s.emit(new Effect.ApplyLimits(s.request(new Pending.LaunchLimits(conn, call.getCorrelationId(), exec, v.value(),
                launch.getTask())), exec, v.value(), false));
    }

    /** The rest of LAUNCH: forwarded once the container has grown; undone when it could not. */
    void launchLimits(Pending.LaunchLimits p, Input.LimitsApplied a) {
        String failure = s.limitsFailure(p.executorId(), p.limits(), a.failure());
        if (failure != null) {
            s.ledger.abortLaunch(p.executorId(), p.task().getTaskId().getValue());
            s.fwReject(p.conn(), p.cid(), RejectCode.ISOLATOR_FAILED, failure);
            return;
        }
        // as before this core: a LAUNCH is answered "forwarded, not queued" even when it waits in the mailbox
        s.deliver(p.executorId(), ExecutorEvent.newBuilder().setLaunch(LaunchEvent.newBuilder().setTask(p.task())).build());
        s.reply(p.conn(), forwarded(p.cid(), p.executorId(), false));
    }

    private void kill(long conn, FrameworkCall call) {
        long cid = call.getCorrelationId();
        String tid = call.getKill().getTaskId().getValue();
        String owner = s.ledger.ownerOf(tid);
        if (owner == null) {
            s.fwReject(conn, cid, RejectCode.UNKNOWN_TASK, "task " + Ids.printable(tid) + " is not known on this node");
            return;
        }
        if (s.ledger.executor(owner) == null) {
            s.fwReject(conn, cid, RejectCode.UNKNOWN_EXECUTOR, "task " + tid + " belonged to executor " + owner
                    + ", which is gone");
            return;
        }
        forward(conn, cid, owner, ExecutorEvent.newBuilder().setKill(KillEvent.newBuilder()
                .setTaskId(call.getKill().getTaskId()).setGracePeriodMs(call.getKill().getGracePeriodMs())).build());
    }

    private void replace(long conn, FrameworkCall call, long now) {
        long cid = call.getCorrelationId();
        Replace r = call.getReplace();
        Replace known = s.replaces.get(r.getReplacementId().getValue());
        if (known != null && !Replaces.same(known, r)) { // a different request under a known id: refused, no more
            s.fwReject(conn, cid, RejectCode.CONFLICT, Replaces.conflict(known, r));
            return;
        }
        Rejection endedHere = known == null ? null : s.endedHere.get(r.getReplacementId().getValue());
        if (endedHere != null) { // a retry of a request this shim ended: the same answer, nothing new
            s.fwReject(conn, cid, endedHere);
            return;
        }
        Verdict<String> v = s.ledger.precheckReplace(r, now);
        if (v instanceof Verdict.Rejected<String> rej) {
            if (LOSES_NEW_TASK.contains(rej.code()) && losable(r, known)) {
                // The seed: an invalid replace reports TASK_LOST for the new task, and the request ends: this is
                // its final update (outcome REJECTED), on the stream and in the answer
                TaskStatus lost = s.shimStatus(r.getNewTask().getTaskId(), TaskState.TASK_LOST,
                        TaskReason.REPLACE_INVALID, rej.message(), null, now).toBuilder()
                        .setRelatedTaskId(r.getOldTaskId()).setReplacementId(r.getReplacementId())
                        .setOutcome(io.baton.proto.ReplacementOutcome.REJECTED).build();
                s.publishShimStatus(lost);
                Rejection ended = Rejection.newBuilder().setCode(rej.code()).setMessage(rej.message())
                        .setFinalUpdate(lost).build();
                s.replaces.put(r.getReplacementId().getValue(), r);
                s.endedHere.put(r.getReplacementId().getValue(), ended);
                s.fwReject(conn, cid, ended);
            } else {
                s.fwReject(conn, cid, rej.code(), rej.message());
            }
            s.emit(new Effect.ReplaceRefused());
            return;
        }
        String exec = v.value();
        ExecutorEvent replace = ExecutorEvent.newBuilder().setReplace(ReplaceEvent.newBuilder().setRequest(r)
                .setRequestedAtUs(now)).build();
        if (known == null) {
            s.replaces.put(r.getReplacementId().getValue(), r);
        }
        if (forward(conn, cid, exec, replace)) {
            s.mail.awaitConfirmation(r.getReplacementId().getValue(), exec, replace);
        } else {
            s.emit(new Effect.ReplaceRefused());
        }
    }

    /**
     * A refused replace ends (its new task reported lost) only when the shim is certain nothing else can end
     * it: its new task id is nobody's (with the old task's id, a same-id replace, or any other task's, the
     * update would "end" a task that may well run), and its replacement id is not an executor's (forwarded
     * before by this shim, or named by a re-subscribing executor as in flight or with its outcome unacknowledged:
     * simulation seeds 1545907, 902681108870): there the executor owns the outcome, and a retry's refusal (its
     * offer used meanwhile, or gone with a shim restart) is the caller's only.
     */
    private boolean losable(Replace r, Replace known) {
        String newId = r.getNewTask().getTaskId().getValue();
        String rid = r.getReplacementId().getValue();
        return known == null && !s.underWayAtExecutors.contains(rid) && !newId.equals(r.getOldTaskId().getValue())
                && s.ledger.ownerOf(newId) == null;
    }

    private boolean forward(long conn, long cid, String exec, ExecutorEvent event) {
        boolean connected = s.connOf(exec) != null;
        if (!s.deliver(exec, event)) {
            s.fwReject(conn, cid, RejectCode.EXECUTOR_DISCONNECTED, "executor " + exec + " is re-registering and its "
                    + "queue of " + Mailboxes.CAPACITY + " requests is full; retry later");
            return false;
        }
        s.reply(conn, forwarded(cid, exec, !connected));
        return true;
    }

    private void reconcile(long conn, FrameworkCall call, long now) {
        TaskStatusList.Builder out = TaskStatusList.newBuilder();
        if (call.getReconcile().getTaskIdsCount() == 0) {
            out.addAllStatuses(s.ledger.latestAll());
        }
        for (TaskID id : call.getReconcile().getTaskIdsList()) {
            TaskStatus latest = s.ledger.latest(id.getValue());
            out.addStatuses(latest != null ? latest : TaskStatus.newBuilder().setTaskId(id)
                    .setState(TaskState.TASK_UNKNOWN).setReason(TaskReason.REASON_RECONCILIATION)
                    .setMessage("task is not known on this node").setTimestampUs(now).build());
        }
        s.reply(conn, FrameworkResponse.newBuilder().setCorrelationId(call.getCorrelationId()).setStatuses(out).build());
    }

    /** The framework acknowledged an update: forwarded to its executor if connected (it resends otherwise). */
    private void acknowledge(long conn, FrameworkCall call) {
        var ack = call.getAcknowledge();
        Verdict<String> owner = s.ledger.acknowledge(ack.getTaskId().getValue(), ack.getUuid());
        if (owner instanceof Verdict.Rejected<String> r) {
            s.fwReject(conn, call.getCorrelationId(), r.code(), r.message());
            return;
        }
        s.sendIfConnected(owner.value(), ExecutorEvent.newBuilder().setAcknowledged(io.baton.proto.AcknowledgedEvent
                .newBuilder().setTaskId(ack.getTaskId()).setUuid(ack.getUuid())).build());
        s.fwAccepted(conn, call.getCorrelationId());
    }

    private static FrameworkResponse forwarded(long cid, String exec, boolean queued) {
        return FrameworkResponse.newBuilder().setCorrelationId(cid).setForwarded(Forwarded.newBuilder()
                .setExecutorId(ExecutorID.newBuilder().setValue(exec)).setQueued(queued)).build();
    }
}
