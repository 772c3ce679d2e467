package io.baton.shim.server;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Which uid each executor id belongs to, in {@code <work-dir>/owners/<executor-id>} (directory 0700, one
 * decimal uid per file), so that a shim restart — which empties the ledger — does not hand an executor id,
 * and with it the tasks, reservations and container the executor reports, to whichever uid subscribes
 * first. This is the only thing the shim keeps across restarts; it is security state, not the ledger.
 * An id is the first subscriber's until its executor expires (recovery timeout); root may take any id.
 * Ids are validated before they get here (no path escapes). On the shim's loop.
 */
final class ExecutorOwners {
    private final Path dir;

    ExecutorOwners(Path workDir) {
        this.dir = workDir.resolve("owners");
    }

    /** The uid the id belongs to, or null when it belongs to nobody yet (or the record is unreadable). */
    Integer owner(String executorId) throws IOException {
        Path f = dir.resolve(executorId);
        if (!Files.isRegularFile(f)) {
            return null;
        }
        String text = Files.readString(f, StandardCharsets.US_ASCII).trim();
        try {
            return Integer.valueOf(text);
        } catch (NumberFormatException e) {
            throw new IOException("owner record " + f + " holds '" + text + "', not a uid; remove it as root");
        }
    }

    /** Records that {@code executorId} is {@code uid}'s; a re-subscription (the same record) writes nothing. */
    void record(String executorId, int uid) throws IOException {
        try {
            if (Integer.valueOf(uid).equals(owner(executorId))) {
                return;
            }
        } catch (IOException unreadable) {
            // overwritten below with a readable record
        }
        if (!Files.isDirectory(dir)) { // inside the existing work directory only: never create that here
            Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        }
        Path tmp = dir.resolve("." + executorId + ".tmp");
        Files.writeString(tmp, uid + "\n", StandardCharsets.US_ASCII);
        Files.move(tmp, dir.resolve(executorId), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    void forget(String executorId) throws IOException {
        Files.deleteIfExists(dir.resolve(executorId));
    }
}
