package io.baton.sdk.driver;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.baton.proto.ExecutorEvent;
import io.baton.proto.KillEvent;
import io.baton.proto.LaunchEvent;
import io.baton.proto.Replace;
import io.baton.proto.ReplaceEvent;
import io.baton.proto.ReplacePolicy;
import io.baton.proto.ReplaceStrategy;
import io.baton.proto.ReplacementID;
import io.baton.proto.TaskID;
import io.baton.proto.TaskInfo;
import io.baton.proto.TaskState;
import io.baton.resources.Resources;
import io.baton.sdk.core.Hook;
import io.baton.sdk.core.Phase;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Reports name the incarnation of the handle they come through. Simulation seeds 1105157 and 2612274491: a
 * framework KILL and a same-id STOP_THEN_START of the same task overlap; the first kill's TASK_KILLED lets
 * the replacement launch the new incarnation, and the second kill's "was not running" TASK_KILLED — a
 * report through the old handle — was read as the new incarnation failing: the replacement ended FAILED
 * and the new process ran untracked.
 */
class HandleIncarnationTest {
    private final ListJournal journal = new ListJournal();
    private int uuid;
    private final ExecutorDriver d = new ExecutorDriver("e1", Resources.parse("cpus:0.1;mem:32"), journal,
            () -> ByteString.copyFromUtf8(String.format("%016d", ++uuid)), since -> false);
    private long now = 1_000_000;

    private static TaskInfo task(String id, String resources) {
        return TaskInfo.newBuilder().setTaskId(TaskID.newBuilder().setValue(id))
                .addAllResources(Resources.parse(resources).toProto()).build();
    }

    private static <T extends Effect> T last(List<Effect> effects, Class<T> type) {
        return effects.stream().filter(type::isInstance).map(type::cast).reduce((a, b) -> b).orElseThrow();
    }

    private List<Effect> step(Input in) {
        return d.step(in);
    }

    private Effect.RunHook launched(String id) {
        d.step(new Input.Start(now));
        d.step(new Input.Connected(now));
        d.step(new Input.Subscribed("c1", now));
        Effect.RunHook launch = last(step(new Input.ShimEvent(ExecutorEvent.newBuilder().setLaunch(LaunchEvent
                .newBuilder().setTask(task(id, "cpus:1;mem:64"))).build(), now)), Effect.RunHook.class);
        step(new Input.HookReturned(launch, true, null, now += 1_000));
        step(new Input.TaskReported(id, launch.incarnation(), TaskState.TASK_RUNNING, "", now += 1_000));
        return launch;
    }

    @Test
    void aReportThroughAReplacedHandleIsNotTakenForTheNewIncarnation() {
        Effect.RunHook first = launched("t1");
        Effect.RunHook frameworkKill = last(step(new Input.ShimEvent(ExecutorEvent.newBuilder().setKill(KillEvent
                .newBuilder().setTaskId(TaskID.newBuilder().setValue("t1"))).build(), now += 1_000)), Effect.RunHook.class);
        assertThat(frameworkKill.incarnation()).isEqualTo(first.incarnation());

        List<Effect> reserve = step(new Input.ShimEvent(ExecutorEvent.newBuilder().setReplace(ReplaceEvent.newBuilder().setRequest(Replace.newBuilder()
                .setReplacementId(ReplacementID.newBuilder().setValue("r1"))
                .setOldTaskId(TaskID.newBuilder().setValue("t1")).setNewTask(task("t1", "cpus:1;mem:64"))
                .setPolicy(ReplacePolicy.newBuilder().setStrategy(ReplaceStrategy.STOP_THEN_START)))).build(), now));
        Effect.RunHook drainKill = last(step(new Input.Answered(last(reserve, Effect.Call.class), Input.Answer.ok(
                Resources.parse("cpus:1;mem:64").toProto()), now += 1_000)), Effect.RunHook.class);
        assertThat(drainKill.hook()).isEqualTo(Hook.KILL);

        // the framework's kill ends the old incarnation: the replacement hands off and launches the new one
        Effect.RunHook relaunch = last(step(new Input.TaskReported("t1", first.incarnation(), TaskState.TASK_KILLED,
                "killed", now += 1_000)), Effect.RunHook.class);
        assertThat(relaunch.hook()).isEqualTo(Hook.LAUNCH);
        assertThat(relaunch.incarnation()).isNotEqualTo(first.incarnation());
        assertThat(d.engine().replacement("r1").phase()).isEqualTo(Phase.LAUNCHING);

        // the drain's kill, run on the old handle, finds nothing and says so
        step(new Input.HookReturned(drainKill, true, null, now += 1_000));
        step(new Input.TaskReported("t1", first.incarnation(), TaskState.TASK_KILLED, "was not running", now += 1_000));
        assertThat(d.engine().replacement("r1").phase()).as("a stale report changes nothing").isEqualTo(Phase.LAUNCHING);

        step(new Input.HookReturned(relaunch, true, null, now += 1_000));
        step(new Input.TaskReported("t1", relaunch.incarnation(), TaskState.TASK_RUNNING, "", now += 1_000));
        assertThat(d.engine().replacement("r1").phase()).isEqualTo(Phase.COMMITTED);
        assertThat(d.holds("t1")).isTrue();
    }

    @Test
    void aReportThroughAHandleRenamedByAResizeIsTheRenamedTasks() {
        Effect.RunHook first = launched("a");
        List<Effect> reserve = step(new Input.ShimEvent(ExecutorEvent.newBuilder().setReplace(ReplaceEvent.newBuilder().setRequest(Replace.newBuilder()
                .setReplacementId(ReplacementID.newBuilder().setValue("r1"))
                .setOldTaskId(TaskID.newBuilder().setValue("a")).setNewTask(task("b", "cpus:1;mem:64"))
                .setPolicy(ReplacePolicy.newBuilder().setStrategy(ReplaceStrategy.RESIZE_IN_PLACE)))).build(), now));
        Effect.RunHook resize = last(step(new Input.Answered(last(reserve, Effect.Call.class), Input.Answer.ok(
                Resources.parse("cpus:1;mem:64").toProto()), now += 1_000)), Effect.RunHook.class);
        assertThat(resize.hook()).isEqualTo(Hook.RESIZE);
        List<Effect> resized = step(new Input.HookReturned(resize, true, null, now += 1_000));
        assertThat(last(resized, Effect.TaskRenamed.class).incarnation()).isEqualTo(first.incarnation());
        assertThat(d.engine().replacement("r1").phase()).isEqualTo(Phase.COMMITTED);

        // the author's process watcher still holds the handle it got at launch, with the old id
        step(new Input.TaskReported("a", first.incarnation(), TaskState.TASK_FAILED, "exited 1", now += 1_000));
        assertThat(d.journaled().outbox().pending()).as("b's terminal update is on its way (after b's COMMITTED)")
                .anyMatch(u -> u.getTaskId().getValue().equals("b") && u.getState() == TaskState.TASK_FAILED);
        assertThat(d.holds("b")).as("the process of b has ended").isFalse();
    }
}
