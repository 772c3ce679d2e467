package io.baton.sdk.sim;

import io.baton.proto.ExecutorEvent;
import io.baton.proto.ExecutorResponse;
import io.baton.proto.TaskStatus;

/** Short descriptions for the trace. */
final class SimText {
    private SimText() {
    }

    static String status(TaskStatus s) {
        String uuid = s.getUuid().isEmpty() ? "-" : Integer.toHexString(s.getUuid().hashCode());
        return s.getTaskId().getValue() + " " + s.getState().name().substring(5)
                + (s.hasReplacementId() ? " " + s.getReplacementId().getValue() : "")
                + (s.getOutcomeValue() != 0 ? " outcome " + s.getOutcome() : "") + " [" + uuid + "]";
    }

    static String event(ExecutorEvent e) {
        return switch (e.getEventCase()) {
            case LAUNCH -> "LAUNCH " + e.getLaunch().getTask().getTaskId().getValue();
            case KILL -> "KILL " + e.getKill().getTaskId().getValue();
            case REPLACE -> "REPLACE " + e.getReplace().getRequest().getReplacementId().getValue() + " "
                    + e.getReplace().getRequest().getOldTaskId().getValue() + "->"
                    + e.getReplace().getRequest().getNewTask().getTaskId().getValue() + " "
                    + e.getReplace().getRequest().getPolicy().getStrategy()
                    + (e.getReplace().hasReserved() ? " (reserved on delivery)" : "");
            case ACKNOWLEDGED -> "ACKNOWLEDGED " + e.getAcknowledged().getTaskId().getValue() + (e.getAcknowledged()
                    .getMoreCount() == 0 ? "" : " and " + e.getAcknowledged().getMoreCount() + " more");
            default -> e.getEventCase().name();
        };
    }

    static String answer(io.baton.proto.FrameworkResponse r) {
        return r.hasRejected() ? ": " + r.getRejected().getCode() + " " + r.getRejected().getMessage()
                : ": " + r.getResultCase();
    }

    static String answer(ExecutorResponse r) {
        return r.hasRejected() ? ": " + r.getRejected().getCode() + " " + r.getRejected().getMessage()
                : ": " + r.getResultCase();
    }
}
