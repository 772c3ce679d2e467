package io.baton.shim.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.baton.proto.ExecutorEvent;
import io.baton.proto.ExecutorID;
import io.baton.proto.ExecutorSubscribe;
import io.baton.proto.LaunchEvent;
import io.baton.proto.TaskID;
import io.baton.proto.TaskInfo;
import io.baton.proto.TaskState;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Found by the deterministic simulation: a task launched while its executor was away was reported lost. */
class QueuedLaunchesTest {
    @Test
    void aTaskWhoseLaunchWaitsInTheMailboxIsPartOfTheSubscription() {
        TaskInfo t = TaskInfo.newBuilder().setTaskId(TaskID.newBuilder().setValue("t1")).build();
        ExecutorSubscribe sub = ExecutorSubscribe.newBuilder().setExecutorId(ExecutorID.newBuilder().setValue("e1")).build();
        ExecutorSubscribe out = ShimCore.withQueuedLaunches(sub,
                List.of(ExecutorEvent.newBuilder().setLaunch(LaunchEvent.newBuilder().setTask(t)).build()));
        assertThat(out.getTasksList()).hasSize(1);
        assertThat(out.getTasks(0).getState()).isEqualTo(TaskState.TASK_STAGING);
        assertThat(ShimCore.withQueuedLaunches(out, List.of(ExecutorEvent.newBuilder()
                .setLaunch(LaunchEvent.newBuilder().setTask(t)).build())).getTasksCount()).as("not twice").isEqualTo(1);
    }
}
