package io.baton.sdk.journal;

import static io.baton.sdk.journal.Records.checkpoint;
import static io.baton.sdk.journal.Records.varied;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.baton.proto.JournalRecord;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A journal used while its queue opens: replay reads the files directly, appends are held in order until the queue
 * is open, and whatever needs the queue waits for it (or throws what the opening threw).
 */
@Tag("integration")
class OpeningJournalIT {
    @TempDir
    Path temp;

    private static ChronicleJournal open(Path dir) {
        return ChronicleJournal.open(dir, ChronicleJournal.Options.defaults().withBlockSize(64 << 10));
    }

    private static List<JournalRecord> replayAll(Journal journal) {
        List<JournalRecord> out = new ArrayList<>();
        journal.replay(out::add);
        return out;
    }

    @Test
    void replaysBeforeTheQueueIsOpenAndHoldsAppendsUntilItIs() throws Exception {
        Path dir = temp.resolve("journal");
        List<JournalRecord> written = new ArrayList<>();
        try (ChronicleJournal journal = open(dir)) {
            for (int i = 1; i <= 40; i++) {
                journal.append(varied(i));
            }
            journal.checkpoint(checkpoint(41));
            written.add(checkpoint(41));
            for (int i = 42; i <= 60; i++) {
                journal.append(varied(i));
                written.add(varied(i));
            }
        }
        CompletableFuture<ChronicleJournal> opening = new CompletableFuture<>();
        OpeningJournal journal = new OpeningJournal(dir, opening);
        assertThat(replayAll(journal)).as("read from the files, the queue not open").containsExactlyElementsOf(written);
        for (int i = 61; i <= 70; i++) {
            journal.append(varied(i));
            written.add(varied(i));
        }
        assertThat(journal.appended()).isEqualTo(10);
        assertThat(journal.settled()).isFalse();

        CountDownLatch settling = new CountDownLatch(1);
        CompletableFuture<Void> opened = CompletableFuture.runAsync(() -> {
            try {
                settling.await();
                Thread.sleep(100); // settle() below is waiting for the queue meanwhile
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            opening.complete(open(dir)); // opened on another thread, as ExecutorBootstrap does
        });
        settling.countDown();
        journal.settle();
        assertThat(opening).as("settle() waited for the queue").isDone();
        opened.get(10, TimeUnit.SECONDS);
        assertThat(journal.settled()).isTrue();
        journal.append(varied(71));
        written.add(varied(71));
        assertThat(journal.appended()).as("held records count once they are in").isEqualTo(11);
        journal.close();

        try (ChronicleJournal reopened = open(dir)) {
            assertThat(replayAll(reopened)).as("held records went in first, in order").containsExactlyElementsOf(written);
        }
    }

    @Test
    void closingHandsHeldRecordsOverFirst() {
        Path dir = temp.resolve("close");
        CompletableFuture<ChronicleJournal> opening = new CompletableFuture<>();
        OpeningJournal journal = new OpeningJournal(dir, opening);
        assertThat(replayAll(journal)).as("a new journal").isEmpty();
        journal.append(varied(1));
        journal.append(varied(2));
        opening.complete(open(dir));
        journal.close();
        try (ChronicleJournal reopened = open(dir)) {
            assertThat(replayAll(reopened)).containsExactly(varied(1), varied(2));
        }
    }

    @Test
    void aQueueThatCannotOpenFailsEveryCallThatNeedsIt() {
        CompletableFuture<ChronicleJournal> opening = new CompletableFuture<>();
        OpeningJournal journal = new OpeningJournal(temp.resolve("failing"), opening);
        journal.append(varied(1));
        JournalException cause = new JournalException(temp.resolve("failing"), "opening", new java.io.IOException("no"));
        opening.completeExceptionally(cause);
        assertThatThrownBy(journal::settle).isSameAs(cause);
        assertThatThrownBy(journal::sync).isSameAs(cause);
        assertThatThrownBy(() -> journal.append(varied(2))).isSameAs(cause);
        assertThat(journal.settled()).isFalse();
    }

    @Test
    void filesItCannotReadDirectlyAreReplayedThroughTheQueueOnceOpen() throws Exception {
        Path dir = temp.resolve("old");
        try (ChronicleJournal journal = open(dir)) {
            journal.append(varied(1));
            journal.checkpoint(checkpoint(2));
            journal.append(varied(3));
        }
        java.nio.file.Files.delete(dir.resolve(CheckpointPosition.NAME)); // as a journal written before the hint
        CompletableFuture<ChronicleJournal> opening = new CompletableFuture<>();
        OpeningJournal journal = new OpeningJournal(dir, opening);
        CompletableFuture<List<JournalRecord>> replayed = CompletableFuture.supplyAsync(() -> replayAll(journal));
        Thread.sleep(50);
        assertThat(replayed).as("waiting for the queue").isNotDone();
        opening.complete(open(dir));
        assertThat(replayed.get(10, TimeUnit.SECONDS)).containsExactly(checkpoint(2), varied(3));
        journal.close();
    }
}
