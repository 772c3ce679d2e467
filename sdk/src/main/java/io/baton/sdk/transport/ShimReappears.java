package io.baton.sdk.transport;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;

/**
 * Whether the file a shim announces itself by — its executor Unix socket, or a shim address file
 * ({@link ShimAddressFile}: the file or a newer {@code FILE.N}) — was created or changed since the last look, while
 * a connection waits to reconnect. A shim binds its socket (or writes its address) once it listens, so a connection
 * that sees it connects then instead of at the end of its backoff: after a shim restart an executor waited up to
 * the backoff's step (800 ms to 5 s once the shim had been away a second or more); now it waits for the shim.
 *
 * <p>The kernel's file notifications (inotify, through the JDK's {@link WatchService}, which has a thread of its own
 * that waits for them); {@link #changed} only looks at what that thread queued, so the connection's IO thread can
 * ask without blocking. Only creations and changes of the file's own name count: the shim's other files in the same
 * directory and the removal of a stale socket do not. Not thread-safe: one thread asks (a connection's IO thread).
 */
public final class ShimReappears implements AutoCloseable {
    private final WatchService service;
    private final String name;
    private final boolean versions;

    private ShimReappears(WatchService service, String name, boolean versions) {
        this.service = service;
        this.name = name;
        this.versions = versions;
    }

    /**
     * Watches {@code file}'s directory for {@code file} (and, with {@code versions}, {@code file.N}) being created
     * or changed. Fails if the directory cannot be watched (missing, unreadable, or no notifications left).
     */
    public static ShimReappears watch(Path file, boolean versions) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        WatchService service = FileSystems.getDefault().newWatchService();
        try {
            dir.register(service, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY);
        } catch (IOException | RuntimeException e) {
            service.close();
            throw e;
        }
        return new ShimReappears(service, file.getFileName().toString(), versions);
    }

    /** True if the file appeared or changed since the last call (or since {@link #watch}, the first time). */
    public boolean changed() {
        boolean seen = false;
        try {
            WatchKey key;
            while ((key = service.poll()) != null) {
                for (WatchEvent<?> event : key.pollEvents()) {
                    seen |= event.kind() == StandardWatchEventKinds.OVERFLOW // events were lost: it may be among them
                            || event.context() instanceof Path p && names(p.toString());
                }
                key.reset();
            }
        } catch (ClosedWatchServiceException e) {
            return false;
        }
        return seen;
    }

    /** {@code entry} is the watched file's name, or with versions {@code name.N}. */
    boolean names(String entry) {
        if (entry.equals(name)) {
            return true;
        }
        if (!versions || !entry.startsWith(name + ".") || entry.length() == name.length() + 1) {
            return false;
        }
        for (int i = name.length() + 1; i < entry.length(); i++) {
            if (entry.charAt(i) < '0' || entry.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    @Override
    public void close() {
        try {
            service.close();
        } catch (IOException e) {
            // nothing held that outlives the process: the notifications' descriptor is gone either way
        }
    }
}
