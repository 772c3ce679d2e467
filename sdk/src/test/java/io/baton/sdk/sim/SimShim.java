package io.baton.sdk.sim;

import io.baton.proto.AcknowledgedEvent;
import io.baton.proto.ExecutorCall;
import io.baton.proto.ExecutorEvent;
import io.baton.proto.ExecutorResponse;
import io.baton.proto.ExecutorSubscribed;
import io.baton.proto.KillEvent;
import io.baton.proto.LaunchEvent;
import io.baton.proto.RejectCode;
import io.baton.proto.Rejection;
import io.baton.proto.Replace;
import io.baton.proto.ReplaceEvent;
import io.baton.proto.TaskID;
import io.baton.proto.TaskInfo;
import io.baton.proto.TaskReason;
import io.baton.proto.TaskState;
import io.baton.proto.TaskStatus;
import io.baton.resources.Resources;
import io.baton.shim.isolator.InMemoryIsolator;
import io.baton.shim.isolator.IsolatorException;
import io.baton.shim.isolator.Limits;
import io.baton.ledger.Ledger;
import io.baton.ledger.OfferView;
import io.baton.ledger.Verdict;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The shim: the REAL {@link Ledger} and {@link InMemoryIsolator}, behind a model of the shim's
 * Netty-bound API layer (ExecutorApi, FrameworkApi, Sessions, Containers) that follows those classes
 * step by step. It persists nothing: a crash loses the ledger, sessions, mailbox and offers; the
 * isolator (the kernel's cgroups) survives.
 */
final class SimShim {
    static final Resources TOTAL = Resources.parse("cpus:6;mem:6144");
    static final java.util.Set<RejectCode> LOSES_NEW_TASK = java.util.EnumSet.of(RejectCode.INSUFFICIENT_RESOURCES,
            RejectCode.INVALID_RESOURCES, RejectCode.UNKNOWN_OFFER, RejectCode.OFFER_EXPIRED, RejectCode.OFFER_USED,
            RejectCode.OFFER_FOREIGN); // FrameworkApi.LOSES_NEW_TASK

    private final SimWorld w;
    private final SimNet net;
    final InMemoryIsolator isolator = new InMemoryIsolator();
    private final java.util.function.Function<Resources, Ledger> ledgers;
    private boolean up = true;
    private boolean housekeeping;
    private int incarnation;
    private int crashes;
    Ledger ledger;
    private final Map<String, Resources> applied = new LinkedHashMap<>();
    private String boundExecutor;
    private int boundEpoch = -1;
    private int fwEpoch = -1;
    private final ArrayDeque<ExecutorEvent> mailbox = new ArrayDeque<>();
    private final Map<String, ExecutorEvent> unconfirmed = new LinkedHashMap<>();

    private final Simulation.Sabotage sabotage;

    SimShim(SimWorld w, SimNet net, java.util.function.Function<Resources, Ledger> ledgers, Simulation.Sabotage sabotage) {
        this.w = w;
        this.sabotage = sabotage;
        this.net = net;
        this.ledgers = ledgers;
        this.ledger = ledgers.apply(TOTAL);
    }

    boolean up() {
        return up;
    }

    int crashes() {
        return crashes;
    }

    // ------------------------------------------------------------------ crash and restart

    void maybeCrashLater() {
        for (int i = 0; i < w.faults.maxShimCrashes(); i++) {
            w.after(w.between(1_000_000, w.faults.quietAfterUs() - 2_000_000), "shim crash", this::crash);
        }
    }

    private void crash() {
        if (!up) {
            return;
        }
        crashes++;
        up = false;
        incarnation++;
        w.trace("SHIM CRASH #" + crashes);
        net.reset(net.exec, "shim died");
        net.reset(net.fw, "shim died");
        w.after(w.between(100_000, 3_000_000), "shim restart", () -> {
            ledger = ledgers.apply(TOTAL); // nothing persisted: rebuilt from re-subscriptions
            applied.clear();
            boundExecutor = null;
            boundEpoch = -1;
            fwEpoch = -1;
            mailbox.clear();
            unconfirmed.clear();
            housekeeping = false;
            up = true;
            w.trace("shim restarted (incarnation " + incarnation + ")");
        });
    }

    void linkDown(SimNet.Link l, int deadEpoch) {
        if (!up) {
            return;
        }
        if (l == net.exec && boundEpoch == deadEpoch && boundExecutor != null) {
            ledger.disconnected(boundExecutor, w.now());
            w.trace("shim: executor " + boundExecutor + " disconnected");
            boundExecutor = null;
            boundEpoch = -1;
        }
        if (l == net.fw && fwEpoch == deadEpoch) {
            fwEpoch = -1;
        }
    }

    // ------------------------------------------------------------------ executor API (ExecutorApi)

    void executorCall(int epoch, ExecutorCall call, Consumer<ExecutorResponse> reply) {
        long cid = call.getCorrelationId();
        ExecutorResponse.Builder r = ExecutorResponse.newBuilder().setCorrelationId(cid);
        if (call.hasSubscribe()) {
            subscribe(epoch, call, reply);
            return;
        }
        String exec = boundEpoch == epoch ? boundExecutor : null;
        if (exec == null) {
            reply.accept(reject(cid, RejectCode.UNAUTHENTICATED, "SUBSCRIBE first"));
            return;
        }
        switch (call.getCallCase()) {
            case UPDATE -> {
                TaskStatus status = call.getUpdate().getStatus();
                Verdict<Ledger.StatusEffect> v = ledger.recordStatus(exec, status);
                if (v instanceof Verdict.Rejected<Ledger.StatusEffect> rej) {
                    reply.accept(reject(cid, rej.code(), rej.message()));
                    break;
                }
                if (v.value().freed()) {
                    applyLimits(exec, v.value().limits());
                }
                if (status.hasReplacementId()) {
                    unconfirmed.remove(status.getReplacementId().getValue());
                }
                publish(status);
                reply.accept(r.setAccepted(io.baton.proto.Accepted.getDefaultInstance()).build());
            }
            case RESERVE -> {
                unconfirmed.remove(call.getReserve().getReplacementId().getValue());
                var v = ledger.reserve(exec, call.getReserve(), w.now());
                reply.accept(v instanceof Verdict.Rejected<?> rej ? reject(cid, rej.code(), rej.message())
                        : r.setReserved(v.value().toRecord()).build());
            }
            case ADJUST -> limitsAnswer(exec, cid, ledger.adjust(exec, call.getAdjust().getReplacementId().getValue(),
                    Resources.fromProto(call.getAdjust().getInUseList())), false, reply);
            case RELEASE -> limitsAnswer(exec, cid, sabotage == Simulation.Sabotage.RELEASE_NOTHING
                    ? Verdict.ok(ledger.limitsOf(exec)) : ledger.release(exec, call.getRelease()), true, reply);
            default -> reply.accept(reject(cid, RejectCode.MALFORMED, "unsupported " + call.getCallCase()));
        }
        audit("after " + call.getCallCase());
    }

    private void subscribe(int epoch, ExecutorCall call, Consumer<ExecutorResponse> reply) {
        long cid = call.getCorrelationId();
        String id = call.getSubscribe().getExecutorId().getValue();
        if (boundEpoch == epoch) {
            reply.accept(reject(cid, RejectCode.CONFLICT, "this connection is already subscribed"));
            return;
        }
        Verdict<Ledger.SubscribePlan> plan = ledger.prepareSubscribe(withQueuedLaunches(call.getSubscribe()), 4242, 1000);
        if (plan instanceof Verdict.Rejected<Ledger.SubscribePlan> rej) {
            reply.accept(reject(cid, rej.code(), rej.message()));
            return;
        }
        try {
            isolator.prepare(id);
            isolator.attach(id, 4242);
        } catch (IsolatorException e) {
            throw new IllegalStateException(e);
        }
        Ledger.Subscribed subscribed = ledger.commitSubscribe(plan.value());
        boundExecutor = id;
        boundEpoch = epoch;
        applied.remove(id); // forget: the next apply writes
        applyLimits(id, subscribed.limits());
        for (TaskInfo lost : subscribed.lostTasks()) {
            publishShimStatus(shimStatus(lost.getTaskId(), TaskState.TASK_LOST, TaskReason.REASON_EXECUTOR_UNREGISTERED,
                    "executor re-subscribed without this task", id));
        }
        w.trace("shim: " + id + " subscribed with " + call.getSubscribe().getTasksCount() + " tasks, "
                + call.getSubscribe().getReservationsCount() + " reservations; lost " + subscribed.lostTasks().size()
                + "; limits " + subscribed.limits());
        reply.accept(ExecutorResponse.newBuilder().setCorrelationId(cid).setSubscribed(ExecutorSubscribed.newBuilder()
                .setExecutorId(call.getSubscribe().getExecutorId()).addAllNodeTotal(TOTAL.toProto())).build());
        List<ExecutorEvent> queued = new ArrayList<>(mailbox);
        mailbox.clear();
        queued.forEach(this::sendToExecutor);
        for (ExecutorEvent e : List.copyOf(unconfirmed.values())) {
            if (!queued.contains(e)) {
                sendToExecutor(e);
            }
        }
        audit("after SUBSCRIBE");
    }

    /** ExecutorApi.withQueuedLaunches: tasks whose LAUNCH waits in the mailbox are not lost. */
    private io.baton.proto.ExecutorSubscribe withQueuedLaunches(io.baton.proto.ExecutorSubscribe sub) {
        java.util.Set<String> mentioned = new java.util.LinkedHashSet<>();
        sub.getTasksList().forEach(t -> mentioned.add(t.getTask().getTaskId().getValue()));
        sub.getReservationsList().forEach(r -> {
            mentioned.add(r.getOldTask().getTaskId().getValue());
            mentioned.add(r.getNewTask().getTaskId().getValue());
        });
        io.baton.proto.ExecutorSubscribe.Builder b = sub.toBuilder();
        for (ExecutorEvent e : mailbox) {
            if (e.hasLaunch() && mentioned.add(e.getLaunch().getTask().getTaskId().getValue())) {
                b.addTasks(io.baton.proto.TaskRecord.newBuilder().setTask(e.getLaunch().getTask())
                        .setState(TaskState.TASK_STAGING));
            }
        }
        return b.build();
    }

    private void limitsAnswer(String exec, long cid, Verdict<Resources> v, boolean release,
            Consumer<ExecutorResponse> reply) {
        if (v instanceof Verdict.Rejected<Resources> rej) {
            reply.accept(reject(cid, rej.code(), rej.message()));
            return;
        }
        applyLimits(exec, v.value());
        io.baton.proto.ContainerLimits limits = io.baton.proto.ContainerLimits.newBuilder()
                .addAllLimits(v.value().toProto()).build();
        ExecutorResponse.Builder b = ExecutorResponse.newBuilder().setCorrelationId(cid);
        reply.accept((release ? b.setReleased(limits) : b.setAdjusted(limits)).build());
    }

    /** Containers.apply with an isolator whose memory usage is always low enough to lower the hard limit. */
    private void applyLimits(String exec, Resources limits) {
        if (limits.equals(applied.get(exec))) {
            return;
        }
        try {
            isolator.applyCpu(exec, limits.cpusMillis());
            if (limits.memBytes() > 0 && (sabotage != Simulation.Sabotage.STALE_LIMITS || !applied.containsKey(exec))) {
                isolator.applyMemorySoft(exec, limits.memBytes());
                isolator.applyMemoryHard(exec, limits.memBytes());
            }
        } catch (IsolatorException e) {
            throw new IllegalStateException(e);
        }
        applied.put(exec, limits);
    }

    private void sendToExecutor(ExecutorEvent e) {
        w.trace("shim: to executor " + SimText.event(e) + (boundExecutor == null ? " (mailbox)" : ""));
        if (boundExecutor == null) {
            mailbox.add(e);
            return;
        }
        net.send(net.exec, false, "shim->exec " + SimText.event(e), e.hasAcknowledged(),
                () -> net.executor.shimEvent(e));
    }

    // ------------------------------------------------------------------ framework API (FrameworkApi)

    void frameworkSubscribe(int epoch) {
        fwEpoch = epoch;
    }

    Verdict<OfferView> offers(Resources wanted) {
        Verdict<OfferView> v = ledger.requestOffer(wanted, w.now());
        audit("after OFFERS");
        if (v.accepted() && !housekeeping) {
            housekeeping = true;
            int inc = incarnation;
            w.after(1_000_000, "shim housekeeping", () -> housekeeping(inc));
        }
        return v;
    }

    /** ShimServer.housekeeping (every second): offers expire back to free. Scheduled only while offers exist. */
    private void housekeeping(int inc) {
        if (inc != incarnation || !up) {
            housekeeping = false;
            return;
        }
        ledger.expireOffers(w.now());
        audit("after housekeeping");
        if (ledger.offers().isEmpty()) {
            housekeeping = false;
        } else {
            w.after(1_000_000, "shim housekeeping", () -> housekeeping(inc));
        }
    }

    Verdict<Resources> launch(String exec, TaskInfo task, List<String> offerIds) {
        Verdict<Resources> v = ledger.launch(exec, task, offerIds, w.now());
        if (v.accepted()) {
            applyLimits(exec, v.value());
            sendToExecutor(ExecutorEvent.newBuilder().setLaunch(LaunchEvent.newBuilder().setTask(task)).build());
        }
        audit("after LAUNCH");
        return v;
    }

    Verdict<String> kill(String taskId) {
        String owner = ledger.ownerOf(taskId);
        if (owner == null) {
            return Verdict.reject(RejectCode.UNKNOWN_TASK, "task " + taskId + " is not known on this node");
        }
        sendToExecutor(ExecutorEvent.newBuilder().setKill(KillEvent.newBuilder().setTaskId(TaskID.newBuilder()
                .setValue(taskId))).build());
        return Verdict.ok(owner);
    }

    Verdict<String> replace(Replace r) {
        Verdict<String> v = ledger.precheckReplace(r, w.now());
        if (v instanceof Verdict.Rejected<String> rej) {
            String newId = r.getNewTask().getTaskId().getValue();
            if (LOSES_NEW_TASK.contains(rej.code()) && !newId.equals(r.getOldTaskId().getValue())
                    && ledger.ownerOf(newId) == null) { // FrameworkApi.losable
                publishShimStatus(shimStatus(r.getNewTask().getTaskId(), TaskState.TASK_LOST, TaskReason.REPLACE_INVALID,
                        rej.message(), null).toBuilder().setRelatedTaskId(r.getOldTaskId())
                        .setReplacementId(r.getReplacementId()).build());
            }
            audit("after REPLACE");
            return v;
        }
        ExecutorEvent e = ExecutorEvent.newBuilder().setReplace(ReplaceEvent.newBuilder()
                .setReplacementId(r.getReplacementId()).setOldTaskId(r.getOldTaskId()).setNewTask(r.getNewTask())
                .addAllOfferIds(r.getOfferIdsList()).setPolicy(r.getPolicy()).setRequestedAtUs(w.now())).build();
        sendToExecutor(e);
        unconfirmed.put(r.getReplacementId().getValue(), e);
        audit("after REPLACE");
        return v;
    }

    Verdict<String> acknowledge(String taskId, com.google.protobuf.ByteString uuid) {
        Verdict<String> owner = ledger.acknowledge(taskId, uuid);
        if (owner.accepted() && boundExecutor != null && boundExecutor.equals(owner.value())) {
            sendToExecutor(ExecutorEvent.newBuilder().setAcknowledged(AcknowledgedEvent.newBuilder()
                    .setTaskId(TaskID.newBuilder().setValue(taskId)).setUuid(uuid)).build());
        }
        return owner;
    }

    private void publishShimStatus(TaskStatus s) {
        ledger.shimStatus(s);
        publish(s);
    }

    private void publish(TaskStatus s) {
        if (fwEpoch < 0 || fwEpoch != net.fw.epoch) {
            w.trace("shim: no framework subscribed; " + SimText.status(s) + " not relayed");
            return;
        }
        net.send(net.fw, false, "shim->fw " + SimText.status(s), !s.getUuid().isEmpty(), () -> net.framework.update(s));
    }

    private TaskStatus shimStatus(TaskID task, TaskState state, TaskReason reason, String message, String exec) {
        TaskStatus.Builder b = TaskStatus.newBuilder().setTaskId(task).setState(state).setReason(reason)
                .setMessage(message).setTimestampUs(w.now());
        if (exec != null) {
            b.setExecutorId(io.baton.proto.ExecutorID.newBuilder().setValue(exec));
        }
        return b.build();
    }

    private static ExecutorResponse reject(long cid, RejectCode code, String message) {
        return ExecutorResponse.newBuilder().setCorrelationId(cid).setRejected(Rejection.newBuilder().setCode(code)
                .setMessage(message)).build();
    }

    // ------------------------------------------------------------------ invariants at every step

    /** The ledger is consistent and within the total; the bound executor's container holds its allocation. */
    void audit(String when) {
        String bad = ledger.verify();
        if (bad != null) {
            w.violation("ledger " + when + ": " + bad);
        }
        if (boundExecutor != null) {
            String c = containerMismatch(boundExecutor);
            if (c != null) {
                w.violation("container " + when + ": " + c);
            }
        }
    }

    String containerMismatch(String exec) {
        Resources want = ledger.limitsOf(exec);
        try {
            Limits have = isolator.read(exec);
            if (have.cpuMillis() != want.cpusMillis() || have.memoryBytes() != want.memBytes()) {
                return "executor " + exec + " container has cpu " + have.cpuMillis() + "m mem " + have.memoryBytes()
                        + " but its allocation is " + want;
            }
            return null;
        } catch (IsolatorException e) {
            return "executor " + exec + " has no container: " + e.getMessage();
        }
    }

    String boundExecutor() {
        return boundExecutor;
    }

    int mailboxSize() {
        return mailbox.size() + unconfirmed.size();
    }
}
