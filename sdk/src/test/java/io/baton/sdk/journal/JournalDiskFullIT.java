package io.baton.sdk.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.baton.proto.JournalRecord;
import io.baton.proto.StatusRecorded;
import io.baton.proto.TaskID;
import io.baton.proto.TaskStatus;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import net.openhft.chronicle.core.time.SetTimeProvider;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Chronicle journal on a small tmpfs that fills up: appends are refused with a
 * {@link JournalFullException} naming the directory and the numbers, never a SIGBUS from a write to
 * an unallocated mapped page (which would kill this JVM, and the test with it); new work is refused
 * first; once the space returns, appends resume and replay returns exactly the records that were
 * accepted, in order.
 */
@Tag("integration")
class JournalDiskFullIT {
    static final long TMPFS = 4L << 20;
    static final int MAX_APPENDS = 100_000;

    @TempDir
    Path temp;
    final SetTimeProvider clock = new SetTimeProvider(Instant.parse("2030-01-01T00:00:00Z"));

    static JournalRecord record(long sequence) {
        return JournalRecord.newBuilder().setSequence(sequence).setStatusRecorded(StatusRecorded.newBuilder()
                .setStatus(TaskStatus.newBuilder().setTaskId(TaskID.newBuilder().setValue("t" + sequence))
                        .setMessage("x".repeat(500)))).build();
    }

    @Test
    void aFullFileSystemRefusesAppendsCleanlyAndTheJournalResumesWhenSpaceReturns() throws Exception {
        fillAndRecover(ChronicleJournal.Options.defaults().withClock(clock), TimeUnit.HOURS.toMillis(1));
    }

    /** A roll cycle with 8x larger index arrays (256 KiB): the guard's slack follows the roll cycle. */
    @Test
    void theSameWithSecondlyCyclesAndLargeIndexArrays() throws Exception {
        fillAndRecover(ChronicleJournal.Options.defaults().withClock(clock)
                .withRollCycle(net.openhft.chronicle.queue.rollcycles.TestRollCycles.TEST_SECONDLY), 1000);
    }

    private void fillAndRecover(ChronicleJournal.Options options, long cycleMillis) throws Exception {
        List<Long> accepted = new ArrayList<>();
        long seq = 0;
        try (Tmpfs fs = Tmpfs.mountOrSkip(temp.resolve("mnt"), TMPFS)) {
            Path dir = fs.path().resolve("journal");
            try (ChronicleJournal journal = ChronicleJournal.open(dir, options)) {
                for (int i = 0; i < 50; i++) {
                    journal.append(record(++seq));
                    accepted.add(seq);
                }
                assertThat(journal.shortage()).isEmpty();

                long ballast = fs.fill();
                System.out.printf("disk full: ballast %d bytes, %d usable left%n", ballast, fs.usable());
                Journal.Shortage shortage = journal.shortage().orElseThrow();
                assertThat(shortage.message()).contains(dir.toString(), shortage.freeBytes() + " bytes free",
                        shortage.neededBytes() + " needed", "free space there and retry");
                assertThat(shortage.freeBytes()).isLessThan(shortage.neededBytes());

                // the runway allocated before the disk filled still takes records; then appends are refused
                JournalFullException full = null;
                int onRunway = 0;
                for (int i = 0; i < MAX_APPENDS && full == null; i++) {
                    try {
                        journal.append(record(seq + 1));
                        accepted.add(++seq);
                        onRunway++;
                    } catch (JournalFullException e) {
                        full = e;
                    }
                }
                assertThat(full).as("an append was refused within %d appends", MAX_APPENDS).isNotNull();
                System.out.printf("records taken on the runway while full: %d; refusal: %s%n", onRunway,
                        full.getMessage());
                assertThat(onRunway).isPositive();
                assertThat(full.getMessage()).contains(dir.toString(), full.freeBytes() + " bytes free",
                        full.neededBytes() + " needed");
                assertThat(full.freeBytes()).isLessThan(full.neededBytes());
                for (int i = 0; i < 3; i++) {
                    assertThatThrownBy(() -> journal.append(record(1_000_000))).isInstanceOf(JournalFullException.class);
                }

                // a roll to a new cycle file while full is refused before Chronicle creates the file
                clock.advanceMillis(cycleMillis);
                assertThatThrownBy(() -> journal.append(record(1_000_000))).isInstanceOf(JournalFullException.class)
                        .hasMessageContaining("starting the cycle file");

                fs.dropBallast();
                assertThat(journal.shortage()).isEmpty();
                for (int i = 0; i < 2_000; i++) {
                    journal.append(record(++seq));
                    accepted.add(seq);
                }
                clock.advanceMillis(cycleMillis);
                for (int i = 0; i < 100; i++) {
                    journal.append(record(++seq));
                    accepted.add(seq);
                }
                journal.sync();
            }
            List<Long> replayed = new ArrayList<>();
            try (ChronicleJournal journal = ChronicleJournal.open(dir, options)) {
                journal.replay(r -> replayed.add(r.getSequence()));
            }
            assertThat(replayed).as("exactly the accepted records, in order").isEqualTo(accepted);
        }
    }

    @Test
    void openingOnAFullFileSystemIsRefusedWithTheNumbers() throws Exception {
        try (Tmpfs fs = Tmpfs.mountOrSkip(temp.resolve("mnt"), 1L << 20)) {
            fs.fill();
            Path dir = fs.path().resolve("journal");
            assertThatThrownBy(() -> ChronicleJournal.open(dir, ChronicleJournal.Options.defaults()))
                    .isInstanceOf(JournalFullException.class)
                    .hasMessageContaining(dir.toString()).hasMessageContaining("opening the journal")
                    .hasMessageContaining(SpaceGuard.MIN_ROLL_NEED + " needed");
        }
    }
}
