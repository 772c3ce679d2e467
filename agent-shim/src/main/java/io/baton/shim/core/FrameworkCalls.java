package io.baton.shim.core;

import com.google.protobuf.ByteString;
import io.baton.proto.Acknowledge;
import io.baton.proto.AcknowledgedEvent;
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
import io.baton.proto.UpdateRef;
import io.baton.resources.Resources;
import io.baton.ledger.Ids;
import io.baton.ledger.OfferView;
import io.baton.ledger.ReservationView;
import io.baton.ledger.Verdict;
import io.baton.tasks.Replaces;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The framework API: SUBSCRIBE, OFFERS, DECLINE, LAUNCH, KILL, REPLACE, RECONCILE, ACKNOWLEDGE, STATE. */
final class FrameworkCalls {
    /** A refused ACKNOWLEDGE names at most this many of the acknowledgements it did not take, and counts the rest. */
    static final int LISTED_REFUSALS = 10;

    /**
     * Rejections that violate the seed's resource requirements: the request ends (REJECTED, by the old task's
     * executor). Not UNKNOWN_TASK: after a shim restart the old task is unknown until its executor
     * re-subscribes, and a retry of the same replacement may then go through.
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
            if (call.getSubscribe().getWithoutProgress()) {
                s.progressSubscribers.remove(conn); // a subscription again on the connection says it anew
            } else {
                s.progressSubscribers.add(conn);
            }
        }
        s.reply(conn, FrameworkResponse.newBuilder().setCorrelationId(call.getCorrelationId())
                .setSubscribed(FrameworkSubscribed.newBuilder().setNode(s.settings.node())
                        .addAllNodeTotal(s.ledger.total().toProto()).setAcknowledgesTogether(true)
                        .setQuietAcknowledges(true)).build());
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
            s.fwReject(conn, call.getCorrelationId(), r.code(), r.message() + " (node " + s.settings.node() + ")");
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
        ReservationView busy = s.ledger.reservationNaming(tid);
        if (busy != null && (busy.oldTask().getTaskId().getValue().equals(tid) || s.ledger.latest(tid) == null)) {
            s.fwReject(conn, cid, RejectCode.ALREADY_REPLACING, killDuringReplacement(tid, busy));
            return;
        }
        if (owner == null) {
            s.fwReject(conn, cid, RejectCode.UNKNOWN_TASK, "task " + Ids.printable(tid) + " is not known on this node");
            return;
        }
        if (!s.ledger.knowsExecutor(owner)) {
            s.fwReject(conn, cid, RejectCode.UNKNOWN_EXECUTOR, "task " + tid + " belonged to executor " + owner
                    + ", which is gone");
            return;
        }
        forward(conn, cid, owner, ExecutorEvent.newBuilder().setKill(KillEvent.newBuilder()
                .setTaskId(call.getKill().getTaskId()).setGracePeriodMs(call.getKill().getGracePeriodMs())).build());
    }

    /**
     * A kill must not race a replacement for the same task: the old task is the replacement's to stop or to
     * restore, and a new task that is not launched yet has nothing to kill. The new task, once it runs, may be
     * killed (the replacement then rolls back).
     */
    private static String killDuringReplacement(String tid, ReservationView r) {
        String oldId = r.oldTask().getTaskId().getValue();
        String newId = r.newTask().getTaskId().getValue();
        if (tid.equals(oldId)) {
            return "task " + Ids.printable(tid) + " is being replaced by " + Ids.printable(newId) + " (replacement "
                    + Ids.printable(r.replacementId()) + "); the replacement stops or restores it: wait for its "
                    + "outcome, then kill what runs, or kill " + Ids.printable(newId) + " once it runs to roll back";
        }
        return "task " + Ids.printable(tid) + " is the new task of replacement " + Ids.printable(r.replacementId())
                + " (replacing " + Ids.printable(oldId) + ") and is not launched yet: kill it once it runs (the "
                + "replacement then rolls back), or wait for the outcome";
    }

    private void replace(long conn, FrameworkCall call, long now) {
        long cid = call.getCorrelationId();
        Replace r = call.getReplace();
        KnownReplace seen = s.replaces.get(r.getReplacementId().getValue());
        Replace known = seen == null ? null : seen.request();
        if (known != null && !Replaces.same(known, r)) { // a different request under a known id: refused, no more
            s.fwReject(conn, cid, RejectCode.CONFLICT, Replaces.conflict(known, r));
            return;
        }
        Verdict<String> v = s.ledger.precheckReplace(r, now);
        if (v instanceof Verdict.Rejected<String> rej) {
            refused(conn, cid, r, known, rej, now);
            return;
        }
        String exec = v.value();
        ExecutorEvent replace = ExecutorEvent.newBuilder().setReplace(ReplaceEvent.newBuilder().setRequest(r)
                .setRequestedAtUs(now)).build();
        io.baton.proto.Reserve onDelivery = known == null ? reserveOnDelivery(r, exec) : null;
        if (known == null) {
            s.replaces.put(r.getReplacementId().getValue(), KnownReplace.of(r));
        }
        if (onDelivery != null) {
            // the grant first: where it is decided at once (this node's ledger), the REPLACE is on its way to the
            // executor before the framework's answer is written, as a forwarded call's is (see forward)
            s.emit(new Effect.RequestGrant(s.request(new Pending.DeliveryGrant(exec, onDelivery, replace, now)), exec,
                    onDelivery));
            s.reply(conn, forwarded(cid, exec, false));
        } else if (forward(conn, cid, exec, replace)) {
            s.mail.awaitConfirmation(r.getReplacementId().getValue(), exec, replace);
        } else {
            s.emit(new Effect.ReplaceRefused());
        }
    }

    /**
     * The RESERVE the executor would send for this request, when the shim can make it on delivery without moving
     * any resources (so it is granted at once everywhere, and needs no answer from the executor's side): a new
     * replacement id, no offers, not concurrent, the old task RUNNING on the connected executor. Null otherwise.
     */
    private io.baton.proto.Reserve reserveOnDelivery(Replace r, String exec) {
        String rid = r.getReplacementId().getValue();
        String oldId = r.getOldTaskId().getValue();
        TaskStatus old = s.ledger.latest(oldId);
        if (!s.settings.reserveOnDelivery() || s.connOf(exec) == null || r.getOfferIdsCount() > 0
                || r.getPolicy().getStrategy() == io.baton.proto.ReplaceStrategy.START_THEN_STOP
                || r.getPolicy().getStrategy() == io.baton.proto.ReplaceStrategy.FREEZE_THEN_START
                || s.ledger.knowsReplacement(rid) || !exec.equals(s.ledger.ownerOf(oldId)) || old == null
                || old.getState() != TaskState.TASK_RUNNING || reserveUnderWayOf(exec, oldId)) {
            return null;
        }
        return io.baton.proto.Reserve.newBuilder().setReplacementId(r.getReplacementId()).setOldTaskId(r.getOldTaskId())
                .setNewTask(r.getNewTask()).setConcurrent(false).build();
    }

    /**
     * Whether a RESERVE of {@code exec} for a replacement of {@code oldId} is waiting for its grant: a second
     * REPLACE of that task is delivered plain then (the executor refuses it as busy). Reserved on delivery, it took
     * the task before the first one's grant booked it, so that one was refused (ALREADY_REPLACING) and both
     * replacements failed (found in a review of the simulation's second-REPLACE workload).
     */
    private boolean reserveUnderWayOf(String exec, String oldId) {
        for (CoreState.ReserveUnderWay u : s.reservesUnderWay.values()) {
            if (u.executorId().equals(exec) && u.call().getOldTaskId().getValue().equals(oldId)) {
                return true;
            }
        }
        return false;
    }

    /** The grant for a reservation on delivery: booked, then the container is set; not granted: delivered plain. */
    void deliveryGranted(Pending.DeliveryGrant p, String refusal) {
        var v = refusal != null ? null : s.ledger.reserve(p.executorId(), p.reserve(), p.nowUs());
        if (v == null || v instanceof Verdict.Rejected<ReservationView>) {
            deliver(p.executorId(), p.replace()); // the executor's own RESERVE gets the refusal, with its numbers
            return;
        }
        Resources limits = s.ledger.limitsOf(p.executorId());
        s.emit(new Effect.ApplyLimits(s.request(new Pending.DeliveryLimits(p.executorId(), limits, p.replace(),
                v.value())), p.executorId(), limits, false));
    }

    /** The container holds the pool: the request goes out with its reservation (undone, and refused, if not). */
    void deliveryLimits(Pending.DeliveryLimits p, Input.LimitsApplied a) {
        String failure = s.limitsFailure(p.executorId(), p.limits(), a.failure());
        String rid = p.reservation().replacementId();
        ReplaceEvent.Builder e = p.replace().getReplace().toBuilder();
        if (failure != null) {
            s.ledger.release(p.executorId(), io.baton.proto.Release.newBuilder().setReplacementId(
                    io.baton.proto.ReplacementID.newBuilder().setValue(rid)).setKeep(io.baton.proto.Keep.KEEP_OLD).build());
            Resources back = s.ledger.limitsOf(p.executorId());
            s.emit(new Effect.ApplyLimits(s.request(new Pending.RestoreLimits(p.executorId(), back)), p.executorId(),
                    back, false));
            e.setRefusal(Rejection.newBuilder().setCode(RejectCode.ISOLATOR_FAILED).setMessage("replacement " + rid
                    + " was not reserved: " + failure));
        } else {
            e.setReserved(p.reservation().toRecord());
        }
        deliver(p.executorId(), ExecutorEvent.newBuilder().setReplace(e).build());
    }

    private void deliver(String exec, ExecutorEvent replace) {
        if (s.deliver(exec, replace)) {
            s.mail.awaitConfirmation(replace.getReplace().getRequest().getReplacementId().getValue(), exec, replace);
        } else {
            s.note(Effect.Note.Level.WARN, "replacement " + replace.getReplace().getRequest().getReplacementId()
                    .getValue() + " could not be delivered: executor " + exec + " went away while it was reserved and "
                    + "its queue of " + Mailboxes.CAPACITY + " requests is full; the framework must ask again");
            s.emit(new Effect.ReplaceRefused());
        }
    }

    /**
     * A refused REPLACE. The shim never ends a replacement itself: the executor of the old task is the one
     * that knows every replacement id it has seen (a retry of one that ended long ago, after a shim restart,
     * looks like any refused request here). So when the seed says the request ends (its resources are
     * invalid) and the old task's executor is known, the request goes on to it with the refusal: it ends the
     * request REJECTED (new task TASK_LOST, unless that id is the old task's) or, for a retry, answers with
     * what it knows. The caller is told at once either way, and whether an outcome follows.
     */
    private void refused(long conn, long cid, Replace r, Replace known, Verdict.Rejected<String> rej, long now) {
        String owner = s.ledger.ownerOf(r.getOldTaskId().getValue());
        if (owner == null && !r.getExecutorId().getValue().isEmpty() && s.ledger.knowsExecutor(r.getExecutorId().getValue())) {
            owner = r.getExecutorId().getValue();
        }
        Rejection rejection = Rejection.newBuilder().setCode(rej.code()).setMessage(rej.message()).build();
        if (LOSES_NEW_TASK.contains(rej.code()) && owner != null && s.ledger.knowsExecutor(owner)
                && s.deliver(owner, ExecutorEvent.newBuilder().setReplace(ReplaceEvent.newBuilder().setRequest(r)
                        .setRequestedAtUs(now).setRefusal(rejection)).build())) {
            if (known == null) {
                s.replaces.put(r.getReplacementId().getValue(), KnownReplace.of(r));
            }
            rejection = rejection.toBuilder().setOutcomeFollows(true).build();
        }
        s.fwReject(conn, cid, rejection);
        s.emit(new Effect.ReplaceRefused());
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

    /**
     * The framework acknowledged one update or several: each is taken on its own, in order, and forwarded to its
     * executor if connected (it resends otherwise), one event per executor for the whole call. Accepted when every
     * one was taken; else refused, naming those that were not (the rest were taken).
     */
    private void acknowledge(long conn, FrameworkCall call) {
        Acknowledge ack = call.getAcknowledge();
        int n = 1 + ack.getMoreCount();
        Map<String, AcknowledgedEvent.Builder> byOwner = new LinkedHashMap<>(2);
        Verdict.Rejected<String> firstRefusal = null;
        List<String> refusals = List.of();
        int refused = 0;
        for (int i = 0; i < n; i++) {
            TaskID task = i == 0 ? ack.getTaskId() : ack.getMore(i - 1).getTaskId();
            ByteString uuid = i == 0 ? ack.getUuid() : ack.getMore(i - 1).getUuid();
            Verdict<String> owner = s.ledger.acknowledge(task.getValue(), uuid);
            if (owner instanceof Verdict.Rejected<String> r) {
                if (firstRefusal == null) {
                    firstRefusal = r;
                    refusals = new ArrayList<>(1);
                }
                if (refused++ < LISTED_REFUSALS) {
                    refusals.add(r.message()); // names the task
                }
                continue;
            }
            AcknowledgedEvent.Builder event = byOwner.get(owner.value());
            if (event == null) {
                byOwner.put(owner.value(), AcknowledgedEvent.newBuilder().setTaskId(task).setUuid(uuid));
            } else {
                event.addMore(UpdateRef.newBuilder().setTaskId(task).setUuid(uuid));
            }
        }
        for (Map.Entry<String, AcknowledgedEvent.Builder> e : byOwner.entrySet()) {
            AcknowledgedEvent.Builder event = e.getValue();
            if (event.getMoreCount() > 0 && !s.readsAcknowledgedTogether(e.getKey())) { // an older executor: one each
                List<UpdateRef> more = List.copyOf(event.getMoreList());
                s.sendIfConnected(e.getKey(), ExecutorEvent.newBuilder().setAcknowledged(event.clearMore()).build());
                for (UpdateRef m : more) {
                    s.sendIfConnected(e.getKey(), ExecutorEvent.newBuilder().setAcknowledged(AcknowledgedEvent
                            .newBuilder().setTaskId(m.getTaskId()).setUuid(m.getUuid())).build());
                }
                continue;
            }
            s.sendIfConnected(e.getKey(), ExecutorEvent.newBuilder().setAcknowledged(event).build());
        }
        if (firstRefusal == null) {
            if (!call.getQuiet()) { // a quiet one is answered only when refused
                s.fwAccepted(conn, call.getCorrelationId());
            }
        } else {
            s.fwReject(conn, call.getCorrelationId(), firstRefusal.code(), n == 1 ? firstRefusal.message()
                    : refused + " of " + n + " acknowledgements not taken (" + (n - refused) + " taken): "
                    + String.join("; ", refusals) + (refused > LISTED_REFUSALS ? "; and " + (refused - LISTED_REFUSALS)
                    + " more" : ""));
        }
    }

    private static FrameworkResponse forwarded(long cid, String exec, boolean queued) {
        return FrameworkResponse.newBuilder().setCorrelationId(cid).setForwarded(Forwarded.newBuilder()
                .setExecutorId(ExecutorID.newBuilder().setValue(exec)).setQueued(queued)).build();
    }
}
