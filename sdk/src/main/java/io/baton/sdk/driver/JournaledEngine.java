package io.baton.sdk.driver;

import io.baton.proto.Checkpoint;
import io.baton.proto.ExecutorCondition;
import io.baton.proto.JournalRecord;
import io.baton.proto.TaskInfo;
import io.baton.proto.TaskState;
import io.baton.resources.Resources;
import io.baton.sdk.core.Command;
import io.baton.sdk.core.Engine;
import io.baton.sdk.core.Event;
import io.baton.sdk.core.Replacement;
import io.baton.sdk.core.Readiness;
import io.baton.sdk.core.ReplaceRequest;
import io.baton.sdk.journal.Journal;
import com.google.protobuf.ByteString;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The engine behind a write-ahead journal: every input is appended before the engine sees it, so
 * {@link #replay} of the journal rebuilds the same engine. Keeps the records of unfinished
 * replacements so that a {@link #checkpoint} holds only what is still open. Single-threaded.
 */
public final class JournaledEngine {
    private final Journal journal;
    private final Engine engine;
    private final io.baton.sdk.core.StatusOutbox outbox = new io.baton.sdk.core.StatusOutbox(500_000, 10_000_000);
    private long sequence;
    private final Map<String, List<JournalRecord>> open = new LinkedHashMap<>();
    private final Map<String, List<io.baton.proto.TaskStatus>> openReports = new LinkedHashMap<>();
    /**
     * Replacements the engine stepped since the last {@link #settle}: the only ones whose records it may forget then
     * (a replacement changes only when it is stepped; the engine's eviction of old finished ones, and the steps that
     * move many, are swept whole, see {@link #settleAll}).
     */
    private final java.util.Set<String> stepped = new java.util.HashSet<>();
    private final Map<ExecutorCondition.Kind, JournalRecord> conditions = new LinkedHashMap<>();
    /** The final updates of the latest replacements, by id: a retry of one that ended is answered with it. */
    private final Map<String, FinalUpdate> finalUpdates = new LinkedHashMap<>(16, 0.75f, false) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, FinalUpdate> eldest) {
            return size() > REMEMBERED_OUTCOMES;
        }
    };
    /** How many final updates are kept for retries (also in every checkpoint). */
    public static final int REMEMBERED_OUTCOMES = 1_000;
    private boolean replaying;

    public JournaledEngine(Journal journal, Engine engine) {
        this.journal = journal;
        this.engine = engine;
    }

    public Engine engine() {
        return engine;
    }

    public Journal journal() {
        return journal;
    }

    public io.baton.sdk.core.StatusOutbox outbox() {
        return outbox;
    }

    // ------------------------------------------------------------------ status updates

    /** Journals an update that must reach the framework, then queues it; true if it may be sent now. */
    public boolean recordStatus(io.baton.proto.TaskStatus status) {
        JournalRecord rec = write(JournalRecord.newBuilder().setTimeUs(status.getTimestampUs())
                .setStatusRecorded(io.baton.proto.StatusRecorded.newBuilder().setStatus(status)).build());
        if (status.hasReplacementId() && open.containsKey(status.getReplacementId().getValue())) {
            // a checkpoint must show this report was made, or replay would think it lost
            openReports.computeIfAbsent(status.getReplacementId().getValue(), k -> new ArrayList<>()).add(status);
        }
        if (status.getOutcome() != io.baton.proto.ReplacementOutcome.OUTCOME_UNSPECIFIED) {
            finalUpdates.put(status.getReplacementId().getValue(), new FinalUpdate(status, null));
        }
        return outbox.record(status);
    }

    /** The final update of a replacement that ended lately, as it was sent; null if it is not kept (any more). */
    public io.baton.proto.TaskStatus finalUpdate(String replacementId) {
        FinalUpdate f = finalUpdates.get(replacementId);
        return f == null ? null : f.status;
    }

    /**
     * Journals the acknowledgements the shim forwarded in one event as one record, then applies them in order (the
     * tasks' next updates are then due).
     */
    public void acknowledged(io.baton.proto.AcknowledgedEvent event, long atUs) {
        acknowledged(io.baton.proto.StatusAcknowledged.newBuilder().setTaskId(event.getTaskId())
                .setUuid(event.getUuid()).addAllMore(event.getMoreList()).build(), atUs);
    }

    private void acknowledged(io.baton.proto.StatusAcknowledged acks, long atUs) {
        write(JournalRecord.newBuilder().setTimeUs(atUs).setStatusAcknowledged(acks).build());
        outbox.acknowledged(acks.getTaskId().getValue(), acks.getUuid());
        for (io.baton.proto.UpdateRef more : acks.getMoreList()) {
            outbox.acknowledged(more.getTaskId().getValue(), more.getUuid());
        }
    }

    // ------------------------------------------------------------------ inputs: journal, then act

    public Engine.Submitted submit(ReplaceRequest request, long atUs) {
        return submit(request, engine.decide(request), atUs);
    }

    /**
     * A request the shim reserved on delivery ({@code shimPool}, the reservation's pool): the engine takes the pool
     * instead of sending a RESERVE, or releases it if it does not take the request up. A retry (or a conflicting
     * request) is answered as such and does not take it: the caller releases it.
     */
    public Engine.Submitted submitReserved(ReplaceRequest request, Resources shimPool, long atUs) {
        return submit(request, engine.decide(request).reservedByShim(shimPool), atUs);
    }

    /**
     * A request the shim refused ({@code shimRefusal}, its message): ended REJECTED with that message — unless
     * the engine refuses it on its own account (its rules decide which task the report goes on), or knows its
     * id (a retry, answered as such).
     */
    public Engine.Submitted submitRefused(ReplaceRequest request, String shimRefusal, long atUs) {
        Engine.Decision d = engine.decide(request);
        Readiness r = d.readiness();
        if (r == Readiness.READY || r == Readiness.EXECUTOR_REREGISTERING || r == Readiness.OLD_TASK_RECOVERING) {
            d = new Engine.Decision(Readiness.REFUSED_BY_SHIM, shimRefusal);
        }
        return submit(request, d, atUs);
    }

    private Engine.Submitted submit(ReplaceRequest request, Engine.Decision decision, long atUs) {
        JournalRecord rec = write(JournalCodec.requested(request, decision));
        Engine.Submitted s = engine.submit(request, decision, atUs);
        if (!s.retry() && s.conflict() == null) {
            track(request.replacementId(), rec);
            stepped.add(request.replacementId());
        }
        return s;
    }

    public List<Command> apply(String replacementId, Event e) {
        if (!engine.accepts(replacementId, e)) {
            return List.of(); // late news: not journaled, so replay never meets it either
        }
        JournalRecord rec = write(JournalCodec.event(replacementId, e));
        track(replacementId, rec);
        stepped.add(replacementId);
        return settle(engine.apply(replacementId, e));
    }

    public List<Command> taskState(String taskId, TaskState state, String message, long atUs) {
        JournalRecord rec = write(JournalCodec.taskState(taskId, state, message, atUs));
        Replacement r = engine.activeFor(taskId); // a task is in at most one unfinished replacement
        if (r != null) {
            track(r.id(), rec);
            stepped.add(r.id());
        } else {
            // a finished replacement whose records a checkpoint still carries (its release is unconfirmed) replays
            // its effect on the task table: what became of the task afterwards must replay after it, or a task
            // that ended after a same-id resize comes back from the checkpoint (simulation seed 1120679)
            for (String rid : open.keySet()) {
                Replacement o = engine.replacement(rid);
                if (o != null && (o.request().oldTaskId().equals(taskId) || o.request().newTaskId().equals(taskId))) {
                    track(rid, rec);
                }
            }
        }
        return settle(engine.taskState(taskId, state, message, atUs));
    }

    public void taskKnown(TaskInfo task, TaskState state, long atUs) {
        write(JournalCodec.taskKnown(task, state, atUs));
        engine.taskKnown(task, state);
    }

    public List<Command> shimConnected(long atUs) {
        condition(ExecutorCondition.Kind.SHIM_CONNECTED, atUs);
        return settleAll(engine.shimConnected(atUs));
    }

    public void shimDisconnected(long atUs) {
        condition(ExecutorCondition.Kind.SHIM_DISCONNECTED, atUs);
        engine.shimDisconnected();
        settleAll(List.of());
    }

    public void recoveryStarted(long atUs) {
        condition(ExecutorCondition.Kind.RECOVERY_STARTED, atUs);
        engine.recoveryStarted();
        settleAll(List.of());
    }

    public List<Command> recoveryFinished(long atUs) {
        condition(ExecutorCondition.Kind.RECOVERY_FINISHED, atUs);
        return settleAll(engine.recoveryFinished(atUs));
    }

    public void terminating(long atUs) {
        condition(ExecutorCondition.Kind.TERMINATING, atUs);
        engine.terminating();
        settleAll(List.of());
    }

    private void condition(ExecutorCondition.Kind kind, long atUs) {
        JournalRecord rec = write(JournalCodec.condition(kind, atUs));
        if (kind == ExecutorCondition.Kind.SHIM_CONNECTED || kind == ExecutorCondition.Kind.SHIM_DISCONNECTED) {
            conditions.remove(ExecutorCondition.Kind.SHIM_CONNECTED);
            conditions.remove(ExecutorCondition.Kind.SHIM_DISCONNECTED);
        }
        if (kind == ExecutorCondition.Kind.RECOVERY_FINISHED) {
            conditions.remove(ExecutorCondition.Kind.RECOVERY_STARTED);
        } else {
            conditions.put(kind, rec);
        }
    }

    private JournalRecord write(JournalRecord rec) {
        JournalRecord numbered = rec.toBuilder().setSequence(++sequence).build();
        if (!replaying) {
            journal.append(numbered);
        }
        return numbered;
    }

    private void track(String replacementId, JournalRecord rec) {
        open.computeIfAbsent(replacementId, k -> new ArrayList<>()).add(rec);
    }

    /**
     * Forgets the records (and recorded reports) of the replacements stepped since the last settle that have ended and
     * whose reservation is released. The reports are kept only for replacements in {@link #open} ({@link #recordStatus}
     * adds them only then, a checkpoint's are trimmed when read), so they go in the same pass. Looking at every open
     * replacement on every step cost a tenth of the driver loop at full throughput.
     */
    private List<Command> settle(List<Command> commands) {
        for (String rid : stepped) {
            if (settled(rid)) {
                open.remove(rid);
                openReports.remove(rid);
            }
        }
        stepped.clear();
        return commands;
    }

    /**
     * {@link #settle} over every open replacement: after the steps that may move many (the executor's conditions:
     * the shim connected or gone, recovery, terminating) and before a checkpoint (which then holds exactly what is
     * still open, also without a finished replacement the engine has let go of meanwhile).
     */
    private List<Command> settleAll(List<Command> commands) {
        stepped.clear();
        for (java.util.Iterator<String> it = open.keySet().iterator(); it.hasNext(); ) {
            String rid = it.next();
            if (settled(rid)) {
                it.remove();
                openReports.remove(rid);
            }
        }
        return commands;
    }

    private boolean settled(String rid) {
        Replacement r = engine.replacement(rid);
        return r == null || r.phase().terminal() && !r.releasePending();
    }

    // ------------------------------------------------------------------ checkpoint and replay

    /** Writes a checkpoint of what is still open; the journal may then drop everything before it. */
    public long checkpoint(long atUs) {
        settleAll(List.of());
        Checkpoint.Builder c = Checkpoint.newBuilder().setUptoSequence(sequence);
        engine.tasks().forEach((id, task) -> c.addTasks(io.baton.proto.TaskLaunched.newBuilder().setTask(task)
                .setState(engine.state(id) == null ? TaskState.TASK_RUNNING : engine.state(id))));
        List<JournalRecord> records = new ArrayList<>(conditions.values());
        open.values().forEach(records::addAll);
        records.stream().distinct().sorted((a, b) -> Long.compare(a.getSequence(), b.getSequence()))
                .forEach(c::addOpen);
        c.addAllPending(outbox.pending()); // in order, as they must go out
        openReports.values().forEach(c::addAllRecordedReports);
        c.addAllEnded(endedEntries());
        return journal.checkpoint(JournalRecord.newBuilder().setSequence(++sequence).setTimeUs(atUs)
                .setCheckpoint(c).build());
    }

    /** A final update, and its field in a checkpoint's ended entry (made when a checkpoint first needs it). */
    private static final class FinalUpdate {
        final io.baton.proto.TaskStatus status;
        private ByteString field;

        FinalUpdate(io.baton.proto.TaskStatus status, ByteString field) {
            this.status = status;
            this.field = field;
        }

        ByteString field() {
            if (field == null) {
                field = EndedEntry.finalUpdateField(status.toByteString());
            }
            return field;
        }
    }

    /**
     * The checkpoint's {@code ended} entries, joined ({@link EndedEntry#join}) from the request's bytes the engine
     * keeps and the final update's field (encoded once), without copying either: re-encoding up to 10,000 remembered requests
     * on every checkpoint was over a third of the driver loop's time at full throughput, and a cache of each entry's
     * bytes (as there was) kept 10,000 more objects alive across young collections.
     */
    private List<ByteString> endedEntries() {
        List<ByteString> entries = new ArrayList<>(engine.ended().size());
        for (io.baton.sdk.core.Ended e : engine.ended()) {
            FinalUpdate last = finalUpdates.get(e.replacementId());
            entries.add(EndedEntry.join(e.outcome(), e.requestBytes(), last == null ? null : last.field()));
        }
        return entries;
    }

    /**
     * Rebuilds an engine from a journal: the latest checkpoint's tasks and open records, then every
     * record after it. Returns the journaled engine, ready for new inputs, and the commands replay produced.
     */
    public static Replayed replay(Journal journal) {
        JournaledEngine je = new JournaledEngine(journal, new Engine());
        List<Command> commands = new ArrayList<>();
        je.replaying = true;
        boolean[] first = {true};
        journal.replay(rec -> {
            je.replayedRecords++;
            // A checkpoint after the first record was appended but never made the replay start (the process
            // died in between): the records before it, replayed already, hold everything it holds.
            if (first[0] || !rec.hasCheckpoint()) {
                je.feed(rec, commands);
            } else {
                je.sequence = Math.max(je.sequence, rec.getSequence()); // its number is taken: the next record's is above
            }
            first[0] = false;
        });
        je.replaying = false;
        return new Replayed(je, commands, unrecorded(commands, je.recordedDuringReplay));
    }

    /**
     * @param unrecordedReports status reports that replayed inputs produced but whose StatusRecorded never
     *     reached the journal (the executor died in between): recovery sends them now
     */
    public record Replayed(JournaledEngine engine, List<Command> commands, List<Command.Report> unrecordedReports) {
    }

    private final List<io.baton.proto.TaskStatus> recordedDuringReplay = new ArrayList<>();
    private long replayedRecords;

    /** Whether the journal's store is still opening: a checkpoint now would wait for it ({@link Journal#opening}). */
    boolean journalOpening() {
        return journal.opening();
    }

    /** Whether this engine appends to {@code j} (the very instance). */
    boolean journalsTo(Journal j) {
        return journal == j;
    }

    /** How many records {@link #replay} read to build this engine (0 for an engine that was not replayed). */
    public long replayedRecords() {
        return replayedRecords;
    }

    private static List<Command.Report> unrecorded(List<Command> commands, List<io.baton.proto.TaskStatus> recorded) {
        List<io.baton.proto.TaskStatus> left = new ArrayList<>(recorded);
        List<Command.Report> out = new ArrayList<>();
        for (Command c : commands) {
            if (c instanceof Command.Report r) {
                io.baton.proto.TaskStatus match = left.stream().filter(st -> st.getTaskId().getValue().equals(r.taskId())
                        && st.getState() == r.state() && st.getReplacementId().getValue().equals(r.replacementId()))
                        .findFirst().orElse(null);
                if (match != null) {
                    left.remove(match);
                } else {
                    out.add(r);
                }
            }
        }
        return out;
    }

    private void feed(JournalRecord rec, List<Command> out) {
        sequence = Math.max(sequence, rec.getSequence() - 1);
        switch (rec.getRecordCase()) {
            case CHECKPOINT -> {
                Checkpoint c = rec.getCheckpoint();
                c.getTasksList().forEach(t -> engine.taskKnown(t.getTask(), t.getState()));
                sequence = rec.getSequence();
                c.getOpenList().forEach(r -> feed(r, out));
                // after the open records: those replayed above must not look like retries of themselves
                for (ByteString entry : c.getEndedList()) {
                    remember(entry);
                }
                recordedDuringReplay.addAll(c.getRecordedReportsList());
                c.getRecordedReportsList().forEach(st -> openReports.computeIfAbsent(st.getReplacementId().getValue(),
                        k -> new ArrayList<>()).add(st));
                openReports.keySet().retainAll(open.keySet()); // as settle keeps them: only for open replacements
                c.getPendingList().forEach(outbox::record);
                sequence = Math.max(sequence, rec.getSequence());
            }
            case REPLACE_REQUESTED -> {
                var q = rec.getReplaceRequested();
                ReplaceRequest request = JournalCodec.request(q);
                Engine.Decision d = JournalCodec.decision(q);
                if (d == null) {
                    d = engine.decide(request);
                }
                out.addAll(submit(request, d, q.getRequestedAtUs()).commands());
            }
            case ENGINE_EVENT -> out.addAll(apply(rec.getEngineEvent().getReplacementId().getValue(),
                    JournalCodec.event(rec.getEngineEvent())));
            case TASK_STATE -> out.addAll(taskState(rec.getTaskState().getTaskId().getValue(),
                    rec.getTaskState().getState(), rec.getTaskState().getMessage(), rec.getTaskState().getAtUs()));
            case TASK_LAUNCHED -> taskKnown(rec.getTaskLaunched().getTask(), rec.getTaskLaunched().getState(),
                    rec.getTimeUs());
            case CONDITION -> out.addAll(replayCondition(rec.getCondition()));
            case STATUS_RECORDED -> {
                recordStatus(rec.getStatusRecorded().getStatus());
                recordedDuringReplay.add(rec.getStatusRecorded().getStatus());
            }
            case STATUS_ACKNOWLEDGED -> acknowledged(rec.getStatusAcknowledged(), rec.getTimeUs());
            default -> {
            }
        }
    }

    private List<Command> replayCondition(ExecutorCondition c) {
        long at = c.getAtUs();
        switch (c.getKind()) {
            case SHIM_CONNECTED -> {
                return shimConnected(at);
            }
            case SHIM_DISCONNECTED -> shimDisconnected(at);
            case RECOVERY_STARTED -> recoveryStarted(at);
            case RECOVERY_FINISHED -> {
                return recoveryFinished(at);
            }
            case TERMINATING -> terminating(at);
            default -> {
            }
        }
        return List.of();
    }

    /**
     * An ended replacement from a checkpoint: its id read, its request kept encoded, its final update parsed (and its
     * field kept, for the next checkpoint).
     */
    private void remember(ByteString entry) {
        EndedEntry e;
        io.baton.proto.TaskStatus last = null;
        try {
            e = EndedEntry.read(entry);
            if (e.finalUpdate() != null) {
                last = io.baton.proto.TaskStatus.parseFrom(e.finalUpdate());
            }
        } catch (com.google.protobuf.InvalidProtocolBufferException x) {
            throw new IllegalStateException("a checkpoint's ended replacement does not parse: " + x.getMessage(), x);
        }
        String id = e.replacementId();
        engine.remember(io.baton.sdk.core.Ended.encoded(id, io.baton.sdk.core.Phase.valueOf(e.outcome()), e.request()));
        if (last != null) {
            finalUpdates.put(id, new FinalUpdate(last, e.finalAt() >= 0 ? entry.substring(e.finalAt()) : null));
        }
    }

    /** A checkpoint's ended replacements, parsed (for tools: replay reads them lazily). */
    public static List<io.baton.proto.EndedReplacement> ended(Checkpoint c) {
        List<io.baton.proto.EndedReplacement> out = new ArrayList<>(c.getEndedCount());
        for (ByteString entry : c.getEndedList()) {
            try {
                out.add(io.baton.proto.EndedReplacement.parseFrom(entry));
            } catch (com.google.protobuf.InvalidProtocolBufferException e) {
                throw new IllegalStateException("a checkpoint's ended replacement does not parse: " + e.getMessage(), e);
            }
        }
        return out;
    }
}
