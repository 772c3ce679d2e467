package io.baton.sdk.core;

import static io.baton.proto.ReplaceStrategy.FREEZE_THEN_START;
import static io.baton.proto.ReplaceStrategy.RESIZE_IN_PLACE;
import static io.baton.proto.ReplaceStrategy.START_THEN_STOP;
import static io.baton.proto.TaskState.TASK_FAILED;
import static io.baton.proto.TaskState.TASK_KILLED;
import static io.baton.proto.TaskState.TASK_KILLING;
import static io.baton.proto.TaskState.TASK_LOST;
import static io.baton.proto.TaskState.TASK_ROLLED_BACK;
import static io.baton.proto.TaskState.TASK_RUNNING;
import static io.baton.sdk.core.Script.task;
import static org.assertj.core.api.Assertions.assertThat;

import io.baton.proto.Keep;
import io.baton.proto.TaskReason;
import io.baton.resources.Resources;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(RowCoverage.class)
class OtherStrategiesTest {
    final Script s = new Script().running(task("a", "cpus:1;mem:512"));

    @Test
    void startThenStopRunsTheNewTaskBeforeDrainingTheOld() {
        s.replace("a", task("b", "cpus:1;mem:512"), START_THEN_STOP, "o-1");
        assertThat(s.the(Command.Reserve.class).concurrent()).isTrue();
        s.reserved("cpus:2;mem:1024").expect(Phase.LAUNCHING);
        s.expectReport("a", TASK_KILLING, TaskReason.REPLACED);
        assertThat(s.the(Command.Adjust.class).inUse()).isEqualTo(Resources.parse("cpus:2;mem:1024"));
        s.status("b", TASK_RUNNING).expect(Phase.STOPPING_OLD);
        assertThat(s.the(Command.Kill.class).taskId()).isEqualTo("a");
        s.after(30).status("a", TASK_KILLED).expect(Phase.COMMITTED);
        s.expectRelease(Keep.KEEP_NEW);
        assertThat(s.report("b").timings().drainUs()).isEqualTo(30_000);
        s.checkInvariants();
    }

    @Test
    void startThenStopRollsBackWithoutRestartingTheOldTask() {
        s.replace("a", task("b", "cpus:1;mem:512"), START_THEN_STOP, "o-1").reserved("cpus:2;mem:1024");
        s.status("b", TASK_FAILED).expect(Phase.ROLLED_BACK);
        assertThat(s.the(Command.Release.class).keep()).isEqualTo(Keep.KEEP_OLD);
        s.expectReport("a", TASK_ROLLED_BACK, TaskReason.REPLACE_ROLLED_BACK);
        s.checkInvariants();
    }

    @Test
    void anOldTaskThatWillNotStopAfterTheNewIsReadyIsRelaunchedAfterRollback() {
        s.replace("a", task("b", "cpus:1;mem:512"), START_THEN_STOP, "o-1").reserved("cpus:2;mem:1024")
                .status("b", TASK_RUNNING).expect(Phase.STOPPING_OLD);
        s.after(30_000).timer(Timer.DRAIN).expect(Phase.ROLLING_BACK);
        assertThat(s.the(Command.Kill.class).taskId()).isEqualTo("b");
        s.status("b", TASK_KILLED).expect(Phase.RESTORING); // not relaunched before it has ended
        assertThat(s.the(Command.Kill.class).taskId()).isEqualTo("a");
        s.status("a", TASK_KILLED).expect(Phase.RELAUNCHING);
        assertThat(s.the(Command.Launch.class).task().getTaskId().getValue()).isEqualTo("a");
        s.status("a", TASK_RUNNING).expect(Phase.ROLLED_BACK);
        s.expectReport("b", TASK_FAILED, TaskReason.REPLACE_DRAIN_TIMEOUT);
    }

    @Test
    void theNewTaskDyingWhileTheOldStopsRelaunchesTheOldOnceItHasStopped() {
        s.replace("a", task("b", "cpus:1;mem:512"), START_THEN_STOP, "o-1").reserved("cpus:2;mem:1024")
                .status("b", TASK_RUNNING).status("b", TASK_FAILED).expect(Phase.RESTORING);
        s.expect(Phase.RESTORING); // (was: relaunched next to the dying old task, then FAILED by its end)
        s.status("a", TASK_KILLED).expect(Phase.RELAUNCHING);
        s.status("a", TASK_RUNNING).expect(Phase.ROLLED_BACK);
        s.checkInvariants();
    }

    @Test
    void aFailingKillOfTheOldTaskAfterTheNewIsReadyRollsBack() {
        s.replace("a", task("b", "cpus:1;mem:512"), START_THEN_STOP, "o-1").reserved("cpus:2;mem:1024")
                .status("b", TASK_RUNNING).hookFailed(Hook.KILL).expect(Phase.ROLLING_BACK);
    }

    @Test
    void freezeThenStartThawsOnRollback() {
        s.replace("a", task("b", "cpus:1;mem:512"), FREEZE_THEN_START, "o-1");
        s.reserved("cpus:2;mem:1024").expect(Phase.FREEZING);
        assertThat(s.the(Command.Freeze.class).taskId()).isEqualTo("a");
        s.on(new Event.OldTaskFrozen(s.now)).expect(Phase.LAUNCHING);
        assertThat(s.the(Command.Adjust.class).inUse()).as("a frozen task keeps its memory")
                .isEqualTo(Resources.parse("cpus:2;mem:1024"));
        s.hookFailed(Hook.LAUNCH).expect(Phase.ROLLING_BACK); // it may have started partly: stop it
        assertThat(s.the(Command.Kill.class).taskId()).isEqualTo("b");
        s.status("b", TASK_KILLED).expect(Phase.RELAUNCHING);
        assertThat(s.the(Command.Thaw.class).taskId()).isEqualTo("a");
        s.status("a", TASK_RUNNING).expect(Phase.ROLLED_BACK);
        s.checkInvariants();
    }

    @Test
    void freezeThenStartKillsTheFrozenTaskOnCommit() {
        s.replace("a", Script.withReadiness(task("b", "cpus:1;mem:512")), FREEZE_THEN_START, "o-1")
                .reserved("cpus:2;mem:1024").on(new Event.OldTaskFrozen(s.now)).status("b", TASK_RUNNING)
                .expect(Phase.VERIFYING).on(new Event.NewTaskReady(s.now)).expect(Phase.STOPPING_OLD);
        s.status("a", TASK_KILLED).expect(Phase.COMMITTED);
        s.expectReport("a", TASK_KILLED, TaskReason.REPLACED);
    }

    @Test
    void aFreezeThatFailsAbortsAndTheOldTaskRunsOn() {
        s.replace("a", task("b", "cpus:1;mem:512"), FREEZE_THEN_START, "o-1").reserved("cpus:2;mem:1024");
        s.hookFailed(Hook.FREEZE).expect(Phase.ABORTED);
        s.expectReport("a", TASK_RUNNING, TaskReason.REPLACE_ROLLED_BACK);
        s.expectReport("b", TASK_LOST, TaskReason.REPLACE_NEW_TASK_FAILED);
    }

    @Test
    void aFreezeThatNeverCompletesThawsAndAborts() {
        s.replace("a", task("b", "cpus:1;mem:512"), FREEZE_THEN_START, "o-1").reserved("cpus:2;mem:1024");
        s.after(30_000).timer(Timer.DRAIN).expect(Phase.ABORTED);
        assertThat(s.kinds()).contains("Thaw", "Release");
    }

    @Test
    void anOldTaskThatDiesWhileFreezingIsReplacedAsIfStopped() {
        s.replace("a", task("b", "cpus:1;mem:512"), FREEZE_THEN_START, "o-1").reserved("cpus:2;mem:1024");
        s.status("a", TASK_FAILED).expect(Phase.LAUNCHING);
        s.status("b", TASK_RUNNING).expect(Phase.COMMITTED);
    }

    @Test
    void resizeInPlaceAdjustsThenResizesWithoutKilling() {
        s.replace("a", task("a", "cpus:2;mem:512"), RESIZE_IN_PLACE, "o-1");
        s.reserved("cpus:2;mem:512").expect(Phase.RESIZING);
        assertThat(s.reports()).as("no KILLING for a resize").isEmpty();
        assertThat(s.the(Command.Resize.class).to().getResourcesList()).isEqualTo(Resources.parse("cpus:2;mem:512").toProto());
        s.on(new Event.OldTaskResized(s.now)).expect(Phase.COMMITTED);
        assertThat(s.reports()).hasSize(1);
        s.expectReport("a", TASK_RUNNING, TaskReason.REPLACED);
        assertThat(s.engine.tasks().get("a").getResourcesList()).isEqualTo(Resources.parse("cpus:2;mem:512").toProto());
    }

    @Test
    void aFailedResizeResizesBackAndRollsBack() {
        s.replace("a", task("a", "cpus:2;mem:512"), RESIZE_IN_PLACE, "o-1").reserved("cpus:2;mem:512");
        s.hookFailed(Hook.RESIZE).expect(Phase.ROLLED_BACK);
        assertThat(s.the(Command.Resize.class).to().getResourcesList()).isEqualTo(Resources.parse("cpus:1;mem:512").toProto());
        s.expectReport("a", TASK_ROLLED_BACK, TaskReason.REPLACE_ROLLED_BACK);
    }

    @Test
    void aResizeThatTimesOutOrWhoseTaskDiesRollsBack() {
        s.replace("a", task("a", "cpus:2;mem:512"), RESIZE_IN_PLACE, "o-1").reserved("cpus:2;mem:512");
        s.after(60_000).timer(Timer.START).expect(Phase.ROLLED_BACK);

        Script t = new Script().running(task("x", "cpus:1"));
        t.replace("x", task("x", "cpus:2"), RESIZE_IN_PLACE, "o-1").reserved("cpus:2");
        t.status("x", TASK_FAILED).expect(Phase.RELAUNCHING);
        t.status("x", TASK_RUNNING).expect(Phase.ROLLED_BACK);
    }
}
