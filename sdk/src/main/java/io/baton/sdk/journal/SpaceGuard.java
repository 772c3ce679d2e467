package io.baton.sdk.journal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps Chronicle's memory-mapped writes on pages the file system has already allocated, so a full
 * disk gives a {@link JournalFullException} instead of SIGBUS.
 *
 * <p>Why: Chronicle grows a cycle file with {@code ftruncate} (sparse) and writes through a mapping;
 * on tmpfs, and on most disk file systems, the page behind a mapped address is allocated on first
 * touch, and when none can be allocated the kernel sends SIGBUS (an {@code InternalError} at best, a
 * JVM crash at worst). A {@code write(2)} of the same range fails with ENOSPC instead. So the guard
 * keeps a <em>runway</em>: a range past the last record that it has filled with zeros through an
 * ordinary write (the range is still unwritten by Chronicle, so zeros change nothing), and lets an
 * append through only when the record, plus room for an index array and headers, ends inside it.
 *
 * <p>Cost: no system call for most appends; one {@code statvfs} and a write of about half the runway
 * ({@value #RUNWAY} / 2 bytes of zeros) each time the runway runs low, i.e. every ~{@value #RUNWAY} / 2
 * bytes appended, and one {@code statvfs} before each roll to a new cycle file.
 *
 * <p>Residual risk, by design: the first writes into a new cycle file (its header and first index
 * arrays, about 70 KiB) go to pages the guard cannot allocate before Chronicle creates the file; the
 * guard only checks that enough bytes for them are free just before, so another process filling
 * the disk in that instant could still cause SIGBUS. File systems that do not allocate on write
 * (compressing or deduplicating ones) defeat the runway.
 *
 * <p>Single-threaded, like the journal.
 */
final class SpaceGuard implements AutoCloseable {
    /** Bytes allocated ahead of the last record. */
    static final long RUNWAY = 256 << 10;
    /** The least free space a new cycle file needs before it is started. */
    static final long MIN_ROLL_NEED = 256 << 10;
    private static final int PAGE = 4096;
    private static final ByteBuffer ZEROS = ByteBuffer.allocateDirect(64 << 10).asReadOnlyBuffer();
    private static final Logger LOG = LoggerFactory.getLogger(SpaceGuard.class);

    private final Path dir;
    private final FileStore store;
    /** Room beyond a record: two index arrays (FAST_HOURLY: 4096 x 8 bytes each), headers, an end-of-file mark. */
    private final long slack;
    /** Free bytes a new cycle file needs: header, index-of-indexes and first index array, with a margin. */
    private final long rollNeed;
    /** Free bytes needed before new work is accepted: a roll, a runway and the slack. */
    private final long newWorkNeed;
    private FileChannel file;
    private int cycle = Integer.MIN_VALUE;
    private long tail;
    private long allocatedTo;
    private long extensions;

    SpaceGuard(Path dir, int indexCount) throws IOException {
        this.dir = dir;
        this.store = Files.getFileStore(dir);
        long indexArray = 8L * indexCount;
        this.slack = 2 * indexArray + (16 << 10);
        this.rollNeed = Math.max(MIN_ROLL_NEED, 2 * indexArray + (64 << 10));
        this.newWorkNeed = rollNeed + RUNWAY + slack;
    }

    /** Free bytes below which new work is refused. */
    long newWorkNeed() {
        return newWorkNeed;
    }

    /** Free bytes needed to open the journal or start a cycle file. */
    long rollNeed() {
        return rollNeed;
    }

    /** Before the queue is opened: creating its files touches mapped pages too. */
    void beforeOpen() {
        long free = usable();
        if (free < rollNeed) {
            throw new JournalFullException(dir, "opening the journal", free, rollNeed);
        }
    }

    /**
     * Before appending {@code frameLength} bytes that will go to {@code upcomingCycle}.
     *
     * @throws JournalFullException if the record might land on a page that is not allocated
     */
    void beforeAppend(int upcomingCycle, int frameLength) {
        if (upcomingCycle != cycle) {
            long need = rollNeed + frameLength + slack;
            long free = usable();
            if (free < need) {
                throw new JournalFullException(dir, "starting the cycle file for cycle " + upcomingCycle, free, need);
            }
            return;
        }
        long required = tail + frameLength + slack;
        if (required + RUNWAY / 2 > allocatedTo) {
            extend(required + RUNWAY);
        }
        if (required > allocatedTo) {
            long need = required - allocatedTo;
            throw new JournalFullException(dir, "appending a record of " + frameLength + " bytes", usable(), need);
        }
    }

    /** After a record ending at file offset {@code end} of {@code cycleFile} was appended. */
    void afterAppend(int appendedCycle, Path cycleFile, long end) {
        if (appendedCycle != cycle) {
            closeFile();
            try {
                file = FileChannel.open(cycleFile, StandardOpenOption.WRITE);
            } catch (IOException e) {
                throw new JournalException(dir, "opening " + cycleFile + " to allocate ahead of the writer", e);
            }
            cycle = appendedCycle;
            allocatedTo = roundUp(end); // everything before is in pages Chronicle has written
        }
        tail = end;
    }

    /** A shortage for new work, or empty; reads the free space (one statvfs). */
    Optional<Journal.Shortage> shortage() {
        long free = usable();
        return free < newWorkNeed ? Optional.of(new Journal.Shortage(dir, free, newWorkNeed)) : Optional.empty();
    }

    /** Runway extensions so far (each one statvfs and one write). */
    long extensions() {
        return extensions;
    }

    private void extend(long target) {
        long to = roundUp(target);
        if (file == null || usable() < to - allocatedTo) {
            return; // the caller decides whether what is left is enough
        }
        extensions++;
        long pos = allocatedTo;
        ByteBuffer zeros = ZEROS.duplicate();
        try {
            while (pos < to) {
                zeros.clear().limit((int) Math.min(zeros.capacity(), to - pos));
                pos += file.write(zeros, pos);
            }
        } catch (IOException e) {
            // another writer took the space between the statvfs and the write: keep what was allocated
            LOG.warn("journal {}: allocating ahead of the writer stopped at offset {}: {}", dir, pos, e.toString());
        } finally {
            allocatedTo = pos;
        }
    }

    private long usable() {
        try {
            return store.getUsableSpace();
        } catch (IOException e) {
            LOG.warn("journal {}: cannot read the free space of its file system: {}", dir, e.toString());
            return 0;
        }
    }

    private static long roundUp(long offset) {
        return (offset + PAGE - 1) / PAGE * PAGE;
    }

    private void closeFile() {
        if (file != null) {
            try {
                file.close();
            } catch (IOException e) {
                LOG.debug("journal {}: closing a cycle file: {}", dir, e.toString());
            }
            file = null;
        }
    }

    @Override
    public void close() {
        closeFile();
    }
}
