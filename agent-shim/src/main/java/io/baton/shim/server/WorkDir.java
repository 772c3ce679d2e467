package io.baton.shim.server;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The shim's work directory: private to the shim's uid (see {@link WorkDirModes}), locked so two shims never
 * share it.
 */
public final class WorkDir implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(WorkDir.class);

    private final FileChannel channel;
    private final FileLock lock;

    private WorkDir(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Creates {@code dir} with mode 0700, or makes an existing one 0700 if the shim's uid owns it; fails, naming
     * the path, both uids and what to do, if another uid owns it.
     */
    public static void prepare(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(WorkDirModes.PRIVATE));
            return;
        }
        int owner = (Integer) Files.getAttribute(dir, "unix:uid");
        int self = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid"); // the effective uid
        WorkDirModes.Decision d = WorkDirModes.decide(dir, owner, self, Files.getPosixFilePermissions(dir));
        if (d instanceof WorkDirModes.Refuse r) {
            throw new IOException(r.message());
        }
        if (d instanceof WorkDirModes.Tighten t) {
            Files.setPosixFilePermissions(dir, WorkDirModes.PRIVATE);
            LOG.info(t.message());
        }
    }

    static WorkDir lock(Path dir) throws IOException {
        prepare(dir);
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
