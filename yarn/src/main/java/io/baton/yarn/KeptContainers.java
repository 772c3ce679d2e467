package io.baton.yarn;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.hadoop.yarn.api.ContainerManagementProtocol;
import org.apache.hadoop.yarn.api.protocolrecords.ContainerUpdateRequest;
import org.apache.hadoop.yarn.api.protocolrecords.ContainerUpdateResponse;
import org.apache.hadoop.yarn.api.protocolrecords.ResourceLocalizationRequest;
import org.apache.hadoop.yarn.api.records.Container;
import org.apache.hadoop.yarn.api.records.LocalResource;
import org.apache.hadoop.yarn.api.records.Resource;
import org.apache.hadoop.yarn.api.records.SerializedException;
import org.apache.hadoop.yarn.client.api.impl.ContainerManagementProtocolProxy;
import org.apache.hadoop.yarn.exceptions.YarnException;

/**
 * Talks to the NodeManagers about the containers an earlier attempt of the AM started and this one took over.
 * {@code NMClient} / {@code NMClientAsync} refuse every call about a container their own client did not start
 * ("Unknown container", "is neither started nor scheduled to start", read in the 3.4.1 bytecode), so this goes
 * to the NodeManager's {@code ContainerManagementProtocol} directly, with the NMToken the ResourceManager gave
 * this attempt (at registration for the nodes of kept containers, in allocate responses after).
 *
 * <p>{@link #localize} blocks (it is used once, at the AM's start); {@link #increase} runs on this class's own
 * thread, so YARN's callback threads never wait on an RPC.
 */
final class KeptContainers implements AutoCloseable {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(KeptContainers.class);
    private final ContainerManagementProtocolProxy proxies;
    private final ExecutorService calls = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "baton-am-kept-containers");
        t.setDaemon(true);
        return t;
    });

    KeptContainers(ContainerManagementProtocolProxy proxies) {
        this.proxies = proxies;
    }

    /** Has the container's NodeManager localize {@code files} into it (a running container gets new files). */
    void localize(Container c, Map<String, LocalResource> files) throws IOException, YarnException {
        call(c, p -> p.localize(ResourceLocalizationRequest.newInstance(c.getId(), files)));
    }

    /**
     * Applies an increase the ResourceManager granted ({@code c} as the RM returned it: its token carries the new
     * size) on the container's NodeManager; completes with the size the NodeManager now enforces, or fails with
     * the NodeManager's reason.
     */
    CompletableFuture<Resource> increase(Container c) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                ContainerUpdateResponse r = call(c, p -> p.updateContainer(
                        ContainerUpdateRequest.newInstance(List.of(c.getContainerToken()))));
                SerializedException failed = r.getFailedRequests().get(c.getId());
                if (failed != null) {
                    throw new IllegalStateException("the NodeManager " + c.getNodeId() + " refused to apply "
                            + YarnResources.size(c.getResource()) + " to container " + c.getId() + ": "
                            + failed.getMessage());
                }
                if (!r.getSuccessfullyUpdatedContainers().contains(c.getId())) {
                    throw new IllegalStateException("the NodeManager " + c.getNodeId() + " did not say it applied "
                            + YarnResources.size(c.getResource()) + " to container " + c.getId());
                }
                LOG.info("the NodeManager {} applied {} to container {} (started by an earlier attempt)", c.getNodeId(),
                        YarnResources.size(c.getResource()), c.getId());
                return c.getResource();
            } catch (IOException | YarnException e) {
                throw new IllegalStateException("could not reach the NodeManager " + c.getNodeId() + " to apply "
                        + YarnResources.size(c.getResource()) + " to container " + c.getId() + ": " + e, e);
            }
        }, calls);
    }

    private interface Call<T> {
        T on(ContainerManagementProtocol nm) throws IOException, YarnException;
    }

    private <T> T call(Container c, Call<T> call) throws IOException, YarnException {
        ContainerManagementProtocolProxy.ContainerManagementProtocolProxyData proxy = null;
        try {
            proxy = proxies.getProxy(c.getNodeId().toString(), c.getId());
            return call.on(proxy.getContainerManagementProtocol());
        } finally {
            if (proxy != null) {
                proxies.mayBeCloseProxy(proxy);
            }
        }
    }

    @Override
    public void close() {
        calls.shutdownNow();
        proxies.stopAllProxies();
    }
}
