package io.baton.sdk.journal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * {@code checkpoint.idx}: the Chronicle index of the latest checkpoint, as decimal text. It is replaced
 * atomically and durably, and only after the checkpoint record itself was fsynced, so it never names
 * a record that a crash could lose; cycle files are deleted only after it names a later cycle (or, at the
 * journal's end, when they hold nothing: no header yet, {@link CycleReader#dropHeaderlessTail}).
 *
 * <p>Why a side file rather than scanning the queue backwards for the last checkpoint record: the
 * replay start is found in O(1) on every open, it does not depend on what records contain (only
 * {@link Journal#checkpoint} moves it), and a record torn at the tail can never be mistaken for it.
 */
final class CheckpointFile {
    static final String NAME = "checkpoint.idx";

    private CheckpointFile() {
    }

    /** The recorded index, or -1 when no checkpoint was ever recorded. */
    static long read(Path dir) throws IOException {
        String text;
        try {
            text = Files.readString(dir.resolve(NAME), StandardCharsets.US_ASCII).trim();
        } catch (NoSuchFileException none) {
            return -1;
        }
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new JournalException(dir, NAME + " holds '" + text + "', not an index; it is only ever"
                    + " replaced atomically, so something else wrote it: restore it or start a new journal");
        }
    }

    static void write(Path dir, long index) throws IOException {
        DurableFiles.replaceAtomically(dir.resolve(NAME), (index + "\n").getBytes(StandardCharsets.US_ASCII));
    }
}
