package io.baton.sdk.driver;

import io.baton.proto.JournalRecord;
import io.baton.sdk.journal.Journal;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/** The smallest honest journal: a list, with checkpoints dropping what came before. */
final class ListJournal implements Journal {
    final List<JournalRecord> records = new ArrayList<>();
    private int uuids;

    /** A driver of executor e1 on this journal (a restart: another on the same one), never checkpointing by itself. */
    ExecutorDriver driver() {
        return new ExecutorDriver("e1", io.baton.resources.Resources.parse("cpus:0.1;mem:32"), this,
                () -> com.google.protobuf.ByteString.copyFromUtf8(String.format("%016d", ++uuids)), since -> false);
    }
    long appended;
    /** What {@link #opening()} says: a store still opening (an {@code OpeningJournal}'s queue). */
    boolean opening;
    /** How many of {@link #records} an fsync has made durable: what a machine crash leaves. */
    int synced;
    long syncs;
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
        if (synced < records.size()) {
            syncs++;
        }
        synced = records.size();
    }

    @Override
    public long checkpoint(JournalRecord checkpoint) {
        records.clear();
        long pos = append(checkpoint);
        synced = records.size(); // a checkpoint is fsynced
        return pos;
    }

    /** What a machine crash leaves of this journal: the records up to its latest fsync, as a new journal. */
    ListJournal afterMachineCrash() {
        ListJournal j = new ListJournal();
        j.records.addAll(records.subList(0, synced));
        j.appended = j.records.size();
        j.synced = j.records.size();
        return j;
    }

    @Override
    public void replay(Consumer<JournalRecord> consumer) {
        List.copyOf(records).forEach(consumer);
    }

    @Override
    public Stats stats() {
        return new Stats(appended, syncs, 0, 0);
    }

    @Override
    public void close() {
    }

    @Override
    public boolean opening() {
        return opening;
    }
}
