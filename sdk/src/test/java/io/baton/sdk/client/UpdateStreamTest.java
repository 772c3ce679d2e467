package io.baton.sdk.client;

import static io.baton.sdk.client.ShimFixture.status;
import static org.assertj.core.api.Assertions.assertThat;

import io.baton.proto.TaskState;
import io.baton.proto.TaskStatus;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The stream with a direct executor: every step happens inside {@code accept}. */
class UpdateStreamTest {
    final List<String> log = new ArrayList<>();
    final UpdateStream stream = new UpdateStream(Runnable::run, s -> log.add("ack " + s.getMessage()), s -> { }, 3, 2);

    @Test
    void outcomesAreSettledAfterEveryListenerSawTheUpdateAndBeforeItIsAcknowledged() {
        UpdateStream settling = new UpdateStream(Runnable::run, s -> log.add("ack " + s.getMessage()),
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
