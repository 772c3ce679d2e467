package io.baton.sdk.journal;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.baton.proto.Fragment;
import io.baton.proto.JournalRecord;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.core.io.IORuntimeException;
import net.openhft.chronicle.core.time.SystemTimeProvider;
import net.openhft.chronicle.core.time.TimeProvider;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.RollCycle;
import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.wire.DocumentContext;
import net.openhft.chronicle.wire.UnrecoverableTimeoutException;

/**
 * A {@link Journal} in a Chronicle Queue directory (one per executor). Each record is one Chronicle
 * document holding the record's length-delimited protobuf bytes; {@link #append} returns the
 * Chronicle index.
 *
 * <pre>{@code
 * try (Journal journal = ChronicleJournal.open(workDir.resolve("journal"), ChronicleJournal.Options.defaults())) {
 *     journal.replay(engine::recover);
 *     journal.append(record);
 *     journal.sync(); // before an irreversible command
 * }
 * }</pre>
 *
 * <p>Threading: one thread at a time (the runtime's driver loop); the appender is created on first
 * append, so the journal may be opened on another thread. One writer per directory ({@link WriterLock}).
 *
 * <p>Durability: an appended record is in the memory-mapped file and survives kill -9; a record
 * torn by a crash mid-write is never replayed. {@link #sync} fsyncs every cycle file written since
 * the last sync (plus the directory and Chronicle's metadata after a roll), so it survives power
 * loss; it does nothing when nothing was appended.
 *
 * <p>Retention: {@link #checkpoint} appends the checkpoint and hands the rest to a thread of the journal's own (the
 * fsyncs took 10–40 ms, on the driver loop, every 10,000 records): it fsyncs the checkpoint's cycle file, then durably
 * records its index in {@code checkpoint.idx} ({@link CheckpointFile}), and only then deletes the cycle files wholly
 * before the checkpoint's cycle. Until then replay starts at the checkpoint before (whose records are all still
 * there); at most one checkpoint is in that state, since a checkpoint waits for the one before it to be recorded,
 * and {@link #replay}, {@link #stats} and {@link #close} wait too. A crash at any point leaves a replay start whose
 * records are all still there; {@link #open} finishes deletions a crash interrupted. Beside it, {@code checkpoint.pos}
 * ({@link CheckpointPosition}) says where the checkpoint lies in its cycle file, so that a restart can
 * replay without Chronicle ({@link CycleReader}, {@link OpeningJournal}); it is only a hint.
 *
 * <p>Disk space: a {@link SpaceGuard} keeps every mapped write on pages already allocated by an
 * ordinary write, so a full file system makes {@link #append} (or {@link #open}) throw
 * {@link JournalFullException} with the numbers instead of raising SIGBUS; nothing is written then,
 * and appends succeed again once space returns. {@link #shortage} (one statvfs) says when too little is
 * left to start new work.
 */
public final class ChronicleJournal implements Journal {
    static {
        ChroniclePosix.beforeFirstUse();
    }

    static final long MIN_BLOCK_SIZE = 64 << 10;
    /** Room for a fragment's own fields and framing within a document. */
    private static final int FRAGMENT_HEADROOM = 64;

    private final Path dir;
    private final SingleChronicleQueue queue;
    private final CycleFiles cycleFiles;
    /**
     * Largest record written as one document; bigger ones go as fragments. Chronicle caps a document at
     * its overlap size (a quarter of the block for blocks of 256 KiB and more); half of that leaves room.
     */
    private final int maxDocument;
    private final SpaceGuard space;
    private ExcerptAppender appender;
    /** Where each record is encoded before it is copied into its document (records above its size get their own). */
    private final byte[] scratch = new byte[SCRATCH_BYTES];
    private static final int SCRATCH_BYTES = 64 << 10;
    /** The durable half of checkpoints, and where replay starts. */
    private final Retention retention;
    /** The latest checkpoint's index, and the append count right after it (the journal's thread). */
    private long checkpointIndex = -1;
    private long appendedAtCheckpoint = -1;
    private final Set<Integer> unsyncedCycles = new LinkedHashSet<>();
    private int highestCycleWritten = Integer.MIN_VALUE;
    private int lastUnsyncedCycle = Integer.MIN_VALUE;
    private boolean newCycleSinceSync;
    private long appended;
    private long syncs;
    /** Where the last record appended begins: its (first) document's data in the cycle file, and that cycle. */
    private long recordStart;
    private int recordCycle;
    private long documentStart;
    private boolean closed;
    /** The writer's lock, with {@link Options#foldPending}; else none (a reader, or a writer holding it elsewhere). */
    private final WriterLock lock;

    private ChronicleJournal(Path dir, SingleChronicleQueue queue, SpaceGuard space, long replayStart,
            WriterLock lock) {
        this.dir = dir;
        this.lock = lock;
        this.queue = queue;
        this.space = space;
        this.cycleFiles = new CycleFiles(dir, queue.rollCycle(), queue.epoch());
        this.retention = new Retention(dir, new CycleFiles(dir, queue.rollCycle(), queue.epoch()), replayStart);
        this.maxDocument = (int) Math.min(Integer.MAX_VALUE, queue.overlapSize() / 2);
    }

    /**
     * Opens (creating if needed) the journal in {@code dir} and finishes any retention a crash
     * interrupted.
     *
     * @throws JournalException if the directory or the queue cannot be opened, or (with {@link Options#foldPending})
     *     another writer has the journal open ({@link WriterLock})
     */
    public static ChronicleJournal open(Path dir, Options options) {
        Objects.requireNonNull(dir, "dir");
        Objects.requireNonNull(options, "options");
        WriterLock lock = options.foldPending() ? WriterLock.acquire(dir) : null;
        try {
            return open(dir, options, lock);
        } catch (RuntimeException | Error e) {
            WriterLock.release(lock);
            throw e;
        }
    }

    private static ChronicleJournal open(Path dir, Options options, WriterLock lock) {
        long replayStart;
        SingleChronicleQueue queue;
        SpaceGuard space;
        try {
            Files.createDirectories(dir);
            replayStart = CheckpointFile.read(dir);
            if (options.foldPending()) { // the journal's writer (a reader leaves the files alone)
                OpeningJournal.dropHeaderlessTail(dir);
            }
            space = new SpaceGuard(dir, options.rollCycle().defaultIndexCount());
            space.beforeOpen();
            queue = SingleChronicleQueueBuilder.binary(dir)
                    .rollCycle(options.rollCycle())
                    .blockSize(options.blockSize())
                    .timeProvider(options.clock())
                    .build();
        } catch (IOException | IORuntimeException | UncheckedIOException e) {
            throw new JournalException(dir, "opening", e);
        }
        ChronicleJournal journal = new ChronicleJournal(dir, queue, space, replayStart, lock);
        try {
            if (replayStart >= 0
                    && Retention.deleteCyclesBefore(dir, journal.cycleFiles, queue.rollCycle().toCycle(replayStart))) {
                queue.refreshDirectoryListing();
            }
            journal.inheritUnsynced();
            if (options.foldPending()) {
                PendingRecords.fold(journal);
            }
        } catch (RuntimeException e) {
            journal.close();
            throw e;
        }
        return journal;
    }

    /** The journal's directory. */
    Path dir() {
        return dir;
    }

    /**
     * {@link #replay}, then the records of {@link PendingRecords}' file the queue lacks (an executor killed before its
     * queue opened left them there), changing nothing: what the next executor start will replay. For readers such as
     * {@code baton journal}.
     */
    public void replayWithPending(Consumer<JournalRecord> consumer) {
        List<JournalRecord> file; // first: a live executor's queue may take the file's records and delete it meanwhile
        try {
            file = PendingRecords.read(dir).records();
        } catch (IOException e) {
            throw new JournalException(dir, "reading " + PendingRecords.NAME, e);
        }
        PendingRecords.after(file, PendingRecords.replayNoting(this, consumer)).forEach(consumer);
    }

    @Override
    public long append(JournalRecord record) {
        Objects.requireNonNull(record, "record");
        checkOpen();
        try {
            if (appender == null) {
                appender = queue.createAppender();
            }
            long index;
            int length = RecordFrames.encodeInto(record, scratch);
            byte[] frame = length >= 0 ? scratch : RecordFrames.encode(record);
            if (length < 0) {
                length = frame.length;
            }
            if (length <= maxDocument) {
                index = write(frame, length);
                recordStart = documentStart;
                recordCycle = appender.cycle();
            } else {
                index = writeFragments(record.toByteString());
            }
            appended++;
            return index;
        } catch (IORuntimeException | UnrecoverableTimeoutException e) {
            throw new JournalException(dir, "appending", e);
        }
    }

    /** One document: space checked first (a full disk throws here, never SIGBUS), rolled back if the write fails. */
    private long write(byte[] frame, int length) {
        space.beforeAppend(queue.cycle(), length);
        long end;
        try (DocumentContext dc = appender.writingDocument()) {
            try {
                documentStart = dc.wire().bytes().writePosition();
                dc.wire().bytes().write(frame, 0, length);
                end = dc.wire().bytes().writePosition();
            } catch (RuntimeException e) {
                dc.rollbackOnClose(); // never leave a partial record behind
                throw e;
            }
        }
        long index = appender.lastIndexAppended();
        int cycle = appender.cycle();
        space.afterAppend(cycle, cycleFiles.path(cycle), end);
        noteWritten(cycle);
        return index;
    }

    /**
     * A record bigger than one document, as consecutive fragments; returns the first one's index. If the
     * disk fills half way, the fragments written are a group cut short, which replay drops.
     */
    private long writeFragments(ByteString bytes) {
        int piece = maxDocument - FRAGMENT_HEADROOM;
        int parts = (bytes.size() + piece - 1) / piece;
        long first = -1;
        for (int p = 0; p < parts; p++) {
            ByteString data = bytes.substring(p * piece, Math.min(bytes.size(), (p + 1) * piece));
            byte[] frame = RecordFrames.encode(JournalRecord.newBuilder().setFragment(Fragment.newBuilder()
                    .setPart(p).setParts(parts).setData(data)).build());
            long index = write(frame, frame.length);
            if (p == 0) {
                first = index;
                recordStart = documentStart;
                recordCycle = appender.cycle();
            }
        }
        return first;
    }

    @Override
    public void sync() {
        checkOpen();
        if (unsyncedCycles.isEmpty()) {
            return;
        }
        if (appended == appendedAtCheckpoint) {
            awaitRetention(); // nothing appended since the checkpoint: its retention fsyncs what this would
            if (retention.replayStart() == checkpointIndex) {
                unsyncedCycles.clear();
                lastUnsyncedCycle = Integer.MIN_VALUE;
                newCycleSinceSync = false;
                return;
            }
        }
        try {
            for (int cycle : unsyncedCycles) {
                DurableFiles.force(cycleFiles.path(cycle));
            }
            if (newCycleSinceSync) {
                DurableFiles.force(dir.resolve(SingleChronicleQueue.QUEUE_METADATA_FILE));
                DurableFiles.forceDirectory(dir);
            }
        } catch (IOException e) {
            throw new JournalException(dir, "fsync", e);
        }
        unsyncedCycles.clear();
        lastUnsyncedCycle = Integer.MIN_VALUE;
        newCycleSinceSync = false;
        syncs++;
    }

    @Override
    public long checkpoint(JournalRecord checkpoint) {
        checkOpen();
        awaitRetention(); // one checkpoint at a time: a replay start is never more than one checkpoint behind
        long index = append(checkpoint);
        int first = recordCycle;
        // what sync() would fsync now: retention does it (sync() after a checkpoint with nothing new waits for it)
        List<Integer> unsynced = new ArrayList<>(unsyncedCycles);
        boolean directoryToo = newCycleSinceSync;
        checkpointIndex = index;
        appendedAtCheckpoint = appended;
        CheckpointPosition at = new CheckpointPosition(index, cycleFiles.path(first).getFileName().toString(),
                recordStart, checkpoint.getSequence());
        retention.submit(index, first, unsynced, directoryToo, at);
        return index;
    }

    /** Waits for the latest checkpoint's durable half, then refreshes the queue's listing if it deleted files. */
    private void awaitRetention() {
        retention.await();
        if (retention.takeListingStale()) {
            queue.refreshDirectoryListing();
        }
    }

    @Override
    public void replay(Consumer<JournalRecord> consumer) {
        Objects.requireNonNull(consumer, "consumer");
        checkOpen();
        awaitRetention();
        // Records the consumer appends while replaying are not replayed (as with InMemoryJournal).
        long last = queue.lastIndex();
        Reassembly pieces = new Reassembly(dir);
        try (ExcerptTailer tailer = queue.createTailer()) {
            long replayStart = retention.replayStart();
            if (replayStart >= 0 && !tailer.moveToIndex(replayStart)) {
                throw new JournalException(dir, "checkpoint index " + replayStart + " from " + CheckpointFile.NAME
                        + " is not in the queue (first index " + queue.firstIndex() + "); its cycle file was removed"
                        + " or the file belongs to another journal");
            }
            while (true) {
                JournalRecord record;
                long index;
                try (DocumentContext dc = tailer.readingDocument()) {
                    if (!dc.isPresent() || dc.index() > last) {
                        pieces.dropIncomplete("at the end of the journal");
                        return;
                    }
                    index = dc.index();
                    record = decode(dc.wire().bytes(), index);
                }
                record = pieces.offer(record, index);
                if (record == null) {
                    continue; // a fragment of a record still being reassembled
                }
                consumer.accept(record);
            }
        } catch (IORuntimeException | UnrecoverableTimeoutException e) {
            throw new JournalException(dir, "replaying", e);
        }
    }

    @Override
    public long appended() {
        return appended;
    }

    @Override
    public Stats stats() {
        retention.await(); // benchmarks read the counters from threads of their own (it touches no queue)
        try {
            return new Stats(appended, syncs + retention.syncs(), cycleFiles.bytes(), cycleFiles.count());
        } catch (IOException e) {
            throw new JournalException(dir, "measuring", e);
        }
    }

    @Override
    public java.util.Optional<Shortage> shortage() {
        checkOpen();
        return space.shortage();
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            awaitRetention();
            retention.shutdown();
            if (appender != null) {
                appender.close();
            }
        } finally {
            try {
                space.close();
                queue.close();
            } finally {
                WriterLock.release(lock);
            }
        }
    }

    /**
     * The cycle files an earlier process wrote may hold records it never fsynced (it died before its next sync): the
     * first sync of this one fsyncs them too, with the directory and Chronicle's metadata, so that SYNC's "on disk
     * before the command" also holds for a command recovery re-issues on a record from before the restart, when the
     * cycle rolled meanwhile and this process writes to another file.
     */
    private void inheritUnsynced() {
        try {
            unsyncedCycles.addAll(cycleFiles.list().keySet());
        } catch (IOException e) {
            throw new JournalException(dir, "listing cycle files", e);
        }
        newCycleSinceSync = !unsyncedCycles.isEmpty();
    }

    private void noteWritten(int cycle) {
        if (cycle != lastUnsyncedCycle) {
            unsyncedCycles.add(cycle);
            lastUnsyncedCycle = cycle;
            // The first write to a cycle (in this process) may have created its file.
            if (cycle > highestCycleWritten) {
                highestCycleWritten = cycle;
                newCycleSinceSync = true;
            }
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("journal " + dir + " is closed; open it again");
        }
    }

    private JournalRecord decode(Bytes<?> bytes, long index) {
        byte[] frame = new byte[(int) bytes.readRemaining()];
        bytes.read(frame);
        try {
            return RecordFrames.decode(frame);
        } catch (InvalidProtocolBufferException e) {
            throw new JournalException(dir, "decoding the record at index " + index, e);
        }
    }

    /**
     * How the queue is laid out.
     *
     * @param rollCycle how often a new cycle file starts; retention deletes whole cycles, so it bounds
     *     how much is kept beyond the latest checkpoint
     * @param blockSize bytes mapped at a time (and the initial size of a cycle file)
     * @param clock the queue's time source, which picks the cycle (tests advance it to roll fast)
     * @param foldPending whether {@link #open} takes into the queue the records of {@link PendingRecords}' file it
     *     lacks, and deletes the file (on by default: whoever writes to an executor's journal must start after them;
     *     off for a reader, which must not write — see {@link #replayWithPending} — and for the queue an
     *     {@link OpeningJournal} hands the records to itself); on, {@link #open} also takes the journal's
     *     {@link WriterLock} and {@link #close} releases it
     */
    public record Options(RollCycle rollCycle, long blockSize, TimeProvider clock, boolean foldPending) {
        static {
            ChroniclePosix.beforeFirstUse(); // defaults() touches Chronicle's classes before open() does
        }

        public Options {
            Objects.requireNonNull(rollCycle, "rollCycle");
            Objects.requireNonNull(clock, "clock");
            if (blockSize < MIN_BLOCK_SIZE) {
                throw new IllegalArgumentException("blockSize " + blockSize + " is below the minimum " + MIN_BLOCK_SIZE);
            }
        }

        /**
         * Hourly cycles, 32 MiB blocks, the system clock. A record can be at most a quarter of the block
         * size: 8 MiB holds a checkpoint of 10,000 tasks plus the 50,000 ended replacements an engine
         * remembers (1 MiB blocks capped it at 256 KiB, which a busy executor's checkpoint outgrew after
         * ~2,500 replacements). Cycle files are sparse: blocks are address space, not disk.
         */
        public static Options defaults() {
            return new Options(RollCycles.FAST_HOURLY, 32L << 20, SystemTimeProvider.INSTANCE, true);
        }

        public Options withRollCycle(RollCycle rollCycle) {
            return new Options(rollCycle, blockSize, clock, foldPending);
        }

        public Options withBlockSize(long blockSize) {
            return new Options(rollCycle, blockSize, clock, foldPending);
        }

        public Options withClock(TimeProvider clock) {
            return new Options(rollCycle, blockSize, clock, foldPending);
        }

        /** These options with {@code foldPending} as given (see above). */
        public Options withFoldPending(boolean foldPending) {
            return new Options(rollCycle, blockSize, clock, foldPending);
        }
    }
}
