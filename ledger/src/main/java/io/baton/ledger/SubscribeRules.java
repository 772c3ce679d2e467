package io.baton.ledger;


import io.baton.proto.ExecutorSubscribe;
import io.baton.proto.RejectCode;
import io.baton.proto.TaskInfo;
import io.baton.proto.TaskStatus;
import io.baton.resources.Resources;
import io.baton.ledger.LedgerEntries.ExecutorEntry;
import io.baton.ledger.LedgerEntries.HeldTask;
import io.baton.ledger.LedgerEntries.OfferEntry;
import io.baton.ledger.LedgerEntries.ReservationEntry;
import java.util.ArrayList;
import java.util.List;

/**
 * (Re-)subscription: an executor's report replaces whatever the ledger held for it, checked against
 * the total; tasks the ledger held that the report omits are lost.
 */
final class SubscribeRules {
    private final Ledger ledger;

    SubscribeRules(Ledger ledger) {
        this.ledger = ledger;
    }

    Verdict<Ledger.SubscribePlan> check(ExecutorSubscribe call, long pid, int uid) {
        String id = call.getExecutorId().getValue();
        String bad = Ids.checkExecutor(id);
        if (bad != null) {
            return Verdict.reject(RejectCode.INVALID_ID, bad);
        }
        ExecutorEntry existing = ledger.executorMap().get(id);
        if (existing != null && existing.connected) {
            return Verdict.reject(RejectCode.CONFLICT, "executor " + id + " is already connected (pid "
                    + existing.pid + "); stop that process first or pick another executor id");
        }
        if (existing != null && existing.uid != uid && uid != 0) {
            return Verdict.reject(RejectCode.NOT_OWNER, "executor " + id + " belongs to uid " + existing.uid
                    + "; this connection is uid " + uid);
        }
        Verdict<SubscriptionClaim> parsed = SubscriptionClaim.parse(call, id, ledger);
        if (!parsed.accepted()) {
            return parsed.cast();
        }
        SubscriptionClaim claim = parsed.value().keeping(pendingReservations(call, id));
        Resources mine = existing == null ? Resources.empty() : holdingsOf(existing);
        Resources available = ledger.free().plus(mine);
        // What an executor really holds comes before offers nobody has used yet (e.g. made by a restarted
        // shim before its executors came back): rescind those, newest first, until the claim fits.
        List<String> rescind = new ArrayList<>();
        List<OfferEntry> unused = new ArrayList<>();
        for (OfferEntry o : ledger.offerBook().all()) {
            if (o.designatedReplacement == null) {
                unused.add(0, o);
            }
        }
        for (OfferEntry o : unused) {
            if (available.contains(claim.holdings())) {
                break;
            }
            available = available.plus(o.resources);
            rescind.add(o.id);
        }
        if (!available.contains(claim.holdings())) {
            return Verdict.reject(RejectCode.OVER_TOTAL, "executor " + id + " reports holding "
                    + claim.holdings() + " but " + (available.isEmpty() ? "none" : "only " + available)
                    + " of the node total " + ledger.total() + " is available to it" + (unused.isEmpty() ? "" : ", counting " + unused.size() + " unused offers")
                    + " (missing " + claim.holdings().minus(available) + ")");
        }
        return Verdict.ok(new Ledger.SubscribePlan(id, pid, uid, claim, rescind));
    }

    Ledger.Subscribed commit(Ledger.SubscribePlan plan, long nowUs) {
        String id = plan.executorId();
        SubscriptionClaim claim = plan.claim();
        long pid = plan.pid();
        int uid = plan.uid();
        ExecutorEntry existing = ledger.executorMap().get(id);
        plan.rescind().forEach(o -> ledger.offerBook().spend(o, "rescinded: executor " + id + " holds its resources"));
        List<TaskInfo> lost = existing == null ? List.of() : forget(existing, claim);
        ExecutorEntry entry = new ExecutorEntry(id, claim.overhead());
        entry.connected = true;
        entry.pid = pid;
        entry.uid = uid;
        entry.subscribedAtUs = nowUs;
        ledger.executorMap().put(id, entry);
        ledger.addAllocated(claim.overhead());
        for (HeldTask t : claim.tasks()) {
            entry.hold(t);
            ledger.addAllocated(t.resources());
            ledger.taskBook().own(t.id(), id);
        }
        for (ReservationEntry r : claim.reservations()) {
            ledger.reservationBook().add(r);
            ledger.addReserved(r.pool);
            ledger.taskBook().own(r.oldTaskId(), id);
            ledger.taskBook().own(r.newTaskId(), id);
        }
        for (TaskStatus s : claim.latest()) {
            ledger.taskBook().record(s);
        }
        for (String ended : claim.ended()) {
            String owner = ledger.taskBook().ownerOf(ended);
            if (owner == null || owner.equals(id)) {
                // still this executor's until its terminal update is acknowledged — also after a shim restart,
                // when the shim learns of it only now: a refused REPLACE naming this id must not call it lost
                // (its own terminal update is on its way), and nobody else may take the id meanwhile
                ledger.taskBook().own(ended, id);
                ledger.taskBook().retire(ended);
            }
        }
        return new Ledger.Subscribed(lost, ledger.limitsOf(id));
    }

    /** Removes everything the ledger held for a re-subscribing executor; returns the tasks it omitted. */
    List<TaskInfo> forget(ExecutorEntry existing, SubscriptionClaim claim) {
        List<TaskInfo> lost = new ArrayList<>();
        for (HeldTask t : existing.tasks().values()) {
            if (!claim.mentions(t.id())) {
                lost.add(t.info());
                ledger.taskBook().retire(t.id());
            }
        }
        for (ReservationEntry r : ledger.reservationsOf(existing.id)) {
            for (TaskInfo t : List.of(r.oldTask, r.newTask)) {
                String tid = t.getTaskId().getValue();
                if (!claim.mentions(tid) && lost.stream().noneMatch(x -> x.getTaskId().getValue().equals(tid))) {
                    TaskStatus latest = ledger.taskBook().latest(tid);
                    if (latest == null || !io.baton.tasks.TaskStates.isTerminal(latest.getState())) {
                        lost.add(t); // (a task already reported ended is not lost again)
                    }
                    ledger.taskBook().retire(tid);
                }
            }
            ledger.reservationBook().remove(r.replacementId);
            ledger.removeReserved(r.pool);
        }
        ledger.removeAllocated(existing.allocation());
        ledger.executorMap().remove(existing.id);
        return lost;
    }

    /** Live reservations of this executor that it lists as pending reserves (a RESERVE whose answer it lost). */
    private List<ReservationEntry> pendingReservations(ExecutorSubscribe call, String executorId) {
        List<ReservationEntry> out = new ArrayList<>();
        for (io.baton.proto.ReplacementID rid : call.getPendingReservesList()) {
            ReservationEntry r = ledger.reservationMap().get(rid.getValue());
            if (r != null && r.executorId.equals(executorId)) {
                out.add(r);
            }
        }
        return out;
    }

    private Resources holdingsOf(ExecutorEntry e) {
        Resources sum = e.allocation();
        for (ReservationEntry r : ledger.reservationsOf(e.id)) {
            sum = sum.plus(r.pool);
        }
        return sum;
    }
}
