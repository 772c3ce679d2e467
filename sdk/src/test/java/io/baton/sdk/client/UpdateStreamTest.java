package io.baton.sdk.client;

import static io.baton.sdk.client.ShimFixture.status;
import static org.assertj.core.api.Assertions.assertThat;

import io.baton.proto.TaskState;
import io.baton.proto.TaskStatus;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The stream with a direct executor: every step happens inside {@code accept}. */
class UpdateStreamTest {
    final List<String> log = new ArrayList<>();
    final UpdateStream stream = new UpdateStream(Runnable::run, this::acked, s -> { }, 3, 2);

    private void acked(List<TaskStatus> call) {
        log.add("ack " + call.stream().map(TaskStatus::getMessage).collect(Collectors.joining(",")));
    }

    @Test
    void aBurstOfUpdatesIsAcknowledgedInOneCallOnceEachWasDeliveredAndALongOneInSeveral() {
        ArrayDeque<Runnable> queued = new ArrayDeque<>();
        UpdateStream burst = new UpdateStream(queued::add, this::acked, s -> { }, 1000, 1000);
        burst.add(s -> log.add("saw " + s.getMessage()));
        for (int i = 1; i <= 3; i++) {
            burst.accept(status("t" + i, TaskState.TASK_RUNNING).toBuilder().setMessage("" + i).build());
        }
        runAll(queued);
        assertThat(log).containsExactly("saw 1", "saw 2", "saw 3", "ack 1,2,3");

        log.clear();
        burst.accept(status("t4", TaskState.TASK_RUNNING).toBuilder().setMessage("4").build());
        runAll(queued);
        assertThat(log).containsExactly("saw 4", "ack 4");

        log.clear();
        int n = UpdateStream.MOST_PER_CALL + 2;
        for (int i = 0; i < n; i++) {
            burst.accept(status("u" + i, TaskState.TASK_RUNNING).toBuilder().setMessage("" + i).build());
        }
        runAll(queued);
        List<String> calls = log.stream().filter(l -> l.startsWith("ack ")).toList();
        assertThat(calls).hasSize(2);
        assertThat(calls.get(0).split(",")).hasSize(UpdateStream.MOST_PER_CALL);
        assertThat(calls.get(1)).isEqualTo("ack " + (n - 2) + "," + (n - 1));
        assertThat(log.indexOf(calls.get(0))).isEqualTo(UpdateStream.MOST_PER_CALL); // after the 256th was seen
    }

    @Test
    void anUpdateWaitsAtMostFiftyMillisecondsForItsBurstAndADuplicateIsNotNamedTwiceInOneCall() {
        ArrayDeque<Runnable> queued = new ArrayDeque<>();
        long[] clock = {0};
        UpdateStream slow = new UpdateStream(queued::add, this::acked, s -> { }, 1000, 1000, () -> clock[0]);
        slow.add(s -> {
            log.add("saw " + s.getMessage());
            clock[0] += 20_000_000; // each listener takes 20 ms
        });
        TaskStatus one = status("t1", TaskState.TASK_RUNNING).toBuilder().setMessage("1").build();
        slow.accept(one);
        slow.accept(one); // a duplicate, resent by the executor: acknowledged again, not delivered again
        for (int i = 2; i <= 5; i++) {
            slow.accept(status("t" + i, TaskState.TASK_RUNNING).toBuilder().setMessage("" + i).build());
        }
        runAll(queued);

        assertThat(log).containsExactly("saw 1", "saw 2", "saw 3", "saw 4", "ack 1,2,3,4", "saw 5", "ack 5");
    }

    private static void runAll(ArrayDeque<Runnable> queued) {
        while (!queued.isEmpty()) {
            queued.poll().run();
        }
    }

    @Test
    void outcomesAreSettledAfterEveryListenerSawTheUpdateAndBeforeItIsAcknowledged() {
        UpdateStream settling = new UpdateStream(Runnable::run, this::acked,
                s -> log.add("settled " + s.getMessage()), 3, 2);
        settling.add(s -> log.add("saw " + s.getMessage()));
        settling.add(s -> log.add("saw again " + s.getMessage()));

        settling.accept(status("a", TaskState.TASK_RUNNING).toBuilder().setMessage("1").build());

        assertThat(log).containsExactly("saw 1", "saw again 1", "settled 1", "ack 1");
    }

    @Test
    void listenersRunBeforeTheAcknowledgementAndAFailingOneDoesNotStopTheOthers() {
        stream.add(s -> {
            throw new IllegalStateException("boom");
        });
        stream.add(s -> log.add("saw " + s.getMessage()));

        stream.accept(status("a", TaskState.TASK_RUNNING).toBuilder().setMessage("1").build());

        assertThat(log).containsExactly("saw 1", "ack 1");
    }

    @Test
    void duplicatesAreDroppedWithinTheWindowButAcknowledgedAgain() {
        stream.add(s -> log.add("saw " + s.getMessage()));
        TaskStatus one = status("a", TaskState.TASK_RUNNING).toBuilder().setMessage("1").build();

        stream.accept(one);
        stream.accept(one);
        for (int i = 2; i <= 4; i++) { // pushes "1" out of the window of 3
            stream.accept(status("a", TaskState.TASK_RUNNING).toBuilder().setMessage("" + i).build());
        }
        stream.accept(one);

        assertThat(log).containsExactly("saw 1", "ack 1", "ack 1", "saw 2", "ack 2", "saw 3", "ack 3", "saw 4",
                "ack 4", "saw 1", "ack 1");
    }

    @Test
    void theQueueKeepsTheNewestWhenFullAndUnregisteredListenersStopHearing() {
        var registration = stream.add(s -> log.add("saw " + s.getMessage()));
        stream.accept(status("a", TaskState.TASK_RUNNING).toBuilder().setMessage("1").build());
        registration.close();
        stream.accept(status("a", TaskState.TASK_RUNNING).toBuilder().setMessage("2").build());
        stream.accept(status("a", TaskState.TASK_RUNNING).toBuilder().setMessage("3").build());

        assertThat(stream.queue()).extracting(TaskStatus::getMessage).containsExactly("2", "3");
        assertThat(log).containsExactly("saw 1", "ack 1", "ack 2", "ack 3");
    }

    @Test
    void updatesWithoutUuidAreDeliveredButNeverAcknowledged() {
        TaskStatus noUuid = TaskStatus.newBuilder().setMessage("x").build();
        stream.accept(noUuid);
        stream.accept(noUuid);
        assertThat(stream.queue()).hasSize(2);
        assertThat(log).isEmpty();
    }
}
