package io.baton.sdk.driver;

import static org.assertj.core.api.Assertions.assertThat;

import io.baton.proto.AcknowledgedEvent;
import io.baton.proto.ExecutorEvent;
import io.baton.proto.JournalRecord;
import io.baton.proto.LaunchEvent;
import io.baton.proto.TaskID;
import io.baton.proto.TaskInfo;
import io.baton.proto.TaskState;
import io.baton.proto.TaskStatus;
import io.baton.proto.UpdateRef;
import io.baton.resources.Resources;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A framework's client acknowledges the updates it delivered together in one call, and the shim forwards them to
 * the executor as one event: the executor journals them as one record, applies each in order (each task's next
 * update is then due), and a restart replays them the same way.
 */
class AcknowledgedTogetherTest {
    private final ListJournal journal = new ListJournal();
    private long now = 1_000_000;

    private ExecutorDriver driver() {
        return journal.driver();
    }

    private static List<TaskStatus> updates(List<Effect> effects) {
        List<TaskStatus> out = new ArrayList<>();
        for (Effect e : effects) {
            if (e instanceof Effect.Update u) {
                out.add(u.status());
            }
        }
        return out;
    }

    private static Effect.RunHook hook(List<Effect> effects) {
        return effects.stream().filter(Effect.RunHook.class::isInstance).map(Effect.RunHook.class::cast).findFirst()
                .orElseThrow();
    }

    private static UpdateRef ref(TaskStatus s) {
        return UpdateRef.newBuilder().setTaskId(s.getTaskId()).setUuid(s.getUuid()).build();
    }

    @Test
    void updatesAcknowledgedInOneEventAreJournaledAsOneRecordAndEachTasksNextUpdateGoesOutAlsoAfterARestart() {
        ExecutorDriver d = driver();
        d.step(new Input.Start(now));
        d.step(new Input.Connected(now));
        d.step(new Input.Subscribed("c1", now));
        List<TaskStatus> running = new ArrayList<>();
        List<Effect.RunHook> launches = new ArrayList<>();
        for (String id : List.of("a", "b", "c")) {
            Effect.RunHook launch = hook(d.step(new Input.ShimEvent(ExecutorEvent.newBuilder().setLaunch(LaunchEvent
                    .newBuilder().setTask(TaskInfo.newBuilder().setTaskId(TaskID.newBuilder().setValue(id))
                            .addAllResources(Resources.parse("cpus:1;mem:64").toProto()))).build(), now += 1_000)));
            d.step(new Input.HookReturned(launch, true, null, now += 1_000));
            launches.add(launch);
            running.addAll(updates(d.step(new Input.TaskReported(id, launch.incarnation(), TaskState.TASK_RUNNING, "",
                    now += 1_000))));
        }
        assertThat(running).extracting(TaskStatus::getState).containsOnly(TaskState.TASK_RUNNING).hasSize(3);
        for (int i = 0; i < 3; i++) { // each task's next update waits for the acknowledgement of its first
            assertThat(updates(d.step(new Input.TaskReported(running.get(i).getTaskId().getValue(),
                    launches.get(i).incarnation(), TaskState.TASK_FINISHED, "", now += 1_000)))).isEmpty();
        }

        int before = journal.records.size();
        List<Effect> acked = d.step(new Input.ShimEvent(ExecutorEvent.newBuilder().setAcknowledged(AcknowledgedEvent
                .newBuilder().setTaskId(running.get(0).getTaskId()).setUuid(running.get(0).getUuid())
                .addMore(ref(running.get(2)))).build(), now += 1_000));

        assertThat(updates(acked)).extracting(s -> s.getTaskId().getValue() + " " + s.getState())
                .containsExactly("a TASK_FINISHED", "c TASK_FINISHED");
        List<JournalRecord> added = journal.records.subList(before, journal.records.size());
        assertThat(added).filteredOn(JournalRecord::hasStatusAcknowledged).singleElement()
                .satisfies(r -> assertThat(r.getStatusAcknowledged().getMoreList()).containsExactly(ref(running.get(2))));

        ExecutorDriver restarted = driver();
        restarted.step(new Input.Start(now += 1_000));
        restarted.step(new Input.Recovered(Set.of("a", "b", "c"), now));
        restarted.step(new Input.Connected(now));
        List<TaskStatus> resent = updates(restarted.step(new Input.Subscribed("c2", now)));
        assertThat(resent).as("b's first update was never acknowledged; a's and c's were")
                .extracting(s -> s.getTaskId().getValue() + " " + s.getState())
                .containsExactlyInAnyOrder("a TASK_FINISHED", "b TASK_RUNNING", "c TASK_FINISHED");
    }
}
