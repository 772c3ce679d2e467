package io.baton.yarn;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.hadoop.yarn.api.records.Container;
import org.apache.hadoop.yarn.api.records.ContainerId;
import org.apache.hadoop.yarn.api.records.ContainerUpdateType;
import org.apache.hadoop.yarn.api.records.Resource;
import org.apache.hadoop.yarn.api.records.UpdateContainerError;
import org.apache.hadoop.yarn.api.records.UpdateContainerRequest;
import org.apache.hadoop.yarn.api.records.UpdatedContainer;
import org.apache.hadoop.yarn.client.api.AMRMClient.ContainerRequest;
import org.apache.hadoop.yarn.client.api.async.AMRMClientAsync;
import org.apache.hadoop.yarn.client.api.async.NMClientAsync;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Resizes running containers in place. An increase is asked of the ResourceManager
 * ({@code requestContainerUpdate(INCREASE_RESOURCE)}), granted on a later AM heartbeat
 * ({@code onContainersUpdated}), then applied on the NodeManager by the AM
 * ({@code updateContainerResourceAsync}, or for a container an earlier attempt started, which {@code NMClientAsync}
 * refuses, {@link KeptContainers#increase}); it is done when the NodeManager confirms. A decrease is done when the
 * ResourceManager confirms it: the RM pushes it to the NodeManager on the NM's heartbeat by itself, and the AM
 * must not push it too (the two can race).
 *
 * <p>YARN takes one direction per request: a target larger in one dimension and smaller in the other is
 * refused here; grow to {@link YarnSize#union} first, shrink later. An update the ResourceManager refuses in its
 * allocate response (an update error, read by {@link UpdateErrorsClient}) fails the future at once with the RM's
 * reason ({@link #refusedByRm}). One the scheduler leaves pending (the node is full) is not reported by YARN at
 * all: such a future stays open, and callers bound it with their own timeout.
 *
 * <p>Called from any thread; YARN's callbacks arrive on the clients' threads.
 */
final class ContainerResizer {
    private static final Logger LOG = LoggerFactory.getLogger(ContainerResizer.class);

    private final Map<ContainerId, Container> latest = new ConcurrentHashMap<>();
    private final Map<ContainerId, CompletableFuture<YarnSize>> pending = new ConcurrentHashMap<>();
    private final Map<ContainerId, ContainerUpdateType> pendingType = new ConcurrentHashMap<>();
    /** Increases given up on ({@link #withdraw}), by container: the size to go back to if the RM grants one late. */
    private final Map<ContainerId, YarnSize> withdrawn = new ConcurrentHashMap<>();
    /** Containers an earlier attempt started: their increases go to the NodeManager through {@link #kept}. */
    private final java.util.Set<ContainerId> adopted = ConcurrentHashMap.newKeySet();
    private volatile AMRMClientAsync<ContainerRequest> rm;
    private volatile NMClientAsync nm;
    private volatile KeptContainers kept;

    void bind(AMRMClientAsync<ContainerRequest> rm, NMClientAsync nm, KeptContainers kept) {
        this.rm = rm;
        this.nm = nm;
        this.kept = kept;
    }

    /** A container an earlier attempt of the AM started, kept by the ResourceManager for this one. */
    void adopt(Container container) {
        track(container);
        adopted.add(container.getId());
    }

    /** The container as last allocated or updated by the RM (its version and token go with every update). */
    void track(Container container) {
        latest.put(container.getId(), container);
    }

    void forget(ContainerId id) {
        latest.remove(id);
        adopted.remove(id);
        withdrawn.remove(id);
        pendingType.remove(id);
        CompletableFuture<YarnSize> f = pending.remove(id);
        if (f != null) {
            f.completeExceptionally(new IllegalStateException("container " + id + " ended during its resize"));
        }
    }

    /** The container as last allocated or updated by the RM, or null. */
    Container container(ContainerId id) {
        return latest.get(id);
    }

    /** The size YARN last confirmed for the container, or null when it is not known here. */
    YarnSize size(ContainerId id) {
        Container c = latest.get(id);
        return c == null ? null : YarnResources.size(c.getResource());
    }

    CompletableFuture<YarnSize> resize(ContainerId id, YarnSize target) {
        Container c = latest.get(id);
        if (c == null) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("no running container " + id));
        }
        YarnSize now = YarnResources.size(c.getResource());
        if (now.equals(target)) {
            return CompletableFuture.completedFuture(now);
        }
        ContainerUpdateType type;
        if (target.covers(now)) {
            type = ContainerUpdateType.INCREASE_RESOURCE;
        } else if (now.covers(target)) {
            type = ContainerUpdateType.DECREASE_RESOURCE;
        } else {
            return CompletableFuture.failedFuture(new IllegalArgumentException("container " + id + " is " + now
                    + "; " + target + " grows one dimension and shrinks the other: grow to " + now.union(target)
                    + " first, then shrink"));
        }
        CompletableFuture<YarnSize> f = new CompletableFuture<>();
        if (pending.putIfAbsent(id, f) != null) {
            return CompletableFuture.failedFuture(new IllegalStateException("container " + id
                    + " is already being resized; wait for that to end"));
        }
        if (type == ContainerUpdateType.INCREASE_RESOURCE) {
            withdrawn.remove(id); // a new increase replaces the one given up on (the scheduler cancels its ask)
        }
        pendingType.put(id, type);
        LOG.info("asking the ResourceManager to {} container {} from {} to {}", type, id, now, target);
        rm.requestContainerUpdate(c, UpdateContainerRequest.newInstance(c.getVersion(), id, type,
                YarnResources.toHadoop(target), null));
        return f;
    }

    /**
     * Gives up the container's pending resize: its future fails at once. A pending increase is cancelled at the
     * ResourceManager by asking for an increase to the current size (the CapacityScheduler drops a container's
     * previous increase ask when a new one comes, {@code ContainerUpdateContext.checkAndAddToOutstandingIncreases},
     * and a zero increase asks for nothing); one it grants anyway is not applied on the NodeManager but
     * decreased back at once ({@link #updated}).
     */
    void withdraw(ContainerId id) {
        CompletableFuture<YarnSize> f = pending.remove(id);
        Container c = latest.get(id);
        if (f != null && c != null && pendingType.remove(id) == ContainerUpdateType.INCREASE_RESOURCE) {
            YarnSize now = YarnResources.size(c.getResource());
            withdrawn.put(id, now);
            LOG.info("withdrawing the pending update of container {}: it stays {}", id, now);
            rm.requestContainerUpdate(c, UpdateContainerRequest.newInstance(c.getVersion(), id,
                    ContainerUpdateType.INCREASE_RESOURCE, c.getResource(), null));
        }
        if (f != null) {
            f.completeExceptionally(new IllegalStateException("the resize of container " + id + " was withdrawn"));
        }
    }

    /** The RM granted an update: a decrease is done; an increase goes to the NodeManager now. */
    void updated(UpdatedContainer u) {
        Container c = u.getContainer();
        latest.put(c.getId(), c);
        YarnSize size = YarnResources.size(c.getResource());
        YarnSize back = withdrawn.get(c.getId());
        if (u.getUpdateType() == ContainerUpdateType.INCREASE_RESOURCE && back != null && !back.equals(size)) {
            withdrawn.remove(c.getId());
            LOG.warn("the ResourceManager granted container {} an increase to {} after it was withdrawn: giving it "
                    + "back (to {}) without applying it on the NodeManager", c.getId(), size, back);
            rm.requestContainerUpdate(c, UpdateContainerRequest.newInstance(c.getVersion(), c.getId(),
                    ContainerUpdateType.DECREASE_RESOURCE, YarnResources.toHadoop(back), null));
            return;
        }
        if (u.getUpdateType() == ContainerUpdateType.INCREASE_RESOURCE && adopted.contains(c.getId())) {
            kept.increase(c).whenComplete((applied, t) -> {
                if (t == null) {
                    appliedOnNode(c.getId(), applied);
                } else {
                    failedOnNode(c.getId(), t instanceof java.util.concurrent.CompletionException ? t.getCause() : t);
                }
            });
        } else if (u.getUpdateType() == ContainerUpdateType.INCREASE_RESOURCE) {
            nm.updateContainerResourceAsync(c);
        } else {
            complete(c.getId(), size);
        }
    }

    /**
     * The ResourceManager refused an update request: the pending resize of that type fails with the RM's reason. A
     * refused withdrawal or give-back ({@link #withdraw}, {@link #updated}) has no future left; it is logged.
     */
    void refusedByRm(UpdateContainerError error) {
        ContainerId id = error.getUpdateContainerRequest().getContainerId();
        String why = refusal(error);
        LOG.warn("the ResourceManager refused an update of container {}: {}", id, why);
        ContainerUpdateType type = error.getUpdateContainerRequest().getContainerUpdateType();
        if (pendingType.remove(id, type)) {
            CompletableFuture<YarnSize> f = pending.remove(id);
            if (f != null) {
                f.completeExceptionally(new IllegalStateException(why));
            }
        }
    }

    /** "the ResourceManager refused it: REASON (what it means; the request and the versions)". */
    static String refusal(UpdateContainerError error) {
        var r = error.getUpdateContainerRequest();
        String meaning = switch (error.getReason()) {
            case "RESOURCE_OUTSIDE_ALLOWED_RANGE" -> "the target is outside the scheduler's minimum or maximum "
                    + "allocation (yarn.scheduler.maximum-allocation-mb / -vcores, or the queue's)";
            case "INCORRECT_CONTAINER_VERSION_ERROR" -> "the AM asked with a stale version of the container";
            case "UPDATE_OUTSTANDING_ERROR" -> "another update of the container is under way";
            case "INVALID_CONTAINER_ID" -> "the ResourceManager does not know the container";
            default -> "reason given by the ResourceManager";
        };
        return "the ResourceManager refused it: " + error.getReason() + " (" + meaning + "; " + r.getContainerUpdateType()
                + " of container " + r.getContainerId() + " to " + (r.getCapability() == null ? "?"
                : YarnResources.size(r.getCapability())) + " at container version " + r.getContainerVersion()
                + ", the ResourceManager's version " + error.getCurrentContainerVersion() + ")";
    }

    void appliedOnNode(ContainerId id, Resource resource) {
        complete(id, YarnResources.size(resource));
    }

    void failedOnNode(ContainerId id, Throwable t) {
        pendingType.remove(id);
        CompletableFuture<YarnSize> f = pending.remove(id);
        if (f != null) {
            f.completeExceptionally(new IllegalStateException("the NodeManager could not apply it: " + t, t));
        }
    }

    private void complete(ContainerId id, YarnSize size) {
        pendingType.remove(id);
        CompletableFuture<YarnSize> f = pending.remove(id);
        if (f != null) {
            f.complete(size);
        }
    }
}
