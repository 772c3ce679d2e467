package io.baton.sdk.sim;

import com.google.protobuf.ByteString;
import io.baton.proto.ExecutorID;
import io.baton.proto.ReplacementID;
import io.baton.proto.ReplacementOutcome;
import io.baton.proto.TaskID;
import io.baton.proto.TaskState;
import io.baton.proto.TaskStatus;
import io.baton.sdk.core.Command;

/** StatusSender's status building, with uuids from the seed's random source instead of UUID.randomUUID. */
final class SimStatuses {
    private SimStatuses() {
    }

    static TaskStatus status(SimWorld w, String executorId, String taskId, TaskState state, String message) {
        byte[] uuid = new byte[16];
        for (int i = 0; i < 16; i += 8) {
            long v = w.rnd.nextLong();
            for (int j = 0; j < 8; j++) {
                uuid[i + j] = (byte) (v >>> (8 * j));
            }
        }
        return TaskStatus.newBuilder().setTaskId(tid(taskId)).setState(state).setMessage(message)
                .setUuid(ByteString.copyFrom(uuid)).setTimestampUs(w.now())
                .setExecutorId(ExecutorID.newBuilder().setValue(executorId)).build();
    }

    static TaskStatus fromReport(SimWorld w, String executorId, Command.Report r) {
        TaskStatus.Builder b = status(w, executorId, r.taskId(), r.state(), r.message()).toBuilder().setReason(r.reason())
                .setReplacementId(rid(r.replacementId())).setRelatedTaskId(tid(r.relatedTaskId()));
        if (r.timings() != null) {
            b.setTimings(r.timings().toProto());
        }
        if (r.outcome() != null) {
            b.setOutcome(ReplacementOutcome.valueOf(r.outcome().name()));
        }
        return b.build();
    }

    static ReplacementID rid(String id) {
        return ReplacementID.newBuilder().setValue(id).build();
    }

    static TaskID tid(String id) {
        return TaskID.newBuilder().setValue(id).build();
    }
}
