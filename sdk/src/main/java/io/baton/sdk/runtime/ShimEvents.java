package io.baton.sdk.runtime;

import io.baton.proto.ExecutorEvent;
import io.baton.proto.ReplaceEvent;
import io.baton.proto.TaskInfo;
import io.baton.proto.TaskState;
import io.baton.sdk.api.Task;
import io.baton.sdk.core.Engine;
import io.baton.sdk.core.Policy;
import io.baton.sdk.core.ReplaceRequest;
import java.util.ArrayList;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What the shim forwards: LAUNCH, KILL, REPLACE, ACKNOWLEDGED, SHUTDOWN, SHRINK, ERROR. On the loop. */
final class ShimEvents {
    private static final Logger LOG = LoggerFactory.getLogger(ShimEvents.class);
    static final long HOOK_BOUND_MS = 60_000;

    private final ExecutorRuntime rt;

    ShimEvents(ExecutorRuntime rt) {
        this.rt = rt;
    }

    void handle(ExecutorEvent e) {
        switch (e.getEventCase()) {
            case LAUNCH -> launch(e.getLaunch().getTask());
            case KILL -> kill(e.getKill().getTaskId().getValue(), e.getKill().getGracePeriodMs());
            case REPLACE -> replace(e.getReplace());
            case ACKNOWLEDGED -> rt.statuses().acknowledged(e.getAcknowledged().getTaskId().getValue(),
                    e.getAcknowledged().getUuid());
            case SHUTDOWN -> shutdown(e.getShutdown().getReason());
            case SHRINK -> rt.hookForExecutor(io.baton.sdk.core.Hook.RESIZE, () -> rt.author().shrink(
                    e.getShrink().getTargetBytes(), e.getShrink().getUsageBytes()));
            case ERROR -> LOG.error("executor {}: the shim reports {}: {}", rt.executorId(), e.getError().getCode(),
                    e.getError().getMessage());
            default -> LOG.warn("executor {}: ignoring an unknown event from the shim", rt.executorId());
        }
    }

    private void launch(TaskInfo task) {
        String id = task.getTaskId().getValue();
        if (rt.handles().containsKey(id)) {
            LOG.info("task {} is already known; ignoring a repeated launch", id);
            return;
        }
        rt.launchTask(task, HOOK_BOUND_MS, msg -> rt.report(id, TaskState.TASK_FAILED, msg));
    }

    private void kill(String id, long graceMs) {
        if (!rt.handles().containsKey(id)) {
            if (!endedUnacknowledged(rt.journaled().outbox(), id)) {
                rt.statuses().send(rt.statuses().status(id, TaskState.TASK_LOST, "task " + id + " is not running here"));
            } // else its terminal update is on its way: a second, different one would contradict it
            return;
        }
        rt.killTask(id, graceMs, HOOK_BOUND_MS, msg -> LOG.error("kill of task {} failed: {}", id, msg));
    }

    /** Whether a terminal update of the task waits for its acknowledgement. */
    static boolean endedUnacknowledged(io.baton.sdk.core.StatusOutbox outbox, String taskId) {
        for (io.baton.proto.TaskStatus s : outbox.pending()) {
            if (s.getTaskId().getValue().equals(taskId) && io.baton.tasks.TaskStates.isTerminal(s.getState())) {
                return true;
            }
        }
        return false;
    }

    private void replace(ReplaceEvent e) {
        if (SpaceRefusals.refused(rt, e)) {
            return;
        }
        Engine engine = rt.engine();
        String oldId = e.getOldTaskId().getValue();
        TaskInfo old = engine.tasks().getOrDefault(oldId, TaskInfo.newBuilder().setTaskId(e.getOldTaskId()).build());
        long at = e.getRequestedAtUs() == 0 ? rt.now() : e.getRequestedAtUs();
        ReplaceRequest request = new ReplaceRequest(e.getReplacementId().getValue(), old, e.getNewTask(),
                new ArrayList<>(e.getOfferIdsList().stream().map(o -> o.getValue()).toList()),
                Policy.of(e.getPolicy()), at);
        Engine.Submitted s = rt.journaled().submit(request, rt.now());
        if (s.conflict() != null) {
            LOG.warn("executor {}: {}", rt.executorId(), s.conflict());
            return;
        }
        if (!s.retry()) {
            LOG.info("replacement {}: {} -> {} ({})", request.replacementId(), oldId, request.newTaskId(),
                    request.policy().strategy());
        }
        rt.execute(s.commands());
    }

    private void shutdown(String reason) {
        LOG.info("executor {} shutting down: {}", rt.executorId(), reason);
        rt.journaled().terminating(rt.now());
        for (Task t : new ArrayList<>(rt.handles().values())) {
            rt.killTask(t.id(), 0, HOOK_BOUND_MS, msg -> LOG.error("kill of task {} failed: {}", t.id(), msg));
        }
        rt.loop().schedule(rt::shutdownRequested, 5, TimeUnit.SECONDS);
    }
}
