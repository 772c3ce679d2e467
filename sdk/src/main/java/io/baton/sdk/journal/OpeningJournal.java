package io.baton.sdk.journal;

import io.baton.proto.JournalRecord;
import java.io.IOException;
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
 * A journal in use while its Chronicle queue is still opening on another thread, so that a restarting executor
 * replays and recovers while Chronicle starts (about half a second of class loading and
 * initialisation in a fresh JVM, the longest part of a restart).
 *
 * <ul>
 *   <li>{@link #replay} reads the cycle files directly ({@link CycleReader}) while the queue is not open yet, and
 *       through Chronicle once it is or when the files cannot be read that way.
 *   <li>{@link #append} before the queue is open keeps the record in memory, in order; the records go to the queue,
 *       before anything else, at the first call that needs it once it is open, or at {@link #settle}. Such a record
 *       is not yet what {@link Journal#append} promises (in the mapped file, surviving kill -9): whoever acts on a
 *       record first calls {@link #settle} ({@code ExecutorRuntime} does before every effect that leaves the
 *       executor, the subscription included; not for log lines, timers, the connection and the recover hook's
 *       question). A crash before then loses only records nothing was done on yet, which the next recovery makes
 *       again from the same journal.
 *   <li>{@link #sync}, {@link #checkpoint}, {@link #stats}, {@link #shortage} and {@link #close} wait for the queue
 *       and hand it what is held first.
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
    private Journal open;
    private List<JournalRecord> held = new ArrayList<>();
    private long heldSince;

    /** @param dir the journal's directory; @param opening completes with the journal opened in it */
    public OpeningJournal(Path dir, CompletableFuture<? extends Journal> opening) {
        this.dir = Objects.requireNonNull(dir, "dir");
        this.opening = Objects.requireNonNull(opening, "opening");
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

    /** Waits for the queue if it is still opening and hands it every record held until then. */
    @Override
    public void settle() {
        journal();
    }

    @Override
    public void sync() {
        journal().sync();
    }

    @Override
    public long checkpoint(JournalRecord checkpoint) {
        return journal().checkpoint(checkpoint);
    }

    @Override
    public void replay(Consumer<JournalRecord> consumer) {
        Objects.requireNonNull(consumer, "consumer");
        if (open == null && !opening.isDone() && held.isEmpty()) { // (held records are not in the files)
            CycleReader.Outcome read;
            try {
                read = CycleReader.read(dir);
            } catch (IOException | RuntimeException e) {
                read = CycleReader.Outcome.no(e.toString());
            }
            if (read.records() != null) {
                read.records().forEach(consumer);
                return;
            }
            Log.LOG.info("journal {}: replaying through Chronicle once it is open: {}", dir, read.unavailable());
        }
        journal().replay(consumer);
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

    /** Whether the queue is open and holds every record appended (nothing kept in memory). */
    public boolean settled() {
        return open != null;
    }

    @Override
    public void close() {
        if (open == null && held.isEmpty()) {
            opening.thenAccept(Journal::close); // nothing to hand over: do not wait for the opening
            return;
        }
        journal().close();
    }

    @Override
    public String toString() {
        return dir.toString();
    }

    private Journal journal() {
        if (open != null) {
            return open;
        }
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
        }
        if (!records.isEmpty()) {
            Log.LOG.debug("journal {}: {} records held while the queue opened went in, {} ms after the first", dir,
                    records.size(), (System.nanoTime() - heldSince) / 1_000_000);
        }
        held = List.of();
        open = j;
        return j;
    }
}
