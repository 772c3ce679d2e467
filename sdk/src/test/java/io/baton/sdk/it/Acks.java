package io.baton.sdk.it;

import io.baton.proto.Acknowledge;
import io.baton.proto.ExecutorID;
import io.baton.proto.FrameworkCall;
import io.baton.proto.Launch;
import io.baton.proto.OfferID;
import io.baton.proto.RequestOffers;
import io.baton.proto.TaskInfo;
import io.baton.proto.TaskState;
import io.baton.proto.TaskStatus;
import io.baton.shim.testing.TestFramework;
import java.util.List;
import java.util.function.Predicate;

/** The framework's side in the process tests: acknowledge every update, as a framework does. */
final class Acks {
    private Acks() {
    }

    /** The first update (already {@code seen}, or arriving now, each acknowledged and added) that matches. */
    static TaskStatus awaitUpdate(TestFramework fw, List<TaskStatus> seen, Predicate<TaskStatus> match)
            throws InterruptedException {
        for (TaskStatus s : seen) {
            if (match.test(s)) {
                return s;
            }
        }
        while (true) {
            TaskStatus s = fw.wire.await(m -> m.hasEvent() && m.getEvent().hasUpdate()).getEvent().getUpdate();
            seen.add(s);
            fw.call(FrameworkCall.newBuilder().setAcknowledge(Acknowledge.newBuilder().setTaskId(s.getTaskId())
                    .setUuid(s.getUuid())));
            if (match.test(s)) {
                return s;
            }
        }
    }

    /** Takes an offer of the task's resources, launches it on {@code executor} and waits for RUNNING. */
    static void launch(TestFramework fw, List<TaskStatus> seen, String executor, TaskInfo t) throws InterruptedException {
        String offer = fw.call(FrameworkCall.newBuilder().setOffers(RequestOffers.newBuilder()
                .addAllResources(t.getResourcesList()))).getOffers().getOffers(0).getId().getValue();
        fw.call(FrameworkCall.newBuilder().setLaunch(Launch.newBuilder().setExecutorId(ExecutorID.newBuilder()
                .setValue(executor)).setTask(t).addOfferIds(OfferID.newBuilder().setValue(offer))));
        awaitUpdate(fw, seen, s -> s.getTaskId().equals(t.getTaskId()) && s.getState() == TaskState.TASK_RUNNING);
    }
}
