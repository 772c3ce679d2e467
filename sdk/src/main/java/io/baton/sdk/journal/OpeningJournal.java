package io.baton.sdk.journal;

import io.baton.proto.JournalRecord;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A journal in use before its Chronicle queue is open, so that a restarting executor replays, recovers and
 * subscribes without waiting for Chronicle's start-up (a few hundred ms of class loading and initialisation in a
 * fresh JVM, which on two cores competes with the way to the subscription). Whoever opens the queue on another thread completes
 * {@code opening}; {@code hurry} asks it to start at once, when a call here needs the queue.
 *
 * <ul>
 *   <li>{@link #replay} reads the cycle files directly ({@link CycleReader}) while the queue is not open, then the
 *       records of {@link PendingRecords} the queue does not hold yet; it goes through Chronicle when the files
 *       cannot be read that way.
 *   <li>{@link #append} before the queue is open keeps the record in memory, in order. {@link #settle} — which
 *       whoever acts on a record calls first ({@code ExecutorRuntime} does before every effect that leaves the
 *       executor, the subscription included) — writes what is kept to {@link PendingRecords}' file: in the file
 *       when it returns, surviving kill -9 as {@link Journal#append} promises. {@link #sync} fsyncs that file (the
 *       first time also the queue's files an earlier process left unsynced). Nothing waits for the queue on the way.
 *   <li>At the first call that needs the queue once it is open (or at {@link #settle} once it is), the queue takes
 *       every record kept, before anything else and in order, is fsynced, and the file is deleted. A crash in
 *       between leaves both, and the next start takes from the file only what the queue lacks.
 *   <li>{@link #checkpoint}, {@link #stats} and {@link #shortage} need the queue: they hurry its opening and wait
 *       for it ({@link #opening()} tells whether they would). {@link #close} before it is open writes what is kept to
 *       the file and cancels the opening (the next start's queue takes them).
 * </ul>
 *
 * <p>If the queue cannot be opened, every call that needs it throws what the opening threw. Threading: one thread
 * (the driver loop), as for any journal; the opening completes on its own thread.
 */
public final class OpeningJournal implements Journal {
    /** Made on first use: the executor makes this journal before anything sets logging up, which takes a while. */
    private static final class Log {
        static final Logger LOG = LoggerFactory.getLogger(OpeningJournal.class);
    }

    private final Path dir;
    private final CompletableFuture<? extends Journal> opening;
    private final Runnable hurry;
    private final PendingRecords.Writer pending;
    /** The writer's lock, taken when made with the queue not open yet (the executor's writer); else none. */
    private final WriterLock lock;
    /** False: every call that acts on records waits for the queue, as before 2026-12-06 (a benchmark's variant). */
    private final boolean keepInFile;
    private Journal open;
    /** Records the queue does not hold yet, in order: the first {@link #written} of them are in the file. */
    private List<JournalRecord> held = new ArrayList<>();
    private int written;
    /** Whether replay read the file: only then do {@link #held} and the file tell the same records. */
    private boolean pendingRead;
    /** Whether a {@link #sync} before the queue opened fsynced the queue's files an earlier process left. */
    private boolean queueFilesForced;
    private long heldSince;

    /** @param dir the journal's directory; @param opening completes with the journal opened in it (started elsewhere) */
    public OpeningJournal(Path dir, CompletableFuture<? extends Journal> opening) {
        this(dir, opening, () -> { }, true);
    }

    /**
     * @param dir the journal's directory
     * @param opening completes with the Chronicle journal opened in it, without {@link ChronicleJournal.Options#foldPending}
     *     (this journal hands the queue the held records itself)
     * @param hurry asks whoever opens it to start now (called before each wait for it; idempotent)
     * @param keepInFile whether {@link #settle} and {@link #sync} write to {@link PendingRecords}' file until the queue
     *     is open (else they wait for it, as before 2026-12-06: the recovery benchmark's side-by-side variant)
     */
    public OpeningJournal(Path dir, CompletableFuture<? extends Journal> opening, Runnable hurry, boolean keepInFile) {
        this.keepInFile = keepInFile;
        this.dir = Objects.requireNonNull(dir, "dir");
        this.opening = Objects.requireNonNull(opening, "opening");
        this.hurry = Objects.requireNonNull(hurry, "hurry");
        if (!opening.isDone()) { // the executor's writer, before its queue opens
            this.lock = WriterLock.acquire(dir);
            dropHeaderlessTail(dir);
        } else {
            this.lock = null;
        }
        this.pending = new PendingRecords.Writer(dir);
    }

    /** The journal's directory. */
    public Path dir() {
        return dir;
    }

    /**
     * A share of the journal's {@link WriterLock}, which this journal took when it was made with its queue not open
     * yet, for whoever opens the queue: the lock is released when this journal is closed and every share is.
     *
     * @throws IllegalStateException if this journal holds no lock (made with its queue open) or is closed
     */
    public WriterLock retainLock() {
        if (lock == null) {
            throw new IllegalStateException("journal " + dir + ": made with its queue open, it holds no writer's lock");
        }
        return lock.retain();
    }

    /**
     * For a start that failed before anything acted on the journal: cancels the queue's opening (or closes the queue
     * if it opened) and releases this journal's share of the writer's lock, writing nothing (as {@link #close}, it
     * waits a while for whoever opens the queue to be done). Unlike {@link #close} it may be called from another
     * thread than the one that used the journal, once nothing uses it any more (no step, no replay under way).
     */
    public void abandon() {
        try {
            pending.close();
        } catch (IOException | RuntimeException e) {
            Log.LOG.debug("journal {}: closing {}: {}", dir, PendingRecords.NAME, e.toString());
        }
        closeWhenOpened();
    }

    /** How long closing before the queue opened waits for whoever opens it to let go of its share of the lock. */
    private static final long OPENER_GRACE_MS = 2_000; // well inside an executor's 5 s to stop

    /**
     * Cancels the opening or, if the queue is open already, closes it; then releases this journal's lock share, once
     * whoever was opening the queue let go of theirs (at most {@link #OPENER_GRACE_MS}): a writer started in this
     * process right after finds the lock free.
     */
    private void closeWhenOpened() {
        if (opening.cancel(false)) {
            hurry.run(); // whoever waits to open it finds it cancelled now, and lets its share of the lock go
            if (lock != null && !lock.awaitOthers(OPENER_GRACE_MS)) {
                Log.LOG.warn("journal {}: whoever opens its queue still holds a share of its writer's lock ({}); it goes"
                        + " when they are done", dir, Thread.currentThread().isInterrupted()
                        ? "the wait for it was interrupted" : "after " + OPENER_GRACE_MS + " ms");
            }
            releaseLock();
            return;
        }
        opening.whenComplete((j, failed) -> {
            try {
                if (j != null) {
                    j.close();
                }
            } finally {
                releaseLock();
            }
        });
    }

    private void releaseLock() {
        WriterLock.release(lock);
    }

    /** {@link CycleReader#dropHeaderlessTail}, logged; a failure is left to the queue's opening to report. */
    static void dropHeaderlessTail(Path dir) {
        try {
            List<String> dropped = CycleReader.dropHeaderlessTail(dir);
            if (!dropped.isEmpty()) {
                Log.LOG.warn("journal {}: deleted cycle files with nothing in them, left by a process killed while it "
                        + "created them: {}", dir, dropped);
            }
        } catch (IOException | RuntimeException e) {
            Log.LOG.warn("journal {}: could not check its last cycle files for one without a header: {}", dir, e.toString());
        }
    }

    @Override
    public long append(JournalRecord record) {
        Objects.requireNonNull(record, "record");
        if (open == null && !opening.isDone()) {
            if (held.isEmpty()) {
                heldSince = System.nanoTime();
            }
            held.add(record);
            return -held.size(); // not a position yet: the queue has not taken it
        }
        return journal().append(record);
    }

    /**
     * The records appended so far are in the journal's files when this returns: the queue's, if it is open, else
     * {@link PendingRecords}' (one write of those not written yet). Once {@link #replay} has read the file (a
     * restarting executor's case) it does not wait for the queue; before that, or with {@code keepInFile} off, it
     * waits for it and hands it the records.
     */
    @Override
    public void settle() {
        if (open != null) {
            return;
        }
        if (!pendingRead || !keepInFile || opening.isDone() && !opening.isCompletedExceptionally()) {
            journal();
            return;
        } // else into the file: the queue is not open yet, or cannot be (the executor stops; the file keeps them)
        if (written < held.size()) {
            try {
                pending.write(held.subList(written, held.size()));
            } catch (IOException e) {
                throw new JournalException(dir, "writing records held while the queue opens to " + PendingRecords.NAME,
                        e);
            }
            written = held.size();
        }
    }

    @Override
    public void sync() {
        if (open == null && pendingRead && keepInFile && (!opening.isDone() || opening.isCompletedExceptionally())) {
            settle();
            try {
                if (!queueFilesForced) {
                    PendingRecords.forceQueueFiles(dir);
                    queueFilesForced = true;
                }
                pending.force();
            } catch (IOException e) {
                throw new JournalException(dir, "syncing " + PendingRecords.NAME, e);
            }
            return;
        }
        journal().sync();
    }

    @Override
    public long checkpoint(JournalRecord checkpoint) {
        return journal().checkpoint(checkpoint);
    }

    @Override
    public void replay(Consumer<JournalRecord> consumer) {
        Objects.requireNonNull(consumer, "consumer");
        long[] last = {Long.MIN_VALUE}; // nothing replayed: every record of the file is missing from the queue
        Consumer<JournalRecord> counting = r -> {
            last[0] = Math.max(last[0], r.getSequence());
            consumer.accept(r);
        };
        if (open == null && !opening.isDone() && held.isEmpty() && !pendingRead) {
            CycleReader.Outcome read;
            try {
                read = CycleReader.read(dir);
            } catch (IOException | RuntimeException e) {
                read = CycleReader.Outcome.no(e.toString());
            }
            if (read.records() != null) {
                read.records().forEach(counting);
                List<JournalRecord> kept = readPending(last[0]);
                kept.forEach(consumer);
                held = new ArrayList<>(kept); // in the file already; the queue takes them first
                written = kept.size();
                pendingRead = true;
                return;
            }
            Log.LOG.info("journal {}: replaying through Chronicle once it is open: {}", dir, read.unavailable());
        }
        Journal j = journal();
        j.replay(counting);
        if (!pendingRead) { // the file's records after the queue's, handed to it at once
            List<JournalRecord> kept = readPending(last[0]);
            kept.forEach(consumer);
            kept.forEach(j::append);
            pendingRead = true;
            dropPendingFile(j);
        }
    }

    /** {@link PendingRecords}' records the queue lacks (numbered above {@code lastSequence}, the queue's last). */
    private List<JournalRecord> readPending(long lastSequence) {
        try {
            PendingRecords.Contents c = PendingRecords.read(dir);
            List<JournalRecord> kept = PendingRecords.after(c.records(), lastSequence);
            if (!kept.isEmpty()) {
                Log.LOG.info("journal {}: {} records written while the queue opened, before the executor stopped,"
                        + " replayed from {} (the queue holds {} more of them)", dir, kept.size(), PendingRecords.NAME,
                        c.records().size() - kept.size());
            }
            return kept;
        } catch (IOException e) {
            throw new JournalException(dir, "reading " + PendingRecords.NAME, e);
        }
    }

    @Override
    public long appended() {
        return open == null ? held.size() : open.appended();
    }

    @Override
    public Stats stats() {
        return journal().stats();
    }

    @Override
    public Optional<Shortage> shortage() {
        return journal().shortage();
    }

    /**
     * True while the queue is still to be opened and records go to the file meanwhile: a checkpoint now would wait
     * for it. False once the opening is over (whether or not it succeeded: calls that need it then throw its error).
     */
    @Override
    public boolean opening() {
        return keepInFile && open == null && !opening.isDone();
    }

    /** Whether the queue is open and holds every record appended (nothing kept in memory or in the file). */
    public boolean settled() {
        return open != null;
    }

    @Override
    public void close() {
        if (open == null && pendingRead && (!opening.isDone() || opening.isCompletedExceptionally())) {
            try {
                settle(); // nothing acted on the unwritten ones, but a clean stop keeps them
                pending.close();
            } catch (IOException | RuntimeException e) {
                Log.LOG.warn("journal {}: closing {}: {}", dir, PendingRecords.NAME, e.toString());
            }
            closeWhenOpened(); // not to be opened now: the queue takes them at the next start
            return;
        }
        if (open == null && held.isEmpty() && !opening.isDone()) {
            closeWhenOpened();
            return;
        }
        try {
            journal().close();
        } catch (RuntimeException | Error e) {
            if (open == null && opening.isDone() && !opening.isCompletedExceptionally() && !opening.isCancelled()) {
                try {
                    opening.join().close(); // the hand-over failed: close the queue all the same, the file keeps them
                } catch (RuntimeException | Error also) {
                    e.addSuppressed(also);
                }
            }
            throw e;
        } finally {
            releaseLock();
        }
    }

    @Override
    public String toString() {
        return dir.toString();
    }

    private Journal journal() {
        if (open != null) {
            return open;
        }
        hurry.run();
        Journal j;
        try {
            j = opening.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw e;
        }
        List<JournalRecord> records = held;
        for (int i = 0; i < records.size(); i++) {
            j.append(records.get(i));
            held = records.subList(i + 1, records.size()); // a failure half way leaves the rest held, in order
            written = Math.max(0, written - 1);
        }
        if (!records.isEmpty()) {
            Log.LOG.debug("journal {}: {} records held while the queue opened went in, {} ms after the first", dir,
                    records.size(), (System.nanoTime() - heldSince) / 1_000_000);
        }
        held = new ArrayList<>();
        written = 0;
        if (pendingRead) {
            dropPendingFile(j);
        }
        open = j;
        return j;
    }

    /** The queue holds the file's records: fsynced there, the file goes (a crash before leaves both, harmlessly). */
    private void dropPendingFile(Journal j) {
        try {
            pending.close();
            if (PendingRecords.exists(dir)) {
                j.sync();
                PendingRecords.delete(dir);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("journal " + dir + ": removing " + PendingRecords.NAME
                    + " once the queue held its records", e);
        }
    }
}
