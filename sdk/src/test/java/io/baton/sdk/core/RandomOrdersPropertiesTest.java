package io.baton.sdk.core;

import static io.baton.sdk.core.Script.task;
import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.booleans;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import io.baton.proto.RejectCode;
import io.baton.proto.ReplaceStrategy;
import io.baton.proto.TaskState;
import io.baton.resources.Resources;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

/**
 * Random orders of whatever can happen next — outcomes of commands, task states, timers, hook failures,
 * the shim going away — for every strategy. Whatever the order: exactly one terminal outcome, which
 * never changes; no task gets a state after a terminal one; a reservation is released exactly once;
 * and the executor ends up running exactly one of old and new (none after FAILED).
 *
 * <p>QuickTheories generates the histories; a failure prints the smallest failing one and the seed.
 * Replay it with {@code -Dtest=RandomOrdersPropertiesTest#name -DQT_SEED=<seed>}.
 */
class RandomOrdersPropertiesTest {
    static final int HISTORIES = 1000;
    static final int PICK_SEQUENCES = 200;
    /** QuickTheories skips a generated case equal to one it already ran; 10% more keeps the counts above checked. */
    static int examples(int cases) {
        return cases + cases / 10;
    }

    private static final ReplaceStrategy[] STRATEGIES = {ReplaceStrategy.STOP_THEN_START,
            ReplaceStrategy.START_THEN_STOP, ReplaceStrategy.FREEZE_THEN_START, ReplaceStrategy.RESIZE_IN_PLACE};

    /** One replacement's set-up, then the choice of what happens at each step. */
    record History(ReplaceStrategy strategy, boolean readiness, boolean immediate, boolean disconnected,
                   List<Integer> choices) {
    }

    static Gen<History> histories() {
        return integers().between(0, STRATEGIES.length - 1).map(i -> STRATEGIES[i]).zip(booleans().all(),
                booleans().all(), booleans().all(), lists().of(integers().between(0, 999)).ofSizeBetween(0, 40),
                History::new);
    }

    @Test
    void everyOrderEndsInExactlyOneOutcome() {
        Map<Phase, Integer> outcomes = new EnumMap<>(Phase.class);
        Map<ReplaceStrategy, Integer> strategies = new EnumMap<>(ReplaceStrategy.class);
        qt().withExamples(examples(HISTORIES)).forAll(histories()).checkAssert(h -> {
            outcomes.merge(play(h), 1, Integer::sum);
            strategies.merge(h.strategy(), 1, Integer::sum);
        });
        int played = outcomes.values().stream().mapToInt(Integer::intValue).sum();
        System.out.println("RandomOrdersPropertiesTest: " + played + " histories; outcomes " + outcomes
                + "; strategies " + strategies);
        assertThat(played).isGreaterThanOrEqualTo(HISTORIES);
        assertThat(outcomes.keySet()).as("every outcome reached")
                .containsExactlyInAnyOrder(Arrays.stream(Phase.values()).filter(Phase::terminal).toArray(Phase[]::new));
        assertThat(strategies.keySet()).as("every strategy tried").containsExactlyInAnyOrder(STRATEGIES);
    }

    /** Plays one history to its end and checks it; returns the outcome. */
    private static Phase play(History h) {
        ReplaceStrategy st = h.strategy();
        List<Integer> choices = h.choices();
        Script s = new Script().running(task("a", "cpus:1;mem:512"));
        if (h.disconnected()) {
            s.engine.shimDisconnected();
        }
        String newId = st == ReplaceStrategy.RESIZE_IN_PLACE ? "a" : "b";
        var newTask = task(newId, "cpus:1;mem:256");
        s.replace("r1", "a", h.readiness() ? Script.withReadiness(newTask) : newTask,
                h.immediate() ? Script.immediate(st) : Script.policy(st), "o-1");
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
        return outcome;
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
            case RESTORING -> {
                options.add(() -> s.status(oldId, TaskState.TASK_FAILED));
                options.add(() -> s.timer(Timer.DRAIN));
                options.add(() -> s.hookFailed(Hook.KILL));
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

    @Test
    void theEngineNeverLeavesATaskInTwoReplacements() {
        int[] runs = {0};
        qt().withExamples(examples(PICK_SEQUENCES)).forAll(lists().of(integers().between(0, 99)).ofSizeBetween(1, 30))
                .checkAssert(picks -> {
                    neverTwoReplacements(picks);
                    runs[0]++;
                });
        System.out.println("RandomOrdersPropertiesTest: " + runs[0] + " pick sequences");
        assertThat(runs[0]).isGreaterThanOrEqualTo(PICK_SEQUENCES);
    }

    private static void neverTwoReplacements(List<Integer> picks) {
        Script s = new Script().running(task("a", "cpus:1")).running(task("x", "cpus:1"));
        int n = 0;
        for (int pick : picks) {
            String old = pick % 2 == 0 ? "a" : "x";
            s.replace("r" + n++, old, task("n" + n, "cpus:1"), Script.policy(ReplaceStrategy.STOP_THEN_START));
            long active = s.engine.unfinished().stream().filter(r -> r.request().oldTaskId().equals(old)).count();
            assertThat(active).isLessThanOrEqualTo(1);
            if (pick % 3 == 0 && s.phase() == Phase.REQUESTED) {
                s.reserved("cpus:1").status(old, TaskState.TASK_KILLED).status("n" + n, TaskState.TASK_RUNNING);
                s.expect(Phase.COMMITTED);
                s.running(task(old, "cpus:1")); // reuse the old id for the next round
            }
        }
        assertThat(Resources.empty().isEmpty()).isTrue();
    }
}
