package io.baton.sdk.core;

import static io.baton.proto.ReplaceStrategy.START_THEN_STOP;
import static io.baton.proto.ReplaceStrategy.STOP_THEN_START;
import static io.baton.proto.TaskState.TASK_FAILED;
import static io.baton.proto.TaskState.TASK_KILLED;
import static io.baton.proto.TaskState.TASK_RUNNING;
import static io.baton.sdk.core.Script.task;
import static org.assertj.core.api.Assertions.assertThat;

import io.baton.proto.TaskReason;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The less travelled rows: late news, failures during rollback, the release after each outcome. */
@ExtendWith(RowCoverage.class)
class EdgeCasesTest {
    final Script s = new Script().running(task("a", "cpus:1;mem:512"));

    private Script launchedConcurrently() {
        return s.replace("a", Script.withReadiness(task("b", "cpus:1;mem:512")), START_THEN_STOP, "o-1")
                .reserved("cpus:2;mem:1024").expect(Phase.LAUNCHING);
    }

    private Script rollingBack() {
        s.replace("a", task("b", "cpus:1"), STOP_THEN_START).reserved("cpus:1;mem:512").status("a", TASK_KILLED)
                .after(60_000).timer(Timer.START);
        return s.expect(Phase.ROLLING_BACK);
    }

    @Test
    void theOldTaskDyingWhileTheNewStartsMeansItMustBeRelaunchedOnRollback() {
        launchedConcurrently().status("a", TASK_FAILED).expect(Phase.LAUNCHING);
        s.status("b", TASK_RUNNING).expect(Phase.VERIFYING);
        s.on(new Event.NewTaskReady(s.now)).expect(Phase.COMMITTED);
        assertThat(s.kinds()).as("no kill of a task that is already gone").doesNotContain("Kill");
    }

    @Test
    void theOldTaskDyingDuringVerificationIsNoted() {
        launchedConcurrently().status("b", TASK_RUNNING).expect(Phase.VERIFYING);
        s.status("a", TASK_KILLED).expect(Phase.VERIFYING);
        s.status("b", TASK_FAILED).expect(Phase.RELAUNCHING);
        assertThat(s.the(Command.Launch.class).task().getTaskId().getValue()).isEqualTo("a");
    }

    @Test
    void aFailingReadinessCheckRollsBack() {
        launchedConcurrently().status("b", TASK_RUNNING).hookFailed(Hook.READINESS).expect(Phase.ROLLING_BACK);
        s.status("b", TASK_KILLED).expect(Phase.ROLLED_BACK);
        s.expectReport("b", TASK_FAILED, TaskReason.REPLACE_NOT_READY);
        assertThat(s.report("b").message()).startsWith("readiness check failed: READINESS threw");
    }

    @Test
    void theNewTaskDyingDuringVerificationRollsBack() {
        launchedConcurrently().status("b", TASK_RUNNING).status("b", TASK_FAILED).expect(Phase.ROLLED_BACK);
    }

    @Test
    void lateNewsOfTheNewTaskDuringRollbackChangesNothing() {
        rollingBack();
        s.on(new Event.NewTaskRunning(s.now)).expect(Phase.ROLLING_BACK);
        s.on(new Event.NewTaskReady(s.now)).expect(Phase.ROLLING_BACK);
        assertThat(s.last).isEmpty();
    }

    @Test
    void aNewTaskThatCannotBeKilledFailsTheReplacement() {
        rollingBack().hookFailed(Hook.KILL).expect(Phase.ROLLING_BACK); // the kill is asked once more
        assertThat(s.the(Command.Kill.class).taskId()).isEqualTo("b");
        s.hookFailed(Hook.KILL).expect(Phase.FAILED);
        s.expectReport("a", TASK_FAILED, TaskReason.REPLACE_ROLLBACK_FAILED);
        s.on(new Event.Released(s.now));
        assertThat(s.engine.replacement("r1").released()).isTrue();
        s.checkInvariants();
    }

    @Test
    void aNewTaskThatDoesNotStopInTimeFailsTheReplacement() {
        rollingBack().after(30_000).timer(Timer.DRAIN).expect(Phase.FAILED);
        assertThat(s.report("a").message()).contains("did not stop within the drain timeout");
    }

    @Test
    void theOldTaskDyingDuringRollbackIsRelaunched() {
        s.replace("a", task("b", "cpus:1;mem:512"), START_THEN_STOP, "o-1").reserved("cpus:2;mem:1024")
                .after(60_000).timer(Timer.START).expect(Phase.ROLLING_BACK);
        s.status("a", TASK_FAILED).expect(Phase.ROLLING_BACK);
        s.status("b", TASK_KILLED).expect(Phase.RELAUNCHING);
        assertThat(s.the(Command.Launch.class).task().getTaskId().getValue()).isEqualTo("a");
    }

    @Test
    void theRollbackSizesTheContainerBackAndRelaunchesInOneStep() {
        rollingBack().status("b", TASK_KILLED).expect(Phase.RELAUNCHING);
        assertThat(s.last).extracting(c -> c.getClass().getSimpleName()).containsSubsequence("Adjust", "Launch");
        assertThat(s.the(Command.Adjust.class).inUse()).isEqualTo(io.baton.resources.Resources.parse("cpus:1;mem:512"));
    }

    @Test
    void aRelaunchThatThrowsOrNeverRunsFailsTheReplacement() {
        rollingBack().status("b", TASK_KILLED).hookFailed(Hook.LAUNCH).expect(Phase.FAILED);

        Script t = new Script().running(task("a", "cpus:1"));
        t.replace("a", task("b", "cpus:1"), STOP_THEN_START).reserved("cpus:1").status("a", TASK_KILLED)
                .status("b", TASK_FAILED).after(60_000).timer(Timer.START).expect(Phase.RELAUNCHING)
                .status("a", TASK_KILLED).expect(Phase.FAILED); // stopped first: FAILED only once it has ended
        assertThat(t.report("a").message()).isEqualTo("old task a could not be restarted: not running within the "
                + "start timeout");
    }

    @Test
    void everyOutcomeWithAReservationAcknowledgesItsRelease() {
        Script rolled = new Script().running(task("a", "cpus:1"));
        rolled.replace("a", task("b", "cpus:1"), STOP_THEN_START).reserved("cpus:1").status("a", TASK_KILLED)
                .status("b", TASK_FAILED).status("a", TASK_RUNNING).expect(Phase.ROLLED_BACK)
                .on(new Event.Released(rolled.now));
        Script aborted = new Script().running(task("a", "cpus:1"));
        aborted.replace("a", task("b", "cpus:1"), STOP_THEN_START).reserved("cpus:1").timer(Timer.DRAIN)
                .expect(Phase.ABORTED).on(new Event.Released(aborted.now));
        assertThat(rolled.engine.replacement("r1").released()).isTrue();
        assertThat(aborted.engine.replacement("r1").released()).isTrue();
        assertThat(rolled.engine.tasks()).containsOnlyKeys("a");
        assertThat(aborted.engine.tasks()).containsOnlyKeys("a");
    }

    @Test
    void theOldTaskEndingBeforeTheReserveIsAnsweredEndsTheReplacementAndItsStateIsReported() {
        s.replace("a", task("b", "cpus:1"), STOP_THEN_START).expect(Phase.REQUESTED);
        s.status("a", io.baton.proto.TaskState.TASK_FINISHED).expect(Phase.ABORTED);
        assertThat(s.the(Command.Release.class).keep()).isEqualTo(io.baton.proto.Keep.KEEP_NONE);
        s.expectReport("a", io.baton.proto.TaskState.TASK_FINISHED, TaskReason.REASON_UNSPECIFIED);
        s.expectReport("b", io.baton.proto.TaskState.TASK_LOST, TaskReason.REPLACE_INVALID);
        s.checkInvariants();

        Script p = new Script().running(task("a", "cpus:1"));
        p.engine.shimDisconnected();
        p.replace("a", task("b", "cpus:1"), STOP_THEN_START).expect(Phase.PENDING);
        p.status("a", TASK_FAILED).expect(Phase.REJECTED);
        p.expectReport("a", TASK_FAILED, TaskReason.REASON_UNSPECIFIED);
        p.checkInvariants();
    }

    @Test
    void aHungLaunchTimingOutAfterTheStartTimerDoesNotFailTheRollback() {
        s.replace("a", task("b", "cpus:1"), STOP_THEN_START).reserved("cpus:1;mem:512").status("a", TASK_KILLED)
                .after(60_000).timer(Timer.START).expect(Phase.ROLLING_BACK);
        s.hookFailed(Hook.LAUNCH).expect(Phase.ROLLING_BACK); // the launch's own bound, just after
        assertThat(s.last).isEmpty();
        s.status("b", TASK_KILLED).status("a", TASK_RUNNING).expect(Phase.ROLLED_BACK);
    }

    @Test
    void lateOrStaleOutcomesAreDroppedNotFatal() {
        s.replace("a", task("b", "cpus:1"), STOP_THEN_START).reserved("cpus:1;mem:512").status("a", TASK_KILLED)
                .expect(Phase.LAUNCHING);
        s.hookFailed(Hook.KILL).expect(Phase.LAUNCHING); // the kill that reported killed() and then threw
        s.reserved("cpus:1;mem:512").expect(Phase.LAUNCHING); // a duplicate answer
        assertThat(s.engine.accepts("r1", new Event.ContainerAdjusted(s.now))).as("the shim's answer to the Adjust")
                .isFalse();
        for (Phase p : java.util.List.of(Phase.LAUNCHING)) {
            s.hookFailed(Hook.KILL).expect(p);
        }
        s.status("b", TASK_RUNNING).expect(Phase.COMMITTED);
        s.checkInvariants();
    }
}
