package io.baton.sdk.journal;

import static io.baton.sdk.journal.Records.numbered;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.baton.proto.Checkpoint;
import io.baton.proto.Fragment;
import io.baton.proto.JournalRecord;
import io.baton.proto.TaskID;
import io.baton.proto.TaskInfo;
import io.baton.proto.TaskLaunched;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.wire.DocumentContext;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Records bigger than one Chronicle document (a quarter block) — a checkpoint of thousands of tasks, a
 * request with a huge task — are written as fragments and come back whole; a group a crash cut short
 * is dropped, never half-read.
 */
@Tag("integration")
class ChronicleJournalFragmentsIT {
    static final long BLOCK = 64 << 10; // documents of up to 8 KiB are written whole

    @TempDir
    Path temp;

    private ChronicleJournal open(Path dir) {
        return ChronicleJournal.open(dir, ChronicleJournal.Options.defaults().withBlockSize(BLOCK));
    }

    /** A checkpoint holding {@code tasks} tasks of about 200 bytes each. */
    static JournalRecord bigCheckpoint(long sequence, int tasks) {
        Checkpoint.Builder c = Checkpoint.newBuilder().setUptoSequence(sequence);
        for (int i = 0; i < tasks; i++) {
            c.addTasks(TaskLaunched.newBuilder().setTask(TaskInfo.newBuilder()
                    .setTaskId(TaskID.newBuilder().setValue("task-" + i)).setName("n".repeat(150) + i)));
        }
        return JournalRecord.newBuilder().setSequence(sequence).setCheckpoint(c).build();
    }

    static List<JournalRecord> replayAll(Journal journal) {
        List<JournalRecord> out = new ArrayList<>();
        journal.replay(out::add);
        return out;
    }

    @Test
    void aCheckpointOfTenThousandTasksIsWrittenInFragmentsAndReplayedWholeAfterReopening() {
        Path dir = temp.resolve("big");
        JournalRecord big = bigCheckpoint(2, 10_000);
        assertThat(big.getSerializedSize()).as("far bigger than one document").isGreaterThan(200 * (int) BLOCK / 8);
        JournalRecord huge = numbered(3).toBuilder().setStatusAcknowledged(numbered(3).getStatusAcknowledged()
                .toBuilder().setUuid(ByteString.copyFrom(new byte[100_000]))).build();
        try (ChronicleJournal journal = open(dir)) {
            journal.append(numbered(1));
            journal.checkpoint(big);
            journal.append(huge);
            journal.append(numbered(4));
            assertThat(journal.stats().appended()).as("a fragmented record counts once").isEqualTo(4);
            assertThat(replayAll(journal)).containsExactly(big, huge, numbered(4));
        }
        try (ChronicleJournal reopened = open(dir)) {
            assertThat(replayAll(reopened)).as("replay starts at the checkpoint's first fragment")
                    .containsExactly(big, huge, numbered(4));
        }
    }

    @Test
    void aRecordWhoseFragmentsACrashCutShortIsDroppedAndWhatFollowsStillReplays() {
        Path dir = temp.resolve("cut");
        try (ChronicleJournal journal = open(dir)) {
            journal.append(numbered(1));
        }
        // what a process killed in the middle of a 3-fragment append leaves: two of the three
        writeRaw(dir, fragment(0, 3), fragment(1, 3));
        try (ChronicleJournal journal = open(dir)) {
            assertThat(replayAll(journal)).as("cut short at the end").containsExactly(numbered(1));
            journal.append(numbered(2));
            JournalRecord big = bigCheckpoint(3, 100);
            journal.append(big);
            assertThat(replayAll(journal)).as("cut short before later records")
                    .containsExactly(numbered(1), numbered(2), big);
        }
        // a stray middle fragment (no group open) is skipped too
        writeRaw(dir, fragment(2, 3));
        try (ChronicleJournal journal = open(dir)) {
            journal.append(numbered(5));
            assertThat(replayAll(journal)).containsExactly(numbered(1), numbered(2), bigCheckpoint(3, 100), numbered(5));
        }
    }

    private static JournalRecord fragment(int part, int parts) {
        return JournalRecord.newBuilder().setFragment(Fragment.newBuilder().setPart(part).setParts(parts)
                .setData(ByteString.copyFrom(new byte[1000]))).build();
    }

    private static void writeRaw(Path dir, JournalRecord... records) {
        try (SingleChronicleQueue q = SingleChronicleQueueBuilder.binary(dir).blockSize(BLOCK).build();
                ExcerptAppender appender = q.createAppender()) {
            for (JournalRecord r : records) {
                try (DocumentContext dc = appender.writingDocument()) {
                    dc.wire().bytes().write(RecordFrames.encode(r));
                }
            }
        }
    }
}
