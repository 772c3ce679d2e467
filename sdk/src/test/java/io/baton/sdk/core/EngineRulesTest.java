package io.baton.sdk.core;

import static io.baton.proto.ReplaceStrategy.START_THEN_STOP;
import static io.baton.proto.ReplaceStrategy.STOP_THEN_START;
import static io.baton.proto.TaskState.TASK_KILLED;
import static io.baton.proto.TaskState.TASK_LOST;
import static io.baton.proto.TaskState.TASK_RUNNING;
import static io.baton.sdk.core.Script.policy;
import static io.baton.sdk.core.Script.task;
import static org.assertj.core.api.Assertions.assertThat;

import io.baton.proto.TaskReason;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(RowCoverage.class)
class EngineRulesTest {
    final Script s = new Script().running(task("a", "cpus:1;mem:128"));

    @Test
    void aRequestTheShimRefusedEndsRejectedWithTheShimsMessageAndTheOldTaskRuns() {
        s.refusedByShim("r1", "a", task("b", "cpus:4"), policy(STOP_THEN_START), "replacement r1 needs cpus:4 (missing cpus:3)");
        s.expect(Phase.REJECTED);
        s.expectReport("b", TASK_LOST, io.baton.proto.TaskReason.REPLACE_INVALID);
        assertThat(s.report("b").message()).isEqualTo("replacement r1 needs cpus:4 (missing cpus:3)");
        assertThat(s.kinds()).as("nothing reserved, nothing stopped").doesNotContain("Reserve", "Kill");
        assertThat(s.engine.tasks()).containsKey("a");
    }

    @Test
    void aRetryOfTheSameReplacementIdReturnsItUnchanged() {
        Engine.Submitted first = s.replace("r1", "a", task("b", "cpus:1"), policy(STOP_THEN_START));
        Engine.Submitted again = s.replace("r1", "a", task("b", "cpus:1"), policy(STOP_THEN_START));
        assertThat(again.retry()).isTrue();
        assertThat(again.replacement()).isSameAs(first.replacement());
        assertThat(again.commands()).isEmpty();
        Engine.Submitted other = s.replace("r1", "a", task("c", "cpus:1"), policy(STOP_THEN_START));
        assertThat(other.conflict()).isEqualTo("replacement id r1 is already used for a -> b; this request (a -> c)"
                + " differs in its task ids: use a new replacement id, or repeat the first request exactly to retry it");
        Engine.Submitted otherPolicy = s.replace("r1", "a", task("b", "cpus:1"), policy(START_THEN_STOP));
        assertThat(otherPolicy.conflict()).contains("differs in its policy");
    }

    @Test
    void oneReplacementPerTaskAtATime() {
        s.replace("r1", "a", task("b", "cpus:1"), policy(STOP_THEN_START));
        s.replace("r2", "a", task("c", "cpus:1"), policy(STOP_THEN_START));
        s.expect(Phase.REJECTED);
        s.expectReport("c", TASK_LOST, TaskReason.REPLACE_INVALID);
        assertThat(s.report("c").message()).isEqualTo("task a is already in replacement r1; one replacement per task at a time");
        s.rid = "r1";
        s.expect(Phase.REQUESTED);
    }

    @Test
    void replacingATaskThatIsBeingRolledBackIsRefused() {
        s.replace("r1", "a", task("b", "cpus:1"), policy(STOP_THEN_START));
        s.reserved("cpus:1;mem:128").status("a", TASK_KILLED).status("b", io.baton.proto.TaskState.TASK_FAILED)
                .expect(Phase.RELAUNCHING);
        s.replace("r2", "a", task("c", "cpus:1"), policy(STOP_THEN_START));
        s.expect(Phase.REJECTED);
    }

    @Test
    void replacementsOfDifferentTasksRunSideBySide() {
        s.running(task("x", "cpus:1"));
        s.replace("r1", "a", task("b", "cpus:1"), policy(STOP_THEN_START));
        s.replace("r2", "x", task("y", "cpus:1"), policy(STOP_THEN_START));
        s.rid = "r2";
        s.reserved("cpus:1").status("x", TASK_KILLED).status("y", TASK_RUNNING).expect(Phase.COMMITTED);
        s.rid = "r1";
        s.expect(Phase.REQUESTED).reserved("cpus:1;mem:128").status("a", TASK_KILLED)
                .status("b", TASK_RUNNING).expect(Phase.COMMITTED);
        assertThat(s.engine.tasks()).containsOnlyKeys("b", "y");
    }

    @Test
    void theNewTaskOfACommittedReplacementCanBeReplacedInTurn() {
        s.replace("r1", "a", task("b", "cpus:1"), policy(STOP_THEN_START));
        s.reserved("cpus:1;mem:128").status("a", TASK_KILLED).status("b", TASK_RUNNING).expect(Phase.COMMITTED);
        s.replace("r2", "b", task("c", "cpus:1"), policy(STOP_THEN_START));
        s.expect(Phase.REQUESTED).reserved("cpus:1").status("b", TASK_KILLED).status("c", TASK_RUNNING)
                .expect(Phase.COMMITTED);
        assertThat(s.engine.tasks()).containsOnlyKeys("c");
    }

    @Test
    void whileTheExecutorReRegistersTheRequestWaitsWithTheMergedTimer() {
        s.engine.shimDisconnected();
        s.replace("r1", "a", task("b", "cpus:1"), policy(STOP_THEN_START));
        s.expect(Phase.PENDING);
        assertThat(s.the(Command.ArmTimer.class).timer()).isEqualTo(Timer.DRAIN);
        s.after(5_000);
        var commands = s.engine.shimConnected(s.now);
        assertThat(commands).singleElement().isInstanceOf(Command.Reserve.class);
        s.expect(Phase.REQUESTED);
        s.reserved("cpus:1;mem:128");
        assertThat(s.the(Command.ArmTimer.class).deadlineUs()).as("the drain deadline still counts from the request")
                .isEqualTo(s.now - 5_000_000 + 30_000_000L);
    }

    @Test
    void aPendingRequestWhoseExecutorNeverComesBackIsAborted() {
        s.engine.shimDisconnected();
        s.replace("r1", "a", task("b", "cpus:1"), policy(STOP_THEN_START));
        s.after(30_000).timer(Timer.DRAIN).expect(Phase.ABORTED);
        assertThat(s.kinds()).doesNotContain("Release");
        s.expectReport("b", TASK_LOST, TaskReason.REPLACE_DRAIN_TIMEOUT);
    }

    @Test
    void theMergedTimerCanFireWhileTheReserveIsInFlight() {
        s.engine.shimDisconnected();
        s.replace("r1", "a", task("b", "cpus:1"), policy(STOP_THEN_START));
        s.after(29_000);
        s.engine.shimConnected(s.now);
        s.after(1_000).timer(Timer.DRAIN).expect(Phase.ABORTED);
        assertThat(s.kinds()).contains("Release");
    }

    @Test
    void anOldTaskThatMayStillBeRecoveringIsWaitedFor() {
        Script t = new Script();
        t.engine.recoveryStarted();
        t.replace("r1", "a", task("b", "cpus:1"), policy(STOP_THEN_START));
        t.expect(Phase.PENDING);
        t.engine.taskKnown(task("a", "cpus:1"), TASK_RUNNING);
        assertThat(t.engine.recoveryFinished(t.now)).singleElement().isInstanceOf(Command.Reserve.class);
        t.expect(Phase.REQUESTED);
    }

    @Test
    void anOldTaskThatRecoveryDidNotFindIsRejected() {
        Script t = new Script();
        t.engine.recoveryStarted();
        t.replace("r1", "ghost", task("b", "cpus:1"), policy(STOP_THEN_START));
        var commands = t.engine.recoveryFinished(t.now);
        t.expect(Phase.REJECTED);
        assertThat(commands).extracting(c -> c.getClass().getSimpleName()).containsExactly("CancelTimer", "Report");
        assertThat(((Command.Report) commands.get(1)).message()).isEqualTo("old task ghost was not recovered by the executor");
    }

    @Test
    void unknownOldTasksTakenIdsAndATerminatingExecutorAreRejected() {
        s.replace("r1", "nope", task("b", "cpus:1"), policy(STOP_THEN_START));
        s.expect(Phase.REJECTED);
        assertThat(s.report("b").message()).isEqualTo("old task nope is not known to this executor");

        s.running(task("x", "cpus:1"));
        s.replace("r2", "a", task("x", "cpus:1"), policy(STOP_THEN_START));
        s.expect(Phase.REJECTED);
        assertThat(s.reports()).as("no TASK_LOST for x: it is a task that runs").singleElement()
                .satisfies(r -> {
                    assertThat(r.taskId()).isEqualTo("a");
                    assertThat(r.state()).isEqualTo(TASK_RUNNING);
                    assertThat(r.outcome()).isEqualTo(Phase.REJECTED);
                    assertThat(r.message()).isEqualTo("new task id x is already in use on this executor");
                });

        s.replace("r3", "a", task("a", "cpus:1"), policy(io.baton.proto.ReplaceStrategy.START_THEN_STOP));
        s.expect(Phase.REJECTED);

        s.engine.terminating();
        s.replace("r4", "a", task("c", "cpus:1"), policy(STOP_THEN_START));
        s.expect(Phase.REJECTED);
        s.expectReport("c", TASK_LOST, TaskReason.REPLACE_EXECUTOR_TERMINATING);
    }

    @Test
    void theEngineDecidesWhatTheFrameworkHearsAboutTasksInAReplacement() {
        assertThat(s.engine.manages("a")).isFalse();
        s.replace("r1", "a", task("b", "cpus:1"), policy(STOP_THEN_START));
        assertThat(s.engine.manages("a")).isTrue();
        assertThat(s.engine.manages("b")).isTrue();
        s.status("a", io.baton.proto.TaskState.TASK_KILLING);
        assertThat(s.last).as("a non-terminal update of the old task moves nothing").isEmpty();
        s.reserved("cpus:1;mem:128").status("a", TASK_KILLED).status("b", TASK_RUNNING);
        assertThat(s.engine.manages("a")).isFalse();
        assertThat(s.engine.manages("b")).isFalse();
    }

    @Test
    void finishedReplacementsAreKeptForRetriesButBounded() {
        for (int i = 0; i < Engine.MAX_FINISHED + 50; i++) {
            s.replace("r" + i, "nope", task("b" + i, "cpus:1"), policy(STOP_THEN_START));
        }
        assertThat(s.engine.replacements()).hasSize(Engine.MAX_FINISHED);
    }
}
