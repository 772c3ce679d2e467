package io.baton.sdk.core;

import static io.baton.proto.ReplaceStrategy.STOP_THEN_START;
import static io.baton.proto.TaskState.TASK_FAILED;
import static io.baton.proto.TaskState.TASK_KILLED;
import static io.baton.proto.TaskState.TASK_KILLING;
import static io.baton.proto.TaskState.TASK_LOST;
import static io.baton.proto.TaskState.TASK_ROLLED_BACK;
import static io.baton.proto.TaskState.TASK_RUNNING;
import static io.baton.sdk.core.Script.task;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.baton.proto.Keep;
import io.baton.proto.RejectCode;
import io.baton.proto.TaskReason;
import io.baton.resources.Resources;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The seed's flow (STOP_THEN_START) and every way it can end. */
@ExtendWith(RowCoverage.class)
class StopThenStartTest {
    final Script s = new Script().running(task("a", "cpus:2;mem:1024"));

    /** Request, reserve, drain: the common start of most scenarios. */
    private Script drained() {
        s.replace("a", task("b", "cpus:1;mem:256"), STOP_THEN_START).expect(Phase.REQUESTED);
        s.reserved("cpus:2;mem:1024").expect(Phase.DRAINING);
        s.after(40).status("a", TASK_KILLED).expect(Phase.LAUNCHING);
        return s;
    }

    @Test
    void partialReplacementCommitsAndReleasesTheLeftoverOnCommit() {
        s.replace("a", task("b", "cpus:1;mem:256"), STOP_THEN_START).expect(Phase.REQUESTED);
        assertThat(s.the(Command.Reserve.class).concurrent()).isFalse();

        s.after(1).reserved("cpus:2;mem:1024").expect(Phase.DRAINING);
        assertThat(s.kinds()).containsExactly("Report", "Kill", "ArmTimer");
        s.expectReport("a", TASK_KILLING, TaskReason.REPLACED);
        assertThat(s.the(Command.Kill.class).gracePeriodMs()).isEqualTo(500);
        assertThat(s.the(Command.ArmTimer.class).deadlineUs()).isEqualTo(s.now - 1000 + 30_000_000L);

        s.after(40).status("a", TASK_KILLED).expect(Phase.LAUNCHING); // the container holds the pool already
        assertThat(s.kinds()).containsExactly("CancelTimer", "Adjust", "ArmTimer", "Launch");
        assertThat(s.the(Command.Adjust.class).inUse()).isEqualTo(Resources.parse("cpus:1;mem:256"));

        s.after(100).status("b", TASK_RUNNING).expect(Phase.COMMITTED);
        assertThat(s.kinds()).containsExactly("CancelTimer", "Release", "Report", "Report");
        s.expectRelease(Keep.KEEP_NEW);
        s.expectReport("a", TASK_KILLED, TaskReason.REPLACED);
        s.expectReport("b", TASK_RUNNING, TaskReason.REPLACED);
        Timings t = s.report("b").timings();
        assertThat(t).isEqualTo(new Timings(40_000, 0, 100_000, 0, 141_000)); // no wait between the old end and the launch

        s.on(new Event.Released(s.now));
        assertThat(s.engine.replacement("r1").released()).isTrue();
        assertThat(s.engine.tasks()).containsOnlyKeys("b");
        assertThat(s.engine.manages("a")).isFalse();
        s.checkInvariants();
    }

    @Test
    void immediateLeftoverIsGivenBackAtTheHandoff() {
        s.replace("r1", "a", task("b", "cpus:1;mem:256"), Script.immediate(STOP_THEN_START));
        s.reserved("cpus:2;mem:1024");
        s.status("a", TASK_KILLED);
        assertThat(s.kinds()).containsExactly("CancelTimer", "Adjust", "GiveBack", "ArmTimer", "Launch");
        assertThat(s.the(Command.GiveBack.class).resources()).isEqualTo(Resources.parse("cpus:1;mem:768"));
    }

    @Test
    void augmentedReplacementNamesItsOffers() {
        s.replace("a", task("b", "cpus:3;mem:2048"), STOP_THEN_START, "o-1", "o-2");
        assertThat(s.the(Command.Reserve.class).offerIds()).containsExactly("o-1", "o-2");
        s.reserved("cpus:3;mem:2048").status("a", TASK_KILLED).status("b", TASK_RUNNING)
                .expect(Phase.COMMITTED);
    }

    @Test
    void readinessMustPassBeforeCommit() {
        s.replace("a", Script.withReadiness(task("b", "cpus:1")), STOP_THEN_START);
        s.reserved("cpus:2;mem:1024").status("a", TASK_KILLED);
        s.after(10).status("b", TASK_RUNNING).expect(Phase.VERIFYING);
        assertThat(s.the(Command.CheckReadiness.class).task().getTaskId().getValue()).isEqualTo("b");
        s.after(20).on(new Event.NewTaskReady(s.now)).expect(Phase.COMMITTED);
        assertThat(s.report("b").timings().readyUs()).isEqualTo(20_000);
    }

    @Test
    void anInvalidRequestIsRejectedAndTheNewTaskLost() {
        s.replace("a", task("b", "cpus:9"), STOP_THEN_START);
        s.on(new Event.ReserveRejected(RejectCode.INSUFFICIENT_RESOURCES, "needs cpus:9; missing cpus:7", s.now))
                .expect(Phase.REJECTED);
        s.expectReport("b", TASK_LOST, TaskReason.REPLACE_INVALID);
        assertThat(s.report("b").message()).isEqualTo("needs cpus:9; missing cpus:7");
        assertThat(s.engine.tasks()).containsOnlyKeys("a");
        assertThat(s.engine.manages("a")).isFalse();
        s.checkInvariants();
    }

    @Test
    void theDrainTimerAbortsReleasesTheReservationAndLosesTheNewTask() {
        s.replace("a", task("b", "cpus:1"), STOP_THEN_START).reserved("cpus:2;mem:1024");
        s.after(30_000).timer(Timer.DRAIN).expect(Phase.ABORTED);
        s.expectRelease(Keep.KEEP_OLD);
        s.expectReport("b", TASK_LOST, TaskReason.REPLACE_DRAIN_TIMEOUT);
        assertThat(s.report("b").message()).isEqualTo("old task a did not stop within the drain timeout of 30000 ms "
                + "(phase DRAINING)");
        s.status("a", TASK_KILLED);
        assertThat(s.last).as("the old task's own updates go on as usual").isEmpty();
        s.checkInvariants();
    }

    @Test
    void aFailingKillAbortsAndTheOldTaskRunsOn() {
        s.replace("a", task("b", "cpus:1"), STOP_THEN_START).reserved("cpus:2;mem:1024");
        s.hookFailed(Hook.KILL).expect(Phase.ABORTED);
        s.expectReport("a", TASK_RUNNING, TaskReason.REPLACE_ROLLED_BACK);
        s.expectReport("b", TASK_LOST, TaskReason.REPLACE_NEW_TASK_FAILED);
    }

    @Test
    void aFailedNewTaskRollsBackToTheOldOne() {
        drained();
        s.after(5).status("b", TASK_FAILED).expect(Phase.RELAUNCHING);
        assertThat(s.the(Command.Adjust.class).inUse()).isEqualTo(Resources.parse("cpus:2;mem:1024"));
        assertThat(s.the(Command.Launch.class).task().getTaskId().getValue()).isEqualTo("a");
        s.status("a", TASK_RUNNING).expect(Phase.ROLLED_BACK);
        s.expectRelease(Keep.KEEP_OLD);
        s.expectReport("a", TASK_ROLLED_BACK, TaskReason.REPLACE_ROLLED_BACK);
        s.expectReport("b", TASK_FAILED, TaskReason.REPLACE_NEW_TASK_FAILED);
        assertThat(s.engine.tasks()).containsOnlyKeys("a");
        s.checkInvariants();
    }

    @Test
    void aNewTaskThatNeverRunsIsKilledAndRolledBack() {
        drained();
        s.after(60_000).timer(Timer.START).expect(Phase.ROLLING_BACK);
        assertThat(s.the(Command.Kill.class).taskId()).isEqualTo("b");
        s.status("b", TASK_KILLED).expect(Phase.RELAUNCHING).status("a", TASK_RUNNING).expect(Phase.ROLLED_BACK);
        s.expectReport("b", TASK_FAILED, TaskReason.REPLACE_START_TIMEOUT);
    }

    @Test
    void aNewTaskThatIsNeverReadyIsRolledBack() {
        s.replace("a", Script.withReadiness(task("b", "cpus:1")), STOP_THEN_START);
        s.reserved("cpus:2;mem:1024").status("a", TASK_KILLED).status("b", TASK_RUNNING);
        s.after(60_000).timer(Timer.START).expect(Phase.ROLLING_BACK);
        s.status("b", TASK_KILLED).status("a", TASK_RUNNING).expect(Phase.ROLLED_BACK);
        s.expectReport("b", TASK_FAILED, TaskReason.REPLACE_NOT_READY);
    }

    @Test
    void rollbackIsImpossibleWhenTheLeftoverWasReleasedImmediately() {
        s.replace("r1", "a", task("b", "cpus:1;mem:256"), Script.immediate(STOP_THEN_START));
        s.reserved("cpus:2;mem:1024").status("a", TASK_KILLED);
        s.status("b", TASK_FAILED).expect(Phase.FAILED);
        s.expectRelease(Keep.KEEP_NONE);
        s.expectReport("a", TASK_FAILED, TaskReason.REPLACE_ROLLBACK_FAILED);
        assertThat(s.report("a").message()).contains("cannot be restarted");
        assertThat(s.engine.tasks()).isEmpty();
        s.checkInvariants();
    }

    @Test
    void aRelaunchThatFailsEndsFailed() {
        drained().status("b", TASK_FAILED);
        s.status("a", TASK_FAILED).expect(Phase.FAILED);
        s.expectRelease(Keep.KEEP_NONE);
        s.expectReport("a", TASK_FAILED, TaskReason.REPLACE_ROLLBACK_FAILED);
        s.expectReport("b", TASK_FAILED, TaskReason.REPLACE_NEW_TASK_FAILED);
        s.checkInvariants();
    }

    @Test
    void theOldTasksEndSizesTheContainerAndLaunchesInOneStepWithoutWaitingForTheShim() {
        drained();
        assertThat(s.last).extracting(c -> c.getClass().getSimpleName()).containsSubsequence("Adjust", "Launch");
        assertThat(s.the(Command.Adjust.class).inUse()).isEqualTo(io.baton.resources.Resources.parse("cpus:1;mem:256"));
        assertThat(s.engine.replacement("r1").timings().handoffUs()).isZero(); // nothing waited between them
        s.on(new Event.ContainerAdjusted(s.now)).expect(Phase.LAUNCHING); // the shim's answer is late news
        assertThat(s.last).isEmpty();
    }

    @Test
    void anIllegalTransitionThrowsWithTheHistory() {
        s.replace("a", task("b", "cpus:1"), STOP_THEN_START).reserved("cpus:2;mem:1024");
        Replacement r = s.engine.replacement("r1");
        assertThatThrownBy(() -> r.apply(new Event.OldTaskFrozen(s.now)))
                .isInstanceOf(IllegalTransitionException.class)
                .hasMessageContaining("replacement r1: no transition from DRAINING on OldTaskFrozen")
                .hasMessageContaining("NEW --Requested")
                .hasMessageContaining("REQUESTED --ReserveAccepted");
    }

    @Test
    void aCancelledTimerThatFiresAnywayIsIgnored() {
        drained();
        s.timer(Timer.DRAIN).expect(Phase.LAUNCHING);
        assertThat(s.last).isEmpty();
    }

    @Test
    void theOldTaskDyingWhileTheNewStartsIsNotedNotFatal() {
        s.replace("a", task("b", "cpus:1"), io.baton.proto.ReplaceStrategy.START_THEN_STOP, "o-1");
        s.reserved("cpus:3;mem:1024").expect(Phase.LAUNCHING);
        s.status("a", TASK_FAILED).expect(Phase.LAUNCHING);
        s.status("b", TASK_RUNNING).expect(Phase.COMMITTED);
    }
}
