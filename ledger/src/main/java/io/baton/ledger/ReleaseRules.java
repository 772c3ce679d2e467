package io.baton.ledger;

import io.baton.proto.Keep;
import io.baton.proto.RejectCode;
import io.baton.proto.ResourceList;
import io.baton.resources.Resources;
import io.baton.ledger.LedgerEntries.ExecutorEntry;
import io.baton.ledger.LedgerEntries.HeldTask;
import io.baton.ledger.LedgerEntries.ReservationEntry;

/** RELEASE: give part of a reservation's pool back, or end it keeping the new, the old or no task. */
final class ReleaseRules {
    private final Ledger ledger;

    ReleaseRules(Ledger ledger) {
        this.ledger = ledger;
    }

    Verdict<Resources> giveBack(ReservationEntry r, ResourceList list) {
        Verdict<Resources> give = Text.resources("give-back of replacement " + r.replacementId, list.getResourcesList());
        if (!give.accepted()) {
            return give;
        }
        if (!r.pool.contains(give.value())) {
            return Verdict.reject(RejectCode.INSUFFICIENT_RESOURCES, "replacement " + r.replacementId
                    + " cannot give back " + give.value() + ": its pool holds " + Text.of(r.pool));
        }
        Resources rest = r.pool.minus(give.value());
        if (!rest.contains(r.newResources) || !rest.contains(r.inUse)) {
            return Verdict.reject(RejectCode.INSUFFICIENT_RESOURCES, "replacement " + r.replacementId
                    + " cannot give back " + give.value() + ": the pool would keep " + Text.of(rest)
                    + ", which must still hold the new task's " + r.newResources + " and the in-use " + r.inUse);
        }
        r.pool = rest;
        ledger.removeReserved(give.value());
        return Verdict.ok(ledger.limitsOf(r.executorId));
    }

    Verdict<Resources> end(ReservationEntry r, Keep keep) {
        ExecutorEntry exec = ledger.executorMap().get(r.executorId);
        TaskBook book = ledger.taskBook();
        boolean sameId = r.oldTaskId().equals(r.newTaskId());
        switch (keep) {
            case KEEP_NEW -> {
                hold(exec, new HeldTask(r.newTask, r.newResources));
                if (!sameId) {
                    book.retire(r.oldTaskId());
                }
            }
            case KEEP_OLD -> {
                if (!r.pool.contains(r.oldResources)) {
                    return Verdict.reject(RejectCode.INSUFFICIENT_RESOURCES, "replacement " + r.replacementId
                            + " cannot keep old task " + r.oldTaskId() + ": its pool " + Text.of(r.pool)
                            + " no longer holds " + r.oldResources + " (the leftover was given back); end it with KEEP_NONE");
                }
                hold(exec, new HeldTask(r.oldTask, r.oldResources));
                if (!sameId) {
                    book.retire(r.newTaskId());
                }
            }
            case KEEP_NONE -> {
                book.retire(r.oldTaskId());
                book.retire(r.newTaskId());
            }
            default -> {
                return Verdict.reject(RejectCode.MALFORMED, "release of replacement " + r.replacementId
                        + " must say keep (KEEP_NEW, KEEP_OLD, KEEP_NONE) or give_back");
            }
        }
        ledger.reservationMap().remove(r.replacementId);
        ledger.removeReserved(r.pool);
        ledger.ended(r.replacementId, r.executorId, keep);
        return Verdict.ok(ledger.limitsOf(r.executorId));
    }

    private void hold(ExecutorEntry exec, HeldTask task) {
        exec.tasks.put(task.id(), task);
        ledger.addAllocated(task.resources());
    }
}
