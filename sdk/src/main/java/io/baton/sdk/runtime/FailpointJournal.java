package io.baton.sdk.runtime;

import io.baton.proto.JournalRecord;
import io.baton.sdk.journal.Journal;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Consumer;

/** Crash-test support: a journal that reaches {@link Failpoints} after each append (only when one is armed). */
final class FailpointJournal implements Journal {
    private final Journal journal;

    FailpointJournal(Journal journal) {
        this.journal = journal;
    }

    @Override
    public long append(JournalRecord record) {
        long at = journal.append(record);
        Failpoints.reached("journaled:" + describe(record));
        return at;
    }

    private static String describe(JournalRecord r) {
        return switch (r.getRecordCase()) {
            case TASK_STATE -> "task-state:" + r.getTaskState().getState();
            case ENGINE_EVENT -> "event:" + r.getEngineEvent().getKind();
            default -> r.getRecordCase().name().toLowerCase(Locale.ROOT);
        };
    }

    @Override
    public void sync() {
        journal.sync();
    }

    @Override
    public long checkpoint(JournalRecord checkpoint) {
        return journal.checkpoint(checkpoint);
    }

    @Override
    public void replay(Consumer<JournalRecord> consumer) {
        journal.replay(consumer);
    }

    @Override
    public long appended() {
        return journal.appended();
    }

    @Override
    public Stats stats() {
        return journal.stats();
    }

    @Override
    public Optional<Shortage> shortage() {
        return journal.shortage();
    }

    @Override
    public void close() {
        journal.close();
    }

    @Override
    public String toString() {
        return journal.toString();
    }
}
