package io.baton.sdk.client;

import static io.baton.sdk.client.ShimFixture.finalUpdate;
import static org.assertj.core.api.Assertions.assertThat;

import io.baton.proto.RejectCode;
import io.baton.proto.ReplacementOutcome;
import io.baton.proto.TaskState;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class OutcomesTest {
    final Outcomes outcomes = new Outcomes(2, () -> 1_700_000_000_123_000L);

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
    void aRefusedReplaceEndsRejectedStampedByTheInjectedClock() {
        ReplaceSpec spec = ReplaceSpec.of("a", ShimFixture.task("b", "cpus:0.1")).withReplacementId("r9");
        var waiting = outcomes.register("r9");
        outcomes.follow(spec, CompletableFuture.failedFuture(new ShimRejectedException("REPLACE",
                RejectCode.UNKNOWN_OFFER, "no such offer")), true);

        assertThat(waiting).isCompletedWithValueMatching(o -> o.outcome() == ReplacementOutcome.REJECTED
                && o.status().getTimestampUs() == 1_700_000_000_123_000L);
    }
}
