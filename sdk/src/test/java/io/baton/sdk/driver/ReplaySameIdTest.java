package io.baton.sdk.driver;

import static org.assertj.core.api.Assertions.assertThat;

import io.baton.proto.ReleaseLeftover;
import io.baton.proto.ReplacePolicy;
import io.baton.proto.ReplaceStrategy;
import io.baton.proto.TaskID;
import io.baton.proto.TaskInfo;
import io.baton.proto.TaskState;
import io.baton.resources.Resources;
import io.baton.sdk.core.Engine;
import io.baton.sdk.core.Event;
import io.baton.sdk.core.Hook;
import io.baton.sdk.core.Phase;
import io.baton.sdk.core.Policy;
import io.baton.sdk.core.ReplaceRequest;
import io.baton.sdk.journal.InMemoryJournal;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Same-id replacements replayed from a checkpoint, found by the deterministic simulation: seed 32690 (the
 * old task resolved from the checkpoint's task table, which already held the new task under that id: another
 * branch, ROLLED_BACK instead of FAILED) and seed 1120679 (a task that ended after its resize came back).
 */
class ReplaySameIdTest {
    static TaskInfo task(String res) {
        return TaskInfo.newBuilder().setTaskId(TaskID.newBuilder().setValue("a")).addAllResources(
                Resources.parse(res).toProto()).build();
    }

    @Test
    void replayFromACheckpointTakenMidReplacementReachesTheSameOutcome() {
        InMemoryJournal journal = new InMemoryJournal();
        JournaledEngine je = new JournaledEngine(journal, new Engine());
        long now = 5_000_000L;
        je.shimConnected(now);
        je.taskKnown(task("cpus:1;mem:512"), TaskState.TASK_RUNNING, now);
        Policy p = Policy.of(ReplacePolicy.newBuilder().setStrategy(ReplaceStrategy.STOP_THEN_START)
                .setReleaseLeftover(ReleaseLeftover.IMMEDIATE).build());
        je.submit(ReplaceRequest.of("r1", je.engine().tasks().get("a"), task("cpus:0.5;mem:256"), List.of(), p, now),
                now);
        je.apply("r1", new Event.ReserveAccepted(Resources.parse("cpus:1;mem:512"), now += 10));
        je.taskState("a", TaskState.TASK_KILLED, "", now += 10); // the leftover is given back at once
        je.taskKnown(task("cpus:0.5;mem:256"), TaskState.TASK_STAGING, now); // the runtime launches the new "a"
        je.checkpoint(now += 10);
        je.apply("r1", new Event.HookFailed(Hook.LAUNCH, "cannot start", now += 10));
        je.taskState("a", TaskState.TASK_KILLED, "", now += 10);
        assertThat(je.engine().replacement("r1").phase()).isEqualTo(Phase.FAILED);

        JournaledEngine replayed = JournaledEngine.replay(journal).engine();
        assertThat(replayed.engine().replacement("r1").phase()).isEqualTo(Phase.FAILED);
    }

    /**
     * Seed 1120679: a same-id RESIZE_IN_PLACE commits, its release unconfirmed (a checkpoint still carries its
     * records); the task then ends outside the replacement. Replay from a checkpoint must not bring it back:
     * recovery reported it TASK_LOST after its terminal TASK_KILLED.
     */
    @Test
    void aTaskThatEndedAfterAResizeStaysEndedAcrossACheckpoint() {
        InMemoryJournal journal = new InMemoryJournal();
        JournaledEngine je = new JournaledEngine(journal, new Engine());
        long now = 5_000_000L;
        je.shimConnected(now);
        je.taskKnown(task("cpus:1;mem:512"), TaskState.TASK_RUNNING, now);
        Policy p = Policy.of(ReplacePolicy.newBuilder().setStrategy(ReplaceStrategy.RESIZE_IN_PLACE).build());
        je.submit(ReplaceRequest.of("r1", je.engine().tasks().get("a"), task("cpus:0.5;mem:256"), List.of(), p, now),
                now);
        je.apply("r1", new Event.ReserveAccepted(Resources.parse("cpus:1;mem:512"), now += 10));
        je.apply("r1", new Event.OldTaskResized(now += 10));
        assertThat(je.engine().replacement("r1").phase()).isEqualTo(Phase.COMMITTED);
        assertThat(je.engine().replacement("r1").releasePending()).isTrue();
        je.taskState("a", TaskState.TASK_KILLED, "killed", now += 10); // a kill from before, finishing now
        assertThat(je.engine().tasks()).doesNotContainKey("a");
        je.checkpoint(now += 10);

        JournaledEngine replayed = JournaledEngine.replay(journal).engine();
        assertThat(replayed.engine().tasks()).doesNotContainKey("a");
    }
}
