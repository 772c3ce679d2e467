package io.baton.ledger;

import io.baton.proto.ExecutorID;
import io.baton.proto.ReplacementID;
import io.baton.proto.ReservationRecord;
import io.baton.proto.ReservationState;
import io.baton.proto.TaskInfo;
import io.baton.resources.Resources;
import io.baton.ledger.LedgerEntries.ReservationEntry;

/** A read-only copy of a reservation. */
public record ReservationView(String replacementId, String executorId, TaskInfo oldTask, TaskInfo newTask,
        Resources oldResources, Resources newResources, Resources pool, Resources inUse, boolean concurrent,
        java.util.List<String> offerIds) {

    static ReservationView of(ReservationEntry r) {
        return new ReservationView(r.replacementId, r.executorId, r.oldTask, r.newTask, r.oldResources,
                r.newResources, r.pool, r.inUse, r.concurrent, r.offerIds);
    }

    public ReservationRecord toRecord() {
        return ReservationRecord.newBuilder().setReplacementId(ReplacementID.newBuilder().setValue(replacementId))
                .setOldTask(oldTask).setNewTask(newTask).addAllPool(pool.toProto()).addAllInUse(inUse.toProto())
                .setConcurrent(concurrent)
                .addAllOfferIds(offerIds.stream().map(o -> io.baton.proto.OfferID.newBuilder().setValue(o).build()).toList())
                .build();
    }

    public ReservationState toState() {
        return ReservationState.newBuilder().setReplacementId(ReplacementID.newBuilder().setValue(replacementId))
                .setExecutorId(ExecutorID.newBuilder().setValue(executorId)).setOldTaskId(oldTask.getTaskId())
                .setNewTaskId(newTask.getTaskId()).addAllPool(pool.toProto()).addAllInUse(inUse.toProto())
                .addAllNewTaskResources(newResources.toProto()).build();
    }
}
