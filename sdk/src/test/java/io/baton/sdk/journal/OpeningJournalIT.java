package io.baton.sdk.journal;

import static io.baton.sdk.journal.Records.checkpoint;
import static io.baton.sdk.journal.Records.numbered;
import static io.baton.sdk.journal.Records.varied;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.baton.proto.JournalRecord;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
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

    /** A queue opened as ExecutorBootstrap opens it: the OpeningJournal hands it the held records itself. */
    private static ChronicleJournal openForOpening(Path dir) {
        return ChronicleJournal.open(dir, ChronicleJournal.Options.defaults().withBlockSize(64 << 10)
                .withFoldPending(false));
    }

    /** The file of the {@code n}th cycle after the last one in {@code dir} (default roll cycle), not created. */
    static Path cycleAfterLast(Path dir, int n) throws java.io.IOException {
        String last;
        try (java.util.stream.Stream<Path> files = java.nio.file.Files.list(dir)) {
            last = files.map(f -> f.getFileName().toString()).filter(f -> f.endsWith(".cq4")).sorted()
                    .reduce((a, b) -> b).orElseThrow();
        }
        net.openhft.chronicle.queue.RollCycle roll = ChronicleJournal.Options.defaults().rollCycle();
        java.time.format.DateTimeFormatter names = java.time.format.DateTimeFormatter.ofPattern(roll.format())
                .withZone(java.time.ZoneOffset.UTC);
        java.time.Instant lastCycle = java.time.LocalDateTime.parse(last.substring(0, last.indexOf('.')), names)
                .toInstant(java.time.ZoneOffset.UTC);
        return dir.resolve(names.format(lastCycle.plusMillis(n * (long) roll.lengthInMillis())) + ".cq4");
    }

    @Test
    void aCycleFileLeftWithoutItsHeaderIsDroppedByTheWriterAndLeftToReaders() throws Exception {
        Path dir = temp.resolve("journal");
        List<JournalRecord> written = new ArrayList<>();
        try (ChronicleJournal journal = open(dir)) {
            for (int i = 1; i <= 20; i++) {
                journal.append(varied(i));
                written.add(varied(i));
            }
        }
        // later cycles a killed process left as Chronicle made them: empty, grown, its header claimed but not written
        Path empty = cycleAfterLast(dir, 1);
        Path grown = cycleAfterLast(dir, 2);
        Path claimed = cycleAfterLast(dir, 3);
        java.nio.file.Files.createFile(empty);
        try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(grown.toFile(), "rw")) {
            f.setLength(64 << 10);
        }
        try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(claimed.toFile(), "rw")) {
            f.setLength(64 << 10);
            f.write(new byte[] {0, 0, 0, (byte) 0x80}); // its header claimed (little-endian 0x80000000), not written
        }
        // a reader (baton journal) leaves them alone: a live writer may be making them
        try (ChronicleJournal reader = ChronicleJournal.open(dir, ChronicleJournal.Options.defaults()
                .withBlockSize(64 << 10).withFoldPending(false))) {
            assertThat(empty).exists();
            assertThat(grown).exists();
            assertThat(claimed).exists();
        }
        int[] hurried = {0};
        OpeningJournal journal = new OpeningJournal(dir, new CompletableFuture<ChronicleJournal>(), () -> hurried[0]++, true);
        assertThat(empty).doesNotExist();
        assertThat(grown).doesNotExist();
        assertThat(claimed).doesNotExist();
        assertThat(replayAll(journal)).as("read from the files, Chronicle not needed").containsExactlyElementsOf(written);
        assertThat(hurried[0]).isZero();
        journal.close(); // its writer's lock released
        // the same for the writer opened by hand (ChronicleJournal.open with the pending file folded in)
        java.nio.file.Files.createFile(empty);
        try (ChronicleJournal writer = open(dir)) {
            assertThat(empty).doesNotExist();
            assertThat(replayAll(writer)).containsExactlyElementsOf(written);
        }
    }

    @Test
    void replaysBeforeTheQueueIsOpenAndKeepsSettledRecordsInAFileUntilItIs() throws Exception {
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
        int[] hurried = {0};
        OpeningJournal journal = new OpeningJournal(dir, opening, () -> hurried[0]++, true);
        assertThat(replayAll(journal)).as("read from the files, the queue not open").containsExactlyElementsOf(written);
        for (int i = 61; i <= 70; i++) {
            journal.append(numbered(i));
            written.add(numbered(i));
        }
        assertThat(journal.appended()).isEqualTo(10);
        journal.settle();
        journal.sync();
        assertThat(hurried[0]).as("neither waited for the queue").isZero();
        assertThat(journal.opening()).isTrue();
        assertThat(PendingRecords.read(dir).records()).as("settled into the file").hasSize(10);

        // killed here (its writer's lock gone with the process): the next start replays the settled records after
        // the queue's
        journal.abandon();
        CompletableFuture<ChronicleJournal> reopening = new CompletableFuture<>();
        OpeningJournal restarted = new OpeningJournal(dir, reopening);
        assertThat(replayAll(restarted)).containsExactlyElementsOf(written);
        restarted.append(numbered(71));
        written.add(numbered(71));
        restarted.settle();
        assertThat(PendingRecords.read(dir).records()).as("after the ones before").hasSize(11);

        reopening.complete(openForOpening(dir)); // opened on another thread, as ExecutorBootstrap does
        restarted.settle();
        assertThat(restarted.settled()).isTrue();
        assertThat(restarted.opening()).isFalse();
        assertThat(PendingRecords.exists(dir)).as("the queue holds them: the file is gone").isFalse();
        restarted.append(numbered(72));
        written.add(numbered(72));
        assertThat(restarted.appended()).as("held records count once they are in").isEqualTo(12);
        restarted.close();

        try (ChronicleJournal reopened = open(dir)) {
            assertThat(replayAll(reopened)).as("held records went in first, in order, once")
                    .containsExactlyElementsOf(written);
        }
    }

    @Test
    void aQueueThatTookOnlySomeOfTheFileBeforeACrashGetsTheRestOnce() throws Exception {
        Path dir = temp.resolve("half");
        List<JournalRecord> written = new ArrayList<>();
        OpeningJournal first = new OpeningJournal(dir, new CompletableFuture<ChronicleJournal>());
        assertThat(replayAll(first)).isEmpty();
        for (int i = 1; i <= 10; i++) {
            first.append(numbered(i));
            written.add(numbered(i));
        }
        first.settle();
        try (ChronicleJournal queue = openForOpening(dir)) { // the hand-over, cut short by a crash after four
            for (int i = 1; i <= 4; i++) {
                queue.append(numbered(i));
            }
        }
        first.abandon(); // killed: its writer's lock goes with it
        OpeningJournal next = new OpeningJournal(dir, new CompletableFuture<ChronicleJournal>());
        assertThat(replayAll(next)).as("the next start, before its queue opens").containsExactlyElementsOf(written);
        next.abandon();
        try (ChronicleJournal reader = openForOpening(dir)) { // without the fold, as baton journal opens it
            List<JournalRecord> read = new ArrayList<>();
            reader.replayWithPending(read::add);
            assertThat(read).as("a reader sees what the next start replays").containsExactlyElementsOf(written);
        }
        assertThat(PendingRecords.read(dir).records()).as("and changes nothing").hasSize(10);
        try (ChronicleJournal folded = open(dir)) {
            assertThat(replayAll(folded)).as("an open for writing takes the other six").containsExactlyElementsOf(written);
        }
        assertThat(PendingRecords.exists(dir)).isFalse();
        try (ChronicleJournal again = open(dir)) {
            assertThat(replayAll(again)).containsExactlyElementsOf(written);
        }
    }

    @Test
    void aWriteTornByACrashIsCutOffAndWritingGoesOnAfterTheWholeRecords() throws Exception {
        Path dir = temp.resolve("torn");
        OpeningJournal first = new OpeningJournal(dir, new CompletableFuture<ChronicleJournal>());
        replayAll(first);
        first.append(numbered(1));
        first.append(numbered(2));
        first.settle();
        java.nio.file.Files.write(PendingRecords.path(dir), new byte[] {7, 0, 0, 0, 1, 2},
                java.nio.file.StandardOpenOption.APPEND); // half a frame: the process died inside its write
        first.abandon();
        OpeningJournal second = new OpeningJournal(dir, new CompletableFuture<ChronicleJournal>());
        assertThat(replayAll(second)).containsExactly(numbered(1), numbered(2));
        second.append(numbered(3));
        second.settle();
        PendingRecords.Contents c = PendingRecords.read(dir);
        assertThat(c.records()).containsExactly(numbered(1), numbered(2), numbered(3));
        assertThat(c.validLength()).as("the torn bytes are gone").isEqualTo(c.fileLength());

        java.nio.file.Files.write(PendingRecords.path(dir), new byte[24], java.nio.file.StandardOpenOption.APPEND);
        assertThat(PendingRecords.read(dir).records()).as("a zero-filled tail holds no records")
                .containsExactly(numbered(1), numbered(2), numbered(3));
    }

    @Test
    void closingHandsHeldRecordsOverFirst() {
        Path dir = temp.resolve("close");
        CompletableFuture<ChronicleJournal> opening = new CompletableFuture<>();
        OpeningJournal journal = new OpeningJournal(dir, opening);
        assertThat(replayAll(journal)).as("a new journal").isEmpty();
        journal.append(varied(1));
        journal.append(varied(2));
        opening.complete(openForOpening(dir));
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
        opening.complete(openForOpening(dir));
        assertThat(replayed.get(10, TimeUnit.SECONDS)).containsExactly(checkpoint(2), varied(3));
        journal.close();
    }
}
