package io.baton.sdk.driver;

import static io.baton.sdk.driver.DriverFixture.last;
import static io.baton.sdk.driver.DriverFixture.launch;
import static io.baton.sdk.driver.DriverFixture.task;
import static org.assertj.core.api.Assertions.assertThat;

import io.baton.proto.ExecutorEvent;
import io.baton.proto.KillEvent;
import io.baton.proto.ReplaceEvent;
import io.baton.proto.ReplacePolicy;
import io.baton.proto.ReplaceStrategy;
import io.baton.proto.TaskID;
import io.baton.proto.TaskInfo;
import io.baton.proto.TaskState;
import io.baton.resources.Resources;
import io.baton.sdk.core.Hook;
import io.baton.sdk.core.Phase;
import io.baton.sdk.core.Timer;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A replacement's kill names the task it makes way for ({@code Effect.RunHook.successor}, the third argument of
 * {@code BatonExecutor.kill}): the new task when the old one stops on the way forward, the old one when a rollback
 * stops the new one; no other kill names one.
 */
class KillSuccessorTest {
    private final DriverFixture f = new DriverFixture();
    private final ExecutorDriver d = f.subscribed();

    private Effect.RunHook running(TaskInfo t) {
        Effect.RunHook launch = last(f.event(d, launch(t)), Effect.RunHook.class);
        d.step(new Input.HookReturned(launch, true, null, f.now += 1_000));
        d.step(new Input.TaskReported(t.getTaskId().getValue(), launch.incarnation(), TaskState.TASK_RUNNING, "",
                f.now += 1_000));
        return launch;
    }

    /** Delivers a replacement of {@code oldId} by {@code next} and grants its reserve: the step's effects. */
    private List<Effect> replaced(String oldId, TaskInfo next, ReplaceStrategy strategy, String pool) {
        return replaced("r1", oldId, next, strategy, pool);
    }

    private List<Effect> replaced(String rid, String oldId, TaskInfo next, ReplaceStrategy strategy, String pool) {
        ExecutorEvent e = DriverFixture.replace(rid, oldId, next);
        ReplaceEvent.Builder r = e.getReplace().toBuilder();
        r.getRequestBuilder().setPolicy(ReplacePolicy.newBuilder().setStrategy(strategy).setStartTimeoutMs(5_000));
        List<Effect> reserve = f.event(d, ExecutorEvent.newBuilder().setReplace(r).build());
        return d.step(new Input.Answered(last(reserve, Effect.Call.class), Input.Answer.ok(Resources.parse(pool)
                .toProto()), f.now += 1_000));
    }

    @Test
    void aFrameworkKillNamesNoSuccessor() {
        running(task("a"));
        Effect.RunHook kill = last(f.event(d, ExecutorEvent.newBuilder().setKill(KillEvent.newBuilder()
                .setTaskId(TaskID.newBuilder().setValue("a"))).build()), Effect.RunHook.class);
        assertThat(kill.hook()).isEqualTo(Hook.KILL);
        assertThat(kill.successor()).isNull();
    }

    @Test
    void stopThenStartsKillOfTheOldTaskNamesTheNewOne() {
        running(task("a"));
        TaskInfo b = task("b");
        Effect.RunHook kill = last(replaced("a", b, ReplaceStrategy.STOP_THEN_START, "cpus:1;mem:64"),
                Effect.RunHook.class);
        assertThat(kill.hook()).isEqualTo(Hook.KILL);
        assertThat(kill.taskId()).isEqualTo("a");
        assertThat(kill.successor()).isEqualTo(b);
        assertThat(d.engine().replacement("r1").phase()).isEqualTo(Phase.DRAINING);

        // the new task launches after the old one's end; its launch names nothing
        d.step(new Input.HookReturned(kill, true, null, f.now += 1_000));
        Effect.RunHook launchB = last(d.step(new Input.TaskReported("a", kill.incarnation(), TaskState.TASK_KILLED,
                "killed", f.now += 1_000)), Effect.RunHook.class);
        assertThat(launchB.hook()).isEqualTo(Hook.LAUNCH);
        assertThat(launchB.successor()).isNull();
    }

    @Test
    void aStopThenStartRollbackStopsTheNewTaskForTheOldOneButARelaunchGivenUpForNobody() {
        TaskInfo a = task("a");
        running(a);
        TaskInfo b = task("b");
        Effect.RunHook killA = last(replaced("a", b, ReplaceStrategy.STOP_THEN_START, "cpus:1;mem:64"),
                Effect.RunHook.class);
        d.step(new Input.HookReturned(killA, true, null, f.now += 1_000));
        Effect.RunHook launchB = last(d.step(new Input.TaskReported("a", killA.incarnation(), TaskState.TASK_KILLED,
                "killed", f.now += 1_000)), Effect.RunHook.class);
        d.step(new Input.HookReturned(launchB, true, null, f.now += 1_000));

        // b never reports RUNNING: the start timer rolls the replacement back, stopping b for a
        Effect.RunHook stopB = last(d.step(new Input.TimerFired(new TimerKey.Replacement("r1", Timer.START),
                f.now += 6_000_000)), Effect.RunHook.class);
        assertThat(d.engine().replacement("r1").phase()).isEqualTo(Phase.ROLLING_BACK);
        assertThat(stopB.hook()).isEqualTo(Hook.KILL);
        assertThat(stopB.taskId()).isEqualTo("b");
        assertThat(stopB.successor()).as("a is started again").isEqualTo(a);

        // a is relaunched, and never runs either: that relaunch is given up and stopped, for nobody
        d.step(new Input.HookReturned(stopB, true, null, f.now += 1_000));
        Effect.RunHook relaunchA = last(d.step(new Input.TaskReported("b", launchB.incarnation(), TaskState.TASK_KILLED,
                "killed", f.now += 1_000)), Effect.RunHook.class);
        assertThat(relaunchA.hook()).isEqualTo(Hook.LAUNCH);
        assertThat(relaunchA.taskId()).isEqualTo("a");
        assertThat(d.engine().replacement("r1").phase()).isEqualTo(Phase.RELAUNCHING);
        Effect.RunHook stopRelaunch = last(d.step(new Input.TimerFired(new TimerKey.Replacement("r1", Timer.START),
                f.now += 6_000_000)), Effect.RunHook.class);
        assertThat(stopRelaunch.hook()).isEqualTo(Hook.KILL);
        assertThat(stopRelaunch.taskId()).isEqualTo("a");
        assertThat(stopRelaunch.successor()).isNull();
    }

    @Test
    void startThenStopsStopOfTheOldTaskNamesTheNewOneAndARollbackTheOldOne() {
        TaskInfo a = task("a");
        running(a);
        TaskInfo b = task("b");
        Effect.RunHook launchB = last(replaced("a", b, ReplaceStrategy.START_THEN_STOP, "cpus:2;mem:128"),
                Effect.RunHook.class);
        assertThat(launchB.hook()).isEqualTo(Hook.LAUNCH);
        d.step(new Input.HookReturned(launchB, true, null, f.now += 1_000));
        List<Effect> ran = d.step(new Input.TaskReported("b", launchB.incarnation(), TaskState.TASK_RUNNING, "",
                f.now += 1_000));
        Effect.RunHook stopA = last(ran, Effect.RunHook.class);
        assertThat(stopA.hook()).isEqualTo(Hook.KILL);
        assertThat(stopA.taskId()).isEqualTo("a");
        assertThat(stopA.successor()).isEqualTo(b);
        assertThat(d.engine().replacement("r1").phase()).isEqualTo(Phase.STOPPING_OLD);

        // a second replacement of b, whose new task never runs: the start timer rolls it back, stopping c for b
        TaskInfo c = task("c");
        d.step(new Input.HookReturned(stopA, true, null, f.now += 1_000));
        d.step(new Input.TaskReported("a", stopA.incarnation(), TaskState.TASK_KILLED, "killed", f.now += 1_000));
        assertThat(d.engine().replacement("r1").phase()).isEqualTo(Phase.COMMITTED);
        Effect.RunHook launchC = last(replaced("r2", "b", c, ReplaceStrategy.START_THEN_STOP, "cpus:2;mem:128"),
                Effect.RunHook.class);
        assertThat(launchC.taskId()).isEqualTo("c");
        d.step(new Input.HookReturned(launchC, true, null, f.now += 1_000));
        Effect.RunHook stopC = last(d.step(new Input.TimerFired(new TimerKey.Replacement("r2", Timer.START),
                f.now += 6_000_000)), Effect.RunHook.class);
        assertThat(d.engine().replacement("r2").phase()).isEqualTo(Phase.ROLLING_BACK);
        assertThat(stopC.hook()).isEqualTo(Hook.KILL);
        assertThat(stopC.taskId()).isEqualTo("c");
        assertThat(stopC.successor()).as("the old task, b, runs on").isEqualTo(b);
    }
}
