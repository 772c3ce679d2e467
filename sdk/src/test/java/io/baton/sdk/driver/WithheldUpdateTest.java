package io.baton.sdk.driver;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.baton.proto.ExecutorEvent;
import io.baton.proto.LaunchEvent;
import io.baton.proto.RejectCode;
import io.baton.proto.Replace;
import io.baton.proto.ReplaceEvent;
import io.baton.proto.ReplacementID;
import io.baton.proto.ReplacementOutcome;
import io.baton.proto.TaskID;
import io.baton.proto.TaskInfo;
import io.baton.proto.TaskState;
import io.baton.proto.TaskStatus;
import io.baton.resources.Resources;
import io.baton.sdk.core.Hook;
import io.baton.sdk.core.Phase;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A task's own update while a replacement manages it is withheld (the engine speaks for it); when the replacement
 * ends leaving the task as it was, the update goes out. Found by the yarn CI on 2026-12-04: the old task's launch was
 * still under way when the REPLACE came, the RESERVE was refused, and the framework saw the task STAGING for ever.
 */
class WithheldUpdateTest {
    private final ListJournal journal = new ListJournal();
    private long now = 1_000_000;
    private int uuid;

    private ExecutorDriver driver() {
        return new ExecutorDriver("e1", Resources.parse("cpus:0.1;mem:32"), journal,
                () -> ByteString.copyFromUtf8(String.format("%016d", ++uuid)), since -> false);
    }

    private static TaskInfo task(String id) {
        return TaskInfo.newBuilder().setTaskId(TaskID.newBuilder().setValue(id))
                .addAllResources(Resources.parse("cpus:1;mem:64").toProto()).build();
    }

    private static <T extends Effect> T only(List<Effect> effects, Class<T> type) {
        return effects.stream().filter(type::isInstance).map(type::cast).reduce((a, b) -> b).orElseThrow();
    }

    private static List<TaskStatus> updates(List<Effect> effects) {
        return effects.stream().filter(Effect.Update.class::isInstance).map(e -> ((Effect.Update) e).status()).toList();
    }

    @Test
    void theOldTasksRunningWithheldDuringARefusedReplacementIsSentWhenItEnds() {
        ExecutorDriver d = driver();
        d.step(new Input.Start(now));
        d.step(new Input.Connected(now));
        d.step(new Input.Subscribed("c1", now));
        Effect.RunHook launch = only(d.step(new Input.ShimEvent(ExecutorEvent.newBuilder().setLaunch(LaunchEvent
                .newBuilder().setTask(task("a"))).build(), now += 1_000)), Effect.RunHook.class);
        assertThat(launch.hook()).isEqualTo(Hook.LAUNCH);

        // the REPLACE comes while a's launch is still under way
        Effect.Call reserve = only(d.step(new Input.ShimEvent(ExecutorEvent.newBuilder().setReplace(ReplaceEvent
                .newBuilder().setRequest(Replace.newBuilder().setReplacementId(ReplacementID.newBuilder().setValue("r1"))
                        .setOldTaskId(TaskID.newBuilder().setValue("a")).setNewTask(task("b")))).build(), now += 1_000)),
                Effect.Call.class);
        d.step(new Input.HookReturned(launch, true, null, now += 1_000));
        List<Effect> running = d.step(new Input.TaskReported("a", launch.incarnation(), TaskState.TASK_RUNNING, "up",
                now += 1_000));
        assertThat(updates(running)).as("withheld: the replacement manages a").isEmpty();

        List<Effect> refused = d.step(new Input.Answered(reserve, Input.Answer.rejected(RejectCode.INSUFFICIENT_RESOURCES,
                "no room"), now += 1_000));
        assertThat(d.engine().replacement("r1").phase()).isEqualTo(Phase.REJECTED);
        assertThat(updates(refused)).extracting(s -> s.getTaskId().getValue() + " " + s.getState() + " "
                + s.getOutcome()).containsExactly("b TASK_LOST REJECTED", "a TASK_RUNNING OUTCOME_UNSPECIFIED");
        assertThat(updates(refused).get(1).getMessage()).isEqualTo("up");
    }

    @Test
    void nothingIsSentTwiceWhenTheOutcomeSaysHowTheTaskIs() {
        ExecutorDriver d = driver();
        d.step(new Input.Start(now));
        d.step(new Input.Connected(now));
        d.step(new Input.Subscribed("c1", now));
        Effect.RunHook launch = only(d.step(new Input.ShimEvent(ExecutorEvent.newBuilder().setLaunch(LaunchEvent
                .newBuilder().setTask(task("a"))).build(), now += 1_000)), Effect.RunHook.class);
        d.step(new Input.HookReturned(launch, true, null, now += 1_000));
        d.step(new Input.TaskReported("a", launch.incarnation(), TaskState.TASK_RUNNING, "", now += 1_000));
        Effect.Call reserve = only(d.step(new Input.ShimEvent(ExecutorEvent.newBuilder().setReplace(ReplaceEvent
                .newBuilder().setRequest(Replace.newBuilder().setReplacementId(ReplacementID.newBuilder().setValue("r1"))
                        .setOldTaskId(TaskID.newBuilder().setValue("a")).setNewTask(task("b")))).build(), now += 1_000)),
                Effect.Call.class);
        List<Effect> refused = d.step(new Input.Answered(reserve, Input.Answer.rejected(
                RejectCode.INSUFFICIENT_RESOURCES, "no room"), now += 1_000));
        assertThat(updates(refused)).as("a's RUNNING went out before the replacement; nothing was withheld")
                .extracting(s -> s.getTaskId().getValue()).containsExactly("b");
        assertThat(updates(refused).get(0).getOutcome()).isEqualTo(ReplacementOutcome.REJECTED);
    }
}
