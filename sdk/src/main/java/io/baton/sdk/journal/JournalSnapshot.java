package io.baton.sdk.journal;

import io.baton.proto.JournalRecord;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;

/**
 * A journal read as a restart would read it, without taking its writer's lock and without writing anything: for a
 * standby, which replays the journal of the executor it stands in for while that executor still writes it, so that
 * its replay code is compiled for that journal's shapes (its sizes, its checkpoint's remembered replacements). Reads
 * the cycle files ({@link CycleReader}) from the latest checkpoint on, then the records of {@link PendingRecords}'
 * file the cycle files lack. What a writer appends meanwhile may be missing or cut short at the end (dropped without a
 * warning, which would otherwise say the append never returned): a snapshot is for warming code up, never for acting
 * on.
 */
public final class JournalSnapshot implements Journal {
    private final Path dir;

    /** @param dir the journal's directory (nothing in it is locked, changed or created) */
    public JournalSnapshot(Path dir) {
        this.dir = dir;
    }

    /**
     * @throws UncheckedIOException if the files cannot be read
     * @throws JournalException if they cannot be read directly (a restart would go through Chronicle)
     */
    @Override
    public void replay(Consumer<JournalRecord> consumer) {
        try {
            CycleReader.Outcome read = CycleReader.read(dir, false);
            if (read.records() == null) {
                throw new JournalException(dir, "reading it directly", new IOException(read.unavailable()));
            }
            long last = Long.MIN_VALUE;
            for (JournalRecord r : read.records()) {
                last = Math.max(last, r.getSequence());
                consumer.accept(r);
            }
            List<JournalRecord> pending = PendingRecords.after(PendingRecords.read(dir).records(), last);
            pending.forEach(consumer);
        } catch (IOException e) {
            throw new UncheckedIOException("journal " + dir + ": " + e.getMessage(), e);
        }
    }

    @Override
    public long append(JournalRecord record) {
        throw readOnly();
    }

    @Override
    public void sync() {
        throw readOnly();
    }

    @Override
    public long checkpoint(JournalRecord checkpoint) {
        throw readOnly();
    }

    @Override
    public Stats stats() {
        return new Stats(0, 0, 0, 0);
    }

    @Override
    public void close() {
    }

    private UnsupportedOperationException readOnly() {
        return new UnsupportedOperationException("journal " + dir + ": a snapshot is read-only");
    }
}
