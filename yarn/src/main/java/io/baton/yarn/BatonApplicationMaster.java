package io.baton.yarn;

import io.baton.shim.Tokens;
import io.baton.shim.server.ShimConfig;
import io.baton.shim.server.ShimServer;
import java.io.IOException;
import java.nio.file.Files;
import java.security.PrivilegedExceptionAction;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.security.UserGroupInformation;
import org.apache.hadoop.yarn.api.ApplicationConstants;
import org.apache.hadoop.yarn.api.protocolrecords.RegisterApplicationMasterResponse;
import org.apache.hadoop.yarn.api.records.Container;
import org.apache.hadoop.yarn.api.records.ContainerId;
import org.apache.hadoop.yarn.api.records.FinalApplicationStatus;
import org.apache.hadoop.yarn.api.records.NodeId;
import org.apache.hadoop.yarn.api.records.NodeReport;
import org.apache.hadoop.yarn.api.records.NodeState;
import org.apache.hadoop.yarn.client.api.AMRMClient.ContainerRequest;
import org.apache.hadoop.yarn.client.api.async.AMRMClientAsync;
import org.apache.hadoop.yarn.api.records.LocalResource;
import org.apache.hadoop.yarn.client.api.impl.ContainerManagementProtocolProxy;
import org.apache.hadoop.yarn.client.api.YarnClient;
import org.apache.hadoop.yarn.client.api.async.NMClientAsync;
import org.apache.hadoop.yarn.exceptions.YarnException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Baton ApplicationMaster, first cut: it registers with the ResourceManager, serves the shim's framework
 * API and executor API on TCP (executors present the application's token, which their containers get as a
 * file), and runs executors in containers of their own.
 *
 * <p>Grants and container sizes go to YARN ({@link YarnBackend}: each executor's container is its ledger
 * envelope). What it is not yet (see the README): the shim core inside has one ledger for the whole
 * application, not one per NodeManager.
 *
 * <pre>{@code
 * try (BatonApplicationMaster am = new BatonApplicationMaster(conf, options, attempt.user()).start()) {
 *     am.launch(new ExecutorLaunch("w1", new YarnSize(512, 1), java, flags, classpath, main)).get();
 * }
 * }</pre>
 *
 * <p>Threading: start, launch and close from one thread; YARN's callbacks arrive on the clients' threads.
 */
public final class BatonApplicationMaster implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BatonApplicationMaster.class);
    /** How long the AM waits at its start for the ResourceManager to report a running NodeManager. */
    static final long NODES_WAIT_MS = 30_000;

    private final Configuration conf;
    private final AmOptions options;
    private final UserGroupInformation user;
    private ShimServer shim;
    private YarnBackend backend;
    private TaskRecords taskRecords;
    private ExecutorContainers containers;
    private AMRMClientAsync<ContainerRequest> rm;
    private NMClientAsync nm;
    private YarnClient yarnClient;
    private ScheduledExecutorService yarnThread;
    private boolean registered;
    private KeptContainers kept;
    /** The executors this AM was started to run ({@link #launchMissing}), by id. */
    private final Map<String, ExecutorLaunch> configured = new java.util.concurrent.ConcurrentHashMap<>();

    /** @param user who talks to the RM: holds the attempt's AMRM token ({@link UnmanagedAttempt#user()}) */
    public BatonApplicationMaster(Configuration conf, AmOptions options, UserGroupInformation user) {
        this.conf = conf;
        this.options = options;
        this.user = user;
    }

    /**
     * The managed AM, in the container YARN starts it in ({@link BatonYarnClient} submits it): {@link
     * AmCommandLine} options. Registers as this attempt, takes over the executor containers earlier attempts
     * left running, starts the configured executors that do not run yet, and serves until the process ends
     * (the application is killed, or the process dies and YARN starts the next attempt). Exit status 2 for a
     * bad command line, 1 when the AM cannot start.
     */
    public static void main(String[] args) throws InterruptedException {
        AmCommandLine line;
        try {
            line = AmCommandLine.parse(BatonApplicationMaster::freePort, args);
        } catch (IllegalArgumentException e) {
            System.err.println("baton-am: " + e.getMessage());
            System.exit(2);
            return;
        }
        org.apache.hadoop.yarn.conf.YarnConfiguration conf = new org.apache.hadoop.yarn.conf.YarnConfiguration();
        if (line.hadoopConf() != null) {
            conf.addResource(new Path(java.nio.file.Path.of(line.hadoopConf()).toAbsolutePath().toUri()));
        }
        BatonApplicationMaster am;
        try {
            am = new BatonApplicationMaster(conf, attemptOptions(line.options()), UserGroupInformation.getCurrentUser())
                    .start();
            am.launchMissing(line.executors()).get();
        } catch (Exception e) {
            LOG.error("the Baton AM could not start", e);
            System.exit(1);
            return;
        }
        LOG.info("Baton AM attempt {} serving; {} executors", attemptNumber(), am.runningExecutors().size());
        new java.util.concurrent.CountDownLatch(1).await(); // until the process is stopped
    }

    /** A TCP port free on this host now (the listeners bind it moments later). */
    private static int freePort() {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("no free TCP port on this host: " + e.getMessage(), e);
        }
    }

    /**
     * This attempt's own directory under the options' work dir (the shim's sockets must have short paths), with
     * the application's token: the file the submitter had YARN link into this container, so every attempt
     * presents the same token to the executors that re-subscribe.
     */
    private static AmOptions attemptOptions(AmOptions o) throws IOException {
        Files.createDirectories(o.workDir());
        String container = System.getenv(ApplicationConstants.Environment.CONTAINER_ID.name());
        String app = container == null ? "unmanaged"
                : ContainerId.fromString(container).getApplicationAttemptId().getApplicationId().toString();
        for (java.nio.file.Path old : AttemptDirs.earlier(o.workDir(), app, attemptNumber())) {
            LOG.info("removing {}, left by an earlier attempt of this application on this host", old);
            AttemptDirs.delete(old);
        }
        java.nio.file.Path dir = AttemptDirs.create(o.workDir(), app, attemptNumber());
        java.nio.file.Path localized = java.nio.file.Path.of(ExecutorCommands.TOKEN_LINK);
        if (Files.exists(localized)) {
            java.nio.file.Path token = dir.resolve(ExecutorCommands.TOKEN_LINK);
            Files.createFile(token, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                    java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
            Files.writeString(token, Files.readString(localized));
        }
        return new AmOptions(dir, o.stagingDir(), o.total(), o.bindAddress(), o.advertisedHost(), o.frameworkPort(),
                o.executorPort(), o.heartbeatMs(), o.reserveTimeoutMs(), o.webPort(), o.adoptTimeoutMs());
    }

    /** Starts the listeners, stages the token, registers with the RM. On failure, undoes what it did and throws. */
    public BatonApplicationMaster start() throws IOException, InterruptedException {
        try {
            java.nio.file.Path tokenFile = options.workDir().resolve("baton.token");
            Files.createDirectories(options.workDir());
            String token = Tokens.loadOrCreate(tokenFile, true);
            ShimConfig config = ShimConfig.defaults(options.workDir().resolve("shim"), options.total(), "none")
                    .withTokenFile(tokenFile).withTcpPort(options.frameworkPort())
                    .withExecutorPort(options.executorPort())
                    .withNode(options.advertisedHost(), options.bindAddress(), "baton")
                    .withMetricsPort(options.webPort()); // the live view at GET /, also the tracking URL
            yarnClient = YarnClient.createYarnClient();
            yarnClient.init(conf);
            yarnClient.start();
            yarnThread = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "baton-am-yarn");
                t.setDaemon(true);
                return t;
            });
            Path staging = new Path(options.stagingDir());
            AmAddress address = AmAddress.of(attemptNumber(), options);
            Map<String, LocalResource> addressFile = address.publishForExecutors(conf, staging);
            Map<String, LocalResource> files = new java.util.HashMap<>(BatonYarnClient.executorFiles(conf, staging));
            files.putAll(addressFile);
            files.put(ExecutorCommands.TOKEN_LINK, TokenResource.stage(conf, staging, token));
            containers = new ExecutorContainers(files, this::room, yarnThread);
            Clock clock = Clock.systemUTC();
            backend = new YarnBackend(containers, options.reserveTimeoutMs(), clock, runningNodes());
            shim = ShimServer.withBackend(config, backend, token,
                    clock).start();
            nm = NMClientAsync.createNMClientAsync(containers.nmEvents);
            nm.init(conf);
            nm.start();
            ContainerRecords records = new ContainerRecords(conf, staging);
            containers.onStarting(records::recordOrLog);
            kept = new KeptContainers(new ContainerManagementProtocolProxy(conf));
            RegisterApplicationMasterResponse registration = user.doAs(
                    (PrivilegedExceptionAction<RegisterApplicationMasterResponse>) () -> {
                        // YARN's own client, which hands the RM's update errors to the containers before the async
                        // client drops them
                        rm = AMRMClientAsync.createAMRMClientAsync(new UpdateErrorsClient(containers::updateErrors),
                                (int) options.heartbeatMs(), containers.rmEvents);
                        rm.init(conf);
                        rm.start();
                        return rm.registerApplicationMaster(options.advertisedHost(), options.frameworkPort(),
                                options.trackingUrl());
                    });
            registered = true;
            containers.bind(rm, nm, kept);
            new AttemptTakeover(records, containers, rm, kept).takeOver(
                    registration.getContainersFromPreviousAttempts(), addressFile);
            taskRecords = new TaskRecords(conf, staging);
            yarnThread.scheduleWithFixedDelay(this::recordTasks, TaskRecords.PERIOD_MS, TaskRecords.PERIOD_MS,
                    java.util.concurrent.TimeUnit.MILLISECONDS);
            containers.running().forEach((c, executor) -> yarnThread.schedule(() -> adoptDeadline(c, executor),
                    options.adoptTimeoutMs(), java.util.concurrent.TimeUnit.MILLISECONDS));
            address.publish(conf, staging);
            LOG.info("Baton AM registered; frameworks at tcp:{}:{}, executors at tcp:{}:{}", options.advertisedHost(),
                    options.frameworkPort(), options.advertisedHost(), options.executorPort());
            return this;
        } catch (IOException | InterruptedException | RuntimeException e) {
            close();
            throw e;
        }
    }

    /** This attempt's number: from the container YARN runs this AM in, 1 for an unmanaged AM (it has one only). */
    static int attemptNumber() {
        String container = System.getenv(ApplicationConstants.Environment.CONTAINER_ID.name());
        return container == null ? 1 : ContainerId.fromString(container).getApplicationAttemptId().getAttemptId();
    }

    /**
     * Starts each of {@code executors} that has no running container yet (after a restart, those the
     * ResourceManager kept are already running); completes when all have started.
     */
    public CompletableFuture<Void> launchMissing(List<ExecutorLaunch> executors) {
        executors.forEach(e -> configured.put(e.executorId(), e));
        Set<String> running = Set.copyOf(containers.running().values());
        return CompletableFuture.allOf(executors.stream().filter(e -> !running.contains(e.executorId()))
                .map(this::launch).toArray(CompletableFuture[]::new));
    }

    /**
     * The deadline of an executor whose container this attempt took over: if it has not re-subscribed by now
     * ({@link AmOptions#adoptTimeoutMs}), it never will (it could not learn this attempt's address, or it hangs):
     * its container goes back to the ResourceManager, and an executor this AM was started to run
     * ({@link #launchMissing}) is started again in a new container. Its tasks were never in this attempt's ledger
     * (it is rebuilt from re-subscriptions): those an earlier attempt recorded ({@link TaskRecords}) end TASK_LOST.
     */
    private void adoptDeadline(ContainerId container, String executor) {
        if (!executor.equals(containers.running().get(container))) {
            return; // the container ended meanwhile
        }
        try {
            if (shim.state().getExecutorsList().stream().anyMatch(e -> e.getExecutorId().getValue().equals(executor))) {
                return; // it re-subscribed: the shim's own recovery rules apply from here
            }
        } catch (Exception e) {
            LOG.warn("could not read the shim's state to check executor {}'s re-subscription: {}", executor,
                    e.toString());
            return;
        }
        ExecutorLaunch again = configured.get(executor);
        LOG.warn("executor {} in container {} (taken over from an earlier attempt) did not re-subscribe within {} ms: "
                + "giving the container back to the ResourceManager{}", executor, container, options.adoptTimeoutMs(),
                again == null ? "" : " and starting the executor again in a new one");
        try {
            List<String> tasks = taskRecords.take(executor);
            if (!tasks.isEmpty()) {
                backend.tasksEndedAway(executor, tasks, "executor " + executor + " did not re-subscribe to attempt "
                        + attemptNumber() + " of the AM within " + options.adoptTimeoutMs() + " ms; its container "
                        + container + " was given back to the ResourceManager");
            }
        } catch (IOException e) {
            LOG.error("could not read the tasks recorded for executor {}: they are not reported lost ({})", executor,
                    e.toString());
        }
        containers.release(container.toString());
        if (again != null) {
            launch(again).whenComplete((c, t) -> {
                if (t != null) {
                    LOG.error("could not start executor {} again: {}", executor, t.toString());
                }
            });
        }
    }

    /** Writes the tasks of the executors this attempt holds, for a later attempt ({@link TaskRecords}). */
    private void recordTasks() {
        try {
            taskRecords.writeOrLog(TaskRecords.live(shim.state()));
        } catch (Exception e) {
            LOG.warn("could not read the shim's state to record the executors' tasks: {}", e.toString());
        }
    }

    /** Runs an executor in a new container; completes once the NodeManager started it. */
    public CompletableFuture<Container> launch(ExecutorLaunch launch) {
        return containers.launch(launch);
    }

    /**
     * Resizes an executor's running container in place, to {@code target}; completes with the size YARN
     * confirmed (an increase once the NodeManager applied it, a decrease once the ResourceManager granted it).
     * A resize the scheduler cannot fit stays open: bound it with a timeout.
     */
    public CompletableFuture<YarnSize> resize(ContainerId container, YarnSize target) {
        return containers.resize(container, target);
    }

    /** The size YARN last confirmed for a running executor container (the AM's view), or null. */
    public YarnSize containerSize(ContainerId container) {
        return containers.sizeOf(container);
    }

    /** The executors whose containers run, by container. */
    public Map<ContainerId, String> runningExecutors() {
        return containers.running();
    }

    /**
     * The NodeManagers the ResourceManager reports running (each gets a ledger of its own from the start); waits up
     * to {@link #NODES_WAIT_MS} for the first one.
     */
    private List<String> runningNodes() throws IOException, InterruptedException {
        long deadline = System.nanoTime() + NODES_WAIT_MS * 1_000_000;
        while (true) {
            List<String> nodes = new java.util.ArrayList<>();
            try {
                yarnClient.getNodeReports(NodeState.RUNNING).forEach(r -> nodes.add(r.getNodeId().toString()));
            } catch (YarnException e) {
                throw new IOException("could not read the node reports of the ResourceManager: " + e, e);
            }
            if (!nodes.isEmpty()) {
                java.util.Collections.sort(nodes);
                return nodes;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the ResourceManager reported no running NodeManager within "
                        + NODES_WAIT_MS + " ms: the AM places its executors on NodeManagers, and needs one");
            }
            Thread.sleep(100);
        }
    }

    /** A node's room in the ResourceManager's node report (a blocking call, on the AM's YARN thread). */
    private NodeRoom room(NodeId node) {
        try {
            for (NodeReport r : yarnClient.getNodeReports(NodeState.RUNNING)) {
                if (r.getNodeId().equals(node)) {
                    return new NodeRoom(node.toString(), YarnResources.size(r.getCapability()),
                            YarnResources.size(r.getUsed()));
                }
            }
        } catch (YarnException | IOException e) {
            throw new IllegalStateException("could not read the node reports of the ResourceManager: " + e, e);
        }
        throw new IllegalStateException("the ResourceManager reports no running node " + node);
    }

    /** The shim server the AM hosts (its STATE, ledger). */
    public ShimServer shim() {
        return shim;
    }

    /** Unregisters (the RM then stops the application's containers), stops the clients and the listeners. */
    @Override
    public void close() {
        if (registered) {
            registered = false;
            try {
                rm.unregisterApplicationMaster(FinalApplicationStatus.SUCCEEDED, "Baton AM stopped", "");
            } catch (YarnException | IOException e) {
                LOG.warn("could not unregister from the ResourceManager: {}", e.toString());
            }
        }
        if (nm != null) {
            nm.stop();
        }
        if (kept != null) {
            kept.close();
        }
        if (rm != null) {
            rm.stop();
        }
        if (shim != null) {
            shim.close();
        }
        if (yarnThread != null) {
            yarnThread.shutdownNow();
            try {
                // a task-records write in flight finishes before close returns: nothing writes the staging
                // directory after it (a caller may delete it next)
                if (!yarnThread.awaitTermination(10, java.util.concurrent.TimeUnit.SECONDS)) {
                    LOG.warn("the AM's YARN thread did not stop within 10 s");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (yarnClient != null) {
            yarnClient.stop();
        }
    }
}
