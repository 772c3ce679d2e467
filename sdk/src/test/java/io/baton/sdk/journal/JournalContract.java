package io.baton.sdk.journal;

import static io.baton.sdk.journal.Records.checkpoint;
import static io.baton.sdk.journal.Records.numbered;
import static io.baton.sdk.journal.Records.varied;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.baton.proto.JournalRecord;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What every {@link Journal} does; each implementation's test extends this. */
abstract class JournalContract {
    private final List<Journal> opened = new ArrayList<>();

    /** A new, empty journal. */
    protected abstract Journal create();

    protected Journal journal() {
        Journal journal = create();
        opened.add(journal);
        return journal;
    }

    @AfterEach
    void closeAll() {
        opened.forEach(Journal::close);
    }

    static List<JournalRecord> replayAll(Journal journal) {
        List<JournalRecord> records = new ArrayList<>();
        journal.replay(records::add);
        return records;
    }

    @Test
    void anEmptyJournalReplaysNothing() {
        assertThat(replayAll(journal())).isEmpty();
    }

    @Test
    void replayDeliversEveryRecordInOrderAndPositionsIncrease() {
        Journal journal = journal();
        List<JournalRecord> written = new ArrayList<>();
        long previous = Long.MIN_VALUE;
        for (long i = 0; i < 500; i++) {
            JournalRecord record = varied(i);
            long position = journal.append(record);
            assertThat(position).isGreaterThan(previous);
            previous = position;
            written.add(record);
        }
        assertThat(replayAll(journal)).containsExactlyElementsOf(written);
        assertThat(replayAll(journal)).as("replay is repeatable").containsExactlyElementsOf(written);
        assertThat(journal.stats().appended()).isEqualTo(500);
    }

    @Test
    void replayStartsAtTheLatestCheckpointInclusive() {
        Journal journal = journal();
        for (long i = 0; i < 10; i++) {
            journal.append(numbered(i));
        }
        long first = journal.checkpoint(checkpoint(10));
        journal.append(numbered(11));
        long second = journal.checkpoint(checkpoint(12));
        journal.append(numbered(13));
        journal.append(numbered(14));

        assertThat(second).isGreaterThan(first);
        assertThat(replayAll(journal)).containsExactly(checkpoint(12), numbered(13), numbered(14));
        assertThat(journal.stats().appended()).isEqualTo(15);
    }

    @Test
    void syncCountsOnlySyncsThatHadSomethingNew() {
        Journal journal = journal();
        journal.sync();
        assertThat(journal.stats().syncs()).isZero();

        journal.append(numbered(0));
        journal.append(numbered(1));
        journal.sync();
        journal.sync();
        assertThat(journal.stats().syncs()).isEqualTo(1);

        journal.append(numbered(2));
        journal.sync();
        assertThat(journal.stats().syncs()).isEqualTo(2);

        journal.checkpoint(checkpoint(3));
        assertThat(journal.stats().syncs()).as("a checkpoint is synced").isEqualTo(3);
        journal.sync();
        assertThat(journal.stats().syncs()).as("nothing new after the checkpoint").isEqualTo(3);
    }

    @Test
    void recordsAppendedWhileReplayingAreNotPartOfThatReplay() {
        Journal journal = journal();
        journal.append(numbered(0));
        journal.append(numbered(1));
        List<JournalRecord> seen = new ArrayList<>();
        journal.replay(record -> {
            seen.add(record);
            journal.append(numbered(100 + record.getSequence()));
        });
        assertThat(seen).containsExactly(numbered(0), numbered(1));
        assertThat(replayAll(journal)).containsExactly(numbered(0), numbered(1), numbered(100), numbered(101));
    }

    @Test
    void closeIsIdempotentAndAClosedJournalRefusesWork() {
        Journal journal = journal();
        journal.append(numbered(0));
        journal.close();
        journal.close();
        assertThatThrownBy(() -> journal.append(numbered(1))).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
        assertThatThrownBy(() -> journal.replay(r -> { })).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(journal::sync).isInstanceOf(IllegalStateException.class);
    }
}
