package io.baton.sdk.journal;

import io.baton.proto.JournalRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * A {@link Journal} held in a list, for tests and for embedding where nothing must survive the
 * process. A checkpoint drops every record before it, so memory stays bounded like disk does for
 * {@link ChronicleJournal}.
 *
 * <p>Threading: one thread at a time, like every {@link Journal}. Durability: none; {@link #sync()}
 * counts the syncs a durable journal would have performed (only when something was appended since
 * the last one), so tests of the SYNC level can assert on {@link Stats#syncs()}.
 */
public final class InMemoryJournal implements Journal {
    private final List<JournalRecord> records = new ArrayList<>();
    private long nextPosition;
    private long appended;
    private long syncs;
    private boolean unsynced;
    private boolean closed;

    @Override
    public long append(JournalRecord record) {
        Objects.requireNonNull(record, "record");
        checkOpen();
        records.add(record);
        appended++;
        unsynced = true;
        return nextPosition++;
    }

    @Override
    public void sync() {
        checkOpen();
        if (unsynced) {
            syncs++;
            unsynced = false;
        }
    }

    @Override
    public long checkpoint(JournalRecord checkpoint) {
        Objects.requireNonNull(checkpoint, "checkpoint");
        checkOpen();
        records.clear();
        long position = append(checkpoint);
        sync();
        return position;
    }

    @Override
    public void replay(Consumer<JournalRecord> consumer) {
        Objects.requireNonNull(consumer, "consumer");
        checkOpen();
        // A copy, so a consumer that appends (as recovery may) does not disturb the iteration.
        for (JournalRecord record : List.copyOf(records)) {
            consumer.accept(record);
        }
    }

    @Override
    public Stats stats() {
        return new Stats(appended, syncs, 0, 0);
    }

    @Override
    public void close() {
        closed = true;
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("in-memory journal is closed; open a new one");
        }
    }
}
