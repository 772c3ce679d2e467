package io.baton.sdk.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.baton.proto.TaskID;
import io.baton.proto.TaskState;
import io.baton.proto.TaskStatus;
import org.junit.jupiter.api.Test;

class StatusOutboxTest {
    final StatusOutbox outbox = new StatusOutbox(1_000_000, 8_000_000);
    long now = 100_000_000;

    static TaskStatus status(String task, TaskState state, int n) {
        byte[] uuid = new byte[16];
        uuid[15] = (byte) n;
        uuid[0] = (byte) task.hashCode();
        return TaskStatus.newBuilder().setTaskId(TaskID.newBuilder().setValue(task)).setState(state)
                .setUuid(ByteString.copyFrom(uuid)).build();
    }

    @Test
    void oneInFlightPerTaskInOrderUntilAcknowledged() {
        TaskStatus s1 = status("a", TaskState.TASK_RUNNING, 1);
        TaskStatus s2 = status("a", TaskState.TASK_KILLED, 2);
        assertThat(outbox.record(s1)).isTrue();
        assertThat(outbox.record(s2)).as("queued behind the first").isFalse();
        assertThat(outbox.due(now)).containsExactly(s1);
        assertThat(outbox.due(now)).as("not again before its backoff").isEmpty();
        assertThat(outbox.acknowledged("a", s2.getUuid())).as("not the head: ignored").isNull();
        assertThat(outbox.acknowledged("a", s1.getUuid())).isEqualTo(s2);
        assertThat(outbox.due(now)).containsExactly(s2);
        assertThat(outbox.acknowledged("a", s2.getUuid())).isNull();
        assertThat(outbox.size()).isZero();
        assertThat(outbox.nextDueUs()).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void resendsBackOffExponentiallyUpToTheCap() {
        outbox.record(status("a", TaskState.TASK_RUNNING, 1));
        long t = now;
        long[] expected = {1, 2, 4, 8, 8};
        outbox.due(t);
        for (long gapSeconds : expected) {
            assertThat(outbox.nextDueUs() - t).isEqualTo(gapSeconds * 1_000_000);
            t = outbox.nextDueUs();
            assertThat(outbox.due(t)).hasSize(1);
        }
        outbox.resendAll();
        assertThat(outbox.due(t)).as("due at once after a reconnect").hasSize(1);
    }

    @Test
    void differentTasksAreIndependent() {
        outbox.record(status("a", TaskState.TASK_RUNNING, 1));
        outbox.record(status("b", TaskState.TASK_RUNNING, 1));
        assertThat(outbox.due(now)).hasSize(2);
        assertThat(outbox.pending()).hasSize(2);
    }

    @Test
    void updatesNeedAUuid() {
        assertThatThrownBy(() -> outbox.record(TaskStatus.newBuilder().setTaskId(TaskID.newBuilder().setValue("a")).build()))
                .hasMessage("status for task a needs a 16-byte uuid, got 0");
    }
}
