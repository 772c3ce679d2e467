package io.baton.bench;

import io.baton.proto.JournalRecord;
import io.baton.sdk.journal.ForwardingJournal;
import io.baton.sdk.journal.Journal;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * A journal that remembers when its latest appends and fsyncs began and ended ({@link System#nanoTime()}),
 * so that {@link TimedHttpExecutor} can print what the executor's driver loop did between an old task's
 * terminal report and the new task's launch. Bench instrumentation only: the executor it wraps is the
 * production Chronicle journal, unchanged.
 */
final class TracedJournal extends ForwardingJournal {
    /** One journal operation: "append:KIND" or "sync", its start and end (ns). */
    record Op(String kind, long startNs, long endNs) {
    }

    private static final int KEEP = 64;

    private final ArrayDeque<Op> latest = new ArrayDeque<>();

    TracedJournal(Journal delegate) {
        super(delegate);
    }

    /** The operations that began at or after {@code sinceNs}, oldest first (called from a hook thread). */
    List<Op> since(long sinceNs) {
        synchronized (latest) {
            return new ArrayList<>(latest.stream().filter(o -> o.startNs() >= sinceNs).toList());
        }
    }

    private void note(String kind, long start) {
        Op op = new Op(kind, start, System.nanoTime());
        synchronized (latest) {
            if (latest.size() == KEEP) {
                latest.removeFirst();
            }
            latest.addLast(op);
        }
    }

    @Override
    public long append(JournalRecord record) {
        long start = System.nanoTime();
        long wallUs = record.hasReplaceRequested() ? Harness.nowUs() : 0;
        try {
            return super.append(record);
        } finally {
            note("append:" + what(record) + (wallUs == 0 ? ""
                    : SHIM_STAMP + (wallUs - record.getReplaceRequested().getRequestedAtUs())), start);
        }
    }

    /**
     * Follows a REPLACE's kind, with the µs from the shim's stamp on receiving it ({@code requested_at_us}) to the
     * executor's append, on the wall clock the shim's and the executor's processes share.
     */
    static final String SHIM_STAMP = "@";

    /** The record's kind, one word (it travels in a space-separated line): e.g. {@code event:RESERVE_ACCEPTED}. */
    static String what(JournalRecord r) {
        return switch (r.getRecordCase()) {
            case ENGINE_EVENT -> "event:" + r.getEngineEvent().getKind();
            case TASK_STATE -> "task-state:" + r.getTaskState().getState();
            case CONDITION -> "condition:" + r.getCondition().getKind();
            default -> r.getRecordCase().name().toLowerCase(java.util.Locale.ROOT);
        };
    }

    @Override
    public void sync() {
        long start = System.nanoTime();
        try {
            super.sync();
        } finally {
            note("sync", start);
        }
    }
}
