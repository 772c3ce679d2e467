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
     * Records the queue does not hold yet while it is still opening after the executor (re)started, as
     * {@code OpeningJournal} keeps them: the first {@link #written} are also in {@link #pendingFile}; the others are
     * in the process's memory only, and a crash loses them. Null when this start's queue is open.
     */
    private java.util.List<JournalRecord> held;
    private int written;
    /** {@code PendingRecords}' file: what was settled while a queue opened, until one takes it. Outlives crashes. */
    private final java.util.List<JournalRecord> pendingFile = new java.util.ArrayList<>();
    private long opensAtUs;

    /**
     * The executor starts: half the time its journal's queue opens up to half a second later. Until then the records
     * appended are kept ({@code OpeningJournal}) and written to the file at the first step whose effects act on
     * records ({@code Effect.actsOnRecords}, the runtime's {@code Journal.settle}); the queue takes them at the first
     * append or settle after it opened, or at a checkpoint (which waits for it).
     */
    void executorStarts() {
        held = w.chance(0.5) ? new java.util.ArrayList<>() : null;
        written = 0;
        opensAtUs = w.now() + w.between(0, 500_000);
    }

    private boolean stillOpening() {
        return held != null && w.now() < opensAtUs;
    }

    @Override
    public boolean opening() {
        return stillOpening();
    }

    @Override
    public long append(JournalRecord record) {
        boolean crash = crashes(w.faults.executorCrashPerAppend());
        boolean after = crash && w.rnd.nextBoolean();
        if (crash && !after) {
            crash("before", kind(record));
        }
        long pos;
        if (stillOpening()) {
            held.add(record);
            pos = -held.size();
        } else {
            handOver();
            pos = super.append(record);
            observer.journaled(record);
        }
        if (after) {
            crash("after", kind(record));
        }
        return pos;
    }

    /** Writes what is kept to the file in one write (a crash before it loses them), or hands it over if open. */
    @Override
    public void settle() {
        if (held == null) {
            return;
        }
        if (!stillOpening()) {
            handOver();
            return;
        }
        if (written < held.size()) {
            if (crashes(w.faults.executorCrashPerAppend())) {
                crash("writing held", kind(held.get(written)));
            }
            for (JournalRecord r : held.subList(written, held.size())) {
                pendingFile.add(r);
                observer.journaled(r);
            }
            written = held.size();
        }
    }

    /**
     * The opened queue takes the records kept, in order, then the file goes; the executor may die half way: what
     * went in stays, the file stays whole, the records only in memory are gone.
     */
    private void handOver() {
        if (held == null) {
            return;
        }
        java.util.List<JournalRecord> records = held;
        for (int i = 0; i < records.size(); i++) {
            if (crashes(w.faults.executorCrashPerAppend())) {
                crash("handing over", kind(records.get(i)));
            }
            super.append(records.get(i));
            if (i >= written) {
                observer.journaled(records.get(i));
            }
        }
        held = null;
        written = 0;
        pendingFile.clear();
    }

    @Override
    public void sync() {
        if (stillOpening()) {
            settle(); // and an fsync of the file
            return;
        }
        handOver();
        super.sync();
    }

    @Override
    public long appended() {
        return super.appended() + (held == null ? 0 : held.size() - written);
    }

    /**
     * The queue's records, then the file's it lacks (numbered above its last), as {@code OpeningJournal} replays; a
     * start whose queue is open takes those into it first, as {@code ChronicleJournal.open} does.
     */
    @Override
    public void replay(java.util.function.Consumer<JournalRecord> consumer) {
        if (held != null && !held.isEmpty()) {
            throw new IllegalStateException("replay with " + held.size() + " records held");
        }
        long[] last = {Long.MIN_VALUE};
        super.replay(r -> {
            last[0] = Math.max(last[0], r.getSequence());
            consumer.accept(r);
        });
        int taken = 0; // the queue took a prefix of the file, if anything
        while (taken < pendingFile.size() && pendingFile.get(taken).getSequence() <= last[0]) {
            taken++;
        }
        java.util.List<JournalRecord> missing = java.util.List.copyOf(pendingFile.subList(taken, pendingFile.size()));
        missing.forEach(consumer);
        if (held != null) {
            held.addAll(missing);
            written = missing.size();
        } else {
            missing.forEach(super::append);
            pendingFile.clear();
        }
    }

    private boolean crashes(double chance) {
        return crashesLeft > 0 && w.now() < SimWorldClock.START_US + w.faults.quietAfterUs() && w.chance(chance);
    }

    private void crash(String when, String kind) {
        held = null; // the records kept in the dead process's memory are gone; the file stays
        written = 0;
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
        handOver(); // a checkpoint waits for the queue
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
