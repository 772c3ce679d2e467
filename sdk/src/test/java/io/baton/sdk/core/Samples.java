package io.baton.sdk.core;

import io.baton.proto.RejectCode;
import io.baton.proto.TaskState;
import io.baton.resources.Resources;
import java.util.ArrayList;
import java.util.List;

/** One instance of every event type — of hook failures one per hook, of requests one per readiness. */
final class Samples {
    private Samples() {
    }

    static List<Event> events() {
        List<Event> out = new ArrayList<>();
        for (Readiness r : Readiness.values()) {
            out.add(new Event.Requested(null, r, "", 0));
        }
        out.addAll(List.of(
                new Event.PreconditionsMet(null, 0),
                new Event.OldTaskGone("", 0),
                new Event.ReserveAccepted(Resources.empty(), 0),
                new Event.ReserveRejected(RejectCode.INSUFFICIENT_RESOURCES, "", 0),
                new Event.ContainerAdjusted(0),
                new Event.OldTaskTerminated(TaskState.TASK_KILLED, 0),
                new Event.OldTaskFrozen(0),
                new Event.OldTaskRunning(0),
                new Event.OldTaskFailed("", 0),
                new Event.OldTaskResized(0),
                new Event.NewTaskRunning(0),
                new Event.NewTaskReady(0),
                new Event.NewTaskTerminated(TaskState.TASK_FAILED, "", 0),
                new Event.TimerFired(Timer.DRAIN, 0),
                new Event.Released(0)));
        for (Hook h : Hook.values()) {
            out.add(new Event.HookFailed(h, "", 0));
        }
        return out;
    }
}
