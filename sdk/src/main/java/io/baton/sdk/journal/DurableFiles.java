package io.baton.sdk.journal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * fsync and atomic replace, with errors reported (msync through Chronicle only logs a failure).
 *
 * <p>On Linux one page cache backs both {@code mmap} and {@code read/write}, so fsync on any
 * descriptor of a file also writes back the pages dirtied through Chronicle's memory mapping.
 */
final class DurableFiles {
    private DurableFiles() {
    }

    /** fsync of the file's data and metadata. */
    static void force(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }

    /** fsync of a directory, which makes created, renamed and deleted entries durable. */
    static void forceDirectory(Path dir) throws IOException {
        force(dir);
    }

    /**
     * Replaces {@code target} so that after a crash it holds either the old or the new content, never a
     * mix: write a temporary file, fsync it, rename it over the target, fsync the directory.
     */
    static void replaceAtomically(Path target, byte[] content) throws IOException {
        Path temp = target.resolveSibling(target.getFileName() + ".tmp");
        try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer buffer = ByteBuffer.wrap(content);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            channel.force(true);
        }
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        forceDirectory(target.getParent());
    }
}
