package io.baton.sdk.runtime;

import com.google.protobuf.ByteString;
import io.baton.proto.ExecutorID;
import io.baton.proto.ReplacementID;
import io.baton.proto.ReplacementOutcome;
import io.baton.proto.TaskID;
import io.baton.proto.TaskState;
import io.baton.proto.TaskStatus;
import io.baton.sdk.core.Command;
import java.nio.ByteBuffer;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Reliable status updates: each gets a UUID, is journaled, then sent; unacknowledged ones are resent
 * with backoff (one in flight per task, in order) until the framework acknowledges them.
 */
final class StatusSender {
    private final ExecutorRuntime rt;

    StatusSender(ExecutorRuntime rt) {
        this.rt = rt;
    }

    void start() {
        rt.loop().scheduleWithFixedDelay(this::pump, 250, 250, TimeUnit.MILLISECONDS);
    }

    TaskStatus status(String taskId, TaskState state, String message) {
        return TaskStatus.newBuilder().setTaskId(TaskID.newBuilder().setValue(taskId)).setState(state)
                .setMessage(message).setUuid(uuid()).setTimestampUs(rt.now())
                .setExecutorId(ExecutorID.newBuilder().setValue(rt.executorId())).build();
    }

    TaskStatus fromReport(Command.Report r) {
        TaskStatus.Builder b = status(r.taskId(), r.state(), r.message()).toBuilder().setReason(r.reason())
                .setReplacementId(ReplacementID.newBuilder().setValue(r.replacementId()))
                .setRelatedTaskId(TaskID.newBuilder().setValue(r.relatedTaskId()));
        if (r.timings() != null) {
            b.setTimings(r.timings().toProto());
        }
        if (r.outcome() != null) {
            b.setOutcome(ReplacementOutcome.valueOf(r.outcome().name()));
        }
        return b.build();
    }

    /** Journals the update and sends whatever is due. */
    void send(TaskStatus status) {
        rt.journaled().recordStatus(status);
        pump();
    }

    void acknowledged(String taskId, ByteString uuid) {
        rt.journaled().acknowledged(taskId, uuid, rt.now());
        pump();
    }

    void pump() {
        if (!rt.subscribed()) {
            return;
        }
        for (TaskStatus s : rt.journaled().outbox().due(rt.now())) {
            rt.shim().update(s);
        }
    }

    static ByteString uuid() {
        UUID u = UUID.randomUUID();
        return ByteString.copyFrom(ByteBuffer.allocate(16).putLong(u.getMostSignificantBits())
                .putLong(u.getLeastSignificantBits()).array());
    }
}
