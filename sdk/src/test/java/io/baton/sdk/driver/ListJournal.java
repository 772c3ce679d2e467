package io.baton.sdk.driver;

import io.baton.proto.JournalRecord;
import io.baton.sdk.journal.Journal;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/** The smallest honest journal: a list, with checkpoints dropping what came before. */
final class ListJournal implements Journal {
    final List<JournalRecord> records = new ArrayList<>();
    long appended;
    /** A simulated process death: the append of the first record matching this throws {@link Died}, unwritten. */
    java.util.function.Predicate<JournalRecord> dieBefore = r -> false;

    static final class Died extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Died(JournalRecord r) {
            super("the process died before journaling " + r.getRecordCase(), null, false, false);
        }
    }

    @Override
    public long append(JournalRecord record) {
        if (dieBefore.test(record)) {
            dieBefore = r -> false;
            throw new Died(record);
        }
        records.add(record);
        return ++appended;
    }

    @Override
    public void sync() {
    }

    @Override
    public long checkpoint(JournalRecord checkpoint) {
        records.clear();
        return append(checkpoint);
    }

    @Override
    public void replay(Consumer<JournalRecord> consumer) {
        List.copyOf(records).forEach(consumer);
    }

    @Override
    public Stats stats() {
        return new Stats(appended, 0, 0, 0);
    }

    @Override
    public void close() {
    }
}
