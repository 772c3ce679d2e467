package io.baton.sdk.journal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code writer.lock}: one writer per journal directory. The journal's writer (an executor's journal, or
 * {@link ChronicleJournal#open} with {@link ChronicleJournal.Options#foldPending}) holds an exclusive lock on this file
 * while the journal is open; a second writer on the same directory fails with a {@link JournalInUseException} naming
 * the process that holds it, before it touches anything: at once if that is another process, after
 * {@link #IN_PROCESS_GRACE_MS} if it is this one (a journal closed on one thread may still be letting go on
 * another). Retention, {@link PendingRecords}' file and the clean-up of cycle files without a header
 * ({@link CycleReader#dropHeaderlessTail}) delete files on the assumption that nothing else writes there. Readers
 * ({@code baton journal}) take no lock.
 *
 * <p>The lock is the operating system's ({@link FileChannel#tryLock}): a process that dies, SIGKILL included, releases
 * it, so a restart never finds a stale one; the file stays, holding the last holder's pid as text for the error
 * message. On Linux closing any descriptor of the file drops the process's lock on it, so this process never opens
 * the file a second time while it holds it: a table of this class's answers for the holders in this process (one per
 * class loader: two copies of the SDK in one JVM would not see each other's).
 */
public final class WriterLock implements AutoCloseable {
    static final String NAME = "writer.lock";
    /** The lock files this process holds (real paths). */
    private static final Map<Path, Held> HELD = new ConcurrentHashMap<>();
    /** How long a writer waits for a holder in this process to let go (another process's is refused at once). */
    static final long IN_PROCESS_GRACE_MS = 1_000;

    /** The lock itself, released when the last of its shares closes. */
    private static final class Held {
        final Path file;
        final FileChannel channel;
        final FileLock lock;
        int shares = 1;

        Held(Path file, FileChannel channel, FileLock lock) {
            this.file = file;
            this.channel = channel;
            this.lock = lock;
        }
    }

    private final Held held;
    private boolean closed;

    private WriterLock(Held held) {
        this.held = held;
    }

    /**
     * Takes the writer's lock of the journal in {@code dir} (created if needed).
     *
     * @throws JournalException if another writer holds it (naming it), or the file cannot be made or locked
     */
    public static WriterLock acquire(Path dir) {
        Path file;
        try {
            Files.createDirectories(dir);
            file = dir.toRealPath().resolve(NAME);
        } catch (IOException e) {
            throw new JournalException(dir, "taking the writer's lock " + NAME, e);
        }
        Held mine = new Held(file, null, null);
        if (!claimInThisProcess(file, mine)) {
            throw inUse(dir, "this process (pid " + ProcessHandle.current().pid() + ")");
        }
        FileChannel channel = null;
        try {
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
            FileLock lock = channel.tryLock();
            if (lock == null) {
                throw inUse(dir, holder(read(channel)));
            }
            try { // who holds it, for another writer's error message; a full disk leaves it unsaid, and locked
                channel.truncate(0);
                channel.write(ByteBuffer.wrap(("pid " + ProcessHandle.current().pid() + "\n")
                        .getBytes(StandardCharsets.US_ASCII)), 0);
            } catch (IOException unsaid) {
                // the journal's own opening reports the shortage, with its numbers (SpaceGuard)
            }
            Held held = new Held(file, channel, lock);
            HELD.put(file, held);
            return new WriterLock(held);
        } catch (IOException | OverlappingFileLockException e) {
            unclaim(file, mine);
            closeQuietly(channel);
            throw new JournalException(dir, "taking the writer's lock " + NAME, e);
        } catch (RuntimeException | Error e) {
            unclaim(file, mine);
            closeQuietly(channel);
            throw e;
        }
    }

    /**
     * Waits until no writer holds the journal in {@code dir}: returns at once if none does, else the moment the holder
     * lets go or dies (the kernel's blocking lock, not a poll). Takes nothing for good: it holds a shared lock on the
     * file for an instant as it returns (a writer trying then is refused as if the lock were held), and the writer
     * that starts next takes the lock with {@link #acquire}, and may find that another process was quicker. Where no
     * writer ever ran it makes the directory and an empty {@code writer.lock}. While it waits, a writer in this process
     * is refused as if this wait held the lock.
     *
     * @throws InterruptedException if the calling thread is interrupted while it waits
     * @throws JournalException if the lock's file cannot be made or waited on
     */
    public static void awaitFree(Path dir) throws InterruptedException {
        Path file;
        try {
            Files.createDirectories(dir);
            file = dir.toRealPath().resolve(NAME);
        } catch (IOException e) {
            throw new JournalException(dir, "waiting for the writer's lock " + NAME, e);
        }
        Held waiting = new Held(file, null, null);
        synchronized (HELD) {
            while (HELD.putIfAbsent(file, waiting) != null) { // a writer in this process: its unclaim wakes this
                HELD.wait();
            }
        }
        // the file opened only now: closing it while this process held the lock through another descriptor would drop
        // that lock (see the class). Read-only and a shared lock where the file is there: waiters do not exclude one
        // another, and the file is not written (made, empty, where no writer ever ran)
        boolean there = Files.exists(file);
        try (FileChannel channel = there ? FileChannel.open(file, StandardOpenOption.READ)
                : FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                        StandardOpenOption.WRITE)) {
            channel.lock(0, Long.MAX_VALUE, true).release();
        } catch (java.nio.channels.FileLockInterruptionException | java.nio.channels.ClosedByInterruptException e) {
            Thread.interrupted(); // cleared, as an InterruptedException leaves it
            throw new InterruptedException("interrupted while waiting for the writer's lock " + file);
        } catch (IOException e) {
            throw new JournalException(dir, "waiting for the writer's lock " + NAME, e);
        } finally {
            unclaim(file, waiting);
        }
        if (Thread.interrupted()) {
            throw new InterruptedException("interrupted while waiting for the writer's lock " + file);
        }
    }

    /**
     * Another share of this lock, for whoever still works on the journal's files after this share's owner closes (the
     * lock is released when every share is closed).
     *
     * @throws IllegalStateException if this share is closed
     */
    public WriterLock retain() {
        synchronized (held) {
            if (closed || held.shares == 0) {
                throw new IllegalStateException("the writer's lock " + held.file + " is released");
            }
            held.shares++;
            return new WriterLock(held);
        }
    }

    /**
     * {@code journal}, whose {@link Journal#close} closes this share after it closed: for whoever opens a journal's
     * queue and hands it over, so that the lock covers the queue until it is closed, and no longer.
     */
    public Journal heldBy(Journal journal) {
        return new ForwardingJournal(journal) {
            @Override
            public void close() {
                try {
                    super.close();
                } finally {
                    WriterLock.this.close();
                }
            }
        };
    }

    /**
     * Waits, at most {@code timeoutMs}, until this share is the only one open (whoever holds the others is done with
     * the journal's files); returns whether it is. An interrupt ends the wait (the flag stays set).
     */
    public boolean awaitOthers(long timeoutMs) {
        synchronized (held) {
            return waitOn(held, () -> closed || held.shares <= 1, timeoutMs) && !closed && held.shares == 1;
        }
    }

    /** Closes this share; the last one releases the lock (the file stays). Idempotent. */
    @Override
    public void close() {
        synchronized (held) {
            if (closed) {
                return;
            }
            closed = true;
            if (--held.shares > 0) {
                held.notifyAll(); // a share waiting for the others (awaitOthers)
                return;
            }
            try {
                held.lock.release();
            } catch (IOException ignored) {
                // closing the channel below releases it too
            } finally {
                closeQuietly(held.channel);
                unclaim(held.file, held);
            }
        }
    }

    /** Closes {@code share} if there is one (a reader's journal has none). */
    static void release(WriterLock share) {
        if (share != null) {
            share.close();
        }
    }

    /** Whether the lock is held (this share or another one open). */
    public boolean held() {
        synchronized (held) {
            return held.shares > 0 && held.lock.isValid();
        }
    }

    @Override
    public String toString() {
        return held.file.toString();
    }

    private static JournalException inUse(Path dir, String by) {
        return new JournalInUseException(dir, by);
    }

    /**
     * Claims {@code file} in this process's table, waiting up to {@link #IN_PROCESS_GRACE_MS} for a holder here to
     * let it go: a journal closed on one thread may still be releasing it on another (the queue's opener, woken to find
     * its opening cancelled) when the same process starts a writer again.
     */
    private static boolean claimInThisProcess(Path file, Held mine) {
        synchronized (HELD) {
            return waitOn(HELD, () -> HELD.putIfAbsent(file, mine) == null, IN_PROCESS_GRACE_MS);
        }
    }

    /**
     * Waits on {@code monitor}, which the caller holds, until {@code done} (checked under it) is true, at most
     * {@code timeoutMs}; false on the timeout or an interrupt (the flag stays set).
     */
    private static boolean waitOn(Object monitor, java.util.function.BooleanSupplier done, long timeoutMs) {
        long deadline = System.nanoTime() + timeoutMs * 1_000_000L;
        while (!done.getAsBoolean()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            try {
                monitor.wait(Math.max(1, left / 1_000_000L));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

    private static void unclaim(Path file, Held held) {
        synchronized (HELD) {
            HELD.remove(file, held);
            HELD.notifyAll();
        }
    }

    /** Who the file says holds it: its pid, and the command line of that process where it can be read. */
    private static String holder(String text) {
        if (!text.startsWith("pid ")) {
            return "another process";
        }
        try {
            long pid = Long.parseLong(text.substring(4).trim());
            String command = command(pid);
            return "another process, pid " + pid + (command.isEmpty() ? "" : " (" + command + ")");
        } catch (NumberFormatException e) {
            return "another process";
        }
    }

    /** The java launcher's options whose value is the next argument (written without '='). */
    private static final java.util.Set<String> JAVA_OPTIONS_WITH_VALUE = java.util.Set.of("-cp", "-classpath",
            "--class-path", "-p", "--module-path", "--upgrade-module-path", "--add-modules", "--limit-modules",
            "--add-opens", "--add-exports", "--add-reads", "--patch-module", "--enable-native-access", "--source");

    /**
     * What process {@code pid} runs, shortly: its program's name and, for a JVM, its main class (or jar) and the
     * arguments after it, not the class path and flags; empty if it cannot be read.
     */
    static String command(long pid) {
        List<String> args;
        try {
            byte[] raw = Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline"));
            args = new ArrayList<>(List.of(new String(raw, StandardCharsets.UTF_8).split("\0")));
        } catch (IOException | RuntimeException e) {
            args = ProcessHandle.of(pid).flatMap(p -> p.info().arguments().map(a -> {
                List<String> all = new ArrayList<>();
                p.info().command().ifPresent(all::add);
                all.addAll(List.of(a));
                return all;
            })).orElse(new ArrayList<>());
        }
        if (args.isEmpty() || args.get(0).isEmpty()) {
            return "";
        }
        String program = Path.of(args.get(0)).getFileName().toString();
        int from = 1;
        if (program.equals("java")) {
            for (int i = 1; i < args.size(); i++) {
                String a = args.get(i);
                if (JAVA_OPTIONS_WITH_VALUE.contains(a)) {
                    i++; // its value
                } else if (a.equals("-jar") || a.equals("-m") || a.equals("--module")) {
                    from = i;
                    break;
                } else if (!a.startsWith("-")) {
                    from = i;
                    break;
                }
            }
        }
        String line = program + " " + String.join(" ", args.subList(Math.min(from, args.size()), args.size()));
        return line.length() <= 200 ? line.trim() : line.substring(0, 197) + "...";
    }

    /** The holder's line, from the channel this process opened and does not lock (at most 64 bytes). */
    private static String read(FileChannel channel) {
        try {
            ByteBuffer buf = ByteBuffer.allocate(64);
            channel.read(buf, 0);
            return new String(buf.array(), 0, buf.position(), StandardCharsets.US_ASCII).trim();
        } catch (IOException e) {
            return "";
        }
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // nothing held through it
            }
        }
    }
}
