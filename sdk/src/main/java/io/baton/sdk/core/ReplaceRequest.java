package io.baton.sdk.core;

import io.baton.proto.TaskInfo;
import io.baton.resources.Resources;
import java.util.List;

/**
 * MESOS-938's {@code replaceTask(oldTaskId, newTaskInfo, offers)}, with an id and a policy.
 *
 * @param oldTask the old task as the executor runs it (its resources are T_old)
 */
public record ReplaceRequest(String replacementId, TaskInfo oldTask, TaskInfo newTask, List<String> offerIds,
        Policy policy, long requestedAtUs) {

    public ReplaceRequest {
        offerIds = List.copyOf(offerIds);
    }

    public String oldTaskId() {
        return oldTask.getTaskId().getValue();
    }

    public String newTaskId() {
        return newTask.getTaskId().getValue();
    }

    public Resources oldResources() {
        return Resources.fromProto(oldTask.getResourcesList());
    }

    public Resources newResources() {
        return Resources.fromProto(newTask.getResourcesList());
    }

    /** Same replacement asked again (a retry): same old task, new task, offers and policy. */
    public boolean sameAs(ReplaceRequest other) {
        return oldTaskId().equals(other.oldTaskId()) && newTask.equals(other.newTask)
                && offerIds.equals(other.offerIds) && policy.equals(other.policy);
    }
}
