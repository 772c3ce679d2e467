package io.baton.sdk.driver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.baton.proto.ExecutorEvent;
import io.baton.proto.ExecutorSubscribe;
import io.baton.proto.JournalRecord;
import io.baton.proto.LaunchEvent;
import io.baton.proto.TaskID;
import io.baton.proto.TaskInfo;
import io.baton.proto.TaskRecord;
import io.baton.proto.TaskState;
import io.baton.proto.TaskStatus;
import io.baton.resources.Resources;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Simulation seed 275, replayed on the shipped driver: a task's TASK_RUNNING is recorded, the executor dies
 * before the task-state record; recovery finds the task gone and reports it lost, and the executor dies again
 * between the two records of that. The framework must still hear TASK_LOST from the executor after the
 * RUNNING, and the re-subscription must name the task (so the shim does not report it lost on its own, after
 * which the resent RUNNING would contradict it).
 */
class RecoveryKeepsLastWordTest {
    private final ListJournal journal = new ListJournal();
    private long now = 1_000_000;
    private int uuid;

    private ExecutorDriver driver() {
        return new ExecutorDriver("e1", Resources.parse("cpus:0.1;mem:32"), journal,
                () -> ByteString.copyFromUtf8(String.format("%016d", ++uuid)), since -> false);
    }

    private List<Effect> step(ExecutorDriver d, Input in) {
        now += 1_000;
        return d.step(in);
    }

    @Test
    void aTaskForgottenAfterACrashStillGetsItsTerminalUpdate() {
        ExecutorDriver first = driver();
        step(first, new Input.Start(now));
        step(first, new Input.Connected(now));
        step(first, new Input.Subscribed("c1", now));
        TaskInfo t7 = TaskInfo.newBuilder().setTaskId(TaskID.newBuilder().setValue("t7")).build();
        step(first, new Input.ShimEvent(ExecutorEvent.newBuilder().setLaunch(LaunchEvent.newBuilder().setTask(t7))
                .build(), now));
        journal.dieBefore = JournalRecord::hasTaskState;
        assertThatThrownBy(() -> step(first, new Input.TaskReported("t7", 1, TaskState.TASK_RUNNING, "", now)))
                .isInstanceOf(ListJournal.Died.class); // TASK_RUNNING recorded for sending, its task state not

        ExecutorDriver second = driver();
        step(second, new Input.Start(now));
        int[] seen = {0}; // dies between the two records of "t7 is lost" (its update, and its task state)
        journal.dieBefore = r -> (r.hasStatusRecorded() || r.hasTaskState()) && ++seen[0] == 2;
        assertThatThrownBy(() -> step(second, new Input.Recovered(Set.of(), now)))
                .isInstanceOf(ListJournal.Died.class);

        ExecutorDriver third = driver();
        step(third, new Input.Start(now));
        step(third, new Input.Recovered(Set.of(), now));
        List<TaskStatus> t7Updates = third.journaled().outbox().pending().stream()
                .filter(s -> s.getTaskId().getValue().equals("t7")).toList();
        assertThat(t7Updates).extracting(TaskStatus::getState)
                .containsExactly(TaskState.TASK_RUNNING, TaskState.TASK_LOST);
        ExecutorSubscribe sub = step(third, new Input.Connected(now)).stream()
                .filter(e -> e instanceof Effect.Subscribe).map(e -> ((Effect.Subscribe) e).subscription())
                .findFirst().orElseThrow();
        assertThat(sub.getTasksList()).extracting(TaskRecord::getTask).extracting(t -> t.getTaskId().getValue())
                .contains("t7");
    }
}
