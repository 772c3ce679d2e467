package io.baton.yarn;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.hadoop.yarn.api.records.Container;
import org.apache.hadoop.yarn.api.records.ContainerId;
import org.apache.hadoop.yarn.api.records.ContainerUpdateType;
import org.apache.hadoop.yarn.api.records.Resource;
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
 * ({@code updateContainerResourceAsync}); it is done when the NodeManager confirms. A decrease is done when the
 * ResourceManager confirms it: the RM pushes it to the NodeManager on the NM's heartbeat by itself, and the AM
 * must not push it too (the two can race).
 *
 * <p>YARN takes one direction per request: a target larger in one dimension and smaller in the other is
 * refused here; grow to {@link YarnSize#union} first, shrink later. A refusal by the scheduler (the node is
 * full) is not reported back by {@code AMRMClientAsync}: such a future stays open, and callers bound it with
 * their own timeout.
 *
 * <p>Called from any thread; YARN's callbacks arrive on the clients' threads.
 */
final class ContainerResizer {
    private static final Logger LOG = LoggerFactory.getLogger(ContainerResizer.class);

    private final Map<ContainerId, Container> latest = new ConcurrentHashMap<>();
    private final Map<ContainerId, CompletableFuture<YarnSize>> pending = new ConcurrentHashMap<>();
    private volatile AMRMClientAsync<ContainerRequest> rm;
    private volatile NMClientAsync nm;

    void bind(AMRMClientAsync<ContainerRequest> rm, NMClientAsync nm) {
        this.rm = rm;
        this.nm = nm;
    }

    /** The container as last allocated or updated by the RM (its version and token go with every update). */
    void track(Container container) {
        latest.put(container.getId(), container);
    }

    void forget(ContainerId id) {
        latest.remove(id);
        CompletableFuture<YarnSize> f = pending.remove(id);
        if (f != null) {
            f.completeExceptionally(new IllegalStateException("container " + id + " ended during its resize"));
        }
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
        LOG.info("asking the ResourceManager to {} container {} from {} to {}", type, id, now, target);
        rm.requestContainerUpdate(c, UpdateContainerRequest.newInstance(c.getVersion(), id, type,
                YarnResources.toHadoop(target), null));
        return f;
    }

    /** The RM granted an update: a decrease is done; an increase goes to the NodeManager now. */
    void updated(UpdatedContainer u) {
        Container c = u.getContainer();
        latest.put(c.getId(), c);
        YarnSize size = YarnResources.size(c.getResource());
        if (u.getUpdateType() == ContainerUpdateType.INCREASE_RESOURCE) {
            nm.updateContainerResourceAsync(c);
        } else {
            complete(c.getId(), size);
        }
    }

    void appliedOnNode(ContainerId id, Resource resource) {
        complete(id, YarnResources.size(resource));
    }

    void failedOnNode(ContainerId id, Throwable t) {
        CompletableFuture<YarnSize> f = pending.remove(id);
        if (f != null) {
            f.completeExceptionally(t);
        }
    }

    private void complete(ContainerId id, YarnSize size) {
        CompletableFuture<YarnSize> f = pending.remove(id);
        if (f != null) {
            f.complete(size);
        }
    }
}
