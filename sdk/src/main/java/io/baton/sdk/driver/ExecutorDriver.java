package io.baton.sdk.driver;

import com.google.protobuf.ByteString;
import io.baton.proto.ReplacementProgress;
import io.baton.proto.TaskID;
import io.baton.proto.TaskInfo;
import io.baton.proto.TaskState;
import io.baton.proto.TaskStatus;
import io.baton.resources.Resources;
import io.baton.sdk.core.Command;
import io.baton.sdk.core.Engine;
import io.baton.sdk.core.Event;
import io.baton.sdk.core.Replacement;
import io.baton.sdk.journal.Journal;
import io.baton.tasks.TaskStates;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Every decision of an executor process, pure and deterministic: {@link #step} takes one {@link Input}
 * and returns the {@link Effect}s to carry out, in order. Inside: the replacement engine behind its
 * write-ahead journal, the task table, the subscription, status updates, readiness scheduling and
 * recovery. The runtime is a loop around it that owns the threads, sockets and author hooks; the
 * deterministic simulation drives the very same class.
 *
 * <p>Single-threaded: one step at a time. The journal is a port (Chronicle in the runtime, in memory in
 * tests); the clock is the time each input carries; status update ids come from {@code uuids}.
 */
public final class ExecutorDriver {
    /** The runtime checkpoints every this many journal records. */
    public static final long CHECKPOINT_EVERY = 10_000;
    static final long HOOK_BOUND_MS = 60_000;
    static final long PUMP_EVERY_US = 250_000;
    static final long RESUBSCRIBE_AFTER_US = 5_000_000;
    /** A refusal that goes on is logged every this many tries (once a minute at one try every 5 s). */
    static final int REFUSALS_LOGGED_EVERY = 12;
    static final long SHUTDOWN_GRACE_US = 5_000_000;

    /** When to write a checkpoint (the journal may then drop what came before it). */
    public interface Checkpoints {
        boolean due(long appendedSinceLast);
    }

    final String executorId;
    final Resources overhead;
    final Journal journal;
    final Supplier<ByteString> uuids;
    private final Checkpoints checkpoints;

    JournaledEngine je;
    /** The author's handles this executor holds, by task id, with their incarnations (the tasks are the engine's). */
    final HeldTasks tasks = new HeldTasks();
    boolean subscribed;
    /** The latest refusal of the subscription while it goes on (null once subscribed), how often and since when. */
    private String refusedWith;
    private int refusedTimes;
    private long refusedSinceUs;
    boolean pumpArmed;
    long appendedAtCheckpoint;
    final Readiness readiness = new Readiness(this);
    final Commands commands = new Commands(this);
    final ShimEvents shimEvents = new ShimEvents(this);
    final Recovering recovering = new Recovering(this);

    List<Effect> out = new ArrayList<>();
    long now;
    /**
     * The author's latest running (non-terminal) update of a task while a replacement managed it: the engine speaks
     * for such a task, so it was not sent then. When the replacement lets the task go without its outcome saying how
     * the task is (a REJECTED or ABORTED request leaves the old task as it is), it is sent: else an old task whose
     * launch was still under way when the REPLACE came stayed TASK_STAGING for the framework (yarn CI, 2026-12-04).
     */
    private final java.util.Map<String, Withheld> withheld = new java.util.HashMap<>();

    private record Withheld(TaskState state, String message) {
    }

    public ExecutorDriver(String executorId, Resources overhead, Journal journal, Supplier<ByteString> uuids,
            Checkpoints checkpoints) {
        this.executorId = executorId;
        this.overhead = overhead;
        this.journal = journal;
        this.uuids = uuids;
        this.checkpoints = checkpoints;
    }

    /** The engine (for inspection on the driver's thread; null before {@link Input.Start}). */
    public Engine engine() {
        return je == null ? null : je.engine();
    }

    public JournaledEngine journaled() {
        return je;
    }

    public boolean subscribed() {
        return subscribed;
    }

    /** Whether the executor holds a handle of this task. */
    public boolean holds(String taskId) {
        return tasks.holds(taskId);
    }

    /** One input in, the effects to carry out (in order) back. */
    public List<Effect> step(Input in) {
        out = new ArrayList<>();
        now = in.atUs();
        if (je == null && !(in instanceof Input.Start)) {
            log(Effect.Level.DEBUG, "executor " + executorId + ": " + in.getClass().getSimpleName()
                    + " before recovery; ignored");
            return out;
        }
        dispatch(in);
        afterStep();
        return out;
    }

    private void dispatch(Input in) {
        if (in instanceof Input.Start s) {
            recovering.start(s.replayed());
        } else if (in instanceof Input.Recovered r) {
            recovering.finish(r.alive());
        } else if (in instanceof Input.Connected) {
            emit(new Effect.Subscribe(Subscriptions.describe(je.engine(), je.outbox().pending(), executorId, overhead)));
        } else if (in instanceof Input.Subscribed s) {
            subscribedNow(s.container());
        } else if (in instanceof Input.SubscribeRefused r) {
            refused(r.message());
            emit(new Effect.Arm(TimerKey.Resubscribe.KEY, now + RESUBSCRIBE_AFTER_US));
        } else if (in instanceof Input.Disconnected d) {
            disconnected(d.why());
        } else if (in instanceof Input.ShimEvent e) {
            shimEvents.handle(e.event());
        } else if (in instanceof Input.Answered a) {
            commands.answered(a.call(), a.answer());
        } else if (in instanceof Input.TaskReported r) {
            reported(r.taskId(), r.incarnation(), r.state(), r.message());
        } else if (in instanceof Input.HookReturned h) {
            commands.hookReturned(h.run(), h.ready(), h.failure());
        } else if (in instanceof Input.TimerFired t) {
            timerFired(t.key());
        } else if (in instanceof Input.EffectFailed f) {
            commands.effectFailed(f.effect(), f.error());
        }
    }

    // ------------------------------------------------------------------ shared by the parts

    void emit(Effect e) {
        out.add(e);
    }

    void log(Effect.Level level, String message) {
        out.add(new Effect.Log(level, message));
    }

    void apply(String rid, Event e) {
        commands.run(je.apply(rid, e));
        maybeCheckpoint();
    }

    /**
     * A task's state as the author reports it through the handle of {@code incarnation} (or the driver
     * itself, for a hook of that handle: a launch that failed, a thaw). A report through a handle renamed by
     * a resize is the renamed task's; one through a handle that was replaced (the task id launched again)
     * is stale and dropped.
     */
    void reported(String taskId, long incarnation, TaskState state, String message) {
        long held = tasks.incarnation(taskId);
        if (held != incarnation) {
            String renamed = tasks.idOf(incarnation);
            if (renamed != null) {
                taskId = renamed;
            } else if (held != 0) {
                log(Effect.Level.DEBUG, "executor " + executorId + ": dropping " + state + " of task " + taskId
                        + " reported by an earlier incarnation (" + incarnation + ", now " + held + ")");
                return;
            }
        }
        report(taskId, state, message);
    }

    private void report(String taskId, TaskState state, String message) {
        Engine engine = je.engine();
        boolean managed = engine.manages(taskId);
        if (!managed && !engine.tasks().containsKey(taskId)) {
            // e.g. a replaced task's kill finishing after the replacement reported its outcome
            log(Effect.Level.DEBUG, "executor " + executorId + ": dropping " + state + " of task " + taskId
                    + ", which has already ended");
            return;
        }
        if (!managed) { // recorded first: a crash right after leaves it to be resent, not lost
            send(status(taskId, state, message));
        } else if (TaskStates.isTerminal(state)) {
            withheld.remove(taskId); // the engine reports how a task in its replacement ended
        } else {
            withheld.put(taskId, new Withheld(state, message));
        }
        commands.run(je.taskState(taskId, state, message, now)); // first: they may still act on the task
        if (TaskStates.isTerminal(state) && !engine.tasks().containsKey(taskId)) {
            close(taskId);
        }
        maybeCheckpoint();
    }

    void close(String taskId) {
        if (tasks.remove(taskId)) {
            emit(new Effect.TaskClosed(taskId));
        }
    }

    TaskStatus status(String taskId, TaskState state, String message) {
        return TaskStatus.newBuilder().setTaskId(TaskID.newBuilder().setValue(taskId)).setState(state)
                .setMessage(message).setUuid(uuids.get()).setTimestampUs(now)
                .setExecutorId(io.baton.proto.ExecutorID.newBuilder().setValue(executorId)).build();
    }

    /** Journals an update and sends whatever is due. */
    void send(TaskStatus status) {
        je.recordStatus(status);
        pump();
    }

    void pump() {
        if (!subscribed) {
            return;
        }
        for (TaskStatus s : je.outbox().due(now)) {
            emit(new Effect.Update(s));
        }
    }

    // ------------------------------------------------------------------ the subscription

    /**
     * Logs a refused subscription: each new reason, then the same one again on the next two tries and once a minute
     * after that, with how long it has lasted (a refusal that does not clear would otherwise fill the log every 5 s;
     * the shim's STATE lists it as well).
     */
    private void refused(String message) {
        if (!message.equals(refusedWith)) {
            refusedWith = message;
            refusedTimes = 0;
            refusedSinceUs = now;
        }
        refusedTimes++;
        if (refusedTimes <= 3 || refusedTimes % REFUSALS_LOGGED_EVERY == 0) {
            String line = "executor " + executorId + ": the shim refused the subscription: " + message + "; retrying in "
                    + RESUBSCRIBE_AFTER_US / 1_000_000 + " s";
            if (refusedTimes > 1) {
                line += " (refused " + refusedTimes + " times in a row over " + (now - refusedSinceUs) / 1_000_000
                        + " s" + (refusedTimes < 3 ? ")" : "; logged once a minute while it lasts)");
            }
            log(Effect.Level.ERROR, line);
        }
    }

    private void subscribedNow(String container) {
        refusedWith = null;
        log(Effect.Level.INFO, "executor " + executorId + " subscribed to the shim (container " + container + ")");
        emit(new Effect.Cancel(TimerKey.Resubscribe.KEY));
        subscribed = true;
        // shim calls first: on one connection the shim sees a RELEASE before the final update it allows
        commands.run(Subscriptions.reissued(je.engine()));
        commands.run(je.shimConnected(now));
        je.outbox().resendAll();
        pump();
    }

    private void disconnected(String why) {
        if (subscribed) {
            log(Effect.Level.WARN, "executor " + executorId + ": " + why + "; reconnecting");
        }
        subscribed = false;
        je.shimDisconnected(now);
    }

    private void timerFired(TimerKey key) {
        if (key instanceof TimerKey.Replacement r) {
            apply(r.replacementId(), new Event.TimerFired(r.timer(), now));
        } else if (key instanceof TimerKey.Probe p) {
            readiness.probe(p.replacementId());
        } else if (key instanceof TimerKey.Pump) {
            pumpArmed = false;
            pump();
        } else if (key instanceof TimerKey.Resubscribe) {
            if (!subscribed) {
                emit(new Effect.Subscribe(Subscriptions.describe(je.engine(), je.outbox().pending(), executorId,
                        overhead)));
            }
        } else if (key instanceof TimerKey.Checkpoint) {
            if (je.journalOpening()) {
                emit(new Effect.Arm(key, now + CHECKPOINT_RETRY_US));
            } else {
                checkpoint();
                appendedAtCheckpoint = journal.appended();
            }
        } else if (key instanceof TimerKey.ShutdownGrace) {
            emit(new Effect.Exit("shut down by the shim"));
        }
    }

    // ------------------------------------------------------------------ after every step

    private void afterStep() {
        if (je == null) {
            return;
        }
        for (Engine.PhaseChange c : je.engine().drainPhaseChanges()) {
            Replacement r = c.replacement();
            if (c.to().terminal()) {
                sendWithheld(r);
                forgetEndedTasks(r);
            }
            if (subscribed) {
                emit(new Effect.Progress(ReplacementProgress.newBuilder()
                        .setReplacementId(io.baton.proto.ReplacementID.newBuilder().setValue(r.id()))
                        .setPhase(c.to().name()).setFromPhase(c.from().name()).setAtUs(c.atUs())
                        .setOldTaskId(TaskID.newBuilder().setValue(r.request().oldTaskId()))
                        .setNewTaskId(TaskID.newBuilder().setValue(r.request().newTaskId())).build()));
            }
        }
        if (!pumpArmed && je.outbox().size() > 0) {
            pumpArmed = true;
            emit(new Effect.Arm(TimerKey.Pump.KEY, now + PUMP_EVERY_US));
        }
    }

    /**
     * A finished replacement's tasks that it let go with an update of theirs withheld: the update goes out now, unless
     * the task is gone, is managed by another replacement, has changed since, or the outcome's final update is its.
     */
    private void sendWithheld(Replacement r) {
        if (withheld.isEmpty()) {
            return;
        }
        TaskStatus last = je.finalUpdate(r.id());
        for (String id : List.of(r.request().oldTaskId(), r.request().newTaskId())) {
            Withheld w = withheld.get(id);
            if (w == null || je.engine().manages(id)) {
                continue; // another replacement has it now: its end decides
            }
            withheld.remove(id);
            if (!je.engine().tasks().containsKey(id) || je.engine().state(id) != w.state()
                    || last != null && last.getTaskId().getValue().equals(id)) {
                continue;
            }
            send(status(id, w.state(), w.message()));
        }
    }

    /** Tasks a finished replacement left behind (the replaced or the failed one) need no handle any more. */
    private void forgetEndedTasks(Replacement r) {
        for (String id : List.of(r.request().oldTaskId(), r.request().newTaskId())) {
            if (!je.engine().tasks().containsKey(id) && !je.engine().manages(id)) {
                close(id);
            }
        }
    }

    void maybeCheckpoint() {
        long appended = journal.appended();
        if (checkpoints.due(appended - appendedAtCheckpoint)) {
            // the next attempt comes later even if this one fails: a failing checkpoint retried on every
            // input would cost each input a full checkpoint
            appendedAtCheckpoint = appended;
            checkpoint();
            appendedAtCheckpoint = journal.appended();
        }
    }

    /** A checkpoint now; a failure is logged (the next one is tried after {@link #CHECKPOINT_EVERY} more records). */
    private void checkpoint() {
        try {
            je.checkpoint(now);
        } catch (io.baton.sdk.journal.JournalException e) {
            log(Effect.Level.ERROR, "executor " + executorId + ": checkpoint failed, retrying after "
                    + CHECKPOINT_EVERY + " more records (until one succeeds, the journal is not trimmed): "
                    + e.getMessage());
        }
    }

    /** How often recovery's checkpoint looks again whether the journal's store is open, in µs. */
    static final long CHECKPOINT_RETRY_US = 100_000;

    /** Checkpoints every {@link #CHECKPOINT_EVERY} records. */
    public static Checkpoints everyTenThousand() {
        return since -> since >= CHECKPOINT_EVERY;
    }
}
