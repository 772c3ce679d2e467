package io.baton.sdk.core;

import static io.baton.sdk.core.Script.task;
import static org.assertj.core.api.Assertions.assertThat;

import io.baton.proto.RejectCode;
import io.baton.proto.ReplaceStrategy;
import io.baton.proto.TaskState;
import io.baton.resources.Resources;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.statistics.Statistics;

/**
 * Random orders of whatever can happen next — outcomes of commands, task states, timers, hook failures,
 * the shim going away — for every strategy. Whatever the order: exactly one terminal outcome, which
 * never changes; no task gets a state after a terminal one; a reservation is released exactly once;
 * and the executor ends up running exactly one of old and new (none after FAILED).
 */
class RandomOrdersPropertiesTest {
    private static final ReplaceStrategy[] STRATEGIES = {ReplaceStrategy.STOP_THEN_START,
            ReplaceStrategy.START_THEN_STOP, ReplaceStrategy.FREEZE_THEN_START, ReplaceStrategy.RESIZE_IN_PLACE};

    @Property(tries = 1000)
    void everyOrderEndsInExactlyOneOutcome(@ForAll @IntRange(min = 0, max = 3) int strategy,
            @ForAll boolean readiness, @ForAll boolean immediate, @ForAll boolean disconnected,
            @ForAll @Size(max = 40) List<@IntRange(min = 0, max = 999) Integer> choices) {
        ReplaceStrategy st = STRATEGIES[strategy];
        Script s = new Script().running(task("a", "cpus:1;mem:512"));
        if (disconnected) {
            s.engine.shimDisconnected();
        }
        String newId = st == ReplaceStrategy.RESIZE_IN_PLACE ? "a" : "b";
        var newTask = task(newId, "cpus:1;mem:256");
        s.replace("r1", "a", readiness ? Script.withReadiness(newTask) : newTask,
                immediate ? Script.immediate(st) : Script.policy(st), "o-1");
        boolean reserved = false;
        List<Phase> seen = new ArrayList<>();
        for (int i = 0; i < choices.size() + 60 && !s.phase().terminal(); i++) {
            int c = i < choices.size() ? choices.get(i) : i * 7919;
            reserved |= next(s, c, i >= choices.size());
            seen.add(s.phase());
        }
        Phase outcome = s.phase();
        assertThat(outcome.terminal()).as("ended; history:\n%s", s.engine.replacement("r1").history()).isTrue();
        var running = s.engine.tasks().keySet();
        boolean same = newId.equals("a");
        switch (outcome) {
            case COMMITTED -> assertThat(running).contains(newId).doesNotContain(same ? "none" : "a");
            case ROLLED_BACK -> assertThat(running).contains("a").doesNotContain(same ? "none" : newId);
            case FAILED -> assertThat(running).doesNotContain("a", newId);
            default -> assertThat(running).doesNotContain(same ? "none" : newId);
        }
        if (s.all.stream().anyMatch(x -> x instanceof Command.Release)) {
            s.on(new Event.Released(s.now));
        }
        assertThat(s.phase()).as("the outcome never changes").isEqualTo(outcome);
        s.status("a", TaskState.TASK_FAILED);
        s.status(newId, TaskState.TASK_FAILED);
        assertThat(s.phase()).isEqualTo(outcome);

        long releases = s.all.stream().filter(x -> x instanceof Command.Release).count();
        if (reserved) {
            assertThat(releases).as("reserved, so released exactly once").isEqualTo(1);
        } else {
            assertThat(releases).isLessThanOrEqualTo(1);
        }
        s.checkInvariants();
        Statistics.label("outcome").collect(outcome);
        Statistics.label("strategy").collect(st);
    }

    /**
     * Applies one thing that can happen now, chosen by {@code c}. In the wind-down ({@code settle}) only
     * timers and progress happen, so every run ends. Returns whether the shim accepted a reservation.
     */
    private static boolean next(Script s, int c, boolean settle) {
        Phase p = s.phase();
        String oldId = "a";
        String newId = s.engine.replacement("r1").request().newTaskId();
        List<Runnable> options = new ArrayList<>();
        boolean[] reserved = {false};
        switch (p) {
            case PENDING -> {
                options.add(() -> s.engine.shimConnected(s.now));
                options.add(() -> s.timer(Timer.DRAIN));
            }
            case REQUESTED -> {
                options.add(() -> {
                    s.reserved("cpus:2;mem:768");
                    reserved[0] = true;
                });
                options.add(() -> s.on(new Event.ReserveRejected(RejectCode.INSUFFICIENT_RESOURCES, "no", s.now)));
                options.add(() -> s.timer(Timer.DRAIN));
            }
            case DRAINING, STOPPING_OLD -> {
                options.add(() -> s.status(oldId, TaskState.TASK_KILLED));
                options.add(() -> s.timer(Timer.DRAIN));
                options.add(() -> s.hookFailed(Hook.KILL));
                options.add(() -> s.status(newId, TaskState.TASK_FAILED));
            }
            case FREEZING -> {
                options.add(() -> s.on(new Event.OldTaskFrozen(s.now)));
                options.add(() -> s.timer(Timer.DRAIN));
                options.add(() -> s.hookFailed(Hook.FREEZE));
                options.add(() -> s.status(oldId, TaskState.TASK_FAILED));
            }
            case HANDING_OFF, RESTORING -> {
                options.add(() -> s.adjusted());
                options.add(() -> s.on(new Event.AdjustRejected("no", s.now)));
                options.add(() -> s.status(oldId, TaskState.TASK_FAILED));
            }
            case LAUNCHING, VERIFYING -> {
                if (p == Phase.LAUNCHING) {
                    options.add(() -> s.status(newId, TaskState.TASK_RUNNING));
                } else {
                    options.add(() -> s.on(new Event.NewTaskReady(s.now))); // only once a check was started
                }
                options.add(() -> s.status(newId, TaskState.TASK_FAILED));
                options.add(() -> s.timer(Timer.START));
                options.add(() -> s.hookFailed(p == Phase.LAUNCHING ? Hook.LAUNCH : Hook.READINESS));
                options.add(() -> s.status(oldId, TaskState.TASK_KILLED));
            }
            case RESIZING -> {
                options.add(() -> s.on(new Event.OldTaskResized(s.now)));
                options.add(() -> s.hookFailed(Hook.RESIZE));
                options.add(() -> s.timer(Timer.START));
            }
            case ROLLING_BACK -> {
                options.add(() -> s.status(newId, TaskState.TASK_KILLED));
                options.add(() -> s.timer(Timer.DRAIN));
                options.add(() -> s.hookFailed(Hook.KILL));
                options.add(() -> s.status(oldId, TaskState.TASK_FAILED));
            }
            case RELAUNCHING -> {
                options.add(() -> s.status(oldId, TaskState.TASK_RUNNING));
                options.add(() -> s.status(oldId, TaskState.TASK_FAILED));
                options.add(() -> s.timer(Timer.START));
                options.add(() -> s.hookFailed(Hook.LAUNCH));
            }
            default -> {
            }
        }
        if (settle) {
            // wind down: fire whatever timer is armed, or take the first (progressing) option
            var armed = s.engine.replacement("r1").armedTimers();
            if (!armed.isEmpty() && c % 2 == 0) {
                s.after(60_000).timer(armed.keySet().iterator().next());
                return false;
            }
            c = 0;
        }
        if (!options.isEmpty()) {
            s.after(c % 50);
            options.get(c % options.size()).run();
        }
        return reserved[0];
    }

    @Property(tries = 200)
    void theEngineNeverLeavesATaskInTwoReplacements(@ForAll @Size(min = 1, max = 30)
            List<@IntRange(min = 0, max = 99) Integer> picks) {
        Script s = new Script().running(task("a", "cpus:1")).running(task("x", "cpus:1"));
        int n = 0;
        for (int pick : picks) {
            String old = pick % 2 == 0 ? "a" : "x";
            s.replace("r" + n++, old, task("n" + n, "cpus:1"), Script.policy(ReplaceStrategy.STOP_THEN_START));
            long active = s.engine.unfinished().stream().filter(r -> r.request().oldTaskId().equals(old)).count();
            assertThat(active).isLessThanOrEqualTo(1);
            if (pick % 3 == 0 && s.phase() == Phase.REQUESTED) {
                s.reserved("cpus:1").status(old, TaskState.TASK_KILLED).adjusted().status("n" + n, TaskState.TASK_RUNNING);
                s.expect(Phase.COMMITTED);
                s.running(task(old, "cpus:1")); // reuse the old id for the next round
            }
        }
        assertThat(Resources.empty().isEmpty()).isTrue();
    }
}
