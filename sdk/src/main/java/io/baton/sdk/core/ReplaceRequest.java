package io.baton.sdk.core;

import io.baton.proto.OfferID;
import io.baton.proto.Replace;
import io.baton.proto.ReplacementID;
import io.baton.proto.TaskInfo;
import io.baton.resources.Resources;
import io.baton.tasks.Replaces;
import java.util.List;
import java.util.Objects;

/**
 * MESOS-938's {@code replaceTask(oldTaskId, newTaskInfo, offers)}, with an id and a policy: the framework's
 * {@link Replace} exactly as it was sent (the shim and the journal carry it whole, never field by field),
 * plus what the executor knows of the old task and when the shim received the request.
 */
public final class ReplaceRequest {
    private final Replace call;
    private final TaskInfo oldTask;
    private final long requestedAtUs;
    private final Policy policy;
    private final List<String> offerIds;

    /**
     * @param call the framework's request
     * @param oldTask the old task as the executor runs it (its resources are T_old); only its id when unknown
     * @param requestedAtUs when the shim received the request
     */
    public ReplaceRequest(Replace call, TaskInfo oldTask, long requestedAtUs) {
        this.call = Objects.requireNonNull(call, "call");
        this.oldTask = Objects.requireNonNull(oldTask, "oldTask");
        this.requestedAtUs = requestedAtUs;
        this.policy = Policy.of(call.getPolicy());
        this.offerIds = call.getOfferIdsList().stream().map(OfferID::getValue).toList();
    }

    /** A request built here, as a framework would build it (tests, benchmarks, the in-process agent). */
    public static ReplaceRequest of(String replacementId, TaskInfo oldTask, TaskInfo newTask, List<String> offerIds,
            Policy policy, long requestedAtUs) {
        Replace.Builder b = Replace.newBuilder().setReplacementId(ReplacementID.newBuilder().setValue(replacementId))
                .setOldTaskId(oldTask.getTaskId()).setNewTask(newTask).setPolicy(policy.toProto());
        offerIds.forEach(o -> b.addOfferIds(OfferID.newBuilder().setValue(o)));
        return new ReplaceRequest(b.build(), oldTask, requestedAtUs);
    }

    /** The same request, the old task as the executor knows it. */
    public ReplaceRequest withOldTask(TaskInfo known) {
        return known == oldTask ? this : new ReplaceRequest(call, known, requestedAtUs);
    }

    public Replace call() {
        return call;
    }

    public String replacementId() {
        return call.getReplacementId().getValue();
    }

    public TaskInfo oldTask() {
        return oldTask;
    }

    public TaskInfo newTask() {
        return call.getNewTask();
    }

    public List<String> offerIds() {
        return offerIds;
    }

    public Policy policy() {
        return policy;
    }

    public long requestedAtUs() {
        return requestedAtUs;
    }

    public String oldTaskId() {
        return call.getOldTaskId().getValue();
    }

    public String newTaskId() {
        return call.getNewTask().getTaskId().getValue();
    }

    public Resources oldResources() {
        return Resources.fromProto(oldTask.getResourcesList());
    }

    public Resources newResources() {
        return Resources.fromProto(call.getNewTask().getResourcesList());
    }

    /** Same replacement asked again (a retry): {@link Replaces#same}, the one rule the shim applies too. */
    public boolean sameAs(ReplaceRequest other) {
        return Replaces.same(call, other.call);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ReplaceRequest r && call.equals(r.call) && oldTask.equals(r.oldTask)
                && requestedAtUs == r.requestedAtUs;
    }

    @Override
    public int hashCode() {
        return Objects.hash(call, oldTask, requestedAtUs);
    }

    @Override
    public String toString() {
        return "ReplaceRequest[" + replacementId() + ": " + Replaces.describe(call) + ", " + policy.strategy()
                + ", offers " + offerIds + "]";
    }
}
