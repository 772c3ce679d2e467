package io.baton.shim.isolator;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/** cgroupfs through the kernel. Each value goes out in one write(2) on a file opened O_WRONLY only. */
final class KernelCgroupFs implements CgroupFs {

    static final KernelCgroupFs INSTANCE = new KernelCgroupFs();

    /** rmdir can report EBUSY for a moment while the last exiting task is reaped. */
    private static final int RMDIR_ATTEMPTS = 25;
    private static final long RMDIR_BACKOFF_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

    private KernelCgroupFs() {
    }

    @Override
    public void mkdir(Path dir) throws IsolatorException {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new IsolatorException("cannot create cgroup " + dir + ": " + reason(e), e);
        }
    }

    @Override
    public void rmdir(Path dir) throws IsolatorException {
        for (int attempt = 1; ; attempt++) {
            try {
                Files.deleteIfExists(dir);
                return;
            } catch (IOException e) {
                if (attempt >= RMDIR_ATTEMPTS || !isBusy(e)) {
                    throw new IsolatorException("cannot remove cgroup " + dir + " (after " + attempt
                            + " attempt(s)): " + reason(e), e);
                }
                LockSupport.parkNanos(RMDIR_BACKOFF_NANOS);
            }
        }
    }

    @Override
    public boolean exists(Path path) {
        return Files.exists(path);
    }

    @Override
    public boolean isWritable(Path path) {
        return Files.isWritable(path);
    }

    @Override
    public String read(Path file) throws IsolatorException {
        try {
            return Files.readString(file, StandardCharsets.US_ASCII).trim();
        } catch (IOException e) {
            throw new IsolatorException("cannot read " + file + ": " + reason(e), e);
        }
    }

    @Override
    public void write(Path file, String value) throws IsolatorException {
        byte[] bytes = value.getBytes(StandardCharsets.US_ASCII);
        // No TRUNCATE_EXISTING/CREATE: cgroupfs parses each write(2) as one value.
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            int written = channel.write(ByteBuffer.wrap(bytes));
            if (written != bytes.length) {
                throw new IsolatorException("short write of '" + value + "' to " + file + ": " + written
                        + " of " + bytes.length + " bytes");
            }
        } catch (IOException e) {
            throw new IsolatorException("cannot write '" + value + "' to " + file + ": " + reason(e), e);
        }
    }

    private static boolean isBusy(IOException e) {
        return e instanceof FileSystemException fse && fse.getReason() != null
                && fse.getReason().contains("busy");
    }

    /** The OS message (strerror) rather than Java's path-prefixed text. */
    static String reason(IOException e) {
        if (e instanceof NoSuchFileException) {
            return "No such file or directory";
        }
        if (e instanceof FileSystemException fse && fse.getReason() != null) {
            return fse.getReason();
        }
        return String.valueOf(e.getMessage());
    }
}
