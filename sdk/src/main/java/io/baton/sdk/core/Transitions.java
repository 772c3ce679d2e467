package io.baton.sdk.core;

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
import static io.baton.sdk.core.Row.phases;

import io.baton.sdk.core.Event.AdjustRejected;
import io.baton.sdk.core.Event.ContainerAdjusted;
import io.baton.sdk.core.Event.HookFailed;
import io.baton.sdk.core.Event.NewTaskReady;
import io.baton.sdk.core.Event.NewTaskRunning;
import io.baton.sdk.core.Event.NewTaskTerminated;
import io.baton.sdk.core.Event.OldTaskFailed;
import io.baton.sdk.core.Event.OldTaskFrozen;
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
import java.util.List;

/**
 * The one table of every legal move of a replacement. {@code docs/replacement-states.md} is rendered
 * from it by a test; another test fails if a row is never exercised.
 */
public final class Transitions {
    private static final List<Row> ROWS = new ArrayList<>();
    private static final long[] HITS;

    static {
        // ---- request
        row(NEW, Requested.class, phases(REQUESTED, PENDING, REJECTED), "request", Steps::requested);
        row(PENDING, PreconditionsMet.class, phases(REQUESTED), "executor or old task back", Steps::preconditionsMet);
        row(PENDING, TimerFired.class, phases(ABORTED), "drain timer (merged wait)", Steps::drainTimeout);
        row(PENDING, Event.OldTaskGone.class, phases(REJECTED), "old task not recovered", Steps::oldGone);
        row(PENDING, OldTaskTerminated.class, phases(REJECTED), "old task ended", Steps::oldEndedEarly);
        row(REQUESTED, ReserveAccepted.class, phases(DRAINING, FREEZING, HANDING_OFF), "reserved", Steps::reserved);
        row(REQUESTED, ReserveRejected.class, phases(REJECTED), "invalid", Steps::reserveRejected);
        row(REQUESTED, TimerFired.class, phases(ABORTED), "drain timer (merged wait)", Steps::drainTimeout);
        row(REQUESTED, OldTaskTerminated.class, phases(ABORTED), "old task ended", Steps::oldEndedEarly);
        // ---- stopping or freezing the old task
        row(DRAINING, OldTaskTerminated.class, phases(HANDING_OFF), "old task stopped", Steps::oldStopped);
        row(DRAINING, TimerFired.class, phases(ABORTED), "drain timer", Steps::drainTimeout);
        row(DRAINING, HookFailed.class, phases(ABORTED, DRAINING), "kill failed", Steps::drainHookFailed);
        row(FREEZING, OldTaskFrozen.class, phases(HANDING_OFF), "old task frozen", Steps::oldFrozen);
        row(FREEZING, OldTaskTerminated.class, phases(HANDING_OFF), "old task stopped", Steps::oldStopped);
        row(FREEZING, TimerFired.class, phases(ABORTED), "drain timer", Steps::drainTimeout);
        row(FREEZING, HookFailed.class, phases(ABORTED, FREEZING), "freeze failed", Steps::drainHookFailed);
        // ---- handoff and launch
        row(HANDING_OFF, ContainerAdjusted.class, phases(LAUNCHING, RESIZING), "container sized", Steps::handedOff);
        row(HANDING_OFF, AdjustRejected.class, phases(RESTORING, FAILED), "container refused", Steps::adjustRejected);
        row(HANDING_OFF, OldTaskTerminated.class, phases(HANDING_OFF), "old task stopped", Steps::oldDiedMeanwhile);
        row(LAUNCHING, NewTaskRunning.class, phases(VERIFYING, STOPPING_OLD, COMMITTED), "new task running",
                Steps::newRunning);
        row(LAUNCHING, NewTaskTerminated.class, phases(RESTORING, FAILED), "new task failed", Steps::newTerminated);
        row(LAUNCHING, HookFailed.class, phases(ROLLING_BACK, LAUNCHING), "launch failed", Steps::launchHookFailed);
        row(LAUNCHING, TimerFired.class, phases(ROLLING_BACK), "start timer", Steps::startTimeout);
        row(LAUNCHING, OldTaskTerminated.class, phases(LAUNCHING), "old task stopped", Steps::oldDiedMeanwhile);
        row(VERIFYING, NewTaskReady.class, phases(STOPPING_OLD, COMMITTED), "new task ready", Steps::newReady);
        row(VERIFYING, NewTaskTerminated.class, phases(RESTORING, FAILED), "new task failed", Steps::newTerminated);
        row(VERIFYING, HookFailed.class, phases(ROLLING_BACK, VERIFYING), "readiness failed", Steps::readinessFailed);
        row(VERIFYING, TimerFired.class, phases(ROLLING_BACK), "start timer", Steps::startTimeout);
        row(VERIFYING, OldTaskTerminated.class, phases(VERIFYING), "old task stopped", Steps::oldDiedMeanwhile);
        row(STOPPING_OLD, OldTaskTerminated.class, phases(COMMITTED), "old task stopped", Steps::oldStoppedLast);
        row(STOPPING_OLD, NewTaskTerminated.class, phases(RESTORING, FAILED), "new task failed", Steps::newTerminated);
        row(STOPPING_OLD, TimerFired.class, phases(ROLLING_BACK), "drain timer", Steps::stopOldTimeout);
        row(STOPPING_OLD, HookFailed.class, phases(ROLLING_BACK, STOPPING_OLD), "kill failed", Steps::stopOldKillFailed);
        row(RESIZING, OldTaskResized.class, phases(COMMITTED), "task resized", Steps::resized);
        row(RESIZING, HookFailed.class, phases(RESTORING, FAILED, RESIZING), "resize failed", Steps::resizeFailed);
        row(RESIZING, TimerFired.class, phases(RESTORING, FAILED), "start timer", Steps::resizeFailed);
        row(RESIZING, OldTaskTerminated.class, phases(RESTORING, FAILED), "task died", Steps::resizeFailed);
        // ---- rollback
        row(ROLLING_BACK, NewTaskTerminated.class, phases(RESTORING, FAILED), "new task stopped", Steps::newStopped);
        row(ROLLING_BACK, HookFailed.class, phases(FAILED, ROLLING_BACK, RESTORING), "kill failed",
                Steps::rollbackHookFailed);
        row(ROLLING_BACK, TimerFired.class, phases(FAILED, RESTORING), "drain timer", Steps::rollbackHookFailed);
        row(ROLLING_BACK, OldTaskTerminated.class, phases(ROLLING_BACK), "old task stopped", Steps::oldDiedMeanwhile);
        row(ROLLING_BACK, NewTaskRunning.class, phases(ROLLING_BACK), "late", Steps::stay);
        row(ROLLING_BACK, NewTaskReady.class, phases(ROLLING_BACK), "late", Steps::stay);
        row(RESTORING, ContainerAdjusted.class, phases(RELAUNCHING, ROLLED_BACK), "container sized", Steps::restored);
        row(RESTORING, AdjustRejected.class, phases(FAILED), "container refused", Steps::rollbackHookFailed);
        row(RESTORING, OldTaskTerminated.class, phases(RESTORING), "old task stopped", Steps::oldDiedMeanwhile);
        row(RELAUNCHING, OldTaskRunning.class, phases(ROLLED_BACK), "old task running", Steps::rolledBack);
        row(RELAUNCHING, OldTaskFailed.class, phases(FAILED), "old task failed", Steps::relaunchFailed);
        row(RELAUNCHING, HookFailed.class, phases(FAILED, RELAUNCHING), "relaunch failed", Steps::relaunchFailed);
        row(RELAUNCHING, TimerFired.class, phases(FAILED), "start timer", Steps::relaunchFailed);
        // ---- after the outcome: the shim confirms the release
        for (Phase p : List.of(COMMITTED, ROLLED_BACK, ABORTED, FAILED)) {
            row(p, Released.class, phases(p), "released", Steps::released);
        }
        HITS = new long[ROWS.size()];
    }

    private Transitions() {
    }

    private static void row(Phase from, Class<? extends Event> on, java.util.Set<Phase> to, String note,
            Row.Action action) {
        for (Row r : ROWS) {
            if (r.from() == from && r.on() == on) {
                throw new IllegalStateException("two rows for " + from + " on " + on.getSimpleName());
            }
        }
        ROWS.add(new Row(ROWS.size(), from, on, to, note, action));
    }

    static Row find(Phase from, Event e) {
        for (Row r : ROWS) {
            if (r.from() == from && r.on() == e.getClass()) {
                return r;
            }
        }
        return null;
    }

    static void hit(int row) {
        HITS[row]++;
    }

    public static List<Row> rows() {
        return Collections.unmodifiableList(ROWS);
    }

    /** How often each row was used in this JVM (for the coverage check in tests). */
    public static long[] hits() {
        return HITS.clone();
    }

    /** The table as a Mermaid state diagram. */
    public static String toMermaid() {
        StringBuilder b = new StringBuilder("stateDiagram-v2\n    [*] --> NEW\n");
        for (Row r : ROWS) {
            for (Phase to : r.to()) {
                b.append("    ").append(r.from()).append(" --> ").append(to).append(" : ")
                        .append(r.on().getSimpleName()).append(" (").append(r.note()).append(")\n");
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
