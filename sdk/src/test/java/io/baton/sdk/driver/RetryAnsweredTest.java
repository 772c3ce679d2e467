package io.baton.sdk.driver;

import static org.assertj.core.api.Assertions.assertThat;

import io.baton.proto.AcknowledgedEvent;
import io.baton.proto.ExecutorEvent;
import io.baton.proto.LaunchEvent;
import io.baton.proto.Replace;
import io.baton.proto.ReplaceEvent;
import io.baton.proto.ReplacePolicy;
import io.baton.proto.ReplaceStrategy;
import io.baton.proto.ReplacementID;
import io.baton.proto.ReplacementOutcome;
import io.baton.proto.TaskID;
import io.baton.proto.TaskInfo;
import io.baton.proto.TaskState;
import io.baton.proto.TaskStatus;
import io.baton.resources.Resources;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Issue 11: a retry of a replacement that has ended (same id, same request — say `baton replace --id r1 …
 * --wait` run again) is answered with its recorded outcome at once, also after a checkpoint and a restart,
 * instead of waiting for an outcome that was sent long ago.
 */
class RetryAnsweredTest {
    private final ListJournal journal = new ListJournal();
    private long now = 1_000_000;

    private ExecutorDriver driver() {
        return journal.driver();
    }

    private static TaskInfo task(String id, String resources) {
        return TaskInfo.newBuilder().setTaskId(TaskID.newBuilder().setValue(id))
                .addAllResources(Resources.parse(resources).toProto()).build();
    }

    private static <T extends Effect> T last(List<Effect> effects, Class<T> type) {
        return effects.stream().filter(type::isInstance).map(type::cast).reduce((a, b) -> b).orElseThrow();
    }

    private static ExecutorEvent replace() {
        return ExecutorEvent.newBuilder().setReplace(ReplaceEvent.newBuilder().setRequest(Replace.newBuilder()
                .setReplacementId(ReplacementID.newBuilder().setValue("r1"))
                .setOldTaskId(TaskID.newBuilder().setValue("a")).setNewTask(task("a", "cpus:0.5;mem:64"))
                .setPolicy(ReplacePolicy.newBuilder().setStrategy(ReplaceStrategy.RESIZE_IN_PLACE)))).build();
    }

    private static ExecutorEvent acknowledged(TaskStatus s) {
        return ExecutorEvent.newBuilder().setAcknowledged(AcknowledgedEvent.newBuilder().setTaskId(s.getTaskId())
                .setUuid(s.getUuid())).build();
    }

    @Test
    void aRetryOfAnEndedReplacementIsAnsweredWithItsFinalUpdateAlsoAfterARestart() {
        ExecutorDriver d = driver();
        d.step(new Input.Start(now));
        d.step(new Input.Connected(now));
        d.step(new Input.Subscribed("c1", now));
        Effect.RunHook launch = last(d.step(new Input.ShimEvent(ExecutorEvent.newBuilder().setLaunch(LaunchEvent
                .newBuilder().setTask(task("a", "cpus:1;mem:64"))).build(), now)), Effect.RunHook.class);
        d.step(new Input.HookReturned(launch, true, null, now += 1_000));
        TaskStatus running = last(d.step(new Input.TaskReported("a", launch.incarnation(), TaskState.TASK_RUNNING, "",
                now += 1_000)), Effect.Update.class).status();
        d.step(new Input.ShimEvent(acknowledged(running), now));

        List<Effect> reserve = d.step(new Input.ShimEvent(replace(), now += 1_000));
        Effect.RunHook resize = last(d.step(new Input.Answered(last(reserve, Effect.Call.class), Input.Answer.ok(
                Resources.parse("cpus:1;mem:64").toProto()), now += 1_000)), Effect.RunHook.class);
        List<Effect> committed = d.step(new Input.HookReturned(resize, true, null, now += 1_000));
        TaskStatus outcome = last(committed, Effect.Update.class).status();
        assertThat(outcome.getOutcome()).isEqualTo(ReplacementOutcome.COMMITTED);

        assertThat(d.step(new Input.ShimEvent(replace(), now += 1_000))).as("its final update is on its way still")
                .noneMatch(e -> e instanceof Effect.RecordedOutcome);
        d.step(new Input.ShimEvent(acknowledged(outcome), now += 1_000));
        assertThat(last(d.step(new Input.ShimEvent(replace(), now += 1_000)), Effect.RecordedOutcome.class)
                .finalUpdate()).isEqualTo(outcome);

        d.journaled().checkpoint(now += 1_000);
        ExecutorDriver restarted = driver();
        restarted.step(new Input.Start(now += 1_000));
        restarted.step(new Input.Recovered(Set.of("a"), now));
        restarted.step(new Input.Connected(now));
        restarted.step(new Input.Subscribed("c1", now));
        assertThat(last(restarted.step(new Input.ShimEvent(replace(), now += 1_000)), Effect.RecordedOutcome.class)
                .finalUpdate()).as("kept in the checkpoint").isEqualTo(outcome);

        // a shim that forgot r1 (it restarted) refuses the retry's resources and passes it on: still r1's outcome
        ExecutorEvent refusedRetry = replace().toBuilder().setReplace(replace().getReplace().toBuilder().setRefusal(
                io.baton.proto.Rejection.newBuilder().setCode(io.baton.proto.RejectCode.UNKNOWN_OFFER)
                        .setMessage("offer o-1 is unknown on this node"))).build();
        List<Effect> answered = restarted.step(new Input.ShimEvent(refusedRetry, now += 1_000));
        assertThat(last(answered, Effect.RecordedOutcome.class).finalUpdate()).isEqualTo(outcome);
        assertThat(answered).noneMatch(e -> e instanceof Effect.Update);

        // a new request the shim refused: the executor ends it REJECTED with the shim's message
        ExecutorEvent refusedNew = ExecutorEvent.newBuilder().setReplace(ReplaceEvent.newBuilder().setRequest(
                replace().getReplace().getRequest().toBuilder().setReplacementId(ReplacementID.newBuilder()
                        .setValue("r2")).setNewTask(task("b", "cpus:4;mem:64")))
                .setRefusal(io.baton.proto.Rejection.newBuilder().setCode(io.baton.proto.RejectCode.INSUFFICIENT_RESOURCES)
                        .setMessage("replacement r2 needs cpus:4;mem:64 (missing cpus:3)"))).build();
        TaskStatus rejected = last(restarted.step(new Input.ShimEvent(refusedNew, now += 1_000)), Effect.Update.class)
                .status();
        assertThat(rejected.getOutcome()).isEqualTo(ReplacementOutcome.REJECTED);
        assertThat(rejected.getTaskId().getValue()).isEqualTo("b");
        assertThat(rejected.getState()).isEqualTo(TaskState.TASK_LOST);
        assertThat(rejected.getMessage()).isEqualTo("replacement r2 needs cpus:4;mem:64 (missing cpus:3)");
        assertThat(restarted.engine().tasks()).as("a still runs").containsKey("a");
    }
}
