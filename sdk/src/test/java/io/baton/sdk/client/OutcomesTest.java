package io.baton.sdk.client;

import static io.baton.sdk.client.ShimFixture.finalUpdate;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.baton.proto.RejectCode;
import io.baton.proto.ReplacementID;
import io.baton.proto.ReplacementOutcome;
import io.baton.proto.TaskID;
import io.baton.proto.TaskState;
import io.baton.proto.TaskStatus;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class OutcomesTest {
    final Outcomes outcomes = new Outcomes(2);

    @Test
    void aFinalUpdateCompletesTheHandleWaitingForIt() {
        var f = outcomes.register("r1");
        assertThat(outcomes.offer(ShimFixture.status("a", TaskState.TASK_KILLING))).isFalse();
        assertThat(f).isNotDone();

        assertThat(outcomes.offer(finalUpdate("r1", "a", "b", ReplacementOutcome.COMMITTED))).isTrue();

        assertThat(f).isCompletedWithValueMatching(ReplaceOutcome::committed);
        assertThat(outcomes.waitingCount()).isZero();
    }

    @Test
    void progressWithAReplacementIdButNoOutcomeIsNotFinal() {
        var progress = finalUpdate("r1", "a", "b", ReplacementOutcome.OUTCOME_UNSPECIFIED);
        assertThat(outcomes.offer(progress)).isFalse();
    }

    @Test
    void recentFinalUpdatesAreRememberedForLateHandlesWithinTheBound() {
        outcomes.offer(finalUpdate("r1", "a", "b", ReplacementOutcome.ROLLED_BACK));
        outcomes.offer(finalUpdate("r2", "a", "b", ReplacementOutcome.ABORTED));
        outcomes.offer(finalUpdate("r3", "a", "b", ReplacementOutcome.FAILED));

        assertThat(outcomes.register("r3")).isCompletedWithValueMatching(o -> o.outcome() == ReplacementOutcome.FAILED);
        assertThat(outcomes.register("r2"))
                .isCompletedWithValueMatching(o -> o.outcome() == ReplacementOutcome.ABORTED);
        assertThat(outcomes.register("r1")).isNotDone(); // evicted: the bound is 2
    }

    @Test
    void failingAllFailsWaitersAndLaterRegistrationsButNotKnownOutcomes() {
        outcomes.offer(finalUpdate("r1", "a", "b", ReplacementOutcome.COMMITTED));
        var waiting = outcomes.register("r2");
        var gone = new ShimUnavailableException("unix:/x", "lost", null);

        outcomes.failAll(gone);

        assertThat(waiting).isCompletedExceptionally();
        assertThat(outcomes.register("r3")).isCompletedExceptionally();
        assertThat(outcomes.register("r1")).isCompletedWithValueMatching(ReplaceOutcome::committed);
    }

    @Test
    void aRefusalThatEndedNothingIsNoOutcomeButTheRefusal() {
        ReplaceSpec spec = ReplaceSpec.of("a", ShimFixture.task("b", "cpus:0.1")).withReplacementId("r9");
        var waiting = outcomes.register("r9");
        ShimRejectedException refused = new ShimRejectedException("REPLACE", RejectCode.UNKNOWN_TASK, "not known yet");
        outcomes.follow(spec, CompletableFuture.failedFuture(refused), true);

        assertThat(waiting).isCompletedExceptionally();
        assertThatThrownBy(waiting::join).hasCause(refused);
    }

    @Test
    void aRefusalAfterWhichTheExecutorEndsTheRequestTakesTheOutcomeFromTheStream() {
        ReplaceSpec spec = ReplaceSpec.of("a", ShimFixture.task("b", "cpus:0.1")).withReplacementId("r9");
        TaskStatus lost = TaskStatus.newBuilder().setTaskId(TaskID.newBuilder().setValue("b"))
                .setState(TaskState.TASK_LOST).setReplacementId(ReplacementID.newBuilder().setValue("r9"))
                .setOutcome(ReplacementOutcome.REJECTED).setUuid(ByteString.copyFromUtf8("u9")).build();
        ShimRejectedException follows = new ShimRejectedException("REPLACE", RejectCode.UNKNOWN_OFFER, "no such offer",
                true);

        var withUpdates = outcomes.register("r9");
        outcomes.follow(spec, CompletableFuture.failedFuture(follows), true);
        assertThat(withUpdates).as("the executor's final update completes it").isNotDone();
        outcomes.offer(lost);
        assertThat(withUpdates).isCompletedWithValueMatching(o -> o.status() == lost);

        Outcomes noUpdates = new Outcomes(2);
        var without = noUpdates.register("r9");
        noUpdates.follow(spec, CompletableFuture.failedFuture(follows), false);
        assertThat(without).as("a client without updates cannot see it").isCompletedExceptionally();
    }
}
