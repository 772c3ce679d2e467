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
        ledger.reservationBook().repool(r, rest);
        ledger.removeReserved(give.value());
        return Verdict.ok(ledger.limitsOf(r.executorId));
    }

    Verdict<Resources> end(ReservationEntry r, Keep keep) {
        ExecutorEntry exec = ledger.executorMap().get(r.executorId);
        TaskBook book = ledger.taskBook();
        boolean sameId = r.oldTaskId().equals(r.newTaskId());
        switch (keep) {
            case KEEP_NEW -> {
                holdUnlessEnded(exec, new HeldTask(r.newTask, r.newResources));
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
                holdUnlessEnded(exec, new HeldTask(r.oldTask, r.oldResources));
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
        ledger.reservationBook().remove(r.replacementId);
        ledger.removeReserved(r.pool);
        ledger.ended(r.replacementId, r.executorId, keep);
        return Verdict.ok(ledger.limitsOf(r.executorId));
    }

    /**
     * Keeps the task the release names — unless its terminal update has been relayed already (it ended while
     * the release was unconfirmed: simulation seed 1734114, an ABORTED replacement's old task lost in a restart
     * before the shim confirmed its KEEP_OLD release): then there is nothing to keep, and holding it would
     * leave its resources allocated to a task nothing runs. Also for a same-id replacement (seed 2198078: a
     * resized task that crashed before its KEEP_NEW release was confirmed): an executor never reports the end
     * of the replaced incarnation of a same-id replacement (the new one's state would follow a terminal one), so
     * a terminal state under that id is the kept task's.
     */
    private void holdUnlessEnded(ExecutorEntry exec, HeldTask task) {
        if (ended(ledger, task.id())) {
            ledger.taskBook().retire(task.id());
            return;
        }
        hold(exec, task);
    }

    private static boolean ended(Ledger ledger, String taskId) {
        io.baton.proto.TaskStatus latest = ledger.taskBook().latest(taskId);
        return latest != null && io.baton.tasks.TaskStates.isTerminal(latest.getState());
    }

    /**
     * Whether the task a release kept (of a replacement {@code oldId -> newId}) has ended since (see above): its
     * terminal update was relayed, or relayed and acknowledged (then the shim no longer knows the id at all).
     */
    static boolean endedSince(Ledger ledger, String executorId, String keptId) {
        return ended(ledger, keptId) || !executorId.equals(ledger.taskBook().ownerOf(keptId));
    }

    private void hold(ExecutorEntry exec, HeldTask task) {
        exec.hold(task);
        ledger.addAllocated(task.resources());
    }
}
