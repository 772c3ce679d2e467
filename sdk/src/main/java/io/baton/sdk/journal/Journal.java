package io.baton.sdk.journal;

import io.baton.proto.JournalRecord;
import java.util.function.Consumer;

/**
 * The executor's write-ahead journal. Every input to the replacement engine is appended before the
 * engine acts on it; replaying the journal into a fresh engine rebuilds the same state.
 *
 * <p>Durability: {@link #append} returns once the record is in the journal's memory-mapped file, which
 * survives the process being killed (kill -9) but not the machine losing power; {@link #sync} forces
 * everything appended so far to stable storage (the SYNC level calls it before irreversible commands).
 *
 * <p>Retention: {@link #checkpoint} appends a record that holds everything still needed (the open
 * state); replay starts at the latest checkpoint, and storage wholly before it is deleted, so disk use
 * stays bounded however long the executor runs.
 *
 * <p>Implementations are used from one thread (the runtime's driver loop).
 */
public interface Journal extends AutoCloseable {

    /** Appends a record; returns its position (increasing). */
    long append(JournalRecord record);

    /**
     * Returns once every record appended so far is where {@link #append} promises it (in the journal's file). A no-op
     * for a journal whose appends put it there at once; {@link OpeningJournal} holds appends made while its file is
     * still opening, and waits for it here. Call it before acting on what was appended.
     */
    default void settle() {
    }

    /** Forces every record appended so far to stable storage (fsync). */
    void sync();

    /**
     * Appends a checkpoint record and makes it the start of future replays; storage that holds only
     * records before it may be deleted from then on. Returns its position. A journal may make it the start in the
     * background (an fsync and a file replaced, off the caller's thread): until it has, replay starts at the
     * checkpoint before, whose records are all kept; the next checkpoint, {@link #replay}, {@link #stats} and
     * {@link #close} wait for it.
     */
    long checkpoint(JournalRecord checkpoint);

    /** Feeds every record from the latest checkpoint (inclusive; or the very first record) in order. */
    void replay(Consumer<JournalRecord> consumer);

    /** Counters for tests, benchmarks and the CLI (may read the file system: not per record). */
    Stats stats();

    /** Records appended by this instance: {@code stats().appended()} without its cost (read after every step). */
    default long appended() {
        return stats().appended();
    }

    /**
     * Whether the journal's storage is too low on space to take on new work (a new replacement), with
     * the numbers; empty when there is room. Appends for work already under way may still succeed (see
     * {@link ChronicleJournal}); an append that cannot be made safely throws {@link JournalFullException}.
     * Reads the file system's free space: call it per new piece of work, not per append.
     */
    default java.util.Optional<Shortage> shortage() {
        return java.util.Optional.empty();
    }

    /**
     * Whether the journal's store is still opening ({@link OpeningJournal}): appends and {@link #settle} go on
     * meanwhile, a {@link #checkpoint} would wait for it.
     */
    default boolean opening() {
        return false;
    }

    @Override
    void close();

    /**
     * @param appended records appended by this instance
     * @param syncs fsyncs performed by this instance
     * @param bytesOnDisk current size of the journal's files (0 in memory)
     * @param files current number of files (roll cycles)
     */
    record Stats(long appended, long syncs, long bytesOnDisk, int files) {
    }

    /**
     * @param dir the journal's directory
     * @param freeBytes usable bytes on its file system now
     * @param neededBytes usable bytes it needs before it takes on new work
     */
    record Shortage(java.nio.file.Path dir, long freeBytes, long neededBytes) {
        public String message() {
            return "journal " + dir + " is out of space: its file system has " + freeBytes + " bytes free, "
                    + neededBytes + " needed to accept new replacements; free space there and retry";
        }
    }
}
