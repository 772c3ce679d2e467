package io.baton.samples.command;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * What the command executor keeps per task in {@code <work-dir>/command-tasks/} (file names are the
 * URL-encoded task id): {@code .pid} (leader pid and start time, written atomically), {@code .exit} (the
 * command's exit code, written by its wrapper), {@code .log} (its output, appended).
 */
final class TaskRecords {
    /** A task's process group leader: pid and start time (clock ticks since boot). */
    record Leader(long pid, long startTime) {
    }

    private final Path dir;

    TaskRecords(Path workDir) {
        this.dir = workDir.resolve("command-tasks");
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir + " for the command tasks' records", e);
        }
    }

    Path exitFile(String taskId) {
        return file(taskId, ".exit");
    }

    Path logFile(String taskId) {
        return file(taskId, ".log");
    }

    void writeLeader(String taskId, Leader leader) throws IOException {
        Path pid = file(taskId, ".pid");
        Path tmp = pid.resolveSibling(pid.getFileName() + ".tmp");
        Files.writeString(tmp, leader.pid() + " " + leader.startTime() + "\n");
        Files.move(tmp, pid, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** The recorded leader; empty when there is no record, or one that is not ours (unparseable). */
    Optional<Leader> leader(String taskId) throws IOException {
        Path pid = file(taskId, ".pid");
        if (!Files.exists(pid)) {
            return Optional.empty();
        }
        String[] parts = Files.readString(pid).trim().split(" ");
        try {
            return Optional.of(new Leader(Long.parseLong(parts[0]), Long.parseLong(parts[1])));
        } catch (NumberFormatException | ArrayIndexOutOfBoundsException e) {
            return Optional.empty();
        }
    }

    /** The exit code the wrapper wrote, if it did. */
    OptionalInt exitCode(String taskId) {
        try {
            return OptionalInt.of(Integer.parseInt(Files.readString(exitFile(taskId)).trim()));
        } catch (IOException | NumberFormatException none) {
            return OptionalInt.empty();
        }
    }

    /** Deletes the task's pid and exit records (its log stays). */
    void forget(String taskId) {
        try {
            Files.deleteIfExists(file(taskId, ".pid"));
            Files.deleteIfExists(exitFile(taskId));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete the records of task " + taskId + " in " + dir, e);
        }
    }

    private Path file(String taskId, String suffix) {
        return dir.resolve(URLEncoder.encode(taskId, StandardCharsets.UTF_8) + suffix);
    }
}
