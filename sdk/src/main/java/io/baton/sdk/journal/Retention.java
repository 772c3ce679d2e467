package io.baton.sdk.journal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The durable half of {@link ChronicleJournal}'s checkpoints, on a thread of its own ({@code baton-journal-retention},
 * started at the first checkpoint): the fsyncs a checkpoint needs, the record of its index ({@link CheckpointFile})
 * and position ({@link CheckpointPosition}), then the deletion of the cycle files wholly before it. Until a checkpoint
 * is recorded, {@link #replayStart} is the one before; the journal waits ({@link #await}) before its next checkpoint,
 * a replay, its counters and its close, so at most one checkpoint is ever unrecorded.
 *
 * <p>Threading: {@link #submit} and {@link #takeListingStale} from the journal's thread; {@link #await},
 * {@link #replayStart} and {@link #syncs} from any thread. It touches files only, never the queue: cycle files it
 * deleted are reported to the journal's thread, which refreshes the queue's listing.
 */
final class Retention {
    private static final Logger LOG = LoggerFactory.getLogger(Retention.class);

    private final Path dir;
    /** This thread's own (Chronicle's name cache is not shared between threads). */
    private final CycleFiles files;
    private ExecutorService thread;
    /** The latest checkpoint's durable half, until it is known to be done. */
    private volatile Future<?> pending;
    /** Where replay starts: the latest recorded checkpoint's index (-1: the very first record). */
    private volatile long replayStart;
    /** Cycle files were deleted: the journal's thread refreshes the queue's listing. */
    private volatile boolean listingStale;
    /** fsync rounds of checkpoints. */
    private volatile long syncs;

    Retention(Path dir, CycleFiles files, long replayStart) {
        this.dir = dir;
        this.files = files;
        this.replayStart = replayStart;
    }

    /**
     * Records the checkpoint at {@code index} (in cycle {@code first}) on the retention thread: fsyncs the cycle
     * files in {@code unsynced} (and Chronicle's metadata and the directory when {@code directoryToo}), writes
     * {@code checkpoint.idx} and the position hint {@code at}, then deletes the cycle files before {@code first}.
     */
    void submit(long index, int first, List<Integer> unsynced, boolean directoryToo, CheckpointPosition at) {
        if (thread == null) {
            thread = Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "baton-journal-retention");
                t.setDaemon(true);
                return t;
            });
        }
        pending = thread.submit(() -> record(index, first, unsynced, directoryToo, at));
    }

    /**
     * A failure leaves the replay start where it was (the journal is not trimmed until a later checkpoint is
     * recorded); it is logged, and the journal goes on.
     */
    private void record(long index, int first, List<Integer> unsynced, boolean directoryToo, CheckpointPosition at) {
        try {
            for (int cycle : unsynced) {
                Path file = files.path(cycle);
                if (cycle >= first || Files.exists(file)) { // an older one may be gone with an earlier checkpoint
                    DurableFiles.force(file);
                }
            }
            if (directoryToo) {
                DurableFiles.force(dir.resolve(SingleChronicleQueue.QUEUE_METADATA_FILE));
                DurableFiles.forceDirectory(dir);
            }
            syncs++;
            CheckpointFile.write(dir, index);
        } catch (IOException | RuntimeException e) {
            LOG.error("journal {}: checkpoint {} not recorded ({}); replay still starts at the one before, and the"
                    + " journal is not trimmed until a later checkpoint is recorded", dir, index, e.toString());
            return;
        }
        try {
            at.write(dir); // after checkpoint.idx: a hint naming another index is never used
        } catch (IOException e) {
            LOG.warn("journal {}: could not write {} ({}); the next restart replays through Chronicle", dir,
                    CheckpointPosition.NAME, e.toString());
        }
        replayStart = index;
        try {
            if (deleteCyclesBefore(dir, files, first)) {
                listingStale = true;
            }
        } catch (RuntimeException e) {
            LOG.warn("journal {}: old cycle files not deleted ({}); retrying at the next checkpoint", dir,
                    e.toString());
        }
    }

    /** Waits until the latest checkpoint submitted is recorded (or failed to be). */
    void await() {
        Future<?> f = pending;
        if (f == null) {
            return;
        }
        boolean interrupted = false;
        while (true) {
            try {
                f.get();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            } catch (ExecutionException e) {
                break; // record() catches what it can; anything else was an Error, already on the thread
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        if (pending == f) {
            pending = null;
        }
    }

    /** Whether cycle files were deleted since the last call (the caller then refreshes the queue's listing). */
    boolean takeListingStale() {
        if (!listingStale) {
            return false;
        }
        listingStale = false;
        return true;
    }

    long replayStart() {
        return replayStart;
    }

    long syncs() {
        return syncs;
    }

    /** Lets the thread end once the latest checkpoint is recorded (call {@link #await} first to wait for it). */
    void shutdown() {
        if (thread != null) {
            thread.shutdown();
        }
    }

    /**
     * Deletes cycle files wholly before {@code firstKept}; true if it deleted any (the caller refreshes the queue's
     * listing on the journal's thread). The appender only writes its current cycle, never older than a checkpoint's,
     * and replay closes its tailer (and waits for retention), so no store of these files is in use; unlinking a file
     * that is still mapped is safe on POSIX (space returns at unmap).
     */
    static boolean deleteCyclesBefore(Path dir, CycleFiles files, int firstKept) {
        boolean deleted = false;
        try {
            for (Map.Entry<Integer, Path> entry : files.list().headMap(firstKept, false).entrySet()) {
                try {
                    deleted |= Files.deleteIfExists(entry.getValue());
                } catch (IOException e) {
                    // Not fatal: the checkpoint is durable; the next checkpoint tries again.
                    LOG.warn("journal {}: could not delete old cycle file {}; retrying at the next checkpoint",
                            dir, entry.getValue(), e);
                }
            }
        } catch (IOException e) {
            throw new JournalException(dir, "listing cycle files", e);
        }
        return deleted;
    }
}
