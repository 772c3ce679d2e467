package io.baton.sdk.transport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.Objects;

/**
 * Whether the file a shim announces itself by — its executor Unix socket, or a shim address file
 * ({@link ShimAddressFile}: the file or its newest {@code FILE.N}) — is another file than at the last look, while a
 * connection waits to reconnect. A shim binds a new socket (or a new address is written) once it listens, so a
 * connection that sees one connects then instead of at the end of its backoff: after a shim restart an executor
 * waited up to the backoff's step (800 ms to 5 s once the shim had been away a second or more).
 *
 * <p>A look is a {@code stat} of the file (for an address file, a listing of its directory first) on the caller's
 * thread: the file's identity (device and inode), its modification time and, for an address file, which version is
 * newest. A new socket bound where a stale one was has another inode or a later time; a file that disappears (a shim
 * that stopped cleanly removes its socket) is not a shim appearing. No thread and no kernel notifications: those
 * (inotify) are limited per user — 128 instances by default, fewer than the executors one node may run — and a
 * notification queue can overflow. Not thread-safe: one thread looks (a connection's IO thread).
 */
public final class ShimReappears {
    private final Path file;
    private final boolean versions;
    /** What the latest look saw, or null when there was no file. */
    private Seen seen;

    private record Seen(Path path, Object identity, FileTime modified) {
    }

    private ShimReappears(Path file, boolean versions) {
        this.file = file;
        this.versions = versions;
    }

    /**
     * Starts watching {@code file} (with {@code versions}, the newest of it and its {@code file.N}s) from what is
     * there now: a later {@link #changed} is true once another file is there.
     */
    public static ShimReappears of(Path file, boolean versions) {
        ShimReappears r = new ShimReappears(Objects.requireNonNull(file, "file"), versions);
        r.seen = r.look();
        return r;
    }

    /** True if another file is there than at the last look (or than when watching began, the first time). */
    public boolean changed() {
        Seen now = look();
        boolean changed = now != null && !now.equals(seen);
        seen = now;
        return changed;
    }

    private Seen look() {
        try {
            Path path = versions ? ShimAddressFile.newest(file) : file;
            BasicFileAttributes a = Files.readAttributes(path, BasicFileAttributes.class);
            return new Seen(path, a.fileKey(), a.lastModifiedTime());
        } catch (IOException | UncheckedIOException e) {
            return null; // not there (or its directory not readable): nothing to connect to yet
        }
    }
}
