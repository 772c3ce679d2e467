package io.baton.ledger;

import io.baton.tasks.TaskStates;
import io.baton.proto.RejectCode;
import io.baton.proto.TaskInfo;
import io.baton.proto.TaskState;
import io.baton.proto.TaskStatus;
import io.baton.resources.Resources;
import io.baton.ledger.LedgerEntries.ExecutorEntry;
import io.baton.ledger.LedgerEntries.HeldTask;
import java.util.List;

/** LAUNCH and status updates: the executor's allocation grows by a launched task, and shrinks when it ends. */
final class TaskRules {
    private final Ledger ledger;

    TaskRules(Ledger ledger) {
        this.ledger = ledger;
    }

    /**
     * The task, owned by nobody here, becomes the absent executor's, retired with {@code status} (terminal) as its
     * latest: RECONCILE answers it until a framework acknowledges that status, as for a task of an executor that
     * expired. False, changing nothing, when the task is owned already or the status is not terminal.
     */
    boolean endedAway(String executorId, TaskStatus status) {
        String task = status.getTaskId().getValue();
        if (ledger.taskBook().ownerOf(task) != null || !io.baton.tasks.TaskStates.isTerminal(status.getState())) {
            return false;
        }
        ledger.taskBook().own(task, executorId);
        ledger.taskBook().record(status);
        ledger.taskBook().retire(task);
        return true;
    }

    Verdict<Resources> launch(String executorId, TaskInfo task, List<String> offerIds, long nowUs) {
        Verdict<ExecutorEntry> exec = ledger.liveExecutor(executorId);
        if (!exec.accepted()) {
            return exec.cast();
        }
        String tid = task.getTaskId().getValue();
        String bad = Ids.checkObject("task id", tid);
        if (bad != null) {
            return Verdict.reject(RejectCode.INVALID_ID, bad);
        }
        if (ledger.taskBook().ownerOf(tid) != null) {
            return Verdict.reject(RejectCode.DUPLICATE_TASK, "task " + tid + " already exists on executor "
                    + ledger.taskBook().ownerOf(tid) + "; task ids must be unique");
        }
        Verdict<Resources> need = Text.taskResources("task " + tid, task.getResourcesList());
        if (!need.accepted()) {
            return need;
        }
        Verdict<Resources> have = OfferCheck.sum(ledger, offerIds, executorId, null, nowUs, false);
        if (!have.accepted()) {
            return have;
        }
        if (!have.value().contains(need.value())) {
            return Verdict.reject(RejectCode.INSUFFICIENT_RESOURCES, "task " + tid + " needs " + need.value()
                    + " but offers " + offerIds + " hold " + Text.of(have.value()) + " (missing "
                    + need.value().minus(have.value()) + ")");
        }
        for (String id : offerIds) {
            ledger.consumeOffer(id, "used by launch of task " + tid);
        }
        HeldTask held = new HeldTask(task, need.value());
        exec.value().hold(held);
        ledger.addAllocated(held.resources());
        ledger.taskBook().own(tid, executorId);
        ledger.taskBook().record(TaskStatus.newBuilder().setTaskId(task.getTaskId()).setState(TaskState.TASK_STAGING)
                .setExecutorId(io.baton.proto.ExecutorID.newBuilder().setValue(executorId))
                .setTimestampUs(nowUs).build());
        return Verdict.ok(ledger.limitsOf(executorId));
    }

    Verdict<Ledger.StatusEffect> recordStatus(String executorId, TaskStatus status) {
        String tid = status.getTaskId().getValue();
        String bad = Ids.checkObject("task id", tid);
        if (bad != null) {
            return Verdict.reject(RejectCode.INVALID_ID, bad);
        }
        String owner = ledger.taskBook().ownerOf(tid);
        if (owner != null && !owner.equals(executorId)) {
            return Verdict.reject(RejectCode.NOT_OWNER, "task " + tid + " belongs to executor " + owner
                    + ", not to " + executorId);
        }
        ExecutorEntry e = ledger.executorMap().get(executorId);
        if (e == null) {
            return Verdict.reject(RejectCode.UNKNOWN_EXECUTOR, "executor " + executorId + " is not subscribed");
        }
        if (owner == null) {
            // e.g. an unacknowledged terminal update resent after a shim restart: relayed, but it neither
            // claims the id nor takes memory; its acknowledgement must still find the way back
            ledger.taskBook().relayedUnowned(status.getUuid(), executorId);
            return Verdict.ok(new Ledger.StatusEffect(false, null));
        }
        ledger.taskBook().record(status);
        HeldTask held = e.held(tid);
        if (held != null && TaskStates.isTerminal(status.getState())) {
            e.drop(tid);
            ledger.removeAllocated(held.resources());
            ledger.taskBook().retire(tid);
            return Verdict.ok(new Ledger.StatusEffect(true, ledger.limitsOf(executorId)));
        }
        return Verdict.ok(new Ledger.StatusEffect(false, null));
    }
}
