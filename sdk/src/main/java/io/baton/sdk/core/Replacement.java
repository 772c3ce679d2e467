package io.baton.sdk.core;

import io.baton.proto.Keep;
import io.baton.proto.ReleaseLeftover;
import io.baton.proto.ReplaceStrategy;
import io.baton.proto.TaskInfo;
import io.baton.proto.TaskReason;
import io.baton.proto.TaskState;
import io.baton.resources.Resources;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * One replacement's state machine: {@code apply(event) → (phase, commands)} through the single
 * {@link Transitions} table. Pure and deterministic: the same events give the same phases and
 * commands, which is what makes journal replay exact. Not thread-safe; the runtime confines it.
 */
public final class Replacement {
    private static final int HISTORY = 16;

    final ReplaceRequest request;
    final String id;
    Phase phase = Phase.NEW;
    TaskInfo oldTask;
    Resources pool = Resources.empty();
    /** What the container holds for this replacement (the last Adjust), reported on re-subscription. */
    Resources inUse = Resources.empty();
    boolean reserved;
    boolean oldAlive = true;
    boolean oldFrozen;
    /** A kill of the old task was issued after the new one became ready: a rollback must relaunch it. */
    boolean oldKillIssued;
    boolean released;
    /**
     * RESTORING waits for the old task's end before relaunching it: its kill was issued but its end never
     * seen (the kill may still be running, or was lost with an executor restart, and the task may run on).
     */
    boolean awaitingOldEnd;
    /**
     * A Release was issued for a reserve whose answer never came (the replacement ended while REQUESTED): the
     * shim may hold the reservation, so the release is re-issued until it is confirmed.
     */
    boolean releaseUnconfirmed;
    /**
     * The shim reserved this replacement when it delivered the request: until the engine takes the pool (or its
     * own RESERVE is answered with it), ending the replacement must release it (KEEP_OLD while the old task runs).
     */
    boolean shimHolds;
    /** The rollback's kill of the new task failed once and was asked again. */
    boolean rollbackKillRetried;
    /**
     * RELAUNCHING gave the relaunched old task up (it was not running within the start timeout) and waits
     * for its end: FAILED is reported only once it is gone; why it was given up is {@link #relaunchFailure}.
     */
    boolean stoppingRelaunch;
    String relaunchFailure = "";
    /** The kill of a relaunch being given up failed once and was asked again. */
    boolean relaunchKillRetried;
    TaskReason failureReason = TaskReason.REASON_UNSPECIFIED;
    String failureMessage = "";
    final Map<Timer, Long> armed = new EnumMap<>(Timer.class);
    long drainStartUs;
    long oldStoppedUs;
    long handoffDoneUs;
    long launchStartUs;
    long runningUs;
    long readyUs;
    long endUs;
    /** The time of the event being applied (timings of a final update end here). */
    long nowUs;
    /** The last steps, formatted only when asked for (formatting events costs more than a step). */
    private final ArrayDeque<Line> history = new ArrayDeque<>();

    private record Line(long atUs, Phase from, Event event, Phase to) {
        @Override
        public String toString() {
            return atUs + "us " + from + " --" + event + "--> " + to;
        }
    }
    private List<Command> out = new ArrayList<>();

    public Replacement(ReplaceRequest request) {
        this.request = request;
        this.id = request.replacementId();
        this.oldTask = request.oldTask();
    }

    /**
     * One step: the phases before and after, the commands to run in order, and the index of the table row
     * used (in {@link Transitions#rows()}).
     */
    public record Step(Phase from, Phase to, List<Command> commands, int row) {
    }

    /** Applies an event. Throws {@link IllegalTransitionException} if the table has no row for it. */
    public Step apply(Event e) {
        Row row = Transitions.find(phase, e);
        if (row == null) {
            throw new IllegalTransitionException(id, phase, e, history());
        }
        Phase from = phase;
        nowUs = e.atUs();
        out = new ArrayList<>();
        Phase to = row.action().apply(this, e);
        if (!row.to().contains(to)) {
            throw new IllegalStateException("row " + row.index() + " (" + from + " on " + e.getClass().getSimpleName()
                    + ") went to " + to + ", not one of " + row.to());
        }
        phase = to;
        if (to.terminal() && !from.terminal()) {
            endUs = e.atUs();
        }
        remember(new Line(e.atUs(), from, e, to));
        return new Step(from, to, Collections.unmodifiableList(out), row.index());
    }

    public boolean accepts(Event e) {
        return Transitions.find(phase, e) != null;
    }

    private void remember(Line line) {
        if (history.size() == HISTORY) {
            history.removeFirst();
        }
        history.addLast(line);
    }

    // ------------------------------------------------------------------ views

    public String id() {
        return id;
    }

    public Phase phase() {
        return phase;
    }

    public ReplaceRequest request() {
        return request;
    }

    public TaskInfo oldTask() {
        return oldTask;
    }

    public Resources pool() {
        return pool;
    }

    public boolean released() {
        return released;
    }

    /** The shim reserved for this replacement at some point (on delivery or when asked; it may be released since). */
    public boolean wasReserved() {
        return reserved || shimHolds;
    }

    /** The shim holds a reservation for it: accepted and not yet released. */
    public boolean holdsReservation() {
        return reserved && !released;
    }

    /**
     * A release of this replacement is still owed to the shim: it holds a reservation, or ended while its
     * reserve was unanswered (the reserve may have landed). Such a replacement is re-issued its Release after
     * every re-subscription and kept (records, history) until the shim confirms.
     */
    public boolean releasePending() {
        return (reserved || releaseUnconfirmed) && !released;
    }

    public Resources inUse() {
        return inUse;
    }

    /** RELAUNCHING, and the relaunched old task is being stopped (see {@link RollbackSteps#relaunchTimeout}). */
    public boolean stoppingRelaunch() {
        return stoppingRelaunch;
    }

    public boolean oldAlive() {
        return oldAlive;
    }

    public boolean oldFrozen() {
        return oldFrozen;
    }

    public Map<Timer, Long> armedTimers() {
        return Collections.unmodifiableMap(armed);
    }

    public String history() {
        return String.join("\n", history.stream().map(Line::toString).toList());
    }

    public Timings timings() {
        long end = endUs == 0 ? nowUs : endUs;
        long drain = oldStoppedUs > 0 && drainStartUs > 0 ? oldStoppedUs - drainStartUs : 0;
        long handoff = handoffDoneUs > 0 && oldStoppedUs > 0 && handoffDoneUs >= oldStoppedUs
                ? handoffDoneUs - oldStoppedUs : 0;
        long launch = runningUs > 0 ? runningUs - launchStartUs : 0;
        long ready = readyUs > 0 ? readyUs - runningUs : 0;
        return new Timings(drain, handoff, launch, ready, end - request.requestedAtUs());
    }

    // ------------------------------------------------------------------ command helpers (used by the table)

    ReplaceStrategy strategy() {
        return request.policy().strategy();
    }

    String oldId() {
        return request.oldTaskId();
    }

    String newId() {
        return request.newTaskId();
    }

    boolean sameTask() {
        return oldId().equals(newId());
    }

    void emit(Command c) {
        out.add(c);
    }

    void arm(Timer t, long deadlineUs) {
        armed.put(t, deadlineUs);
        emit(new Command.ArmTimer(id, t, deadlineUs));
    }

    void cancel(Timer t) {
        if (armed.remove(t) != null) {
            emit(new Command.CancelTimer(id, t));
        }
    }

    void cancelAll() {
        for (Timer t : List.copyOf(armed.keySet())) {
            cancel(t);
        }
    }

    /** A status update; {@code outcome} marks the replacement's final one (null for the others). */
    void report(String task, TaskState state, TaskReason reason, String message, Phase outcome) {
        String related = task.equals(oldId()) ? newId() : oldId();
        emit(new Command.Report(id, task, state, reason, message, related, outcome == null ? null : timings(),
                outcome));
    }

    void reserve() {
        emit(new Command.Reserve(id, oldId(), request.newTask(), request.offerIds(), request.policy().concurrent()));
    }

    void adjust(Resources inUse) {
        this.inUse = inUse;
        emit(new Command.Adjust(id, inUse));
    }

    /** IMMEDIATE leftover: once the old task no longer runs, give back what the new task does not use. */
    void giveBackLeftoverIfImmediate() {
        if (request.policy().releaseLeftover() == ReleaseLeftover.IMMEDIATE) {
            Resources leftover = pool.minus(request.newResources());
            if (!leftover.isEmpty()) {
                pool = pool.minus(leftover);
                emit(new Command.GiveBack(id, leftover));
            }
        }
    }

    void fail(TaskReason reason, String message) {
        if (failureReason == TaskReason.REASON_UNSPECIFIED) {
            failureReason = reason;
            failureMessage = message;
        }
    }

    long drainDeadline() {
        return request.requestedAtUs() + request.policy().drainTimeoutUs();
    }

    String ms(long us) {
        return (us / 1000) + " ms";
    }

    Keep keepFor(Phase terminal) {
        return switch (terminal) {
            case COMMITTED -> Keep.KEEP_NEW;
            case ROLLED_BACK, ABORTED -> Keep.KEEP_OLD;
            default -> Keep.KEEP_NONE;
        };
    }
}
