package io.baton.sdk.driver;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.baton.proto.ExecutorEvent;
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
import io.baton.sdk.core.Timer;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A kill that recovery re-issues gets its drain period when the executor was down past the drain deadline
 * (the kill may never have run), and a late kill failure of the task the phase no longer waits on is not taken
 * for the one it waits on. Simulation seeds 9929 (a rolled-back new task given up untried and left running
 * after the outcome called it failed) and 1011810 (a ready new task rolled back because the old task's
 * never-run kill "timed out", then the old task's late kill failure taken for the new task's: FAILED while
 * the old task ran).
 */
class RollbackDrainAfterRestartTest {
    private static final long DRAIN_MS = 2_000;
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

    private List<Effect> hookOk(ExecutorDriver d, List<Effect> effects) {
        return d.step(new Input.HookReturned(only(effects, Effect.RunHook.class), true, null, now += 1_000));
    }

    /** Runs a START_THEN_STOP of a by b until b's launch hook returned (a runs; a's drain and b's start timers). */
    private void toLaunched(ExecutorDriver d) {
        d.step(new Input.Start(now));
        d.step(new Input.Connected(now));
        d.step(new Input.Subscribed("c1", now));
        hookOk(d, d.step(new Input.ShimEvent(ExecutorEvent.newBuilder().setLaunch(LaunchEvent.newBuilder()
                .setTask(task("a"))).build(), now)));
        d.step(new Input.TaskReported("a", 1, TaskState.TASK_RUNNING, "", now));
        List<Effect> reserve = d.step(new Input.ShimEvent(ExecutorEvent.newBuilder()
                .setReplace(ReplaceEvent.newBuilder().setRequest(Replace.newBuilder()
                        .setReplacementId(ReplacementID.newBuilder().setValue("r1"))
                        .setOldTaskId(TaskID.newBuilder().setValue("a")).setNewTask(task("b"))
                        .setPolicy(ReplacePolicy.newBuilder().setStrategy(ReplaceStrategy.START_THEN_STOP)
                                .setDrainTimeoutMs(DRAIN_MS).setStartTimeoutMs(DRAIN_MS)))).build(), now));
        hookOk(d, d.step(new Input.Answered(only(reserve, Effect.Call.class), Input.Answer.ok(
                Resources.parse("cpus:2;mem:128").toProto()), now += 1_000))); // the launch of b
    }

    /** Runs a START_THEN_STOP to STOPPING_OLD (the old task's kill issued); returns that kill. */
    private Effect.RunHook toStoppingOld(ExecutorDriver d) {
        toLaunched(d);
        List<Effect> stopOld = d.step(new Input.TaskReported("b", 2, TaskState.TASK_RUNNING, "", now += 1_000));
        assertThat(d.engine().replacement("r1").phase()).isEqualTo(Phase.STOPPING_OLD);
        return only(stopOld, Effect.RunHook.class);
    }

    private static Effect.Arm drainArmed(List<Effect> effects) {
        return effects.stream().filter(e -> e instanceof Effect.Arm a
                && a.key().equals(new TimerKey.Replacement("r1", Timer.DRAIN))).map(Effect.Arm.class::cast)
                .findFirst().orElseThrow();
    }

    /** Seed 9929. */
    @Test
    void theRollbacksKillOfTheNewTaskGetsItsDrainPeriodAfterARestart() {
        ExecutorDriver d = driver();
        Effect.RunHook killA = toStoppingOld(d);
        d.step(new Input.HookReturned(killA, false, "kill of a threw", now += 1_000));
        assertThat(d.engine().replacement("r1").phase()).isEqualTo(Phase.ROLLING_BACK); // kill of b: never carried out

        ExecutorDriver after = driver(); // the executor died; it is back after the drain period
        now += 10 * DRAIN_MS * 1000;
        after.step(new Input.Start(now));
        List<Effect> resumed = after.step(new Input.Recovered(Set.of("a", "b"), now));
        assertThat(resumed).anyMatch(e -> e instanceof Effect.RunHook h && h.hook() == Hook.KILL
                && h.taskId().equals("b") && h.successor() != null && h.successor().getTaskId().getValue().equals("a"))
                .as("the kill re-issued after the restart still names a, which runs on, as b's successor");
        assertThat(drainArmed(resumed).deadlineUs()).isEqualTo(now + DRAIN_MS * 1000);

        // a late failure of the OLD task's kill is not the new task's kill failing (seed 1011810)
        List<Effect> late = after.step(new Input.HookReturned(killA, false, "kill of a threw again", now += 1_000));
        assertThat(late).noneMatch(e -> e instanceof Effect.RunHook);
        assertThat(after.engine().replacement("r1").phase()).isEqualTo(Phase.ROLLING_BACK);
    }

    /** Seed 1011810: the old task's kill was journaled, never ran, and its drain deadline passed meanwhile. */
    @Test
    void theOldTasksKillGetsItsDrainPeriodAfterARestart() {
        toStoppingOld(driver());
        ExecutorDriver after = driver();
        now += 10 * DRAIN_MS * 1000;
        after.step(new Input.Start(now));
        List<Effect> resumed = after.step(new Input.Recovered(Set.of("a", "b"), now));
        assertThat(after.engine().replacement("r1").phase()).isEqualTo(Phase.STOPPING_OLD); // not rolled back untried
        assertThat(resumed).anyMatch(e -> e instanceof Effect.RunHook h && h.hook() == Hook.KILL && h.taskId().equals("a")
                && h.successor() != null && h.successor().getTaskId().getValue().equals("b"));
        assertThat(drainArmed(resumed).deadlineUs()).isEqualTo(now + DRAIN_MS * 1000);
    }

    /** Runs a START_THEN_STOP until its new task b did not start in time: ROLLING_BACK, b's kill issued. */
    private void toRollingBackBeforeTheOldTaskWasStopped(ExecutorDriver d) {
        toLaunched(d);
        d.step(new Input.TimerFired(new TimerKey.Replacement("r1", Timer.START), now += DRAIN_MS * 1000));
        assertThat(d.engine().replacement("r1").phase()).isEqualTo(Phase.ROLLING_BACK);
    }

    /** The executor is back shortly before the drain deadline: the re-issued kill still gets a whole drain period. */
    @Test
    void aReissuedKillGetsItsDrainPeriodAlsoWhenTheDeadlineHasNotPassedYet() {
        toRollingBackBeforeTheOldTaskWasStopped(driver());
        ExecutorDriver after = driver();
        now += DRAIN_MS * 1000 - 10_000; // 10 ms before the deadline
        after.step(new Input.Start(now));
        List<Effect> resumed = after.step(new Input.Recovered(Set.of("a", "b"), now));
        assertThat(resumed).anyMatch(e -> e instanceof Effect.RunHook h && h.hook() == Hook.KILL
                && h.taskId().equals("b") && h.successor() != null && h.successor().getTaskId().getValue().equals("a"))
                .as("the kill re-issued after the restart still names a, which runs on, as b's successor");
        assertThat(drainArmed(resumed).deadlineUs()).isEqualTo(now + DRAIN_MS * 1000);
    }

    /**
     * Seed 7753669: the rollback gave its new task up (it did not stop within the drain timeout: reported failed,
     * the old task kept, ROLLED_BACK) and the executor died before the shim confirmed the release; the new task
     * still runs after the restart. It is stopped, though the engine no longer knows it.
     */
    @Test
    void aNewTaskARolledBackReplacementGaveUpOnIsStoppedAfterARestart() {
        ExecutorDriver d = driver();
        toRollingBackBeforeTheOldTaskWasStopped(d);
        d.step(new Input.TimerFired(new TimerKey.Replacement("r1", Timer.DRAIN), now += DRAIN_MS * 1000));
        assertThat(d.engine().replacement("r1").phase()).isEqualTo(Phase.ROLLED_BACK);
        assertThat(d.engine().tasks()).containsOnlyKeys("a");

        ExecutorDriver after = driver();
        after.step(new Input.Start(now += 1_000_000));
        List<Effect> resumed = after.step(new Input.Recovered(Set.of("a", "b"), now));
        assertThat(resumed).anyMatch(e -> e instanceof Effect.RunHook h && h.hook() == Hook.KILL
                && h.taskId().equals("b"));
        assertThat(resumed).noneMatch(e -> e instanceof Effect.RunHook h && h.taskId().equals("a"));
    }
}
