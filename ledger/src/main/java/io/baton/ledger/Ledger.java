package io.baton.ledger;

import io.baton.proto.ExecutorSubscribe;
import io.baton.proto.Keep;
import io.baton.proto.RejectCode;
import io.baton.proto.Release;
import io.baton.proto.Reserve;
import io.baton.proto.TaskInfo;
import io.baton.proto.TaskStatus;
import io.baton.resources.Resources;
import io.baton.ledger.LedgerEntries.ExecutorEntry;
import io.baton.ledger.LedgerEntries.HeldTask;
import io.baton.ledger.LedgerEntries.OfferEntry;
import io.baton.ledger.LedgerEntries.ReservationEntry;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The node's resource ledger: node total, per-executor allocations (overhead + tasks), outstanding
 * offers, and reservations keyed by replacement id. Pure: no IO, no threads, no clock — every
 * operation that depends on time takes {@code nowUs}. Not thread-safe; the shim confines it to one
 * thread.
 *
 * <p>Invariant, after every operation: allocations + reservations + offers never exceed the total.
 * Each rejection names what was wrong, with numbers, and leaves the ledger unchanged.
 *
 * <p>A replacement's resources live in its reservation's <em>pool</em> (T_old plus the reserved
 * offers); the container holds the reservation's <em>in-use</em> part. The container limits of an
 * executor are therefore {@code overhead + held tasks + sum(in_use)}.
 */
public final class Ledger {
    private final Resources total;

    private final Map<String, ExecutorEntry> executors = new LinkedHashMap<>();
    private final OfferBook offers;
    private final ReservationBook reservations = new ReservationBook();
    private final TaskBook tasks = new TaskBook();
    private Resources allocated = Resources.empty();
    private Resources reserved = Resources.empty();

    public Ledger(Resources total, long offerTtlUs, String offerPrefix) {
        this.total = total;
        this.offers = new OfferBook(offerTtlUs, offerPrefix);
    }

    // ------------------------------------------------------------------ executors

    /** Result of a (re-)subscription: tasks the ledger held for this executor that it did not report. */
    public record Subscribed(List<TaskInfo> lostTasks, Resources limits) {
    }

    /**
     * An executor (re-)subscribes with what it runs. Its report replaces whatever the ledger held
     * for it, checked against the total; tasks the ledger held that the report omits are lost.
     */
    public Verdict<Subscribed> subscribe(ExecutorSubscribe call, long pid, int uid, long nowUs) {
        Verdict<SubscribePlan> plan = prepareSubscribe(call, pid, uid);
        return plan.accepted() ? Verdict.ok(commitSubscribe(plan.value(), nowUs)) : plan.cast();
    }

    /** A checked (re-)subscription, not yet applied. Commit it before any other ledger call. */
    /** @param rescind unused offers the subscription takes back (the executor holds their resources) */
    public record SubscribePlan(String executorId, long pid, int uid, SubscriptionClaim claim, List<String> rescind) {
    }

    /** Checks a (re-)subscription without changing anything (the shim attaches the container in between). */
    public Verdict<SubscribePlan> prepareSubscribe(ExecutorSubscribe call, long pid, int uid) {
        return new SubscribeRules(this).check(call, pid, uid);
    }

    /** Applies {@code plan}, accepted at {@code nowUs} (what STATE tells as the executor's subscription time). */
    public Subscribed commitSubscribe(SubscribePlan plan, long nowUs) {
        return new SubscribeRules(this).commit(plan, nowUs);
    }

    public void disconnected(String executorId, long nowUs) {
        ExecutorEntry e = executors.get(executorId);
        if (e != null) {
            e.connected = false;
            e.disconnectedAtUs = nowUs;
        }
    }

    /** An executor that stays away longer than the recovery timeout is gone: its tasks are lost. */
    public record Expired(String executorId, List<TaskInfo> lostTasks) {
    }

    public List<Expired> expireExecutors(long nowUs, long recoveryTimeoutUs) {
        List<Expired> out = new ArrayList<>();
        for (ExecutorEntry e : List.copyOf(executors.values())) {
            if (!e.connected && nowUs - e.disconnectedAtUs >= recoveryTimeoutUs) {
                List<TaskInfo> lost = new SubscribeRules(this).forget(e, SubscriptionClaim.NOTHING);
                out.add(new Expired(e.id, lost));
            }
        }
        return out;
    }

    /**
     * The executor is gone for good, connected or not (a cluster manager saw its container end): everything it
     * held is freed now, and its tasks are lost as if it had expired. Null when the ledger does not know it.
     */
    public Expired gone(String executorId) {
        ExecutorEntry e = executors.get(executorId);
        if (e == null) {
            return null;
        }
        return new Expired(e.id, new SubscribeRules(this).forget(e, SubscriptionClaim.NOTHING));
    }

    // ------------------------------------------------------------------ offers

    public Verdict<OfferView> requestOffer(Resources wanted, long nowUs) {
        expireOffers(nowUs);
        Resources free = free();
        Resources ask = wanted == null || wanted.isEmpty() ? free : wanted;
        if (ask.isEmpty()) {
            return Verdict.reject(RejectCode.INSUFFICIENT_RESOURCES, "nothing is free to offer: total " + total
                    + ", allocated " + allocated + ", reserved " + reserved + ", offered " + offered());
        }
        if (!free.contains(ask)) {
            return Verdict.reject(RejectCode.INSUFFICIENT_RESOURCES, "asked for " + ask + " but "
                    + Text.onlyFree(free) + " (missing " + ask.minus(free) + ")");
        }
        return Verdict.ok(OfferView.of(offers.create(ask, nowUs)));
    }

    /** Returns the offers that expired (their resources are free again). */
    public List<OfferView> expireOffers(long nowUs) {
        return offers.expire(nowUs);
    }

    public int decline(Collection<String> offerIds) {
        int n = 0;
        for (String id : offerIds) {
            if (offers.get(id) != null) {
                offers.spend(id, "declined");
                n++;
            }
        }
        return n;
    }

    /** Hands offers to one replacement of one executor (when the shim routes a REPLACE to it). */
    public Verdict<Void> designate(List<String> offerIds, String executorId, String replacementId, long nowUs) {
        Verdict<Resources> check = OfferCheck.sum(this, offerIds, executorId, replacementId, nowUs, true);
        if (!check.accepted()) {
            return check.cast();
        }
        for (String id : offerIds) {
            OfferEntry o = offers.get(id);
            o.designatedExecutor = executorId;
            o.designatedReplacement = replacementId;
        }
        return Verdict.ok(null);
    }

    // ------------------------------------------------------------------ launch and status

    /** LAUNCH: the offers must contain the task; the executor's allocation grows by the task. */
    public Verdict<Resources> launch(String executorId, TaskInfo task, List<String> offerIds, long nowUs) {
        expireOffers(nowUs);
        return new TaskRules(this).launch(executorId, task, offerIds, nowUs);
    }

    /** What a status update changed: the executor's new limits when a held task's resources were freed. */
    public record StatusEffect(boolean freed, Resources limits) {
    }

    /**
     * An executor reports a status. A terminal state of a task it holds outside any replacement
     * frees the task's resources; tasks inside a replacement keep theirs until RELEASE.
     */
    public Verdict<StatusEffect> recordStatus(String executorId, TaskStatus status) {
        return new TaskRules(this).recordStatus(executorId, status);
    }

    /** A framework acknowledged an update; returns the executor to forward it to. */
    public Verdict<String> acknowledge(String taskId, com.google.protobuf.ByteString uuid) {
        String owner = tasks.ownerOf(taskId);
        if (owner == null) {
            String sender = tasks.takeUnownedSender(uuid);
            return sender != null ? Verdict.ok(sender)
                    : Verdict.reject(RejectCode.UNKNOWN_TASK, "task " + Ids.printable(taskId) + " is not known");
        }
        tasks.acknowledged(taskId, uuid);
        return Verdict.ok(owner);
    }

    public String ownerOf(String taskId) {
        return tasks.ownerOf(taskId);
    }

    /** Whether this ledger relayed an update of a task nobody owns, with this uuid, still unacknowledged. */
    public boolean awaitsUnownedAck(com.google.protobuf.ByteString uuid) {
        return tasks.awaitsUnownedAck(uuid);
    }

    public TaskStatus latest(String taskId) {
        return tasks.latest(taskId);
    }

    public Collection<TaskStatus> latestAll() {
        return tasks.latestAll();
    }

    /** Undoes a launch whose container could not be resized; the task never existed. */
    public void abortLaunch(String executorId, String taskId) {
        ExecutorEntry e = executors.get(executorId);
        HeldTask held = e == null ? null : e.drop(taskId);
        if (held != null) {
            allocated = allocated.minus(held.resources());
            tasks.forget(taskId);
        }
    }

    /** Records (for RECONCILE) a status the shim originated for a task it knows; others are only relayed. */
    /** A task of an executor that is not here ended with {@code status} (see {@link TaskRules#endedAway}). */
    public boolean endedAway(String executorId, TaskStatus status) {
        return executor(executorId) == null && new TaskRules(this).endedAway(executorId, status);
    }

    public void shimStatus(TaskStatus status) {
        if (tasks.ownerOf(status.getTaskId().getValue()) != null) {
            tasks.record(status);
        }
    }

    // ------------------------------------------------------------------ replacement vocabulary

    /** RESERVE; idempotent by replacement id. */
    public Verdict<ReservationView> reserve(String executorId, Reserve call, long nowUs) {
        expireOffers(nowUs);
        return new ReserveRules(this).reserve(executorId, call, nowUs);
    }

    /**
     * Checks a framework's REPLACE before it is routed: returns the executor to route it to, after
     * setting its offers aside for this replacement. The executor's RESERVE re-validates.
     */
    public Verdict<String> precheckReplace(io.baton.proto.Replace call, long nowUs) {
        expireOffers(nowUs);
        return new ReserveRules(this).precheck(call, nowUs);
    }

    /** ADJUST: the container now holds {@code inUse} of the reservation's pool. */
    public Verdict<Resources> adjust(String executorId, String replacementId, Resources inUse) {
        Verdict<ReservationEntry> r = ownedReservation(executorId, replacementId);
        if (!r.accepted()) {
            return r.cast();
        }
        ReservationEntry res = r.value();
        if (!res.pool.contains(inUse)) {
            return Verdict.reject(RejectCode.INSUFFICIENT_RESOURCES, "replacement " + replacementId
                    + " cannot put " + inUse + " in the container: its pool holds " + Text.of(res.pool)
                    + " (missing " + inUse.minus(res.pool) + ")");
        }
        res.inUse = inUse;
        return Verdict.ok(limitsOf(executorId));
    }

    /** RELEASE: give part of a pool back, or end the reservation keeping the new, the old or no task. */
    public Verdict<Resources> release(String executorId, Release call) {
        String rid = call.getReplacementId().getValue();
        ReservationBook.Ended previous = reservations.ended(rid);
        if (previous != null && !reservations.byId().containsKey(rid)) {
            if (!previous.executorId().equals(executorId)) {
                return Verdict.reject(RejectCode.NOT_OWNER, "reservation " + rid + " belonged to executor "
                        + previous.executorId() + ", not to " + executorId);
            }
            if (call.hasKeep() && previous.keep() == call.getKeep()) {
                return Verdict.ok(limitsOf(executorId));
            }
            return Verdict.reject(RejectCode.CONFLICT, "replacement " + rid + " already ended with "
                    + previous.keep() + "; it cannot be " + (call.hasKeep() ? "ended again with " + call.getKeep()
                    : "given back to any more"));
        }
        Verdict<ReservationEntry> r = ownedReservation(executorId, rid);
        if (!r.accepted()) {
            return r.cast();
        }
        ReleaseRules rules = new ReleaseRules(this);
        return call.hasGiveBack() ? rules.giveBack(r.value(), call.getGiveBack())
                : rules.end(r.value(), call.getKeep());
    }

    // ------------------------------------------------------------------ views

    public Resources total() {
        return total;
    }

    public Resources allocated() {
        return allocated;
    }

    public Resources reserved() {
        return reserved;
    }

    public Resources offered() {
        return offers.offered();
    }

    public Resources free() {
        return total.minus(allocated.plus(reserved).plus(offers.offered()));
    }

    /**
     * The limits the executor's container must have: overhead + held tasks + the whole pool of each of its live
     * reservations. The whole pool, from RESERVE to the end of the replacement: what the ledger books for the
     * executor is what its container may use, so a replacement never waits for the container between the old
     * task's end and the new task's start (ADJUST only records which part of the pool is in use).
     */
    public Resources limitsOf(String executorId) {
        ExecutorEntry e = executors.get(executorId);
        if (e == null) {
            return Resources.empty();
        }
        return e.allocation().plus(reservations.pooled(executorId));
    }

    public List<ExecutorView> executors() {
        List<ExecutorView> out = new ArrayList<>();
        for (ExecutorEntry e : executors.values()) {
            out.add(ExecutorView.of(e, limitsOf(e.id), tasks));
        }
        return out;
    }

    /** The executors' ids, in the order {@link #executors()} lists them. */
    public List<String> executorIds() {
        return List.copyOf(executors.keySet());
    }

    /**
     * A cheap fingerprint of {@link #executor(String) executor(id)}: equal stamps (by
     * {@link java.util.Arrays#equals(Object[], Object[])}) mean equal views, so a cache of anything made from the
     * view may be reused while the stamp stays equal. References to immutable values, no copies; null for an
     * unknown executor.
     */
    public Object[] executorStamp(String id) {
        ExecutorEntry e = executors.get(id);
        return e == null ? null : ExecutorView.stamp(e, limitsOf(id), tasks);
    }

    /** Whether the executor {@code id} is known (registered and not removed); {@link #executor} without its view. */
    public boolean knowsExecutor(String id) {
        return executors.containsKey(id);
    }

    public ExecutorView executor(String id) {
        ExecutorEntry e = executors.get(id);
        return e == null ? null : ExecutorView.of(e, limitsOf(id), tasks);
    }

    /** Whether {@code offerId} is a live offer of this ledger's. */
    public boolean holdsOffer(String offerId) {
        return offers.get(offerId) != null;
    }

    public List<OfferView> offers() {
        List<OfferView> out = new ArrayList<>();
        for (OfferEntry o : offers.all()) {
            out.add(OfferView.of(o));
        }
        return out;
    }

    /** Whether a reservation with this replacement id is live, or ended recently enough to be remembered. */
    public boolean knowsReplacement(String replacementId) {
        return reservations.byId().containsKey(replacementId) || reservations.hasEnded(replacementId);
    }

    /** Whether the live reservation {@code replacementId} is executor {@code executorId}'s. */
    public boolean holdsReservation(String replacementId, String executorId) {
        ReservationEntry r = reservations.byId().get(replacementId);
        return r != null && r.executorId.equals(executorId);
    }

    /** The live reservation whose old or new task is {@code taskId}, or null. */
    public ReservationView reservationNaming(String taskId) {
        ReservationEntry r = reservations.naming(taskId);
        return r == null ? null : ReservationView.of(r);
    }

    public List<ReservationView> reservations() {
        List<ReservationView> out = new ArrayList<>();
        for (ReservationEntry r : reservations.byId().values()) {
            out.add(ReservationView.of(r));
        }
        return out;
    }

    /**
     * Recomputes every sum from scratch and checks it against the running totals and the node
     * total. Returns null when consistent, else what is wrong. For tests and the STATE endpoint.
     */
    public String verify() {
        return LedgerAudit.verify(this);
    }

    // ------------------------------------------------------------------ package-private helpers

    Verdict<ExecutorEntry> liveExecutor(String executorId) {
        String bad = Ids.checkExecutor(executorId);
        if (bad != null) {
            return Verdict.reject(RejectCode.INVALID_ID, bad);
        }
        ExecutorEntry e = executors.get(executorId);
        if (e == null) {
            return Verdict.reject(RejectCode.UNKNOWN_EXECUTOR, "executor " + executorId
                    + " is not subscribed to this shim");
        }
        if (!e.connected) {
            return Verdict.reject(RejectCode.EXECUTOR_DISCONNECTED, "executor " + executorId
                    + " is disconnected; retry once it has re-subscribed");
        }
        return Verdict.ok(e);
    }

    Verdict<ReservationEntry> ownedReservation(String executorId, String replacementId) {
        String bad = Ids.checkObject("replacement id", replacementId);
        if (bad != null) {
            return Verdict.reject(RejectCode.INVALID_ID, bad);
        }
        ReservationEntry r = reservations.byId().get(replacementId);
        if (r == null) {
            return Verdict.reject(RejectCode.UNKNOWN_RESERVATION, "no reservation for replacement " + replacementId);
        }
        if (!r.executorId.equals(executorId)) {
            return Verdict.reject(RejectCode.NOT_OWNER, "reservation " + replacementId + " belongs to executor "
                    + r.executorId + ", not to " + executorId);
        }
        return Verdict.ok(r);
    }

    List<ReservationEntry> reservationsOf(String executorId) {
        return new ArrayList<>(reservations.of(executorId).values());
    }

    /** The live reservations, by id and by executor: book and drop them there. */
    ReservationBook reservationBook() {
        return reservations;
    }

    /** The TaskInfo of a held task (tests rebuild a re-subscription from it). */
    TaskInfo executorMapForTest(String executorId, String taskId) {
        return executors.get(executorId).held(taskId).info();
    }

    OfferBook offerBook() {
        return offers;
    }

    Map<String, ExecutorEntry> executorMap() {
        return executors;
    }

    /** Read-only: book and drop reservations through {@link #reservationBook}. */
    Map<String, ReservationEntry> reservationMap() {
        return reservations.byId();
    }

    TaskBook taskBook() {
        return tasks;
    }

    void consumeOffer(String offerId, String usedBy) {
        offers.spend(offerId, usedBy);
    }

    void addReserved(Resources r) {
        reserved = reserved.plus(r);
    }

    void removeReserved(Resources r) {
        reserved = reserved.minus(r);
    }

    void addAllocated(Resources r) {
        allocated = allocated.plus(r);
    }

    void removeAllocated(Resources r) {
        allocated = allocated.minus(r);
    }

    void ended(String replacementId, String executorId, Keep keep) {
        reservations.ended(replacementId, executorId, keep);
    }
}
