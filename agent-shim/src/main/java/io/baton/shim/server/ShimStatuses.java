package io.baton.shim.server;

import com.google.protobuf.ByteString;
import io.baton.proto.ExecutorID;
import io.baton.proto.TaskID;
import io.baton.proto.TaskReason;
import io.baton.proto.TaskState;
import io.baton.proto.TaskStatus;
import java.nio.ByteBuffer;
import java.util.UUID;

/** Status updates the shim itself originates (a task lost with its executor, an invalid replace). */
final class ShimStatuses {
    private ShimStatuses() {
    }

    static TaskStatus of(TaskID task, TaskState state, TaskReason reason, String message, String executorId,
            long nowUs) {
        TaskStatus.Builder b = TaskStatus.newBuilder().setTaskId(task).setState(state).setReason(reason)
                .setMessage(message).setUuid(uuid()).setTimestampUs(nowUs);
        if (executorId != null) {
            b.setExecutorId(ExecutorID.newBuilder().setValue(executorId));
        }
        return b.build();
    }

    static ByteString uuid() {
        UUID u = UUID.randomUUID();
        ByteBuffer buf = ByteBuffer.allocate(16);
        buf.putLong(u.getMostSignificantBits()).putLong(u.getLeastSignificantBits());
        return ByteString.copyFrom(buf.array());
    }
}
