package io.baton.sdk.core;

import static io.baton.sdk.core.Hook.FREEZE;
import static io.baton.sdk.core.Hook.KILL;
import static io.baton.sdk.core.Hook.LAUNCH;
import static io.baton.sdk.core.Hook.READINESS;
import static io.baton.sdk.core.Hook.RESIZE;
import static io.baton.sdk.core.Hook.THAW;
import static io.baton.sdk.core.Phase.ABORTED;
import static io.baton.sdk.core.Phase.COMMITTED;
import static io.baton.sdk.core.Phase.DRAINING;
import static io.baton.sdk.core.Phase.FAILED;
import static io.baton.sdk.core.Phase.FREEZING;
import static io.baton.sdk.core.Phase.HANDING_OFF;
import static io.baton.sdk.core.Phase.LAUNCHING;
import static io.baton.sdk.core.Phase.NEW;
import static io.baton.sdk.core.Phase.PENDING;
import static io.baton.sdk.core.Phase.REJECTED;
import static io.baton.sdk.core.Phase.RELAUNCHING;
import static io.baton.sdk.core.Phase.REQUESTED;
import static io.baton.sdk.core.Phase.RESIZING;
import static io.baton.sdk.core.Phase.RESTORING;
import static io.baton.sdk.core.Phase.ROLLED_BACK;
import static io.baton.sdk.core.Phase.ROLLING_BACK;
import static io.baton.sdk.core.Phase.STOPPING_OLD;
import static io.baton.sdk.core.Phase.VERIFYING;
import static io.baton.sdk.core.Readiness.EXECUTOR_REREGISTERING;
import static io.baton.sdk.core.Readiness.EXECUTOR_TERMINATING;
import static io.baton.sdk.core.Readiness.INVALID;
import static io.baton.sdk.core.Readiness.REFUSED_BY_SHIM;
import static io.baton.sdk.core.Readiness.OLD_TASK_BUSY;
import static io.baton.sdk.core.Readiness.OLD_TASK_RECOVERING;
import static io.baton.sdk.core.Readiness.OLD_TASK_UNKNOWN;
import static io.baton.sdk.core.Readiness.READY;
import static io.baton.sdk.core.Row.phases;

import io.baton.sdk.core.Event.ContainerAdjusted;
import io.baton.sdk.core.Event.HookFailed;
import io.baton.sdk.core.Event.NewTaskReady;
import io.baton.sdk.core.Event.NewTaskRunning;
import io.baton.sdk.core.Event.NewTaskTerminated;
import io.baton.sdk.core.Event.OldTaskFailed;
import io.baton.sdk.core.Event.OldTaskFrozen;
import io.baton.sdk.core.Event.OldTaskGone;
import io.baton.sdk.core.Event.OldTaskResized;
import io.baton.sdk.core.Event.OldTaskRunning;
import io.baton.sdk.core.Event.OldTaskTerminated;
import io.baton.sdk.core.Event.PreconditionsMet;
import io.baton.sdk.core.Event.Released;
import io.baton.sdk.core.Event.Requested;
import io.baton.sdk.core.Event.ReserveAccepted;
import io.baton.sdk.core.Event.ReserveRejected;
import io.baton.sdk.core.Event.TimerFired;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The one table of every legal move of a replacement. {@code docs/replacement-states.md} is rendered
 * from it by a test; the core tests fail if a row is never exercised.
 *
 * <p>A row is found by (phase, event type, case): hook failures are told apart by the hook that failed and
 * requests by the readiness they met, so each row has one action and no action re-decides which row it is.
 * A row without a case takes the cases no other row of its phase names: for a hook failure, a late one
 * from an earlier step, which changes nothing.
 */
public final class Transitions {
    private static final List<Row> ROWS = new ArrayList<>();
    private static final Map<Phase, Map<On, Row>> TABLE = new EnumMap<>(Phase.class);

    /**
     * The key of a row within its phase; {@code when} null for the row that takes the other cases. A class, not a
     * record: a record's first {@code hashCode} bootstraps its generated methods (method handles), which the first
     * decision after a restart would pay for in the middle of the journal's replay.
     */
    private static final class On {
        private final Class<? extends Event> type;
        private final Enum<?> when;

        On(Class<? extends Event> type, Enum<?> when) {
            this.type = type;
            this.when = when;
        }

        Class<? extends Event> type() {
            return type;
        }

        Enum<?> when() {
            return when;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof On other && other.type == type && other.when == when;
        }

        @Override
        public int hashCode() {
            return 31 * type.hashCode() + (when == null ? 0 : when.hashCode());
        }
    }

    static {
        // ---- request
        row(NEW, Requested.class, READY, phases(REQUESTED), "reserve", RowAction.REQUEST_READY);
        row(NEW, Requested.class, EXECUTOR_REREGISTERING, phases(PENDING), "wait", RowAction.REQUEST_WAITS);
        row(NEW, Requested.class, OLD_TASK_RECOVERING, phases(PENDING), "wait", RowAction.REQUEST_WAITS);
        row(NEW, Requested.class, EXECUTOR_TERMINATING, phases(REJECTED), "refused", RowAction.REQUEST_TERMINATING);
        row(NEW, Requested.class, OLD_TASK_UNKNOWN, phases(REJECTED), "refused", RowAction.REQUEST_OLD_UNKNOWN);
        row(NEW, Requested.class, OLD_TASK_BUSY, phases(REJECTED), "refused", RowAction.REQUEST_OLD_BUSY);
        row(NEW, Requested.class, INVALID, phases(REJECTED), "refused", RowAction.REQUEST_INVALID);
        row(NEW, Requested.class, REFUSED_BY_SHIM, phases(REJECTED), "refused by the shim",
                RowAction.REQUEST_REFUSED_BY_SHIM);
        row(PENDING, PreconditionsMet.class, phases(REQUESTED), "executor or old task back",
                RowAction.PRECONDITIONS_MET);
        row(PENDING, TimerFired.class, phases(ABORTED), "drain timer (merged wait)", RowAction.PENDING_TIMEOUT);
        row(PENDING, OldTaskGone.class, phases(REJECTED), "old task not recovered", RowAction.OLD_GONE);
        row(PENDING, OldTaskTerminated.class, phases(REJECTED), "old task ended", RowAction.OLD_ENDED_PENDING);
        row(REQUESTED, ReserveAccepted.class, phases(DRAINING, FREEZING, HANDING_OFF), "reserved",
                RowAction.RESERVED);
        row(REQUESTED, ReserveRejected.class, phases(REJECTED), "invalid", RowAction.RESERVE_REJECTED);
        row(REQUESTED, TimerFired.class, phases(ABORTED), "drain timer (merged wait)", RowAction.DRAIN_TIMEOUT);
        row(REQUESTED, OldTaskTerminated.class, phases(ABORTED), "old task ended", RowAction.OLD_ENDED_REQUESTED);
        // ---- stopping or freezing the old task
        row(DRAINING, OldTaskTerminated.class, phases(HANDING_OFF), "old task stopped", RowAction.OLD_STOPPED);
        row(DRAINING, TimerFired.class, phases(ABORTED), "drain timer", RowAction.DRAIN_TIMEOUT);
        row(DRAINING, HookFailed.class, KILL, phases(ABORTED), "kill failed", RowAction.DRAIN_HOOK_FAILED);
        row(FREEZING, OldTaskFrozen.class, phases(HANDING_OFF), "old task frozen", RowAction.OLD_FROZEN);
        row(FREEZING, OldTaskTerminated.class, phases(HANDING_OFF), "old task stopped", RowAction.OLD_STOPPED);
        row(FREEZING, TimerFired.class, phases(ABORTED), "drain timer", RowAction.FREEZE_TIMEOUT);
        row(FREEZING, HookFailed.class, FREEZE, phases(ABORTED), "freeze failed", RowAction.DRAIN_HOOK_FAILED);
        // ---- handoff and launch
        row(HANDING_OFF, ContainerAdjusted.class, phases(LAUNCHING, RESIZING), "container sized",
                RowAction.HANDED_OFF);
        row(LAUNCHING, NewTaskRunning.class, phases(VERIFYING, STOPPING_OLD, COMMITTED), "new task running",
                RowAction.NEW_RUNNING);
        row(LAUNCHING, NewTaskTerminated.class, phases(RESTORING, FAILED), "new task failed",
                RowAction.NEW_TERMINATED);
        row(LAUNCHING, HookFailed.class, LAUNCH, phases(ROLLING_BACK), "launch failed", RowAction.LAUNCH_FAILED);
        row(LAUNCHING, HookFailed.class, phases(LAUNCHING), "late", RowAction.STAY);
        row(LAUNCHING, TimerFired.class, phases(ROLLING_BACK), "start timer", RowAction.LAUNCH_TIMEOUT);
        row(LAUNCHING, OldTaskTerminated.class, phases(LAUNCHING), "old task stopped", RowAction.OLD_DIED_MEANWHILE);
        row(VERIFYING, NewTaskReady.class, phases(STOPPING_OLD, COMMITTED), "new task ready", RowAction.NEW_READY);
        row(VERIFYING, NewTaskTerminated.class, phases(RESTORING, FAILED), "new task failed",
                RowAction.NEW_TERMINATED);
        row(VERIFYING, HookFailed.class, READINESS, phases(ROLLING_BACK), "readiness failed",
                RowAction.READINESS_FAILED);
        row(VERIFYING, HookFailed.class, phases(VERIFYING), "late", RowAction.STAY);
        row(VERIFYING, TimerFired.class, phases(ROLLING_BACK), "start timer", RowAction.NOT_READY_IN_TIME);
        row(VERIFYING, OldTaskTerminated.class, phases(VERIFYING), "old task stopped", RowAction.OLD_DIED_MEANWHILE);
        row(STOPPING_OLD, OldTaskTerminated.class, phases(COMMITTED), "old task stopped", RowAction.OLD_STOPPED_LAST);
        row(STOPPING_OLD, NewTaskTerminated.class, phases(RESTORING, FAILED), "new task failed",
                RowAction.NEW_TERMINATED);
        row(STOPPING_OLD, TimerFired.class, phases(ROLLING_BACK), "drain timer", RowAction.STOP_OLD_TIMEOUT);
        row(STOPPING_OLD, HookFailed.class, KILL, phases(ROLLING_BACK), "kill failed", RowAction.STOP_OLD_KILL_FAILED);
        row(STOPPING_OLD, HookFailed.class, phases(STOPPING_OLD), "late", RowAction.STAY);
        row(RESIZING, OldTaskResized.class, phases(COMMITTED), "task resized", RowAction.RESIZED);
        row(RESIZING, HookFailed.class, RESIZE, phases(RESTORING, FAILED), "resize failed", RowAction.RESIZE_FAILED);
        row(RESIZING, TimerFired.class, phases(RESTORING, FAILED), "start timer", RowAction.RESIZE_TIMEOUT);
        row(RESIZING, OldTaskTerminated.class, phases(RESTORING, FAILED), "task died", RowAction.RESIZED_TASK_DIED);
        // ---- rollback
        row(ROLLING_BACK, NewTaskTerminated.class, phases(RESTORING, FAILED), "new task stopped",
                RowAction.NEW_STOPPED);
        row(ROLLING_BACK, HookFailed.class, KILL, phases(ROLLING_BACK, RESTORING, FAILED), "kill failed",
                RowAction.ROLLBACK_KILL_FAILED);
        row(ROLLING_BACK, HookFailed.class, phases(ROLLING_BACK), "late", RowAction.STAY);
        row(ROLLING_BACK, TimerFired.class, phases(RESTORING, FAILED), "drain timer", RowAction.ROLLBACK_TIMEOUT);
        row(ROLLING_BACK, OldTaskTerminated.class, phases(ROLLING_BACK), "old task stopped",
                RowAction.OLD_DIED_MEANWHILE);
        row(ROLLING_BACK, NewTaskRunning.class, phases(ROLLING_BACK), "late", RowAction.STAY);
        row(ROLLING_BACK, NewTaskReady.class, phases(ROLLING_BACK), "late", RowAction.STAY);
        row(RESTORING, ContainerAdjusted.class, phases(RELAUNCHING, ROLLED_BACK, RESTORING), "container sized",
                RowAction.RESTORED);
        row(RESTORING, OldTaskTerminated.class, phases(RESTORING, RELAUNCHING), "old task stopped",
                RowAction.OLD_DIED_MEANWHILE);
        row(RESTORING, HookFailed.class, KILL, phases(RESTORING, ROLLED_BACK), "old task's kill failed",
                RowAction.OLD_OUTLIVED_ITS_KILL);
        row(RESTORING, TimerFired.class, phases(ROLLED_BACK, RESTORING), "drain timer", RowAction.OLD_OUTLIVED_ITS_KILL);
        row(RELAUNCHING, OldTaskRunning.class, phases(ROLLED_BACK, RELAUNCHING), "old task running",
                RowAction.RELAUNCH_RUNNING);
        row(RELAUNCHING, OldTaskFailed.class, phases(FAILED), "old task failed", RowAction.RELAUNCHED_TASK_FAILED);
        row(RELAUNCHING, HookFailed.class, LAUNCH, phases(FAILED), "relaunch failed", RowAction.RELAUNCH_FAILED);
        row(RELAUNCHING, HookFailed.class, THAW, phases(FAILED), "thaw failed", RowAction.RELAUNCH_FAILED);
        row(RELAUNCHING, HookFailed.class, KILL, phases(RELAUNCHING, ROLLED_BACK), "kill of the relaunch failed",
                RowAction.RELAUNCH_KILL_FAILED);
        row(RELAUNCHING, HookFailed.class, phases(RELAUNCHING), "late", RowAction.STAY);
        row(RELAUNCHING, TimerFired.class, phases(RELAUNCHING, ROLLED_BACK), "start or drain timer",
                RowAction.RELAUNCH_TIMEOUT);
        // ---- after the outcome: the shim confirms the release
        for (Phase p : List.of(COMMITTED, ROLLED_BACK, ABORTED, FAILED, REJECTED)) { // REJECTED: a shim-made reserve
            row(p, Released.class, phases(p), "released", RowAction.RELEASED);
        }
        for (Phase p : List.of(ABORTED, REJECTED)) { // the outcomes a replacement can reach without its reservation
            row(p, ReserveAccepted.class, phases(p), "reserved after the outcome", RowAction.RESERVED_AFTER_OUTCOME);
        }
    }

    private Transitions() {
    }

    private static void row(Phase from, Class<? extends Event> on, Set<Phase> to, String note, RowAction action) {
        row(from, on, null, to, note, action);
    }

    private static void row(Phase from, Class<? extends Event> on, Enum<?> when, Set<Phase> to, String note,
            RowAction action) {
        Row r = new Row(ROWS.size(), from, on, when, to, note, action);
        Map<On, Row> rows = TABLE.get(from);
        if (rows == null) {
            rows = new HashMap<>();
            TABLE.put(from, rows);
        }
        if (rows.putIfAbsent(new On(on, when), r) != null) {
            throw new IllegalStateException("two rows for " + from + " on " + label(r));
        }
        ROWS.add(r);
    }

    /** The case of an event that rows tell apart, or null for event types whose rows take every case. */
    private static Enum<?> caseOf(Event e) {
        if (e instanceof HookFailed h) {
            return h.hook();
        }
        if (e instanceof Requested q) {
            return q.readiness();
        }
        return null;
    }

    /** The row for an event in a phase: the one naming its case, else the one for the other cases; or null. */
    static Row find(Phase from, Event e) {
        Map<On, Row> rows = TABLE.get(from);
        if (rows == null) {
            return null;
        }
        Enum<?> c = caseOf(e);
        Row r = c == null ? null : rows.get(new On(e.getClass(), c));
        return r != null ? r : rows.get(new On(e.getClass(), null));
    }

    public static List<Row> rows() {
        return Collections.unmodifiableList(ROWS);
    }

    /** How a row's trigger reads: {@code HookFailed(KILL)}, {@code HookFailed(other)}, {@code TimerFired}. */
    static String label(Row r) {
        String type = r.on().getSimpleName();
        if (r.when() != null) {
            return type + "(" + r.when() + ")";
        }
        boolean cased = TABLE.getOrDefault(r.from(), Map.of()).keySet().stream()
                .anyMatch(k -> k.type() == r.on() && k.when() != null);
        return cased ? type + "(other)" : type;
    }

    /** A late hook failure, or news for a step already past: nothing changes. */
    static Phase stay(Replacement r, Event e) {
        return r.phase;
    }

    static Phase released(Replacement r, Event e) {
        r.released = true;
        return r.phase;
    }

    /** The table as a Mermaid state diagram. */
    public static String toMermaid() {
        StringBuilder b = new StringBuilder("stateDiagram-v2\n    [*] --> NEW\n");
        for (Row r : ROWS) {
            for (Phase to : r.to()) {
                b.append("    ").append(r.from()).append(" --> ").append(to).append(" : ").append(label(r))
                        .append(" (").append(r.note()).append(")\n");
            }
        }
        for (Phase p : Phase.values()) {
            if (p.terminal()) {
                b.append("    ").append(p).append(" --> [*]\n");
            }
        }
        return b.toString();
    }
}
