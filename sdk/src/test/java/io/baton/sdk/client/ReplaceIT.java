package io.baton.sdk.client;

import static io.baton.sdk.client.ShimFixture.finalUpdate;
import static io.baton.sdk.client.ShimFixture.task;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.baton.proto.ExecutorEvent;
import io.baton.proto.RejectCode;
import io.baton.proto.ReplaceStrategy;
import io.baton.proto.ReplacementOutcome;
import io.baton.proto.TaskReason;
import io.baton.proto.TaskState;
import io.baton.proto.TaskStatus;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** REPLACE through the client: forwarded, its outcome from the executor's final update, or rejected. */
class ReplaceIT {
    @TempDir
    Path dir;
    ShimFixture shim;
    BatonClient client;
    final List<TaskStatus> seen = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws Exception {
        shim = new ShimFixture(ShimFixture.config(dir));
        client = BatonClient.connect(shim.options().build(), seen::add);
        shim.running(client, "a", "cpus:1;mem:256");
    }

    @AfterEach
    void stop() {
        client.close();
        shim.close();
    }

    @Test
    void aForwardedReplaceCompletesWithTheExecutorsFinalUpdate() throws Exception {
        ReplaceHandle h = client.replace(ReplaceSpec.of("a", task("b", "cpus:1;mem:128"))
                .withStrategy(ReplaceStrategy.STOP_THEN_START));
        assertThat(h.replacementId()).startsWith("r-");

        assertThat(h.forwarded().get(5, SECONDS).getExecutorId().getValue()).isEqualTo("e1");
        ExecutorEvent replace = shim.awaitEvent(ExecutorEvent::hasReplace);
        assertThat(replace.getReplace().getRequest().getReplacementId().getValue()).isEqualTo(h.replacementId());
        assertThat(replace.getReplace().getRequest().getPolicy().getStrategy()).isEqualTo(ReplaceStrategy.STOP_THEN_START);
        assertThat(h.outcome()).isNotDone();

        // progress of the replacement carries its id but no outcome: not final
        shim.send(ShimFixture.status("a", TaskState.TASK_KILLING).toBuilder()
                .setReplacementId(io.baton.proto.ReplacementID.newBuilder().setValue(h.replacementId())).build());
        shim.send(finalUpdate(h.replacementId(), "a", "b", ReplacementOutcome.COMMITTED));

        ReplaceOutcome o = h.outcome().get(5, SECONDS);
        assertThat(o.committed()).isTrue();
        assertThat(o.replacementId()).isEqualTo(h.replacementId());
        assertThat(o.status().getTaskId().getValue()).isEqualTo("b");
        assertThat(o.timings().getTotalUs()).isEqualTo(1234);
        // the listeners see the progress and the final update in order; the outcome completes after them
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(seen)
                .extracting(s -> s.getReplacementId().getValue() + " " + s.getTaskId().getValue() + " " + s.getState())
                .endsWith(h.replacementId() + " a TASK_KILLING", h.replacementId() + " b TASK_RUNNING"));
    }

    @Test
    void aReplaceTheShimRefusesGoesToTheExecutorWhichEndsItRejected() throws Exception {
        ReplaceHandle h = client.replace(ReplaceSpec.of("a", task("big", "cpus:3;mem:256")).withReplacementId("r-big"));

        assertThatThrownBy(() -> h.forwarded().get(5, SECONDS)).isInstanceOf(ExecutionException.class).cause()
                .isInstanceOfSatisfying(ShimRejectedException.class,
                        e -> assertThat(e.code()).isEqualTo(RejectCode.INSUFFICIENT_RESOURCES));
        ShimRejectedException rejection = (ShimRejectedException) h.forwarded().handle((f, t) -> t).get();
        assertThat(rejection.outcomeFollows()).isTrue();
        ExecutorEvent refused = shim.awaitEvent(e -> e.hasReplace()
                && e.getReplace().getRequest().getReplacementId().getValue().equals("r-big"));
        assertThat(refused.getReplace().getRefusal().getMessage()).isEqualTo(rejection.shimMessage());
        assertThat(h.outcome()).as("only the executor ends it").isNotDone();
        // the executor (here the test's) ends it as the SDK's engine does: new task lost, outcome REJECTED
        shim.send(ShimFixture.status("big", TaskState.TASK_LOST).toBuilder().setReason(TaskReason.REPLACE_INVALID)
                .setMessage(refused.getReplace().getRefusal().getMessage())
                .setReplacementId(io.baton.proto.ReplacementID.newBuilder().setValue("r-big"))
                .setRelatedTaskId(io.baton.proto.TaskID.newBuilder().setValue("a"))
                .setOutcome(ReplacementOutcome.REJECTED).build());
        ReplaceOutcome o = h.outcome().get(5, SECONDS);

        assertThat(o.outcome()).isEqualTo(ReplacementOutcome.REJECTED);
        assertThat(o.replacementId()).isEqualTo("r-big");
        assertThat(o.status().getMessage()).isEqualTo(rejection.shimMessage()).contains("missing");
        assertThat(o.status().getTaskId().getValue()).isEqualTo("big");
        assertThat(o.status().getState()).isEqualTo(TaskState.TASK_LOST);
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(seen).anySatisfy(s -> {
            assertThat(s.getTaskId().getValue()).isEqualTo("big");
            assertThat(s.getState()).isEqualTo(TaskState.TASK_LOST);
            assertThat(s.getReason()).isEqualTo(TaskReason.REPLACE_INVALID);
            assertThat(s.getReplacementId().getValue()).isEqualTo("r-big");
        }));
    }

    @Test
    void aFinalUpdateSeenBeforeTheHandleExistsIsNotLost() throws Exception {
        shim.send(finalUpdate("r-early", "a", "c", ReplacementOutcome.ROLLED_BACK));
        await().atMost(Duration.ofSeconds(5)).until(() -> seen.stream()
                .anyMatch(s -> s.getReplacementId().getValue().equals("r-early")));

        ReplaceHandle h = client.replace(ReplaceSpec.of("a", task("c", "cpus:1;mem:128")).withReplacementId("r-early"));

        // the listeners saw it; the outcome is kept once all of them ran, which may be just after this handle exists
        assertThat(h.outcome().get(5, SECONDS).outcome()).isEqualTo(ReplacementOutcome.ROLLED_BACK);
        h.forwarded().get(5, SECONDS);
    }

    /** Issue 11: a retry of a replacement that ended long ago (another client, another process) gets its outcome. */
    @Test
    void aRetryOfAnEndedReplacementIsAnsweredWithItsRecordedOutcomeWhichIsNoStatusUpdate() throws Exception {
        ReplaceHandle h = client.replace(ReplaceSpec.of("a", task("e", "cpus:1;mem:128")).withReplacementId("r-done"));
        h.forwarded().get(5, SECONDS);
        shim.awaitEvent(e -> e.hasReplace() && e.getReplace().getRequest().getReplacementId().getValue().equals("r-done"));
        TaskStatus recorded = finalUpdate("r-done", "a", "e", ReplacementOutcome.COMMITTED);
        var answered = shim.e1.call(io.baton.proto.ExecutorCall.newBuilder().setRecordedOutcome(
                io.baton.proto.RecordedOutcome.newBuilder().setFinalUpdate(recorded)));
        assertThat(answered.hasAccepted()).as(String.valueOf(answered)).isTrue();

        ReplaceOutcome o = h.outcome().get(5, SECONDS);
        assertThat(o.committed()).isTrue();
        assertThat(o.status().getUuid()).isEqualTo(recorded.getUuid());
        assertThat(seen).as("an answer, not a new state of task e").noneMatch(s -> s.getUuid().equals(recorded.getUuid()));
    }

    @Test
    void withoutUpdatesTheOutcomeOfAForwardedReplaceCannotBeLearned() throws Exception {
        try (BatonClient quiet = BatonClient.connect(shim.options().updates(false).build())) {
            ReplaceHandle h = quiet.replace(ReplaceSpec.of("a", task("d", "cpus:1;mem:128")));
            h.forwarded().get(5, SECONDS);
            assertThatThrownBy(() -> h.outcome().get(5, SECONDS)).cause()
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("updates(true)");
        }
    }

    /**
     * Progress goes to a client that asked for it (ShimCoreTest: the shim sends the others none); the default client
     * cannot listen for it (a clear error, not a listener that never runs).
     */
    @Test
    void progressReachesAClientThatAskedForItAndTheDefaultClientCannotListenForIt() throws Exception {
        assertThatThrownBy(() -> client.onProgress(p -> { })).isInstanceOf(IllegalStateException.class)
                .hasMessage("this client subscribed without replacement progress, so the shim sends it none: build it "
                        + "with ClientOptions...progress(true) to listen for progress");
        assertThatThrownBy(() -> shim.options().updates(false).progress(true).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("progress(true) needs updates(true)");
        List<io.baton.proto.ReplacementProgress> heard = new CopyOnWriteArrayList<>();
        try (BatonClient live = BatonClient.connect(shim.options().progress(true).build())) {
            live.onProgress(heard::add);
            var e1 = shim.e1;
            var ok = e1.call(io.baton.proto.ExecutorCall.newBuilder().setProgress(io.baton.proto.ReplacementProgress
                    .newBuilder().setReplacementId(io.baton.proto.ReplacementID.newBuilder().setValue("r-live"))
                    .setPhase("DRAINING").setFromPhase("REQUESTED")
                    .setOldTaskId(io.baton.proto.TaskID.newBuilder().setValue("a"))));
            assertThat(ok.hasAccepted()).isTrue();
            await().atMost(Duration.ofSeconds(5)).until(() -> heard.size() == 1);
            assertThat(heard.get(0).getPhase()).isEqualTo("DRAINING");
            assertThat(heard.get(0).getExecutorId().getValue()).isEqualTo("e1");
        }
    }
}
