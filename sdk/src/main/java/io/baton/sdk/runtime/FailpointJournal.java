package io.baton.sdk.runtime;

import io.baton.proto.JournalRecord;
import io.baton.sdk.journal.ForwardingJournal;
import io.baton.sdk.journal.Journal;
import java.util.Locale;

/** Crash-test support: a journal that reaches {@link Failpoints} after each append (only when one is armed). */
final class FailpointJournal extends ForwardingJournal {
    FailpointJournal(Journal journal) {
        super(journal);
    }

    @Override
    public long append(JournalRecord record) {
        long at = super.append(record);
        if (Failpoints.ARMED) {
            settle(); // "journaled" means in the journal's file, also while it is still opening
        }
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
}
