package io.baton.sdk.core;

import static io.baton.proto.ReplaceStrategy.FREEZE_THEN_START;
import static io.baton.proto.ReplaceStrategy.START_THEN_STOP;
import static io.baton.proto.ReplaceStrategy.STOP_THEN_START;
import static io.baton.proto.TaskState.TASK_FAILED;
import static io.baton.proto.TaskState.TASK_KILLED;
import static io.baton.proto.TaskState.TASK_RUNNING;
import static io.baton.sdk.core.Script.task;
import static org.assertj.core.api.Assertions.assertThat;

import io.baton.proto.Keep;
import io.baton.proto.TaskReason;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Hook failures are told apart by the hook: the one a phase waits for moves the replacement on; a late one
 * from an earlier step (a hung hook that times out after its task moved on) changes nothing.
 */
@ExtendWith(RowCoverage.class)
class HookFailuresTest {
    final Script s = new Script().running(task("a", "cpus:1;mem:512"));

    @Test
    void aLateLaunchOrReadinessFailureChangesNothingOnceTheNewTaskIsPastThatStep() {
        s.replace("a", Script.withReadiness(task("b", "cpus:1;mem:512")), START_THEN_STOP, "o-1")
                .reserved("cpus:2;mem:1024").status("b", TASK_RUNNING).expect(Phase.VERIFYING);
        s.hookFailed(Hook.LAUNCH).expect(Phase.VERIFYING);
        assertThat(s.last).as("a launch that timed out after its task ran").isEmpty();
        s.on(new Event.NewTaskReady(s.now)).expect(Phase.STOPPING_OLD);
        s.hookFailed(Hook.READINESS).expect(Phase.STOPPING_OLD);
        assertThat(s.last).as("a readiness check that failed after it passed").isEmpty();
        s.status("a", TASK_KILLED).expect(Phase.COMMITTED);
        s.expectRelease(Keep.KEEP_NEW);
        s.checkInvariants();
    }

    @Test
    void aLateKillFailureOfTheNewTaskChangesNothingWhileTheOldIsRelaunched() {
        s.replace("a", task("b", "cpus:1"), STOP_THEN_START).reserved("cpus:1;mem:512").status("a", TASK_KILLED)
                .after(60_000).timer(Timer.START).expect(Phase.ROLLING_BACK);
        s.status("b", TASK_KILLED).expect(Phase.RELAUNCHING);
        assertThat(s.the(Command.Launch.class).task().getTaskId().getValue()).isEqualTo("a");
        s.hookFailed(Hook.KILL).expect(Phase.RELAUNCHING);
        assertThat(s.last).as("the kill of a task that has already ended").isEmpty();
        s.status("a", TASK_RUNNING).expect(Phase.ROLLED_BACK);
        s.expectRelease(Keep.KEEP_OLD);
        s.checkInvariants();
    }

    @Test
    void aThawThatFailsOnRollbackFailsTheReplacement() {
        s.replace("a", task("b", "cpus:1;mem:512"), FREEZE_THEN_START, "o-1").reserved("cpus:2;mem:1024")
                .on(new Event.OldTaskFrozen(s.now)).status("b", TASK_FAILED).expect(Phase.RELAUNCHING);
        assertThat(s.the(Command.Thaw.class).taskId()).isEqualTo("a");
        s.hookFailed(Hook.THAW).expect(Phase.FAILED);
        assertThat(s.the(Command.Kill.class).taskId()).as("a frozen task that cannot be thawed is stopped")
                .isEqualTo("a");
        s.expectRelease(Keep.KEEP_NONE);
        s.expectReport("b", TASK_FAILED, TaskReason.REPLACE_NEW_TASK_FAILED);
        s.expectReport("a", TASK_FAILED, TaskReason.REPLACE_ROLLBACK_FAILED);
        assertThat(s.report("a").message()).isEqualTo("old task a could not be restarted: THAW threw");
        s.checkInvariants();
    }
}
