package io.baton.sdk.journal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * {@code checkpoint.pos}: where the latest checkpoint's first document lies in its cycle file, so that replay can
 * read the cycle files directly ({@link CycleReader}) without starting Chronicle. A hint, never the truth: it is
 * written after {@code checkpoint.idx} ({@link CheckpointFile}), without an fsync, and used only when it names the
 * same index as that file and the document it points at holds a checkpoint with the recorded sequence number; in
 * every other case (no file, an older one, torn text) replay goes through Chronicle as before.
 *
 * @param index the checkpoint's Chronicle index (as in {@code checkpoint.idx})
 * @param file the name of the cycle file that holds its first document
 * @param dataStart the offset in that file of the document's data (after its 4-byte header)
 * @param sequence the checkpoint record's sequence number
 */
record CheckpointPosition(long index, String file, long dataStart, long sequence) {
    static final String NAME = "checkpoint.pos";

    /** The hint in {@code dir}, or null when there is none or it cannot be read as one. */
    static CheckpointPosition read(Path dir) throws IOException {
        String text;
        try {
            text = Files.readString(dir.resolve(NAME), StandardCharsets.US_ASCII).trim();
        } catch (NoSuchFileException none) {
            return null;
        }
        String[] parts = text.split(" ");
        if (parts.length != 4 || parts[1].isEmpty() || parts[1].contains("/")) {
            return null;
        }
        try {
            return new CheckpointPosition(Long.parseLong(parts[0]), parts[1], Long.parseLong(parts[2]),
                    Long.parseLong(parts[3]));
        } catch (NumberFormatException torn) {
            return null;
        }
    }

    /** Replaces the hint (a rename: a reader sees the old one or the new one, or none after a power loss). */
    void write(Path dir) throws IOException {
        Path temp = dir.resolve(NAME + ".tmp");
        Files.writeString(temp, index + " " + file + " " + dataStart + " " + sequence + "\n", StandardCharsets.US_ASCII);
        Files.move(temp, dir.resolve(NAME), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
