package io.baton.sdk.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import com.google.protobuf.ByteString;
import io.baton.proto.TaskState;
import io.baton.proto.TaskStatus;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The outbox answers every call as the plain scan it replaced ({@link StatusOutboxModel}) does, over random
 * histories of updates, acknowledgements (of heads, of stale and unknown updates), sends as time passes, reconnects
 * and queries, with the clock now and then going back: same heads in the same order, same next due time, same
 * pending updates.
 */
class StatusOutboxEquivalenceTest {
    private static final String[] TASKS = {"a", "b", "c", "d", "e", "f"};

    @Test
    void answersAsTheScanItReplacedDoes() {
        qt().withExamples(2_000).forAll(lists().of(integers().between(0, 99_999)).ofSizeBetween(1, 300))
                .checkAssert(StatusOutboxEquivalenceTest::play);
    }

    private static void play(List<Integer> ops) {
        StatusOutbox outbox = new StatusOutbox(1_000_000, 8_000_000);
        StatusOutboxModel model = new StatusOutboxModel(1_000_000, 8_000_000);
        long now = 50_000_000;
        int uuids = 0;
        for (int op : ops) {
            String task = TASKS[op % TASKS.length];
            int kind = (op / TASKS.length) % 10;
            switch (kind) {
                case 0, 1, 2 -> {
                    TaskStatus s = status(task, ++uuids);
                    assertThat(outbox.record(s)).isEqualTo(model.record(s));
                }
                case 3, 4 -> { // the head's acknowledgement, when there is one
                    TaskStatus head = model.pending().stream().filter(p -> p.getTaskId().getValue().equals(task))
                            .findFirst().orElse(null);
                    ByteString uuid = head != null ? head.getUuid() : status(task, ++uuids).getUuid();
                    assertThat(outbox.acknowledged(task, uuid)).isEqualTo(model.acknowledged(task, uuid));
                }
                case 5 -> { // a stale or unknown acknowledgement
                    ByteString uuid = status(task, op % 7 == 0 ? ++uuids : 1 + op % Math.max(1, uuids)).getUuid();
                    assertThat(outbox.acknowledged(task, uuid)).isEqualTo(model.acknowledged(task, uuid));
                }
                case 6, 7 -> {
                    now += (op / 60) % 3 == 0 ? 0 : (long) (op % 9_000) * 1_000;
                    if ((op / 60) % 7 == 1) {
                        now -= 2_500_000; // the wall clock stepped back: resends set after it come before earlier ones
                    }
                    assertThat(outbox.due(now)).isEqualTo(model.due(now));
                }
                case 8 -> {
                    if (op % 5 == 0) {
                        outbox.resendAll();
                        model.resendAll();
                    }
                    assertThat(outbox.nextDueUs()).isEqualTo(model.nextDueUs());
                }
                default -> {
                    assertThat(outbox.pending()).isEqualTo(model.pending());
                    assertThat(outbox.size()).isEqualTo(model.size());
                }
            }
        }
        assertThat(outbox.due(now + 100_000_000)).isEqualTo(model.due(now + 100_000_000));
        assertThat(outbox.pending()).isEqualTo(model.pending());
        assertThat(outbox.nextDueUs()).isEqualTo(model.nextDueUs());
    }

    private static TaskStatus status(String task, int n) {
        return StatusOutboxTest.status(task, TaskState.TASK_RUNNING, n);
    }
}
