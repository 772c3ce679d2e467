package io.baton.ledger;

import io.baton.proto.OfferID;
import io.baton.proto.RejectCode;
import io.baton.proto.Reserve;
import io.baton.resources.Resources;
import io.baton.ledger.LedgerEntries.ExecutorEntry;
import io.baton.ledger.LedgerEntries.HeldTask;
import io.baton.ledger.LedgerEntries.ReservationEntry;
import java.util.ArrayList;
import java.util.List;

/**
 * RESERVE validation — the seed's resource requirements: {@code (T_old + O1 + ... + On).contains(T_new)}
 * (for concurrent strategies, where both tasks run at once, the offers alone must contain T_new),
 * live unused offers handed to this replacement, and an old task the caller owns.
 */
final class ReserveRules {
    private final Ledger ledger;

    ReserveRules(Ledger ledger) {
        this.ledger = ledger;
    }

    Verdict<ReservationView> reserve(String executorId, Reserve call, long nowUs) {
        Verdict<ExecutorEntry> exec = ledger.liveExecutor(executorId);
        if (!exec.accepted()) {
            return exec.cast();
        }
        String rid = call.getReplacementId().getValue();
        String bad = Ids.checkObject("replacement id", rid);
        if (bad != null) {
            return Verdict.reject(RejectCode.INVALID_ID, bad);
        }
        List<String> offerIds = new ArrayList<>();
        for (OfferID o : call.getOfferIdsList()) {
            offerIds.add(o.getValue());
        }
        ReservationEntry existing = ledger.reservationMap().get(rid);
        if (existing != null) {
            return sameRequest(existing, executorId, call, offerIds);
        }
        if (ledger.reservationBook().hasEnded(rid)) {
            return Verdict.reject(RejectCode.CONFLICT, "replacement " + rid + " has already ended; use a new "
                    + "replacement id");
        }
        String oldId = call.getOldTaskId().getValue();
        String newId = call.getNewTask().getTaskId().getValue();
        Verdict<HeldTask> old = heldOldTask(exec.value(), oldId, executorId);
        if (!old.accepted()) {
            return old.cast();
        }
        bad = Ids.checkObject("new task id", newId);
        if (bad != null) {
            return Verdict.reject(RejectCode.INVALID_ID, bad);
        }
        Verdict<Resources> offers = fits(rid, old.value(), call.getNewTask(), offerIds, executorId, nowUs, false,
                call.getConcurrent());
        if (!offers.accepted()) {
            return offers.cast();
        }
        Resources need = Resources.fromProto(call.getNewTask().getResourcesList()); // valid: fits() checked it
        for (String id : offerIds) {
            ledger.consumeOffer(id, "reserved by replacement " + rid);
        }
        HeldTask held = old.value();
        exec.value().drop(oldId);
        ledger.removeAllocated(held.resources());
        Resources pool = held.resources().plus(offers.value());
        ReservationEntry r = new ReservationEntry(rid, executorId, held.info(), held.resources(), call.getNewTask(),
                need, call.getConcurrent(), offerIds, pool);
        ledger.reservationBook().add(r);
        ledger.addReserved(pool);
        ledger.taskBook().own(newId, executorId);
        return Verdict.ok(ReservationView.of(r));
    }

    /**
     * The seed's resource requirements for a new task: a fresh id, valid resources, spendable offers,
     * and {@code (T_old + offers) ⊇ T_new} (offers alone, when both tasks run at once). Returns the sum of
     * the offers.
     */
    private Verdict<Resources> fits(String rid, HeldTask old, io.baton.proto.TaskInfo newTask, List<String> offerIds,
            String executorId, long nowUs, boolean designating, boolean concurrent) {
        String newId = newTask.getTaskId().getValue();
        if (!newId.equals(old.id()) && ledger.taskBook().ownerOf(newId) != null) {
            return Verdict.reject(RejectCode.DUPLICATE_TASK, "new task " + newId + " already exists on executor "
                    + ledger.taskBook().ownerOf(newId) + "; pick a new task id");
        }
        Verdict<Resources> need = Text.taskResources("new task " + newId, newTask.getResourcesList());
        if (!need.accepted()) {
            return need;
        }
        Verdict<Resources> offers = OfferCheck.sum(ledger, offerIds, executorId, rid, nowUs, designating);
        if (!offers.accepted()) {
            return offers;
        }
        String shortfall = shortfall(rid, old, need.value(), offers.value(), offerIds, concurrent);
        return shortfall == null ? offers : Verdict.reject(RejectCode.INSUFFICIENT_RESOURCES, shortfall);
    }

    /** Null when the resources suffice, else a message with the numbers. */
    static String shortfall(String rid, HeldTask old, Resources need, Resources offers, List<String> offerIds,
            boolean concurrent) {
        String offerText = offerIds.isEmpty() ? "no offers" : "offers " + offerIds + " " + Text.of(offers);
        if (concurrent) {
            if (offers.contains(need)) {
                return null;
            }
            return "replacement " + rid + " runs old and new task at once, so the offers alone must hold the new task: "
                    + "needs " + need + "; " + offerText + "; missing " + need.minus(offers);
        }
        Resources have = old.resources().plus(offers);
        if (have.contains(need)) {
            return null;
        }
        return "replacement " + rid + " needs " + need + "; old task " + old.id() + " " + Text.of(old.resources())
                + " + " + offerText + " = " + Text.of(have) + "; missing " + need.minus(have);
    }

    private Verdict<HeldTask> heldOldTask(ExecutorEntry exec, String oldId, String executorId) {
        String bad = Ids.checkObject("old task id", oldId);
        if (bad != null) {
            return Verdict.reject(RejectCode.INVALID_ID, bad);
        }
        HeldTask held = exec == null ? null : exec.held(oldId);
        if (held != null) {
            return Verdict.ok(held);
        }
        String owner = ledger.taskBook().ownerOf(oldId);
        if (owner == null) {
            return Verdict.reject(RejectCode.UNKNOWN_TASK, "old task " + oldId + " is not known on this node");
        }
        if (!owner.equals(executorId)) {
            return Verdict.reject(RejectCode.NOT_OWNER, "old task " + oldId + " belongs to executor " + owner
                    + ", not to " + executorId);
        }
        for (ReservationEntry r : ledger.reservationMap().values()) {
            if (r.oldTaskId().equals(oldId) || r.newTaskId().equals(oldId)) {
                return Verdict.reject(RejectCode.ALREADY_REPLACING, "task " + oldId + " is already in replacement "
                        + r.replacementId + "; one replacement per task at a time");
            }
        }
        return Verdict.reject(RejectCode.UNKNOWN_TASK, "old task " + oldId + " is no longer running on executor "
                + executorId);
    }

    private static Verdict<ReservationView> sameRequest(ReservationEntry r, String executorId, Reserve call,
            List<String> offerIds) {
        if (!r.executorId.equals(executorId)) {
            return Verdict.reject(RejectCode.NOT_OWNER, "reservation " + r.replacementId + " belongs to executor "
                    + r.executorId + ", not to " + executorId);
        }
        boolean same = r.oldTaskId().equals(call.getOldTaskId().getValue())
                && r.newTask.equals(call.getNewTask()) && r.offerIds.equals(offerIds)
                && r.concurrent == call.getConcurrent();
        if (!same) {
            return Verdict.reject(RejectCode.CONFLICT, "replacement " + r.replacementId + " already reserved for "
                    + r.oldTaskId() + " -> " + r.newTaskId() + " with offers " + r.offerIds
                    + "; this request differs; use a new replacement id");
        }
        return Verdict.ok(ReservationView.of(r));
    }

    Verdict<String> precheck(io.baton.proto.Replace call, long nowUs) {
        String rid = call.getReplacementId().getValue();
        String oldId = call.getOldTaskId().getValue();
        String newId = call.getNewTask().getTaskId().getValue();
        for (String[] id : new String[][] {{"replacement id", rid}, {"old task id", oldId}, {"new task id", newId}}) {
            String bad = Ids.checkObject(id[0], id[1]);
            if (bad != null) {
                return Verdict.reject(RejectCode.INVALID_ID, bad);
            }
        }
        String named = call.getExecutorId().getValue().isEmpty() ? null : call.getExecutorId().getValue();
        if (named != null && Ids.checkExecutor(named) != null) {
            return Verdict.reject(RejectCode.INVALID_ID, Ids.checkExecutor(named));
        }
        List<String> offerIds = new ArrayList<>();
        call.getOfferIdsList().forEach(o -> offerIds.add(o.getValue()));
        if (!ledger.reservationMap().containsKey(rid) && ledger.reservationBook().hasEnded(rid)) {
            // a retry of a replacement that already ended (its old task is gone after a commit): its
            // executor answers it idempotently. Checked before the old task, or the retry would be
            // refused UNKNOWN_TASK and the running new task reported TASK_LOST.
            return Verdict.ok(ledger.reservationBook().owner(rid));
        }
        String owner = ledger.taskBook().ownerOf(oldId);
        if (owner == null) {
            if (named != null && ledger.executorMap().containsKey(named)) {
                // unknown here, maybe recovering there: the executor decides; its RESERVE checks the resources
                Verdict<Void> designated = ledger.designate(offerIds, named, rid, nowUs);
                return designated.accepted() ? Verdict.ok(named) : designated.cast();
            }
            return Verdict.reject(RejectCode.UNKNOWN_TASK, "old task " + oldId + " is not known on this node"
                    + (named == null ? "; if its executor is still recovering, name it with executor_id" : ""));
        }
        if (named != null && !named.equals(owner)) {
            return Verdict.reject(RejectCode.NOT_OWNER, "old task " + oldId + " runs on executor " + owner
                    + ", not on " + named);
        }
        if (ledger.reservationMap().containsKey(rid)) {
            // a replacement already under way: its executor holds the request and answers a retry of it (whether
            // this is one is io.baton.tasks.Replaces.same, applied by the shim's core and the executor's engine)
            return Verdict.ok(owner);
        }
        ExecutorEntry exec = ledger.executorMap().get(owner);
        HeldTask held = exec == null ? null : exec.held(oldId);
        if (held == null) {
            Verdict<HeldTask> why = heldOldTask(exec, oldId, owner);
            return why.cast();
        }
        Verdict<Resources> offers = fits(rid, held, call.getNewTask(), offerIds, owner, nowUs, true,
                concurrent(call.getPolicy()));
        if (!offers.accepted()) {
            return offers.cast();
        }
        Verdict<Void> designated = ledger.designate(offerIds, owner, rid, nowUs);
        return designated.accepted() ? Verdict.ok(owner) : designated.cast();
    }

    /** Strategies during which old and new task hold resources at the same time. */
    static boolean concurrent(io.baton.proto.ReplacePolicy policy) {
        return switch (policy.getStrategy()) {
            case START_THEN_STOP, FREEZE_THEN_START -> true;
            default -> false;
        };
    }
}
