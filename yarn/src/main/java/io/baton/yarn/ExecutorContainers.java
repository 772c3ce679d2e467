package io.baton.yarn;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.hadoop.yarn.api.ApplicationConstants;
import org.apache.hadoop.yarn.api.records.Container;
import org.apache.hadoop.yarn.api.records.ContainerId;
import org.apache.hadoop.yarn.api.records.ContainerLaunchContext;
import org.apache.hadoop.yarn.api.records.ContainerRetryContext;
import org.apache.hadoop.yarn.api.records.ContainerRetryPolicy;
import org.apache.hadoop.yarn.api.records.ContainerStatus;
import org.apache.hadoop.yarn.api.records.LocalResource;
import org.apache.hadoop.yarn.api.records.NodeId;
import org.apache.hadoop.yarn.api.records.NodeReport;
import org.apache.hadoop.yarn.api.records.Priority;
import org.apache.hadoop.yarn.api.records.Resource;
import org.apache.hadoop.yarn.api.records.UpdateContainerError;
import org.apache.hadoop.yarn.api.records.UpdatedContainer;
import org.apache.hadoop.yarn.client.api.AMRMClient.ContainerRequest;
import org.apache.hadoop.yarn.client.api.async.AMRMClientAsync;
import org.apache.hadoop.yarn.client.api.async.NMClientAsync;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The AM's executor containers: asks the ResourceManager for one container per {@link ExecutorLaunch}
 * (matched back by its allocation request id), starts the executor in it through the NodeManager, and
 * follows the containers to their end. Receives the RM's and the NMs' callbacks, from their threads.
 */
final class ExecutorContainers implements YarnControl {
    private static final Logger LOG = LoggerFactory.getLogger(ExecutorContainers.class);
    private static final Priority PRIORITY = Priority.newInstance(1);
    /** Relaunches of an executor killed by a signal, within {@link #RELAUNCH_WINDOW_MS}, before its container ends. */
    static final int MAX_RELAUNCHES = 3;
    static final long RELAUNCH_WINDOW_MS = 10 * 60_000;
    /** The NodeManager raises it to its yarn.nodemanager.container-retry-minimum-interval-ms (1 s by default). */
    static final int RELAUNCH_INTERVAL_MS = 1000;

    private record Pending(ExecutorLaunch launch, ContainerRequest request, CompletableFuture<Container> started) {
    }

    private record Starting(Pending pending, Container container) {
    }

    /** What every executor container gets in its work directory, by link name: the token, the AM's address. */
    private final Map<String, LocalResource> files;
    private final AtomicLong nextRequest = new AtomicLong(1);
    private final Map<Long, Pending> requested = new ConcurrentHashMap<>();
    private final Map<ContainerId, Starting> starting = new ConcurrentHashMap<>();
    private final Map<ContainerId, String> running = new ConcurrentHashMap<>();
    /** Containers Baton gave back itself ({@link #release}): their end is no news to the shim core. */
    private final Set<ContainerId> released = ConcurrentHashMap.newKeySet();
    private volatile Consumer<ContainerEnd> ended = end -> { };
    private volatile java.util.function.BiConsumer<String, String> placed;
    private final ContainerResizer resizer = new ContainerResizer();
    private volatile AMRMClientAsync<ContainerRequest> rm;
    private volatile NMClientAsync nm;
    /** Told of each executor container about to start (the AM records it for its later attempts); may be null. */
    private volatile java.util.function.BiConsumer<ContainerId, String> onStarting;

    private final Function<NodeId, NodeRoom> nodeReports;
    private final ScheduledExecutorService yarnThread;

    /**
     * @param files linked into every executor container's work directory, by name (the token, the address file)
     * @param nodeReports reads a node's room from the ResourceManager (a blocking call, made on {@code yarnThread})
     * @param yarnThread the AM's thread for blocking YARN calls and timers
     */
    ExecutorContainers(Map<String, LocalResource> files, Function<NodeId, NodeRoom> nodeReports,
            ScheduledExecutorService yarnThread) {
        this.files = Map.copyOf(files);
        this.nodeReports = nodeReports;
        this.yarnThread = yarnThread;
    }

    // ------------------------------------------------------------------ YarnControl, for YarnBackend

    @Override
    public String containerOf(String executorId) {
        for (Map.Entry<ContainerId, String> e : running.entrySet()) {
            if (e.getValue().equals(executorId)) {
                return e.getKey().toString();
            }
        }
        return null;
    }

    @Override
    public YarnSize sizeOf(String container) {
        return resizer.size(ContainerId.fromString(container));
    }

    @Override
    public CompletableFuture<NodeRoom> roomOf(String container) {
        Container c = resizer.container(ContainerId.fromString(container));
        if (c == null) {
            return CompletableFuture.failedFuture(new IllegalStateException("container " + container
                    + " is not running"));
        }
        return CompletableFuture.supplyAsync(() -> nodeReports.apply(c.getNodeId()), yarnThread);
    }

    @Override
    public CompletableFuture<YarnSize> resize(String container, YarnSize target) {
        return resizer.resize(ContainerId.fromString(container), target);
    }

    @Override
    public void withdraw(String container) {
        resizer.withdraw(ContainerId.fromString(container));
    }

    @Override
    public void release(String container) {
        ContainerId id = ContainerId.fromString(container);
        released.add(id);
        String executor = running.remove(id); // no longer the executor's, though YARN stops it on its own time
        if (executor != null) {
            LOG.info("giving executor {}'s container {} back to the ResourceManager", executor, id);
        }
        rm.releaseAssignedContainer(id);
    }

    @Override
    public void onEnded(Consumer<ContainerEnd> listener) {
        this.ended = listener;
    }

    @Override
    public void onPlaced(java.util.function.BiConsumer<String, String> listener) {
        this.placed = listener;
    }

    private void placed(String executorId, Container c) {
        java.util.function.BiConsumer<String, String> listener = placed;
        if (listener != null) {
            listener.accept(executorId, c.getNodeId().toString());
        }
    }

    /** The ResourceManager's update errors of one heartbeat ({@link UpdateErrorsClient}), on its thread. */
    void updateErrors(List<UpdateContainerError> errors) {
        errors.forEach(resizer::refusedByRm);
    }

    @Override
    public void after(long delayMs, Runnable task) {
        yarnThread.schedule(task, delayMs, TimeUnit.MILLISECONDS);
    }

    void bind(AMRMClientAsync<ContainerRequest> rm, NMClientAsync nm, KeptContainers kept) {
        this.rm = rm;
        this.nm = nm;
        resizer.bind(rm, nm, kept);
    }

    /**
     * Calls {@code listener} (on the ResourceManager client's thread) for each executor's container just before the
     * AM asks its NodeManager to start it: a record made there exists before the executor can run, so a later
     * attempt knows every container an earlier one may have started.
     */
    void onStarting(java.util.function.BiConsumer<ContainerId, String> listener) {
        this.onStarting = listener;
    }

    /**
     * Takes over a container a previous attempt of the AM started for {@code executorId} (the ResourceManager
     * kept it running): the executor re-subscribes to this attempt and is bound to it again.
     */
    void adopt(Container c, String executorId) {
        resizer.adopt(c);
        placed(executorId, c);
        running.put(c.getId(), executorId);
        LOG.info("executor {} kept running in container {} on {} ({}) from a previous attempt", executorId, c.getId(),
                c.getNodeId(), YarnResources.size(c.getResource()));
    }

    /** Resizes a running executor's container in place (see {@link ContainerResizer}). */
    CompletableFuture<YarnSize> resize(ContainerId id, YarnSize target) {
        return resizer.resize(id, target);
    }

    /** The size YARN last confirmed for a running container, or null. */
    YarnSize sizeOf(ContainerId id) {
        return resizer.size(id);
    }

    /** Asks for the executor's container; the future completes once the NodeManager started it. */
    CompletableFuture<Container> launch(ExecutorLaunch launch) {
        long id = nextRequest.getAndIncrement();
        Resource size = YarnResources.toHadoop(launch.size());
        ContainerRequest request = new ContainerRequest(size, null, null, PRIORITY, id);
        Pending p = new Pending(launch, request, new CompletableFuture<>());
        requested.put(id, p);
        rm.addContainerRequest(request);
        LOG.info("asked the ResourceManager for a container of {} for executor {}", launch.size(), launch.executorId());
        return p.started();
    }

    /** Executors whose container runs, by container. */
    Map<ContainerId, String> running() {
        return Map.copyOf(running);
    }

    private void allocated(Container c) {
        Pending p = requested.remove(c.getAllocationRequestId());
        if (p == null) {
            LOG.warn("container {} was not asked for (allocation request {}); giving it back", c.getId(),
                    c.getAllocationRequestId());
            rm.releaseAssignedContainer(c.getId());
            return;
        }
        rm.removeContainerRequest(p.request());
        String command = ExecutorCommands.command(p.launch(), ApplicationConstants.LOG_DIR_EXPANSION_VAR);
        ContainerLaunchContext context = ContainerLaunchContext.newInstance(files, Map.of(), List.of(command), null,
                null, null);
        // the same container, work directory (journal) and size again; see ExecutorCommands for the wrapper
        context.setContainerRetryContext(ContainerRetryContext.newInstance(
                ContainerRetryPolicy.RETRY_ON_SPECIFIC_ERROR_CODES, Set.of(ExecutorCommands.RELAUNCH_EXIT),
                MAX_RELAUNCHES, RELAUNCH_INTERVAL_MS, RELAUNCH_WINDOW_MS));
        starting.put(c.getId(), new Starting(p, c));
        placed(p.launch().executorId(), c);
        java.util.function.BiConsumer<ContainerId, String> listener = onStarting;
        if (listener != null) {
            listener.accept(c.getId(), p.launch().executorId());
        }
        LOG.info("starting executor {} in container {} on {} ({})", p.launch().executorId(), c.getId(), c.getNodeId(),
                YarnResources.size(c.getResource()));
        nm.startContainerAsync(c, context);
    }

    final AMRMClientAsync.AbstractCallbackHandler rmEvents = new AMRMClientAsync.AbstractCallbackHandler() {
        @Override
        public void onContainersAllocated(List<Container> containers) {
            containers.forEach(ExecutorContainers.this::allocated);
        }

        @Override
        public void onContainersCompleted(List<ContainerStatus> statuses) {
            for (ContainerStatus s : statuses) {
                Container last = resizer.container(s.getContainerId());
                resizer.forget(s.getContainerId());
                String executor = running.remove(s.getContainerId());
                boolean ours = released.remove(s.getContainerId());
                Starting st = starting.remove(s.getContainerId());
                Pending p = st == null ? null : st.pending();
                String who = executor != null ? executor : p != null ? p.launch().executorId() : "(none)";
                LOG.info("container {} of executor {} ended: exit {}, {}", s.getContainerId(), who, s.getExitStatus(),
                        s.getDiagnostics().trim());
                if (p != null) {
                    p.started().completeExceptionally(new IllegalStateException("the container of executor " + who
                            + " ended before it started: exit " + s.getExitStatus() + ", " + s.getDiagnostics()));
                }
                if (executor != null && !ours) {
                    ended.accept(new ContainerEnd(executor, s.getContainerId().toString(),
                            last == null ? "(unknown)" : last.getNodeId().toString(), s.getExitStatus(),
                            s.getDiagnostics()));
                }
            }
        }

        @Override
        public void onContainersUpdated(List<UpdatedContainer> containers) {
            for (UpdatedContainer u : containers) {
                LOG.info("the ResourceManager updated container {} ({}) to {}", u.getContainer().getId(),
                        u.getUpdateType(), YarnResources.size(u.getContainer().getResource()));
                resizer.updated(u);
            }
        }

        @Override
        public void onShutdownRequest() {
            LOG.warn("the ResourceManager asked this AM to shut down");
        }

        @Override
        public void onNodesUpdated(List<NodeReport> updatedNodes) {
        }

        @Override
        public float getProgress() {
            return 0;
        }

        @Override
        public void onError(Throwable e) {
            LOG.error("the AM's connection to the ResourceManager failed", e);
        }
    };

    final NMClientAsync.AbstractCallbackHandler nmEvents = new NMClientAsync.AbstractCallbackHandler() {
        @Override
        public void onContainerStarted(ContainerId id, Map<String, ByteBuffer> serviceData) {
            Starting st = starting.remove(id);
            if (st != null) {
                resizer.track(st.container());
                running.put(id, st.pending().launch().executorId());
                st.pending().started().complete(st.container());
            }
        }

        @Override
        public void onStartContainerError(ContainerId id, Throwable t) {
            Starting st = starting.remove(id);
            LOG.error("the NodeManager could not start container {}: {}", id, t.toString());
            if (st != null) {
                st.pending().started().completeExceptionally(t);
            }
            rm.releaseAssignedContainer(id);
        }

        @Override
        public void onContainerStatusReceived(ContainerId id, ContainerStatus status) {
        }

        @Override
        public void onContainerStopped(ContainerId id) {
            running.remove(id);
            resizer.forget(id);
        }

        @Override
        @SuppressWarnings("deprecation") // abstract in Hadoop 3.4.1; the AM uses updateContainerResource
        public void onContainerResourceIncreased(ContainerId id, Resource resource) {
        }

        @Override
        public void onContainerResourceUpdated(ContainerId id, Resource resource) {
            resizer.appliedOnNode(id, resource);
        }

        @Override
        public void onGetContainerStatusError(ContainerId id, Throwable t) {
            LOG.warn("no status of container {}: {}", id, t.toString());
        }

        @Override
        @SuppressWarnings("deprecation") // abstract in Hadoop 3.4.1; the AM uses updateContainerResource
        public void onIncreaseContainerResourceError(ContainerId id, Throwable t) {
            LOG.warn("container {} could not grow: {}", id, t.toString());
        }

        @Override
        public void onUpdateContainerResourceError(ContainerId id, Throwable t) {
            LOG.warn("the NodeManager could not resize container {}: {}", id, t.toString());
            resizer.failedOnNode(id, t);
        }

        @Override
        public void onStopContainerError(ContainerId id, Throwable t) {
            LOG.warn("container {} could not be stopped: {}", id, t.toString());
        }
    };
}
