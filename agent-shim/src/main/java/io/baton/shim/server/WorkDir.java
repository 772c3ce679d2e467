package io.baton.shim.server;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;

/** The shim's work directory (mode 0700 when created), locked so two shims never share it. */
final class WorkDir implements AutoCloseable {
    private final FileChannel channel;
    private final FileLock lock;

    private WorkDir(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    static WorkDir lock(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        }
        Path lockFile = dir.resolve("shim.lock");
        FileChannel ch = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock = ch.tryLock();
        if (lock == null) {
            ch.close();
            throw new IOException("another shim is running on work directory " + dir + " (" + lockFile
                    + " is locked); stop it or use another --work-dir");
        }
        return new WorkDir(ch, lock);
    }

    @Override
    public void close() {
        try {
            lock.release();
            channel.close();
        } catch (IOException ignored) {
            // the process is going away; the OS drops the lock anyway
        }
    }
}
