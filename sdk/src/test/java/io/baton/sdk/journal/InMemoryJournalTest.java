package io.baton.sdk.journal;

import static io.baton.sdk.journal.Records.checkpoint;
import static io.baton.sdk.journal.Records.numbered;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class InMemoryJournalTest extends JournalContract {
    @Override
    protected Journal create() {
        return new InMemoryJournal();
    }

    @Test
    void aCheckpointDropsEverythingBeforeItAndUsesNoDisk() {
        Journal journal = journal();
        for (long i = 0; i < 1000; i++) {
            journal.append(numbered(i));
            if (i % 100 == 99) {
                journal.checkpoint(checkpoint(i));
            }
        }
        journal.append(numbered(1000));
        assertThat(replayAll(journal)).containsExactly(checkpoint(999), numbered(1000));
        assertThat(journal.stats()).isEqualTo(new Journal.Stats(1011, 10, 0, 0));
    }
}
