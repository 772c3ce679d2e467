package io.baton.shim.core;

import io.baton.proto.FinishedReplacement;
import io.baton.proto.NodeState;
import io.baton.proto.ReplacementOutcome;
import io.baton.proto.ReplacementProgress;
import io.baton.proto.TaskStatus;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the STATE snapshot says of replacements beyond the ledger's reservations, for live displays: the
 * latest phase each replacement under way reported, and the final updates of the latest
 * {@value #FINISHED} that ended. Built from what the shim relays anyway (PROGRESS calls, UPDATEs that carry
 * an outcome), so it is as reliable as those: progress is best effort, final updates are not.
 *
 * <p>Progress and the final update travel separately, so either may come first: a progress naming an ended
 * phase, or one of a replacement already finished, is not (re-)entered as under way.
 */
final class ReplacementBoard {
    static final int FINISHED = 50;
    /** Bounds the phases kept of replacements whose final update never comes (their executor was lost). */
    static final int IN_FLIGHT = 1024;

    private final Map<String, ReplacementProgress> inFlight = bounded(IN_FLIGHT);
    private final Map<String, FinishedReplacement> finished = bounded(FINISHED);

    private static <V> Map<String, V> bounded(int max) {
        return new LinkedHashMap<>(16, 0.75f, false) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<String, V> eldest) {
                return size() > max;
            }
        };
    }

    /** A PROGRESS the shim accepted (with the caller's executor id set). */
    void progressed(ReplacementProgress p) {
        String rid = p.getReplacementId().getValue();
        if (ended(p.getPhase()) || finished.containsKey(rid)) {
            inFlight.remove(rid);
        } else {
            inFlight.put(rid, p);
        }
    }

    /**
     * An UPDATE the shim relayed; a replacement's final update (it carries an outcome) ends it here.
     * {@code request} is the REPLACE the shim forwarded under its id lately, or null.
     */
    void updated(TaskStatus status, KnownReplace request) {
        if (!status.hasReplacementId() || status.getOutcome() == ReplacementOutcome.OUTCOME_UNSPECIFIED) {
            return;
        }
        String rid = status.getReplacementId().getValue();
        ReplacementProgress last = inFlight.remove(rid);
        FinishedReplacement.Builder f = FinishedReplacement.newBuilder().setFinalUpdate(status);
        if (request != null) {
            f.setStrategy(request.strategy()).setOldTaskId(request.oldTaskId()).setNewTaskId(request.newTaskId());
        } else if (last != null) {
            f.setOldTaskId(last.getOldTaskId()).setNewTaskId(last.getNewTaskId());
        }
        finished.remove(rid); // a resent final update moves to the end rather than appearing twice
        finished.put(rid, f.build());
    }

    /** The executor is gone for good: its replacements will report nothing more. */
    void executorLost(String executorId) {
        inFlight.values().removeIf(p -> p.getExecutorId().getValue().equals(executorId));
    }

    void addTo(NodeState.Builder b) {
        b.addAllReplacementsInFlight(inFlight.values()).addAllFinishedReplacements(finished.values());
    }

    /** A phase name that is also an outcome (COMMITTED, ROLLED_BACK, ABORTED, REJECTED, FAILED) is an end. */
    private static boolean ended(String phase) {
        var v = ReplacementOutcome.getDescriptor().findValueByName(phase);
        return v != null && v.getNumber() != ReplacementOutcome.OUTCOME_UNSPECIFIED_VALUE;
    }
}
