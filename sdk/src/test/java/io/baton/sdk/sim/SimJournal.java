package io.baton.sdk.sim;

import io.baton.proto.JournalRecord;
import io.baton.sdk.journal.ForwardingJournal;
import io.baton.sdk.journal.InMemoryJournal;

/**
 * The executor's journal across its crashes: a real {@link InMemoryJournal} that outlives the
 * simulated process, as a memory-mapped Chronicle queue outlives a kill -9 (durability PROCESS). The
 * executor dies at journal points: just before a record is appended, or just after. It also tells
 * the checker what was journaled (replacements requested, status updates recorded).
 */
final class SimJournal extends ForwardingJournal {
    interface Observer {
        void journaled(JournalRecord record);
    }

    private final SimWorld w;
    private final Observer observer;
    private int crashesLeft;
    private final java.util.Map<String, Integer> crashPoints = new java.util.TreeMap<>();

    SimJournal(SimWorld w, Observer observer) {
        super(new InMemoryJournal());
        this.w = w;
        this.observer = observer;
        this.crashesLeft = w.faults.maxExecutorCrashes();
    }

    @Override
    public long append(JournalRecord record) {
        boolean crash = crashes(w.faults.executorCrashPerAppend());
        boolean after = crash && w.rnd.nextBoolean();
        if (crash && !after) {
            crash("before", kind(record));
        }
        long pos = super.append(record);
        observer.journaled(record);
        if (after) {
            crash("after", kind(record));
        }
        return pos;
    }

    private boolean crashes(double chance) {
        return crashesLeft > 0 && w.now() < SimWorldClock.START_US + w.faults.quietAfterUs() && w.chance(chance);
    }

    private void crash(String when, String kind) {
        crashesLeft--;
        String point = when + " " + kind;
        crashPoints.merge(point, 1, Integer::sum);
        throw new SimWorld.Crash(point);
    }

    static String kind(JournalRecord r) {
        return switch (r.getRecordCase()) {
            case ENGINE_EVENT -> "event:" + r.getEngineEvent().getKind();
            case TASK_STATE -> "task-state:" + r.getTaskState().getState();
            case CONDITION -> "condition:" + r.getCondition().getKind();
            default -> r.getRecordCase().name().toLowerCase(java.util.Locale.ROOT);
        };
    }

    java.util.Map<String, Integer> crashPoints() {
        return crashPoints;
    }

    /**
     * A checkpoint is a crash point too, before or after it is written (it replaces what came before it in
     * one step, as Chronicle's roll to a new cycle does), as likely per call as an append.
     */
    @Override
    public long checkpoint(JournalRecord checkpoint) {
        boolean crash = crashes(w.faults.executorCrashPerAppend());
        boolean after = crash && w.rnd.nextBoolean();
        if (crash && !after) {
            crash("before", "checkpoint");
        }
        long pos = super.checkpoint(checkpoint);
        if (after) {
            crash("after", "checkpoint");
        }
        return pos;
    }

    @Override
    public void close() {
        // the journal outlives every incarnation of the executor
    }
}
