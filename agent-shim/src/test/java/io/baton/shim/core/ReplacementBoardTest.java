package io.baton.shim.core;

import static io.baton.shim.core.CoreFixture.execReply;
import static io.baton.shim.core.CoreFixture.task;
import static org.assertj.core.api.Assertions.assertThat;

import io.baton.proto.ExecutorCall;
import io.baton.proto.FinishedReplacement;
import io.baton.proto.FrameworkCall;
import io.baton.proto.NodeState;
import io.baton.proto.ReplaceStrategy;
import io.baton.proto.Replace;
import io.baton.proto.ReplacePolicy;
import io.baton.proto.ReplacementID;
import io.baton.proto.ReplacementOutcome;
import io.baton.proto.ReplacementProgress;
import io.baton.proto.ReplacementTimings;
import io.baton.proto.TaskID;
import io.baton.proto.TaskState;
import io.baton.proto.TaskStatus;
import io.baton.proto.Update;
import org.junit.jupiter.api.Test;

/** The STATE snapshot's replacements in flight and finished ones, as the shim core builds them. */
class ReplacementBoardTest {
    static final long EXEC = 1;
    static final long FW = 2;

    final CoreFixture f = new CoreFixture("cpus:4;mem:4096");

    private void replace(String rid, String oldTask, String newTask, ReplaceStrategy strategy) {
        Replace.Builder r = Replace.newBuilder().setReplacementId(ReplacementID.newBuilder().setValue(rid))
                .setOldTaskId(TaskID.newBuilder().setValue(oldTask)).setNewTask(task(newTask, "cpus:1;mem:128"))
                .setPolicy(ReplacePolicy.newBuilder().setStrategy(strategy));
        var reply = CoreFixture.fwReply(f.fw(FW, FrameworkCall.newBuilder().setReplace(r)));
        assertThat(reply.hasForwarded()).as(reply.toString()).isTrue();
    }

    private void progress(String rid, String from, String to, long atUs) {
        assertThat(execReply(f.exec(EXEC, ExecutorCall.newBuilder().setProgress(ReplacementProgress.newBuilder()
                .setReplacementId(ReplacementID.newBuilder().setValue(rid)).setFromPhase(from).setPhase(to)
                .setAtUs(atUs).setOldTaskId(TaskID.newBuilder().setValue("t1"))
                .setNewTaskId(TaskID.newBuilder().setValue("t2"))))).hasAccepted()).isTrue();
    }

    private void finalUpdate(String rid, String task, ReplacementOutcome outcome, long drainUs) {
        TaskStatus s = TaskStatus.newBuilder().setTaskId(TaskID.newBuilder().setValue(task))
                .setState(TaskState.TASK_RUNNING).setUuid(f.uuid())
                .setReplacementId(ReplacementID.newBuilder().setValue(rid)).setOutcome(outcome)
                .setTimings(ReplacementTimings.newBuilder().setDrainUs(drainUs).setLaunchUs(2_000)
                        .setReadyUs(3_000).setTotalUs(drainUs + 6_000)).build();
        assertThat(execReply(f.exec(EXEC, ExecutorCall.newBuilder().setUpdate(Update.newBuilder().setStatus(s))))
                .hasAccepted()).isTrue();
    }

    private NodeState state() {
        return f.core.state();
    }

    @Test
    void aReplacementShowsItsLatestPhaseWhileUnderWayAndItsFinalUpdateWithItsStrategyOnceEnded() {
        f.framework(FW);
        f.subscribe(EXEC, "e1", task("t1", "cpus:1;mem:128"));
        replace("r1", "t1", "t2", ReplaceStrategy.STRATEGY_DEFAULT);
        assertThat(state().getReplacementsInFlightList()).as("nothing reported yet").isEmpty();

        progress("r1", "REQUESTED", "DRAINING", 10);
        progress("r1", "DRAINING", "LAUNCHING", 20);
        assertThat(state().getReplacementsInFlightList()).singleElement().satisfies(p -> {
            assertThat(p.getPhase()).isEqualTo("LAUNCHING");
            assertThat(p.getExecutorId().getValue()).as("the caller's").isEqualTo("e1");
        });

        finalUpdate("r1", "t2", ReplacementOutcome.COMMITTED, 1_000);
        assertThat(state().getReplacementsInFlightList()).isEmpty();
        FinishedReplacement done = state().getFinishedReplacements(0);
        assertThat(done.getStrategy()).as("the default resolved").isEqualTo(ReplaceStrategy.STOP_THEN_START);
        assertThat(done.getFinalUpdate().getTimings().getDrainUs()).isEqualTo(1_000);
        assertThat(done.getFinalUpdate().getOutcome()).isEqualTo(ReplacementOutcome.COMMITTED);
        assertThat(done.getOldTaskId().getValue() + " -> " + done.getNewTaskId().getValue()).isEqualTo("t1 -> t2");

        progress("r1", "LAUNCHING", "VERIFYING", 30);
        progress("r1", "VERIFYING", "COMMITTED", 40);
        assertThat(state().getReplacementsInFlightList()).as("progress that comes after the end").isEmpty();
    }

    @Test
    void anEndedPhaseTakesAReplacementOutOfFlightBeforeItsFinalUpdateAndTheStrategyIsUnknownWithoutTheRequest() {
        f.framework(FW);
        f.subscribe(EXEC, "e1", task("t1", "cpus:1;mem:128"));
        progress("r9", "LAUNCHING", "ROLLING_BACK", 10);
        assertThat(state().getReplacementsInFlightList()).extracting(ReplacementProgress::getPhase)
                .containsExactly("ROLLING_BACK");
        progress("r9", "RELAUNCHING", "ROLLED_BACK", 20);
        assertThat(state().getReplacementsInFlightList()).isEmpty();
        finalUpdate("r9", "t1", ReplacementOutcome.ROLLED_BACK, 0);
        assertThat(state().getFinishedReplacements(0).getStrategy()).isEqualTo(ReplaceStrategy.STRATEGY_DEFAULT);
        assertThat(state().getFinishedReplacements(0).hasOldTaskId()).as("no request, no progress in flight").isFalse();
        progress("r8", "REQUESTED", "DRAINING", 30);
        finalUpdate("r8", "t2", ReplacementOutcome.COMMITTED, 0);
        assertThat(state().getFinishedReplacements(1).getNewTaskId().getValue()).as("from the progress").isEqualTo("t2");
    }

    @Test
    void onlyTheLatestFiftyFinishedAreKeptOldestFirstAndAResentFinalUpdateIsNotCountedTwice() {
        f.framework(FW);
        f.subscribe(EXEC, "e1", task("t1", "cpus:1;mem:128"));
        replace("r55", "t1", "t2", ReplaceStrategy.RESIZE_IN_PLACE);
        for (int i = 0; i < 60; i++) {
            finalUpdate("r" + i, "t1", ReplacementOutcome.COMMITTED, i);
        }
        finalUpdate("r30", "t1", ReplacementOutcome.COMMITTED, 30);
        assertThat(state().getFinishedReplacementsList()).hasSize(ReplacementBoard.FINISHED)
                .filteredOn(r -> r.getStrategy() == ReplaceStrategy.RESIZE_IN_PLACE)
                .extracting(r -> r.getFinalUpdate().getReplacementId().getValue()).containsExactly("r55");
        assertThat(state().getFinishedReplacementsList())
                .extracting(r -> r.getFinalUpdate().getReplacementId().getValue())
                .startsWith("r10", "r11").endsWith("r59", "r30").doesNotHaveDuplicates();
        TaskStatus plain = TaskStatus.newBuilder().setTaskId(TaskID.newBuilder().setValue("t1"))
                .setState(TaskState.TASK_RUNNING).setUuid(f.uuid()).build();
        f.exec(EXEC, ExecutorCall.newBuilder().setUpdate(Update.newBuilder().setStatus(plain)));
        assertThat(state().getFinishedReplacementsList()).as("a status without an outcome ends nothing")
                .hasSize(ReplacementBoard.FINISHED);
    }

    @Test
    void anExecutorGoneForGoodTakesItsReplacementsOutOfFlight() {
        f.framework(FW);
        f.subscribe(EXEC, "e1", task("t1", "cpus:1;mem:128"));
        progress("r1", "REQUESTED", "DRAINING", 10);
        f.feed(new Input.ExecutorClosed(EXEC, f.now));
        assertThat(state().getReplacementsInFlightList()).as("it may come back").hasSize(1);
        f.feed(new Input.Tick(f.now + 61_000_000));
        assertThat(state().getReplacementsInFlightList()).isEmpty();
    }
}
