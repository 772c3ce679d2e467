package io.baton.sdk.journal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import net.openhft.posix.PosixAPI;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Once a journal is opened, Chronicle runs on its no-op POSIX binding (see {@link ChroniclePosix}: it loads no
 * native code at start), and the journal still does what it must: records appended and synced are read back after
 * a reopen. Without {@link ChroniclePosix}, {@code PosixAPI.posix()} would load jnr-ffi's binding here.
 */
class ChroniclePosixTest {
    @TempDir
    Path dir;

    @Test
    void aJournalRunsOnChroniclesNoOpPosixBindingAndStillKeepsItsRecords() throws Exception {
        try (ChronicleJournal j = ChronicleJournal.open(dir, ChronicleJournal.Options.defaults())) {
            j.append(Records.numbered(1));
            j.append(Records.numbered(2));
            j.sync();
        }
        assertThat(PosixAPI.posix().getClass().getName()).isEqualTo("net.openhft.posix.internal.noop.NoOpPosixAPI");
        try (ChronicleJournal j = ChronicleJournal.open(dir, ChronicleJournal.Options.defaults())) {
            java.util.List<io.baton.proto.JournalRecord> read = new java.util.ArrayList<>();
            j.replay(read::add);
            assertThat(read).containsExactly(Records.numbered(1), Records.numbered(2));
        }
    }
}
