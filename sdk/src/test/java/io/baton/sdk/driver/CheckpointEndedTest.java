package io.baton.sdk.driver;

import static org.assertj.core.api.Assertions.assertThat;

import io.baton.proto.Checkpoint;
import io.baton.proto.EndedReplacement;
import io.baton.proto.JournalRecord;
import io.baton.proto.Replace;
import io.baton.proto.ReplacementID;
import io.baton.proto.ReplacementOutcome;
import io.baton.proto.TaskID;
import io.baton.proto.TaskInfo;
import io.baton.proto.TaskState;
import io.baton.proto.TaskStatus;
import io.baton.sdk.core.Ended;
import io.baton.sdk.core.Engine;
import io.baton.sdk.core.Phase;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A checkpoint's ended replacements are joined from the bytes the engine keeps (each request's, each final update's
 * encoded once): the bytes written are exactly those of a checkpoint built field by field (the old code, kept here as
 * the reference), as replacements end, final updates age out of memory, an id forgotten long ago is used again, and
 * fields grow past one length byte.
 */
class CheckpointEndedTest {
    final ListJournal journal = new ListJournal();
    final JournaledEngine je = new JournaledEngine(journal, new Engine());
    long now = 1_000_000;

    private static Replace request(String rid, String old, String neu, String label) {
        return Replace.newBuilder().setReplacementId(ReplacementID.newBuilder().setValue(rid))
                .setOldTaskId(TaskID.newBuilder().setValue(old))
                .setNewTask(TaskInfo.newBuilder().setTaskId(TaskID.newBuilder().setValue(neu)).setName(label)).build();
    }

    /** {@code n} replacements ended, from {@code from} on; every third without a final update of its own. */
    private void end(int from, int n, String label) {
        for (int i = from; i < from + n; i++) {
            String rid = "r" + i;
            je.engine().remember(new Ended(request(rid, "t" + i, "t" + (i + 1), label), Phase.COMMITTED));
            if (i % 3 != 0) {
                je.recordStatus(TaskStatus.newBuilder().setTaskId(TaskID.newBuilder().setValue("t" + (i + 1)))
                        .setState(TaskState.TASK_RUNNING).setReplacementId(ReplacementID.newBuilder().setValue(rid))
                        .setOutcome(ReplacementOutcome.COMMITTED).setMessage(label + " " + i).setTimestampUs(++now)
                        .setUuid(com.google.protobuf.ByteString.copyFrom(java.nio.ByteBuffer.allocate(16).putLong(i)
                                .putLong(now).array()))
                        .build());
            }
        }
    }

    /** The checkpoint just written, against the same checkpoint built with {@code addEnded}, byte for byte. */
    private void checkpointMatchesTheReference() throws Exception {
        je.checkpoint(++now);
        JournalRecord written = journal.records.get(journal.records.size() - 1);
        Checkpoint.Builder ref = written.getCheckpoint().toBuilder().clearEnded();
        List<EndedReplacement> expected = new ArrayList<>();
        for (Ended e : je.engine().ended()) {
            EndedReplacement.Builder b = EndedReplacement.newBuilder().setRequest(e.request())
                    .setOutcome(e.outcome().name());
            TaskStatus last = je.finalUpdate(e.replacementId());
            if (last != null) {
                b.setFinalUpdate(last);
            }
            expected.add(b.build());
        }
        expected.forEach(e -> ref.addEnded(e.toByteString()));
        JournalRecord reference = written.toBuilder().setCheckpoint(ref).build();

        assertThat(written.toByteArray()).isEqualTo(reference.toByteArray());
        assertThat(JournalRecord.parseFrom(written.toByteArray())).isEqualTo(reference);
        assertThat(JournaledEngine.ended(written.getCheckpoint())).isEqualTo(expected);
    }

    @Test
    void theBytesAreTheFieldByFieldCheckpointsAsEntriesEndAgeAndComeBack() throws Exception {
        checkpointMatchesTheReference(); // nothing ended yet
        end(0, 1_500, "first"); // more than the final updates kept (1,000)
        checkpointMatchesTheReference();
        checkpointMatchesTheReference(); // every entry from the previous checkpoint's encoding
        end(1_500, 9_000, "second"); // more than the replacements remembered (10,000): the oldest are forgotten
        checkpointMatchesTheReference();
        // an id forgotten long ago, used again for another request: its old encoding must not come back
        assertThat(je.engine().ended()).noneMatch(e -> e.replacementId().equals("r3"));
        end(3, 1, "again");
        checkpointMatchesTheReference();
        assertThat(JournaledEngine.ended(journal.records.get(0).getCheckpoint()))
                .filteredOn(e -> e.getRequest().getReplacementId().getValue().equals("r3"))
                .singleElement().satisfies(e -> assertThat(e.getRequest().getNewTask().getName()).isEqualTo("again"));
    }

    @Test
    void entriesLongerThanOneLengthByteAreWrittenAsProtobufWritesThem() throws Exception {
        // lengths of one, two and three varint bytes, in the request and in the final update's message
        end(0, 3, "short");
        end(3, 3, "x".repeat(200));
        end(6, 3, "y".repeat(20_000));
        checkpointMatchesTheReference();
        checkpointMatchesTheReference();
    }

    @Test
    void aReplayedCheckpointRemembersTheEndedReplacementsAndTheirFinalUpdates() throws Exception {
        end(0, 50, "first");
        je.checkpoint(++now);
        // as a file hands it back: bytes, then parsed
        ListJournal read = new ListJournal();
        for (JournalRecord r : journal.records) {
            read.records.add(JournalRecord.parseFrom(r.toByteArray()));
        }
        JournaledEngine again = JournaledEngine.replay(read).engine();
        assertThat(again.engine().ended()).extracting(Ended::replacementId)
                .containsExactlyElementsOf(je.engine().ended().stream().map(Ended::replacementId).toList());
        assertThat(again.engine().ended()).extracting(Ended::outcome).containsOnly(Phase.COMMITTED);
        assertThat(again.finalUpdate("r1")).isEqualTo(je.finalUpdate("r1"));
        assertThat(again.finalUpdate("r3")).isNull();
        // its next checkpoint, made from the requests as they were read (not parsed yet), has the same entries
        again.checkpoint(now);
        assertThat(read.records.get(read.records.size() - 1).getCheckpoint().getEndedList())
                .isEqualTo(journal.records.get(0).getCheckpoint().getEndedList());
        // and each request parses, when asked for, into the one that was asked
        assertThat(again.engine().ended()).extracting(Ended::request)
                .containsExactlyElementsOf(je.engine().ended().stream().map(Ended::request).toList());
    }
}
