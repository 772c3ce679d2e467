package io.baton.sdk.runtime;

import io.baton.proto.ReplaceEvent;
import io.baton.proto.ReplacementOutcome;
import io.baton.proto.TaskReason;
import io.baton.proto.TaskState;
import io.baton.proto.TaskStatus;
import io.baton.sdk.core.Engine;
import io.baton.sdk.journal.Journal;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * New replacements are refused while the journal is short of disk space (it could not journal them
 * write-ahead): the framework gets the replacement's final update at once, new task TASK_LOST with reason
 * {@code REPLACE_JOURNAL_FULL}, outcome REJECTED and the numbers. Work already under way keeps going on
 * the journal's pre-allocated runway; existing tasks keep running. A replacement id the engine already
 * knows (a retry) is left to the engine, which answers it idempotently.
 *
 * <p>The refusal is not journaled (there is no room) and not resent: the replacement never started, and
 * the shim hands an unanswered REPLACE to the executor again when it re-subscribes. One statvfs per REPLACE.
 */
final class SpaceRefusals {
    private static final Logger LOG = LoggerFactory.getLogger(SpaceRefusals.class);

    private SpaceRefusals() {
    }

    /** True when the REPLACE was refused (and the refusal sent). On the loop. */
    static boolean refused(ExecutorRuntime rt, ReplaceEvent e) {
        Optional<Journal.Shortage> shortage = rt.journal().shortage();
        if (shortage.isEmpty()) {
            return false;
        }
        String rid = e.getReplacementId().getValue();
        Engine engine = rt.engine();
        if (engine.replacement(rid) != null || engine.ended().stream().anyMatch(x -> x.replacementId().equals(rid))) {
            return false;
        }
        String why = "replacement " + rid + " refused: " + shortage.get().message();
        TaskStatus refusal = rt.statuses().status(e.getNewTask().getTaskId().getValue(), TaskState.TASK_LOST, why)
                .toBuilder().setReason(TaskReason.REPLACE_JOURNAL_FULL).setReplacementId(e.getReplacementId())
                .setRelatedTaskId(e.getOldTaskId()).setOutcome(ReplacementOutcome.REJECTED).build();
        LOG.warn("executor {}: {}", rt.executorId(), why);
        if (rt.subscribed()) {
            rt.shim().update(refusal).whenComplete((ok, err) -> {
                if (err != null) {
                    LOG.warn("executor {}: the refusal of replacement {} did not reach the shim ({}); the shim "
                            + "hands the REPLACE over again when the executor re-subscribes", rt.executorId(), rid,
                            err.toString());
                }
            });
        }
        return true;
    }
}
