package io.baton.ledger;

import io.baton.tasks.TaskStates;
import io.baton.proto.ExecutorID;
import io.baton.proto.ExecutorSubscribe;
import io.baton.proto.RejectCode;
import io.baton.proto.ReservationRecord;
import io.baton.proto.TaskInfo;
import io.baton.proto.TaskRecord;
import io.baton.proto.TaskState;
import io.baton.proto.TaskStatus;
import io.baton.resources.Resources;
import io.baton.ledger.LedgerEntries.HeldTask;
import io.baton.ledger.LedgerEntries.ReservationEntry;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** What a (re-)subscribing executor says it holds, parsed and checked against other executors. */
record SubscriptionClaim(Resources overhead, List<HeldTask> tasks, List<ReservationEntry> reservations,
        List<TaskStatus> latest, Set<String> mentioned, Resources holdings, Set<String> ended) {

    static final SubscriptionClaim NOTHING = new SubscriptionClaim(Resources.empty(), List.of(), List.of(),
            List.of(), Set.of(), Resources.empty(), Set.of());

    boolean mentions(String taskId) {
        return mentioned.contains(taskId);
    }

    /**
     * Keeps reservations the ledger holds that the executor lists as pending reserves: each one's old
     * task moves from the reported tasks into the kept reservation's pool.
     */
    SubscriptionClaim keeping(List<ReservationEntry> kept) {
        if (kept.isEmpty()) {
            return this;
        }
        List<HeldTask> held = new ArrayList<>(tasks);
        List<ReservationEntry> all = new ArrayList<>(reservations);
        Set<String> ids = new HashSet<>(mentioned);
        Resources sum = holdings;
        for (ReservationEntry r : kept) {
            HeldTask old = held.stream().filter(t -> t.id().equals(r.oldTaskId())).findFirst().orElse(null);
            if (old == null) {
                continue;
            }
            held.remove(old);
            all.add(r);
            ids.add(r.newTaskId());
            sum = sum.minus(old.resources()).plus(r.pool);
        }
        return new SubscriptionClaim(overhead, held, all, latest, ids, sum, ended);
    }

    static Verdict<SubscriptionClaim> parse(ExecutorSubscribe call, String executorId, Ledger ledger) {
        try {
            return parseUnchecked(call, executorId, ledger);
        } catch (IllegalArgumentException e) {
            return Verdict.reject(RejectCode.INVALID_RESOURCES, "executor " + executorId + " reports resources that "
                    + "cannot be added up: " + e.getMessage());
        }
    }

    private static Verdict<SubscriptionClaim> parseUnchecked(ExecutorSubscribe call, String executorId, Ledger ledger) {
        TaskBook book = ledger.taskBook();
        Verdict<Resources> overhead = Text.resources("executor " + executorId + " overhead", call.getOverheadList());
        if (!overhead.accepted()) {
            return overhead.cast();
        }
        Resources holdings = overhead.value();
        Set<String> mentioned = new HashSet<>();
        List<HeldTask> tasks = new ArrayList<>();
        List<TaskStatus> latest = new ArrayList<>();
        Set<String> ended = new HashSet<>();
        for (TaskRecord rec : call.getTasksList()) {
            if (TaskStates.isTerminal(rec.getState())) {
                // ended, and its terminal update is still on its way from the executor: not lost, holds nothing
                ended.add(rec.getTask().getTaskId().getValue());
                continue;
            }
            Verdict<Resources> r = claimTask(rec.getTask(), executorId, book, mentioned);
            if (!r.accepted()) {
                return r.cast();
            }
            tasks.add(new HeldTask(rec.getTask(), r.value()));
            latest.add(status(rec.getTask(), rec.getState(), executorId));
            Verdict<Resources> sum = addDisjoint(holdings, r.value(), "task " + rec.getTask().getTaskId().getValue());
            if (!sum.accepted()) {
                return sum.cast();
            }
            holdings = sum.value();
        }
        List<ReservationEntry> reservations = new ArrayList<>();
        Set<String> rids = new HashSet<>();
        List<ReservationRecord> endedHere = new ArrayList<>();
        for (ReservationRecord rec : call.getReservationsList()) {
            if (ledger.reservationBook().endedBy(rec.getReplacementId().getValue(), executorId) != null) {
                endedHere.add(rec); // after the live ones: one of those may hold what it kept
                continue;
            }
            Verdict<ReservationEntry> r = claimReservation(rec, executorId, ledger, mentioned, rids);
            if (!r.accepted()) {
                return r.cast();
            }
            reservations.add(r.value());
            Verdict<Resources> sum = addDisjoint(holdings, r.value().pool, "reservation " + r.value().replacementId);
            if (!sum.accepted()) {
                return sum.cast();
            }
            holdings = sum.value();
        }
        // the most recently ended first: when two ended ones kept the same task (two resizes of it, both answers
        // lost), the task is as the later left it; and a task a later one replaced is not held again
        endedHere.sort(Comparator.comparingLong((ReservationRecord rec) -> -ledger.reservationBook()
                .ended(rec.getReplacementId().getValue()).order()));
        for (ReservationRecord rec : endedHere) {
            // ended here already (the executor missed the RELEASE's answer and will repeat it): what it kept is
            // simply held — unless the executor reports that task itself, as a task or in a later reservation
            // (simulation seed 3260962435: a same-id resize of the kept task, reserved after this release)
            io.baton.proto.Keep keep = ledger.reservationBook().endedBy(rec.getReplacementId().getValue(), executorId);
            TaskInfo kept = keep == io.baton.proto.Keep.KEEP_NEW ? rec.getNewTask()
                    : keep == io.baton.proto.Keep.KEEP_OLD ? rec.getOldTask() : null;
            if (kept != null && (ReleaseRules.endedSince(ledger, executorId, kept.getTaskId().getValue())
                    || mentioned.contains(kept.getTaskId().getValue()))) {
                kept = null; // its terminal update came after the release, or the executor reports it otherwise
            }
            if (kept != null) {
                Verdict<Resources> r = claimTask(kept, executorId, book, mentioned);
                if (!r.accepted()) {
                    return r.cast();
                }
                tasks.add(new HeldTask(kept, r.value()));
                Verdict<Resources> sum = addDisjoint(holdings, r.value(), "task " + kept.getTaskId().getValue());
                if (!sum.accepted()) {
                    return sum.cast();
                }
                holdings = sum.value();
            }
            mentioned.add(rec.getOldTask().getTaskId().getValue());
            mentioned.add(rec.getNewTask().getTaskId().getValue());
        }
        ended.removeAll(mentioned);
        mentioned.addAll(ended);
        return Verdict.ok(new SubscriptionClaim(overhead.value(), tasks, reservations, latest, mentioned, holdings,
                Set.copyOf(ended)));
    }

    private static Verdict<Resources> claimTask(TaskInfo task, String executorId, TaskBook book, Set<String> mentioned) {
        String tid = task.getTaskId().getValue();
        String bad = Ids.checkObject("task id", tid);
        if (bad != null) {
            return Verdict.reject(RejectCode.INVALID_ID, bad);
        }
        if (!mentioned.add(tid)) {
            return Verdict.reject(RejectCode.DUPLICATE_TASK, "task " + tid + " is reported twice");
        }
        String owner = book.ownerOf(tid);
        if (owner != null && !owner.equals(executorId)) {
            return Verdict.reject(RejectCode.DUPLICATE_TASK, "task " + tid + " belongs to executor " + owner);
        }
        return Text.resources("task " + tid, task.getResourcesList());
    }

    /**
     * Adds what one task or reservation holds to the running sum, refusing overlaps: two holders of the
     * same port or set item would be counted once here and freed while still in use later.
     */
    static Verdict<Resources> addDisjoint(Resources sum, Resources more, String what) {
        Resources together = sum.plus(more);
        if (!together.minus(more).equals(sum)) {
            return Verdict.reject(RejectCode.INVALID_RESOURCES, what + " holds " + more
                    + ", which overlaps resources already reported (" + sum + ")");
        }
        return Verdict.ok(together);
    }

    private static Verdict<ReservationEntry> claimReservation(ReservationRecord rec, String executorId, Ledger ledger,
            Set<String> mentioned, Set<String> rids) {
        TaskBook book = ledger.taskBook();
        String rid = rec.getReplacementId().getValue();
        String bad = Ids.checkObject("replacement id", rid);
        if (bad != null) {
            return Verdict.reject(RejectCode.INVALID_ID, bad);
        }
        if (!rids.add(rid)) {
            return Verdict.reject(RejectCode.CONFLICT, "reservation " + rid + " is reported twice");
        }
        String holder = ledger.reservationBook().owner(rid);
        if (holder != null && !holder.equals(executorId)) {
            return Verdict.reject(RejectCode.CONFLICT, "replacement id " + rid + " belongs to executor " + holder
                    + ", not to " + executorId);
        }
        Verdict<Resources> oldRes = claimTask(rec.getOldTask(), executorId, book, mentioned);
        if (!oldRes.accepted()) {
            return oldRes.cast();
        }
        boolean sameId = rec.getNewTask().getTaskId().equals(rec.getOldTask().getTaskId());
        Verdict<Resources> newRes = sameId ? Text.resources("new task", rec.getNewTask().getResourcesList())
                : claimTask(rec.getNewTask(), executorId, book, mentioned);
        if (!newRes.accepted()) {
            return newRes.cast();
        }
        Verdict<Resources> pool = Text.resources("reservation " + rid + " pool", rec.getPoolList());
        Verdict<Resources> inUse = Text.resources("reservation " + rid + " in_use", rec.getInUseList());
        if (!pool.accepted()) {
            return pool.cast();
        }
        if (!inUse.accepted()) {
            return inUse.cast();
        }
        if (!pool.value().contains(inUse.value()) || !pool.value().contains(newRes.value())) {
            return Verdict.reject(RejectCode.INVALID_RESOURCES, "reservation " + rid + " pool " + pool.value()
                    + " must contain its in_use " + inUse.value() + " and the new task's " + newRes.value());
        }
        List<String> offerIds = new ArrayList<>();
        rec.getOfferIdsList().forEach(o -> offerIds.add(o.getValue()));
        ReservationEntry e = new ReservationEntry(rid, executorId, rec.getOldTask(), oldRes.value(), rec.getNewTask(),
                newRes.value(), rec.getConcurrent(), offerIds, pool.value());
        e.inUse = inUse.value();
        return Verdict.ok(e);
    }

    private static TaskStatus status(TaskInfo task, TaskState state, String executorId) {
        return TaskStatus.newBuilder().setTaskId(task.getTaskId()).setState(state)
                .setExecutorId(ExecutorID.newBuilder().setValue(executorId)).build();
    }
}
