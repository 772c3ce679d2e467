package io.baton.sdk.sim;

import io.baton.proto.JournalRecord;
import io.baton.sdk.journal.InMemoryJournal;
import io.baton.sdk.journal.Journal;
import java.util.function.Consumer;

/**
 * The executor's journal across its crashes: a real {@link InMemoryJournal} that outlives the
 * simulated process, as a memory-mapped Chronicle queue outlives a kill -9 (durability PROCESS). The
 * executor dies at journal points: just before a record is appended, or just after. It also tells
 * the checker what was journaled (replacements requested, status updates recorded).
 */
final class SimJournal implements Journal {
    interface Observer {
        void journaled(JournalRecord record);
    }

    private final SimWorld w;
    private final InMemoryJournal inner = new InMemoryJournal();
    private final Observer observer;
    private int crashesLeft;
    private final java.util.Map<String, Integer> crashPoints = new java.util.TreeMap<>();

    SimJournal(SimWorld w, Observer observer) {
        this.w = w;
        this.observer = observer;
        this.crashesLeft = w.faults.maxExecutorCrashes();
    }

    @Override
    public long append(JournalRecord record) {
        boolean crash = crashesLeft > 0 && w.now() < SimWorldClock.START_US + w.faults.quietAfterUs()
                && w.chance(w.faults.executorCrashPerAppend());
        boolean after = crash && w.rnd.nextBoolean();
        if (crash && !after) {
            crash("before", record);
        }
        long pos = inner.append(record);
        observer.journaled(record);
        if (after) {
            crash("after", record);
        }
        return pos;
    }

    private void crash(String when, JournalRecord record) {
        crashesLeft--;
        String point = when + " " + kind(record);
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

    @Override
    public void sync() {
        inner.sync();
    }

    @Override
    public long checkpoint(JournalRecord checkpoint) {
        return inner.checkpoint(checkpoint);
    }

    @Override
    public void replay(Consumer<JournalRecord> consumer) {
        inner.replay(consumer);
    }

    @Override
    public Stats stats() {
        return inner.stats();
    }

    @Override
    public void close() {
        // the journal outlives every incarnation of the executor
    }
}
