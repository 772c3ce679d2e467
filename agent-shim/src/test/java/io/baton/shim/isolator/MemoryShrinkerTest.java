package io.baton.shim.isolator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Scenario scripts on a fake clock: no threads, no sleeps. */
class MemoryShrinkerTest {

    private static final long MIB = 1L << 20;
    private static final Duration POLL = Duration.ofMillis(100);
    private static final Duration DEADLINE = Duration.ofSeconds(2);

    private final FakeScheduler scheduler = new FakeScheduler();
    private final InMemoryIsolator isolator = new InMemoryIsolator();
    private final List<String> events = new ArrayList<>();
    private MemoryShrinker shrinker;

    @BeforeEach
    void setUp() throws Exception {
        shrinker = new MemoryShrinker(isolator, scheduler, scheduler::nanoTime, POLL, DEADLINE, new Recorder());
        isolator.prepare("exec-1");
        isolator.apply("exec-1", new Limits(1000, 512 * MIB));
        isolator.setUsage("exec-1", 300 * MIB);
        isolator.clearCalls();
    }

    @Test
    void raisingSetsHardThenSoftAtOnce() throws Exception {
        shrinker.setMemory("exec-1", 1024 * MIB);

        assertThat(writes()).containsExactly("applyMemoryHard exec-1 " + 1024 * MIB,
                "applyMemorySoft exec-1 " + 1024 * MIB);
        assertThat(events).isEmpty();
        assertThat(scheduler.queued()).isZero();
    }

    @Test
    void loweringToAboveUsageLowersSoftThenHardAtOnce() throws Exception {
        shrinker.setMemory("exec-1", 400 * MIB);

        assertThat(writes()).containsExactly("applyMemorySoft exec-1 " + 400 * MIB,
                "applyMemoryHard exec-1 " + 400 * MIB);
        assertThat(shrinker.pending("exec-1")).isFalse();
        assertThat(events).isEmpty();
    }

    @Test
    void loweringBelowUsageAsksTheTaskThenLowersHardOnceUsageFits() throws Exception {
        shrinker.setMemory("exec-1", 200 * MIB);

        long deadline = scheduler.nanoTime() + DEADLINE.toNanos();
        assertThat(events).containsExactly("requested exec-1 target=" + 200 * MIB + " usage=" + 300 * MIB
                + " deadline=" + deadline);
        assertThat(isolator.softLimit("exec-1")).contains(200 * MIB);
        assertThat(isolator.hardLimit("exec-1")).contains(512 * MIB);
        assertThat(shrinker.pending("exec-1")).isTrue();

        scheduler.advance(Duration.ofMillis(300));
        assertThat(isolator.hardLimit("exec-1")).as("still above target").contains(512 * MIB);

        isolator.setUsage("exec-1", 150 * MIB);
        scheduler.advance(Duration.ofMillis(100));

        assertThat(isolator.hardLimit("exec-1")).contains(200 * MIB);
        assertThat(events).last().isEqualTo("completed exec-1 target=" + 200 * MIB + " elapsed=PT0.4S");
        assertThat(shrinker.pending("exec-1")).isFalse();
        assertThat(scheduler.queued()).isZero();
    }

    @Test
    void onTheDeadlineItGivesUpLeavingTheHardLimitAndReportsTheNumbers() throws Exception {
        shrinker.setMemory("exec-1", 200 * MIB);
        isolator.setUsage("exec-1", 260 * MIB);

        scheduler.advance(Duration.ofMillis(1999));
        assertThat(shrinker.pending("exec-1")).isTrue();
        scheduler.advance(Duration.ofMillis(1));

        assertThat(events).last().isEqualTo("failed exec-1 target=" + 200 * MIB + " usage=" + 260 * MIB
                + " elapsed=PT2S");
        assertThat(isolator.hardLimit("exec-1")).contains(512 * MIB);
        assertThat(isolator.softLimit("exec-1")).contains(200 * MIB);
        assertThat(isolator.calls()).noneMatch(c -> c.startsWith("applyMemoryHard"));
        assertThat(shrinker.pending("exec-1")).isFalse();
        assertThat(scheduler.queued()).isZero();
        assertThat(MemoryShrinker.failureMessage("exec-1", 200 * MIB, 260 * MIB, Duration.ofSeconds(2)))
                .contains("209715200 B", "272629760 B", "62914560 B over", "2000 ms", "left unchanged");
    }

    @Test
    void aNewTargetSupersedesThePendingShrink() throws Exception {
        shrinker.setMemory("exec-1", 200 * MIB);
        scheduler.advance(Duration.ofMillis(1500));

        shrinker.setMemory("exec-1", 250 * MIB);
        scheduler.advance(Duration.ofMillis(1000));
        assertThat(shrinker.pending("exec-1")).as("new deadline counts from the new request").isTrue();
        assertThat(events).noneMatch(e -> e.startsWith("failed"));

        isolator.setUsage("exec-1", 240 * MIB);
        scheduler.advance(POLL);

        assertThat(isolator.hardLimit("exec-1")).contains(250 * MIB);
        assertThat(events).filteredOn(e -> !e.startsWith("requested"))
                .containsExactly("completed exec-1 target=" + 250 * MIB + " elapsed=PT1.1S");
    }

    @Test
    void raisingCancelsThePendingShrink() throws Exception {
        shrinker.setMemory("exec-1", 200 * MIB);

        shrinker.setMemory("exec-1", 600 * MIB);
        scheduler.advance(Duration.ofSeconds(5));

        assertThat(shrinker.pending("exec-1")).isFalse();
        assertThat(isolator.hardLimit("exec-1")).contains(600 * MIB);
        assertThat(isolator.softLimit("exec-1")).contains(600 * MIB);
        assertThat(events).hasSize(1).allMatch(e -> e.startsWith("requested"));
    }

    @Test
    void cancelStopsWaitingWithoutTouchingLimits() throws Exception {
        shrinker.setMemory("exec-1", 200 * MIB);
        shrinker.cancel("exec-1");
        isolator.setUsage("exec-1", 0);
        scheduler.advance(Duration.ofSeconds(5));

        assertThat(isolator.hardLimit("exec-1")).contains(512 * MIB);
        assertThat(events).hasSize(1);
    }

    @Test
    void aFailedLowerIsRetriedOnTheNextPoll() throws Exception {
        shrinker.setMemory("exec-1", 200 * MIB);
        isolator.setUsage("exec-1", 100 * MIB);
        isolator.failNext("applyMemoryHard");

        scheduler.advance(POLL);
        assertThat(shrinker.pending("exec-1")).isTrue();
        scheduler.advance(POLL);

        assertThat(isolator.hardLimit("exec-1")).contains(200 * MIB);
        assertThat(events).last().asString().startsWith("completed");
    }

    @Test
    void unreadableUsageEndsTheShrinkWithAnError() throws Exception {
        shrinker.setMemory("exec-1", 200 * MIB);
        isolator.failNext("memoryUsage");

        scheduler.advance(POLL);

        assertThat(events).last().asString().startsWith("error exec-1").contains("injected failure");
        assertThat(shrinker.pending("exec-1")).isFalse();
    }

    @Test
    void immediateWriteErrorsAreThrownToTheCaller() {
        isolator.failNext("applyMemorySoft");

        assertThatThrownBy(() -> shrinker.setMemory("exec-1", 100 * MIB)).isInstanceOf(IsolatorException.class);
        assertThatThrownBy(() -> shrinker.setMemory("../x", 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> shrinker.setMemory("exec-1", -1)).isInstanceOf(IllegalArgumentException.class);
    }

    private List<String> writes() {
        return isolator.calls().stream().filter(c -> c.startsWith("applyMemory")).toList();
    }

    private final class Recorder implements MemoryShrinker.Listener {
        @Override
        public void shrinkRequested(String id, long target, long usage, long deadlineNanos) {
            events.add("requested " + id + " target=" + target + " usage=" + usage + " deadline=" + deadlineNanos);
        }

        @Override
        public void shrinkCompleted(String id, long target, Duration elapsed) {
            events.add("completed " + id + " target=" + target + " elapsed=" + elapsed);
        }

        @Override
        public void shrinkFailed(String id, long target, long usage, Duration elapsed) {
            events.add("failed " + id + " target=" + target + " usage=" + usage + " elapsed=" + elapsed);
        }

        @Override
        public void shrinkError(String id, long target, IsolatorException error) {
            events.add("error " + id + " target=" + target + " " + error.getMessage());
        }
    }
}
