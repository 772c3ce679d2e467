package io.baton.sdk.journal;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A small tmpfs mounted for a test (needs root and mount permission; the test is skipped with the
 * reason printed where it cannot), a ballast file that fills it, and the unmount. Always {@link #close}.
 */
public final class Tmpfs implements AutoCloseable {
    private static final int CHUNK = 64 << 10;

    private final Path dir;
    private final Path ballast;

    private Tmpfs(Path dir) {
        this.dir = dir;
        this.ballast = dir.resolve("ballast");
    }

    /** Mounts a tmpfs of {@code bytes} at {@code dir} (created), or skips the test saying why not. */
    public static Tmpfs mountOrSkip(Path dir, long bytes) throws IOException, InterruptedException {
        String skip = null;
        if (!"root".equals(System.getProperty("user.name"))) {
            skip = "not root (user " + System.getProperty("user.name") + "): cannot mount a tmpfs";
        }
        if (skip == null) {
            Files.createDirectories(dir);
            String out = run(List.of("mount", "-t", "tmpfs", "-o", "size=" + bytes + ",mode=0755", "tmpfs", dir.toString()));
            if (out != null) {
                skip = "mount -t tmpfs at " + dir + " is not permitted here: " + out;
            }
        }
        if (skip != null) {
            System.out.println("SKIPPED (disk-full test): " + skip);
            Assumptions.abort(skip);
        }
        return new Tmpfs(dir);
    }

    public Path path() {
        return dir;
    }

    /** Usable bytes on the tmpfs now. */
    public long usable() throws IOException {
        FileStore store = Files.getFileStore(dir);
        return store.getUsableSpace();
    }

    /** Writes the ballast file until the tmpfs is full (ENOSPC); returns the bytes it took. */
    public long fill() throws IOException {
        byte[] chunk = new byte[CHUNK];
        java.util.Arrays.fill(chunk, (byte) 0x5a);
        long written = 0;
        long bound = Files.getFileStore(dir).getTotalSpace() / CHUNK + 16;
        try (OutputStream out = Files.newOutputStream(ballast, java.nio.file.StandardOpenOption.CREATE,
                java.nio.file.StandardOpenOption.APPEND)) {
            for (long i = 0; i < bound; i++) {
                out.write(chunk);
                written += CHUNK;
            }
        } catch (IOException full) {
            if (!String.valueOf(full.getMessage()).contains("No space left")) {
                throw full;
            }
        }
        // a partly written last chunk may still leave a few pages: take them one page at a time
        byte[] page = new byte[4096];
        try (OutputStream out = Files.newOutputStream(ballast, java.nio.file.StandardOpenOption.APPEND)) {
            for (int i = 0; i < CHUNK / page.length + 1; i++) {
                out.write(page);
                out.flush();
                written += page.length;
            }
        } catch (IOException full) {
            if (!String.valueOf(full.getMessage()).contains("No space left")) {
                throw full;
            }
        }
        return written;
    }

    /** Deletes the ballast: the space returns. */
    public void dropBallast() throws IOException {
        Files.deleteIfExists(ballast);
    }

    @Override
    public void close() throws IOException, InterruptedException {
        String out = run(List.of("umount", dir.toString()));
        if (out != null) {
            // still busy (e.g. a child process that has not exited yet): detach now, freed at last close
            String lazy = run(List.of("umount", "-l", dir.toString()));
            if (lazy != null) {
                throw new IOException("could not unmount the test tmpfs at " + dir + ": " + out + "; " + lazy);
            }
        }
    }

    /** Runs a command; null when it succeeded, else its output and exit code. */
    private static String run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return String.join(" ", command) + " did not finish in 30 s";
        }
        String out = new String(p.getInputStream().readAllBytes()).trim();
        return p.exitValue() == 0 ? null : String.join(" ", command) + " exited " + p.exitValue() + ": " + out;
    }
}
