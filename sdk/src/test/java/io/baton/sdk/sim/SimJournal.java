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

    /**
     * Records appended since the executor (re)started while its journal's queue is still opening, as
     * {@code OpeningJournal} holds them in the process's memory: a crash loses them; null when none are held.
     */
    private java.util.List<JournalRecord> held;
    private long opensAtUs;

    /**
     * The executor starts: half the time its journal's queue opens up to half a second later and the records appended
     * until then are held ({@code OpeningJournal}); they go in at the first step whose effects act on records
     * ({@code Effect.actsOnRecords}, the runtime's {@code Journal.settle}) or at the first append after the opening.
     */
    void executorStarts() {
        held = w.chance(0.5) ? new java.util.ArrayList<>() : null;
        opensAtUs = w.now() + w.between(0, 500_000);
    }

    @Override
    public long append(JournalRecord record) {
        boolean crash = crashes(w.faults.executorCrashPerAppend());
        boolean after = crash && w.rnd.nextBoolean();
        if (crash && !after) {
            crash("before", kind(record));
        }
        long pos;
        if (held != null && w.now() < opensAtUs) {
            held.add(record);
            pos = -held.size();
        } else {
            settle();
            pos = super.append(record);
            observer.journaled(record);
        }
        if (after) {
            crash("after", kind(record));
        }
        return pos;
    }

    /** Hands the held records to the journal, in order; the executor may die half way (what went in stays). */
    @Override
    public void settle() {
        if (held == null) {
            return;
        }
        java.util.List<JournalRecord> records = held;
        held = null;
        for (JournalRecord r : records) {
            if (crashes(w.faults.executorCrashPerAppend())) {
                crash("settling", kind(r));
            }
            super.append(r);
            observer.journaled(r);
        }
    }

    @Override
    public void sync() {
        settle();
        super.sync();
    }

    @Override
    public long appended() {
        return super.appended() + (held == null ? 0 : held.size());
    }

    @Override
    public void replay(java.util.function.Consumer<JournalRecord> consumer) {
        if (held != null && !held.isEmpty()) {
            throw new IllegalStateException("replay with " + held.size() + " records held");
        }
        super.replay(consumer);
    }

    private boolean crashes(double chance) {
        return crashesLeft > 0 && w.now() < SimWorldClock.START_US + w.faults.quietAfterUs() && w.chance(chance);
    }

    private void crash(String when, String kind) {
        held = null; // the records held in the dead process's memory are gone
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
     * A checkpoint is a crash point too, as likely per call as an append: before it is written, after it is appended
     * but before it is the replay start ({@code ChronicleJournal} records it on a thread of its own tens of ms later:
     * replay then starts at the checkpoint before and passes over this one), or after (it replaces what came before it
     * in one step, as Chronicle's roll to a new cycle does).
     */
    @Override
    public long checkpoint(JournalRecord checkpoint) {
        boolean crash = crashes(w.faults.executorCrashPerAppend());
        int when = crash ? w.rnd.nextInt(3) : -1;
        boolean after = when == 2;
        if (when == 0) {
            crash("before", "checkpoint");
        }
        settle();
        if (when == 1) {
            super.append(checkpoint);
            crash("unrecorded", "checkpoint");
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
