package io.baton.sdk.journal;

import static io.baton.sdk.journal.Records.checkpoint;
import static io.baton.sdk.journal.Records.numbered;
import static io.baton.sdk.journal.Records.varied;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.baton.proto.JournalRecord;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link JournalSnapshot}: a journal its writer still has open, read as a restart would read it (from the latest
 * checkpoint, records bigger than a document put back together), with nothing in its directory changed and the
 * writer's lock left alone; writing through it is refused.
 */
@Tag("integration")
class JournalSnapshotIT {
    @TempDir
    Path temp;

    @Test
    void readsWhatTheWriterWouldReplayWhileItWritesAndChangesNothing() throws Exception {
        Path dir = temp.resolve("journal");
        try (ChronicleJournal writer = ChronicleJournal.open(dir, JournalCrashChild.options())) {
            for (long s = 1; s <= 300; s++) {
                writer.append(s % 50 == 0 ? varied(s) : numbered(s));
            }
            JournalRecord big = ChronicleJournalFragmentsIT.bigCheckpoint(301, 1_000); // ~200 KB: in fragments
            writer.checkpoint(big);
            for (long s = 302; s <= 400; s++) {
                writer.append(s % 7 == 0 ? varied(s) : numbered(s));
            }
            List<JournalRecord> expected = Records.replayAll(writer);
            Map<String, String> before = Records.files(dir);

            List<JournalRecord> read = Records.replayAll(new JournalSnapshot(dir));

            assertThat(read).containsExactlyElementsOf(expected);
            assertThat(read.get(0)).as("from the latest checkpoint, put back together").isEqualTo(big);
            assertThat(Records.files(dir)).as("nothing made, changed or deleted").isEqualTo(before);
            writer.append(numbered(401)); // the writer still holds the journal, and goes on
            assertThat(Records.replayAll(new JournalSnapshot(dir))).hasSize(expected.size() + 1);
        }
    }

    @Test
    void writingThroughASnapshotIsRefused() {
        Path dir = temp.resolve("journal");
        JournalSnapshot snapshot = new JournalSnapshot(dir);
        assertThat(Records.replayAll(snapshot)).as("no journal yet: nothing to read").isEmpty();
        assertThatThrownBy(() -> snapshot.append(numbered(1))).isInstanceOf(UnsupportedOperationException.class)
                .hasMessage("journal " + dir + ": a snapshot is read-only");
        assertThatThrownBy(() -> snapshot.checkpoint(checkpoint(1))).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(snapshot::sync).isInstanceOf(UnsupportedOperationException.class);
        assertThat(dir).as("not made by reading").doesNotExist();
    }
}
