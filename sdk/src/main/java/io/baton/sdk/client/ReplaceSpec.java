package io.baton.sdk.client;

import io.baton.proto.Durability;
import io.baton.proto.ExecutorID;
import io.baton.proto.OfferID;
import io.baton.proto.Replace;
import io.baton.proto.ReplacePolicy;
import io.baton.proto.ReplaceStrategy;
import io.baton.proto.ReplacementID;
import io.baton.proto.TaskID;
import io.baton.proto.TaskInfo;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * What {@link BatonClient#replace} asks for: MESOS-938's {@code replaceTask(oldTaskId, newTaskInfo, offers)}
 * with a replacement id and a policy.
 *
 * <pre>{@code
 * ReplaceSpec spec = ReplaceSpec.of("web-1", newTask, offer.getId().getValue())
 *         .withStrategy(ReplaceStrategy.START_THEN_STOP)
 *         .withReplacementId("web-1-to-v2");   // optional: "r-<uuid>" is generated when absent
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 *
 * @param replacementId the id retries must reuse (the shim answers a known id idempotently); null = generate one
 * @param oldTaskId the running task to replace
 * @param newTask the task to run instead
 * @param offerIds offers that add resources to the old task's (empty for same-size or smaller tasks)
 * @param policy strategy and timeouts; zero values mean the documented defaults
 * @param executorId null unless the old task is not yet known to the shim (its executor is recovering)
 */
public record ReplaceSpec(String replacementId, String oldTaskId, TaskInfo newTask, List<String> offerIds,
        ReplacePolicy policy, String executorId) {

    public ReplaceSpec {
        Objects.requireNonNull(oldTaskId, "oldTaskId");
        Objects.requireNonNull(newTask, "newTask");
        offerIds = offerIds == null ? List.of() : List.copyOf(offerIds);
        policy = policy == null ? ReplacePolicy.getDefaultInstance() : policy;
    }

    public static ReplaceSpec of(String oldTaskId, TaskInfo newTask, String... offerIds) {
        return new ReplaceSpec(null, oldTaskId, newTask, List.of(offerIds), null, null);
    }

    public ReplaceSpec withReplacementId(String id) {
        return new ReplaceSpec(id, oldTaskId, newTask, offerIds, policy, executorId);
    }

    public ReplaceSpec withOffers(List<String> ids) {
        return new ReplaceSpec(replacementId, oldTaskId, newTask, ids, policy, executorId);
    }

    public ReplaceSpec withPolicy(ReplacePolicy p) {
        return new ReplaceSpec(replacementId, oldTaskId, newTask, offerIds, p, executorId);
    }

    public ReplaceSpec withStrategy(ReplaceStrategy strategy) {
        return withPolicy(policy.toBuilder().setStrategy(strategy).build());
    }

    /**
     * SYNC (the default: the executor fsyncs its journal before the kill, the release and the launch, so the
     * replacement survives the machine's crash) or PROCESS (no fsync: it survives the executor's crash only).
     */
    public ReplaceSpec withDurability(Durability durability) {
        return withPolicy(policy.toBuilder().setDurability(durability).build());
    }

    public ReplaceSpec withExecutorId(String id) {
        return new ReplaceSpec(replacementId, oldTaskId, newTask, offerIds, policy, id);
    }

    /** This spec with a generated {@code r-<uuid>} id when it has none. */
    ReplaceSpec withIdChosen() {
        return replacementId == null || replacementId.isBlank() ? withReplacementId("r-" + UUID.randomUUID()) : this;
    }

    Replace toProto() {
        Replace.Builder r = Replace.newBuilder().setReplacementId(ReplacementID.newBuilder().setValue(replacementId))
                .setOldTaskId(TaskID.newBuilder().setValue(oldTaskId)).setNewTask(newTask).setPolicy(policy);
        offerIds.forEach(o -> r.addOfferIds(OfferID.newBuilder().setValue(o)));
        if (executorId != null) {
            r.setExecutorId(ExecutorID.newBuilder().setValue(executorId));
        }
        return r.build();
    }
}
