package io.baton.sdk.journal;

import static io.baton.sdk.journal.Records.checkpoint;
import static io.baton.sdk.journal.Records.varied;
import static org.assertj.core.api.Assertions.assertThat;

import io.baton.proto.JournalRecord;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import net.openhft.chronicle.core.time.SetTimeProvider;
import net.openhft.chronicle.queue.rollcycles.TestRollCycles;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cycle files read without Chronicle ({@link CycleReader}) give exactly what Chronicle's own tailer gives
 * ({@link ChronicleJournal#replay}), on journals written through the real journal: records of every size, records
 * in fragments, checkpoints (also fragmented ones), rolls to new cycle files, torn tails; and whatever does not fit
 * what it expects makes it give up before handing out anything.
 */
@Tag("integration")
class CycleReaderIT {
    @TempDir
    Path temp;
    private final SetTimeProvider clock = new SetTimeProvider(Instant.parse("2030-01-01T00:00:00Z"));

    private ChronicleJournal open(Path dir, long block) {
        return ChronicleJournal.open(dir, ChronicleJournal.Options.defaults().withRollCycle(TestRollCycles.TEST_SECONDLY)
                .withBlockSize(block).withClock(clock));
    }

    private static List<JournalRecord> chronicle(ChronicleJournal journal) {
        List<JournalRecord> out = new ArrayList<>();
        journal.replay(out::add);
        return out;
    }

    /** Writes a seeded journal: varied records, some bigger than a document, rolls, checkpoints. */
    private Path write(long seed, long block) {
        Random random = new Random(seed);
        Path dir = temp.resolve("seed-" + seed);
        try (ChronicleJournal journal = open(dir, block)) {
            int records = random.nextInt(2_500);
            long sequence = 0;
            for (int i = 0; i < records; i++) {
                int roll = random.nextInt(100);
                if (roll < 1) {
                    journal.checkpoint(random.nextBoolean() ? checkpoint(++sequence)
                            : ChronicleJournalFragmentsIT.bigCheckpoint(++sequence, 50 + random.nextInt(2_000)));
                } else if (roll < 3) {
                    journal.append(JournalRecord.newBuilder().setSequence(++sequence).setTaskLaunched(
                            io.baton.proto.TaskLaunched.newBuilder().setTask(io.baton.proto.TaskInfo.newBuilder()
                                    .setName("n".repeat(1 + random.nextInt(100_000))))).build());
                } else {
                    journal.append(varied(++sequence));
                }
                if (random.nextInt(40) == 0) {
                    clock.advanceMillis(1_000 + random.nextInt(3) * 1_000L); // a new cycle file (sometimes a gap)
                }
            }
        }
        return dir;
    }

    private static List<JournalRecord> direct(Path dir) throws IOException {
        CycleReader.Outcome read = CycleReader.read(dir);
        assertThat(read.unavailable()).as("why the files could not be read directly").isNull();
        return read.records();
    }

    @Test
    void seededJournalsReadDirectlyGiveWhatChronicleGives() throws IOException {
        int checkpointed = 0;
        int rolled = 0;
        for (long seed = 1; seed <= 24; seed++) {
            long block = seed % 3 == 0 ? 1 << 20 : 64 << 10;
            Path dir = write(seed, block);
            List<JournalRecord> direct = direct(dir);
            try (ChronicleJournal journal = open(dir, block)) {
                assertThat(direct).as("seed " + seed).containsExactlyElementsOf(chronicle(journal));
            }
            checkpointed += Files.exists(dir.resolve(CheckpointPosition.NAME)) ? 1 : 0;
            try (Stream<Path> files = Files.list(dir)) {
                rolled += files.filter(f -> f.toString().endsWith(".cq4")).count() > 1 ? 1 : 0;
            }
        }
        System.out.println("CycleReaderIT: " + checkpointed + " of 24 from a checkpoint, " + rolled + " of several cycle files");
        assertThat(checkpointed).as("journals replayed from a checkpoint").isGreaterThanOrEqualTo(18);
        assertThat(rolled).as("journals of several cycle files").isGreaterThanOrEqualTo(12);
    }

    @Test
    void aNewJournalAndOneWithoutCheckpointReplayFromTheFirstRecord() throws IOException {
        assertThat(direct(temp.resolve("none"))).isEmpty();
        Path dir = temp.resolve("plain");
        List<JournalRecord> written = new ArrayList<>();
        try (ChronicleJournal journal = open(dir, 64 << 10)) {
            for (int i = 0; i < 300; i++) {
                written.add(varied(i));
                journal.append(written.get(i));
                if (i % 100 == 99) {
                    clock.advanceMillis(1_000);
                }
            }
        }
        assertThat(direct(dir)).containsExactlyElementsOf(written);
    }

    @Test
    void aTailTornByACrashEndsTheReplayThereAsForChronicle() throws IOException {
        Path dir = write(7, 64 << 10);
        List<JournalRecord> before = direct(dir);
        // what a process killed while writing a document leaves: a header still marked not complete, then its bytes
        Path last;
        try (Stream<Path> files = Files.list(dir)) {
            last = files.filter(f -> f.toString().endsWith(".cq4")).sorted().reduce((a, b) -> b).orElseThrow();
        }
        long end = endOfData(last);
        try (FileChannel ch = FileChannel.open(last, StandardOpenOption.WRITE)) {
            ByteBuffer torn = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
            torn.putInt(CycleReader.NOT_COMPLETE | 8).putInt(0x12345678).putInt(0x0BADBEEF).flip();
            ch.write(torn, end);
        }
        assertThat(direct(dir)).containsExactlyElementsOf(before);
    }

    @Test
    void aHintThatDoesNotAgreeWithTheCheckpointIsNotUsed() throws IOException {
        Path dir = temp.resolve("hint");
        CheckpointPosition good;
        try (ChronicleJournal journal = open(dir, 64 << 10)) {
            for (int i = 1; i <= 50; i++) {
                journal.append(varied(i));
            }
            journal.checkpoint(checkpoint(51));
            journal.append(varied(52));
        }
        good = CheckpointPosition.read(dir); // written on the journal's retention thread, which close waits for
        assertThat(good).isNotNull();
        assertThat(direct(dir)).hasSize(2);

        new CheckpointPosition(good.index() + 1, good.file(), good.dataStart(), good.sequence()).write(dir);
        assertThat(CycleReader.read(dir).unavailable()).contains("names index");
        new CheckpointPosition(good.index(), good.file(), good.dataStart(), good.sequence() + 1).write(dir);
        assertThat(CycleReader.read(dir).unavailable()).contains("is not checkpoint 52");
        new CheckpointPosition(good.index(), good.file(), good.dataStart() - 8, good.sequence()).write(dir);
        assertThat(CycleReader.read(dir).unavailable()).isNotNull();
        new CheckpointPosition(good.index(), good.file(), good.dataStart() + 2, good.sequence()).write(dir);
        assertThat(CycleReader.read(dir).unavailable()).contains("header");
        new CheckpointPosition(good.index(), "elsewhere.cq4", good.dataStart(), good.sequence()).write(dir);
        assertThat(CycleReader.read(dir).unavailable()).contains("is not there");
        Files.writeString(dir.resolve(CheckpointPosition.NAME), "12 34", StandardCharsets.US_ASCII);
        assertThat(CycleReader.read(dir).unavailable()).contains("no " + CheckpointPosition.NAME);
        Files.delete(dir.resolve(CheckpointPosition.NAME));
        assertThat(CycleReader.read(dir).unavailable()).contains("no " + CheckpointPosition.NAME);

        good.write(dir);
        assertThat(direct(dir)).hasSize(2);
        try (ChronicleJournal journal = open(dir, 64 << 10)) {
            assertThat(direct(dir)).containsExactlyElementsOf(chronicle(journal));
        }
    }

    @Test
    void aCycleThatEndsWithoutItsEndOfFileMarkWhileALaterOneExistsIsLeftToChronicle() throws IOException {
        Path dir = temp.resolve("no-eof");
        try (ChronicleJournal journal = open(dir, 64 << 10)) {
            journal.append(varied(1));
            clock.advanceMillis(1_000);
            journal.append(varied(2));
        }
        Path first;
        try (Stream<Path> files = Files.list(dir)) {
            first = files.filter(f -> f.toString().endsWith(".cq4")).sorted().findFirst().orElseThrow();
        }
        long eof = endOfData(first);
        try (FileChannel ch = FileChannel.open(first, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer header = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
            ch.read(header, eof);
            assertThat(header.getInt(0)).as("the end-of-file mark").isEqualTo(CycleReader.END_OF_FILE);
            ch.write(ByteBuffer.allocate(4), eof);
        }
        assertThat(CycleReader.read(dir).unavailable()).contains("without its end-of-file mark");
    }

    /** The offset of the first header that is not a whole document (0, not complete, or the end-of-file mark). */
    private static long endOfData(Path cycleFile) throws IOException {
        try (FileChannel ch = FileChannel.open(cycleFile, StandardOpenOption.READ)) {
            ByteBuffer b = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
            long position = 0;
            while (true) {
                b.clear();
                ch.read(b, position);
                int header = b.getInt(0);
                if (header == 0 || (header & CycleReader.NOT_COMPLETE) != 0) {
                    return position;
                }
                position = (position + 4 + (header & CycleReader.LENGTH_MASK) + 3) & ~3L;
            }
        }
    }
}
