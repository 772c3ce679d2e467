package io.baton.sdk.journal;

import static io.baton.sdk.journal.Records.checkpoint;
import static io.baton.sdk.journal.Records.numbered;
import static io.baton.sdk.journal.Records.varied;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.baton.proto.JournalRecord;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import net.openhft.chronicle.core.time.SetTimeProvider;
import net.openhft.chronicle.queue.rollcycles.TestRollCycles;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The journal contract on a real Chronicle queue, plus what only a file-backed journal has. The queue's
 * clock is a {@link SetTimeProvider}, so a one-second roll cycle rolls as fast as the test advances it.
 */
@Tag("integration")
class ChronicleJournalIT extends JournalContract {
    static final long BLOCK = 64 << 10;

    @TempDir
    Path temp;
    private int journals;
    private final SetTimeProvider clock = new SetTimeProvider(Instant.parse("2030-01-01T00:00:00Z"));

    private ChronicleJournal.Options options() {
        return ChronicleJournal.Options.defaults().withRollCycle(TestRollCycles.TEST_SECONDLY)
                .withBlockSize(BLOCK).withClock(clock);
    }

    @Override
    protected Journal create() {
        return open(temp.resolve("journal-" + journals++));
    }

    private ChronicleJournal open(Path dir) {
        return ChronicleJournal.open(dir, options());
    }

    @Test
    void thousandsOfVariedRecordsAcrossManyCyclesReplayIdenticallyAfterReopening() {
        Path dir = temp.resolve("round-trip");
        List<JournalRecord> written = new ArrayList<>();
        try (Journal journal = open(dir)) {
            for (long i = 0; i < 5000; i++) {
                JournalRecord record = varied(i);
                journal.append(record);
                written.add(record);
                clock.advanceMillis(10);
            }
            journal.sync();
            assertThat(replayAll(journal)).containsExactlyElementsOf(written);
            System.out.println("round trip: " + journal.stats());
            assertThat(journal.stats().files()).isGreaterThanOrEqualTo(50);
        }
        try (Journal reopened = open(dir)) {
            assertThat(replayAll(reopened)).containsExactlyElementsOf(written);
            assertThat(reopened.stats().appended()).as("counters are per instance").isZero();
        }
    }

    /**
     * A process that died before its next fsync leaves records only in the page cache; the next process's first sync
     * must cover them even when the cycle rolled and it writes to another file (else a command it re-issues on such a
     * record, after the fsync SYNC asks for, could run with the record still not on disk).
     */
    @Test
    void theFirstSyncAfterReopeningAlsoFsyncsTheCycleFilesAnEarlierProcessWrote() {
        Path dir = temp.resolve("inherited");
        try (Journal journal = open(dir)) {
            journal.append(numbered(0)); // never synced: the "process" dies here
            clock.advanceMillis(1_500);
            journal.append(numbered(1));
        }
        clock.advanceMillis(1_500); // a new cycle: the reopened journal writes to another file
        try (Journal reopened = open(dir)) {
            reopened.sync();
            assertThat(reopened.stats().syncs()).as("nothing appended, but two earlier files to fsync").isEqualTo(1);
            reopened.sync();
            assertThat(reopened.stats().syncs()).as("and only once").isEqualTo(1);
            reopened.append(numbered(2));
            reopened.sync();
            assertThat(reopened.stats().syncs()).isEqualTo(2);
        }
    }

    @Test
    void theCheckpointIsRememberedAcrossReopening() throws IOException {
        Path dir = temp.resolve("checkpoint");
        long index;
        try (Journal journal = open(dir)) {
            journal.append(numbered(0));
            index = journal.checkpoint(checkpoint(1));
            journal.append(numbered(2));
        }
        assertThat(Files.readString(dir.resolve(CheckpointFile.NAME)).trim()).isEqualTo(Long.toString(index));
        try (Journal reopened = open(dir)) {
            assertThat(replayAll(reopened)).containsExactly(checkpoint(1), numbered(2));
            reopened.append(numbered(3));
            assertThat(replayAll(reopened)).containsExactly(checkpoint(1), numbered(2), numbered(3));
        }
    }

    @Test
    void checkpointsDeleteOldCyclesSoDiskUseStaysBoundedWhileAppendingContinues() {
        Path dir = temp.resolve("retention");
        int maxFiles = 0;
        long maxBytes = 0;
        List<JournalRecord> sinceCheckpoint = new ArrayList<>();
        try (Journal journal = open(dir)) {
            long sequence = 0;
            for (int round = 0; round < 150; round++) {
                for (int i = 0; i < 20; i++) {
                    journal.append(varied(sequence++));
                    clock.advanceMillis(53);
                    Journal.Stats stats = journal.stats();
                    maxFiles = Math.max(maxFiles, stats.files());
                    maxBytes = Math.max(maxBytes, stats.bytesOnDisk());
                }
                journal.checkpoint(checkpoint(sequence++));
            }
            sinceCheckpoint.add(checkpoint(sequence - 1));
            for (int i = 0; i < 5; i++) {
                sinceCheckpoint.add(varied(sequence));
                journal.append(varied(sequence++));
            }
            System.out.println("retention: " + journal.stats() + " max files " + maxFiles + " max bytes " + maxBytes);
            assertThat(replayAll(journal)).containsExactlyElementsOf(sinceCheckpoint);
            // 150 cycles were written (~1.3 MB each); at most the checkpoint's cycle and the one being
            // written exist at any time, plus Chronicle's 128 KiB metadata table.
            assertThat(maxFiles).isLessThanOrEqualTo(2);
            assertThat(maxBytes).isLessThan(4L << 20);
            assertDeletedFilesAreUnmapped(dir);
        }
        try (Journal reopened = open(dir)) {
            assertThat(replayAll(reopened)).containsExactlyElementsOf(sinceCheckpoint);
        }
    }

    @Test
    void retentionKeepsUpWithTheRealClockRollingEverySecond() {
        Path dir = temp.resolve("real-clock");
        ChronicleJournal.Options options = ChronicleJournal.Options.defaults()
                .withRollCycle(TestRollCycles.TEST_SECONDLY).withBlockSize(BLOCK);
        int maxFiles = 0;
        long maxBytes = 0;
        long sequence = 0;
        long started = System.nanoTime();
        long lastCheckpoint = started;
        List<JournalRecord> sinceCheckpoint = new ArrayList<>();
        try (Journal journal = ChronicleJournal.open(dir, options)) {
            while (System.nanoTime() - started < TimeUnit.MILLISECONDS.toNanos(3200)) {
                JournalRecord record = numbered(sequence++);
                journal.append(record);
                sinceCheckpoint.add(record);
                if (System.nanoTime() - lastCheckpoint > TimeUnit.MILLISECONDS.toNanos(100)) {
                    sinceCheckpoint.clear();
                    sinceCheckpoint.add(checkpoint(sequence));
                    journal.checkpoint(checkpoint(sequence++));
                    lastCheckpoint = System.nanoTime();
                }
                if (sequence % 50 == 0) {
                    Journal.Stats stats = journal.stats();
                    maxFiles = Math.max(maxFiles, stats.files());
                    maxBytes = Math.max(maxBytes, stats.bytesOnDisk());
                }
                LockSupport.parkNanos(100_000); // pace: about 10,000 appends a second, not a disk benchmark
            }
            System.out.println("real clock: " + journal.stats() + " max files " + maxFiles + " max bytes " + maxBytes);
            assertThat(replayAll(journal)).containsExactlyElementsOf(sinceCheckpoint);
            // Checkpoints come every 100 ms, so the files are the checkpoint's cycle and maybe the next,
            // each ~1.3 MB of index and block plus ~0.3 MB of records.
            assertThat(maxFiles).isLessThanOrEqualTo(2);
            assertThat(maxBytes).isLessThan(6L << 20);
        }
        assertDeletedFilesAreUnmapped(dir);
    }

    /** Linux: no mapping of a deleted cycle file outlives retention, so its disk space is returned. */
    private static void assertDeletedFilesAreUnmapped(Path dir) {
        Path maps = Path.of("/proc/self/maps");
        if (!Files.isReadable(maps)) {
            System.out.println("skipped the unmapping check: no " + maps);
            return;
        }
        long started = System.nanoTime();
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(Files.readAllLines(maps))
                .filteredOn(line -> line.contains(dir.toString()) && line.endsWith("(deleted)")).isEmpty());
        System.out.printf("deleted cycle files unmapped within %d ms%n", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
    }

    @Test
    void optionsDefaultToHourlyCyclesAndRejectTinyBlocks() {
        ChronicleJournal.Options defaults = ChronicleJournal.Options.defaults();
        assertThat(defaults.rollCycle().lengthInMillis()).isLessThanOrEqualTo(3_600_000);
        assertThat(defaults.withBlockSize(BLOCK).blockSize()).isEqualTo(BLOCK);
        assertThatThrownBy(() -> defaults.withBlockSize(4096)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("4096").hasMessageContaining("minimum");
    }

    @Test
    void aCheckpointFileThatIsNotAnIndexIsReportedWithTheDirectory() throws IOException {
        Path dir = temp.resolve("garbled");
        Files.createDirectories(dir);
        Files.writeString(dir.resolve(CheckpointFile.NAME), "not a number", StandardCharsets.US_ASCII);
        assertThatThrownBy(() -> open(dir)).isInstanceOf(JournalException.class)
                .hasMessageContaining(dir.toString()).hasMessageContaining("not a number");
    }

    @Test
    void aCheckpointWhoseCycleFileIsGoneFailsReplayInsteadOfReplayingTooLittle() throws IOException {
        Path dir = temp.resolve("missing-cycle");
        try (Journal journal = open(dir)) {
            journal.append(numbered(0));
            clock.advanceMillis(1000);
            journal.checkpoint(checkpoint(1));
        }
        Files.writeString(dir.resolve(CheckpointFile.NAME), "1\n", StandardCharsets.US_ASCII);
        try (Journal journal = open(dir)) {
            assertThatThrownBy(() -> replayAll(journal)).isInstanceOf(JournalException.class)
                    .hasMessageContaining(dir.toString()).hasMessageContaining("is not in the queue");
        }
    }

    @Test
    void anIoFailureBecomesAJournalExceptionNamingTheDirectoryAndTheCause() throws IOException {
        Path dir = temp.resolve("io-failure");
        try (Journal journal = open(dir)) {
            journal.append(numbered(0));
            try (var files = Files.list(dir)) {
                for (Path file : files.filter(f -> f.toString().endsWith(CycleFiles.SUFFIX)).toList()) {
                    Files.delete(file);
                }
            }
            assertThatThrownBy(journal::sync).isInstanceOf(JournalException.class)
                    .hasMessageContaining(dir.toString()).hasMessageContaining("fsync")
                    .hasCauseInstanceOf(NoSuchFileException.class);
        }
    }

    @Test
    void aRecordLargerThanADocumentIsTakenInFragmentsAndReplayedWhole() {
        Path dir = temp.resolve("oversize");
        JournalRecord huge = JournalRecord.newBuilder().setSequence(2).setCheckpoint(io.baton.proto.Checkpoint
                .newBuilder().addPending(io.baton.proto.TaskStatus.newBuilder().setMessage("x".repeat(600_000))))
                .build();
        try (ChronicleJournal journal = open(dir)) {
            journal.append(numbered(1));
            journal.append(huge);
            journal.append(numbered(3));
        }
        List<JournalRecord> replayed = new ArrayList<>();
        try (ChronicleJournal journal = open(dir)) {
            journal.replay(replayed::add);
        }
        assertThat(replayed).containsExactly(numbered(1), huge, numbered(3));
    }
}
