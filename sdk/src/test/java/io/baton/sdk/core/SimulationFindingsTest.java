package io.baton.sdk.core;

import static io.baton.proto.ReplaceStrategy.FREEZE_THEN_START;
import static io.baton.proto.ReplaceStrategy.START_THEN_STOP;
import static io.baton.proto.ReplaceStrategy.STOP_THEN_START;
import static io.baton.proto.TaskState.TASK_FAILED;
import static io.baton.proto.TaskState.TASK_KILLED;
import static io.baton.proto.TaskState.TASK_LOST;
import static io.baton.proto.TaskState.TASK_RUNNING;
import static io.baton.sdk.core.Script.task;
import static org.assertj.core.api.Assertions.assertThat;

import io.baton.proto.Keep;
import io.baton.proto.TaskReason;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Regressions for what the deterministic simulation (io.baton.sdk.sim) found in the engine. */
@ExtendWith(RowCoverage.class)
class SimulationFindingsTest {
    final Script s = new Script().running(task("a", "cpus:1;mem:512"));

    @Test
    void aSameIdReplacementThatIsAbortedDoesNotReportTheStillRunningTaskLost() {
        s.replace("a", task("a", "cpus:0.5;mem:256"), STOP_THEN_START).reserved("cpus:1;mem:512");
        s.after(30_000).timer(Timer.DRAIN).expect(Phase.ABORTED);
        assertThat(s.report("a").state()).isEqualTo(TASK_RUNNING);
        assertThat(s.report("a").outcome()).isEqualTo(Phase.ABORTED);
        s.checkInvariants();
    }

    @Test
    void aSameIdReplacementWhoseOldTaskEndsEarlyReportsOneTerminalUpdateWithTheOutcome() {
        s.replace("a", task("a", "cpus:0.5;mem:256"), STOP_THEN_START).status("a", TASK_KILLED).expect(Phase.ABORTED);
        assertThat(s.reports()).hasSize(1);
        assertThat(s.report("a").state()).isEqualTo(TASK_KILLED);
        assertThat(s.report("a").outcome()).isEqualTo(Phase.ABORTED);
        assertThat(s.engine.tasks()).as("the ended task is forgotten").doesNotContainKey("a");
    }

    @Test
    void anAbortBecauseTheOldTaskEndedForgetsTheOldTask() {
        s.replace("a", task("b", "cpus:1;mem:512"), STOP_THEN_START).status("a", TASK_FAILED).expect(Phase.ABORTED);
        s.expectReport("b", TASK_LOST, TaskReason.REPLACE_INVALID);
        assertThat(s.engine.tasks()).doesNotContainKey("a");
    }

    @Test
    void aKillThatFailedInStoppingOldDoesNotMakeTheRollbackRelaunchTheFrozenTask() {
        s.replace("a", task("b", "cpus:1;mem:512"), FREEZE_THEN_START, "o-1").reserved("cpus:2;mem:1024");
        s.on(new Event.OldTaskFrozen(s.now)).status("b", TASK_RUNNING).expect(Phase.STOPPING_OLD);
        s.hookFailed(Hook.KILL).expect(Phase.ROLLING_BACK);
        s.status("b", TASK_KILLED).expect(Phase.RELAUNCHING);
        assertThat(s.kinds()).contains("Thaw").doesNotContain("Launch");
    }

    @Test
    void aRollbackWhoseNewTaskWillNotStopKeepsAnOldTaskThatNeverStopped() {
        s.replace("a", task("b", "cpus:1;mem:512"), START_THEN_STOP, "o-1").reserved("cpus:2;mem:1024");
        s.after(60_000).timer(Timer.START).expect(Phase.ROLLING_BACK);
        s.hookFailed(Hook.KILL).expect(Phase.ROLLING_BACK);
        assertThat(s.the(Command.Kill.class).taskId()).as("the kill is asked once more").isEqualTo("b");
        s.after(30_000).timer(Timer.DRAIN).expect(Phase.ROLLED_BACK);
        s.expectRelease(Keep.KEEP_OLD);
        s.expectReport("b", TASK_FAILED, TaskReason.REPLACE_START_TIMEOUT);
    }

    private void relaunchGivenUp() {
        s.replace("a", task("b", "cpus:1;mem:512"), STOP_THEN_START).reserved("cpus:1;mem:512").status("a", TASK_KILLED)
                .status("b", TASK_FAILED).expect(Phase.RELAUNCHING);
        s.after(60_000).timer(Timer.START).expect(Phase.RELAUNCHING);
        assertThat(s.the(Command.Kill.class).taskId()).as("the relaunch, not running in time, is stopped").isEqualTo("a");
    }

    /** Seed 2612256869: FAILED was reported at the start timer, and the relaunch's kill then threw: it ran on. */
    @Test
    void aRelaunchThatTimesOutFailsTheReplacementOnlyOnceItHasEnded() {
        relaunchGivenUp();
        s.status("a", TASK_RUNNING).expect(Phase.RELAUNCHING); // late: its stop is under way
        s.status("a", TASK_KILLED).expect(Phase.FAILED);
        s.expectRelease(Keep.KEEP_NONE);
        s.expectReport("a", TASK_FAILED, TaskReason.REPLACE_ROLLBACK_FAILED);
    }

    @Test
    void aRelaunchThatTimesOutAndCannotBeStoppedIsKept() {
        relaunchGivenUp();
        s.hookFailed(Hook.KILL).expect(Phase.RELAUNCHING);
        assertThat(s.the(Command.Kill.class).taskId()).as("the kill is asked once more").isEqualTo("a");
        s.hookFailed(Hook.KILL).expect(Phase.ROLLED_BACK);
        s.expectRelease(Keep.KEEP_OLD);
        s.checkInvariants();
    }

    @Test
    void lateHookFailuresWhileRelaunchingChangeNothing() {
        s.replace("a", task("b", "cpus:1;mem:512"), STOP_THEN_START).reserved("cpus:1;mem:512").status("a", TASK_KILLED)
                .status("b", TASK_FAILED).expect(Phase.RELAUNCHING);
        s.hookFailed(Hook.KILL).expect(Phase.RELAUNCHING); // the drain's kill, failing after the old task ended
        s.hookFailed(Hook.READINESS).expect(Phase.RELAUNCHING);
        s.status("a", TASK_RUNNING).expect(Phase.ROLLED_BACK);
    }

    @Test
    void aRelaunchThatTimesOutAndOutlivesItsDrainTimerIsKept() {
        relaunchGivenUp();
        s.after(30_000).timer(Timer.DRAIN).expect(Phase.ROLLED_BACK);
        s.expectRelease(Keep.KEEP_OLD);
    }

    /** Seeds 6912 (and 34325, 21748, 53524 …): the executor restarted in STOPPING_OLD before the old task's kill ran. */
    private void newTaskLostWhileTheOldWasBeingStopped() {
        s.replace("a", task("b", "cpus:1;mem:512"), START_THEN_STOP, "o-1").reserved("cpus:2;mem:1024");
        s.status("b", TASK_RUNNING).expect(Phase.STOPPING_OLD);
        assertThat(s.the(Command.Kill.class).taskId()).isEqualTo("a");
        s.status("b", TASK_LOST).expect(Phase.RESTORING); // recovery: the new task did not survive
        s.expect(Phase.RESTORING);
        assertThat(s.kinds()).as("no relaunch of an old task never seen ending").doesNotContain("Launch");
        assertThat(s.the(Command.Kill.class).taskId()).as("its kill is asked again").isEqualTo("a");
    }

    @Test
    void aRollbackRelaunchesTheOldTaskOnlyOnceItHasEnded() {
        newTaskLostWhileTheOldWasBeingStopped();
        s.status("a", TASK_KILLED).expect(Phase.RELAUNCHING);
        assertThat(s.the(Command.Launch.class).task().getTaskId().getValue()).isEqualTo("a");
        s.status("a", TASK_RUNNING).expect(Phase.ROLLED_BACK);
    }

    @Test
    void anOldTaskWhoseKillFailsWhileTheRollbackWaitsRunsOnAndTheReplacementRollsBack() {
        newTaskLostWhileTheOldWasBeingStopped();
        s.hookFailed(Hook.KILL).expect(Phase.ROLLED_BACK);
        s.expectRelease(Keep.KEEP_OLD);
        assertThat(s.report("a").state()).as("not FAILED: it runs").isEqualTo(io.baton.proto.TaskState.TASK_ROLLED_BACK);
    }

    @Test
    void anOldTaskThatOutlivesTheDrainTimerWhileTheRollbackWaitsRollsBack() {
        newTaskLostWhileTheOldWasBeingStopped();
        s.after(30_000).timer(Timer.DRAIN).expect(Phase.ROLLED_BACK);
        assertThat(s.kinds()).doesNotContain("Launch");
    }

    /**
     * Seed 7308335: the RESERVE was refused (a later REPLACE of the task held it), and the same RESERVE, sent again
     * after a reconnect, was booked once that one was released: the shim's OK came after the outcome.
     */
    @Test
    void aReserveBookedAfterTheReplacementWasRejectedIsGivenBack() {
        s.replace("a", task("a", "cpus:0.5;mem:256"), STOP_THEN_START, "o-1");
        s.on(new Event.ReserveRejected(io.baton.proto.RejectCode.ALREADY_REPLACING, "task a is already in r2", s.now))
                .expect(Phase.REJECTED);
        assertThat(s.engine.replacement("r1").releasePending()).isFalse();
        s.after(50).reserved("cpus:1;mem:512").expect(Phase.REJECTED);
        s.expectRelease(Keep.KEEP_OLD);
        assertThat(s.engine.replacement("r1").releasePending()).as("re-issued until confirmed").isTrue();
        s.on(new Event.Released(s.now));
        assertThat(s.engine.replacement("r1").releasePending()).isFalse();
        s.after(50).reserved("cpus:1;mem:512");
        assertThat(s.last).as("an answer repeated after the release: the shim booked it again")
                .containsExactly(new Command.Release("r1", Keep.KEEP_OLD));
    }

    @Test
    void aReserveBookedAfterAnAbortWhoseOldTaskEndedKeepsNothing() {
        s.replace("a", task("b", "cpus:1;mem:512"), STOP_THEN_START).status("a", TASK_FAILED).expect(Phase.ABORTED);
        s.expectRelease(Keep.KEEP_NONE);
        s.on(new Event.Released(s.now));
        s.reserved("cpus:1;mem:512").expect(Phase.ABORTED);
        s.expectRelease(Keep.KEEP_NONE);
    }

    @Test
    void aLateAnswerForAReservationTheReplacementTookIsNothingNew() {
        s.replace("a", task("b", "cpus:1;mem:512"), STOP_THEN_START).reserved("cpus:1;mem:512");
        s.status("a", TASK_KILLED).status("b", TASK_RUNNING).expect(Phase.COMMITTED);
        assertThat(s.engine.accepts("r1", new Event.ReserveAccepted(io.baton.resources.Resources.parse("cpus:1"),
                s.now))).isFalse();
    }

    /**
     * Found in a review: a request that waited (PENDING) and then sent its RESERVE is ended by the wait's drain
     * timer before the answer; the reserve may have landed, so the release is owed until the shim confirms it
     * (re-issued after every re-subscription), as when the old task ends there (finding 21).
     */
    @Test
    void aDrainTimerThatEndsAReplacementWhoseReserveIsUnansweredOwesItsRelease() {
        s.engine.shimDisconnected();
        s.replace("a", task("b", "cpus:1;mem:512"), STOP_THEN_START).expect(Phase.PENDING);
        s.engine.shimConnected(s.now);
        assertThat(s.engine.replacement("r1").phase()).isEqualTo(Phase.REQUESTED);
        s.after(30_000).timer(Timer.DRAIN).expect(Phase.ABORTED);
        s.expectRelease(Keep.KEEP_OLD);
        assertThat(s.engine.replacement("r1").releasePending()).isTrue();
        assertThat(Resume.commands(s.engine.replacement("r1"), false, true))
                .contains(new Command.Release("r1", Keep.KEEP_OLD));
    }
}
