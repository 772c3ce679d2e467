package io.baton.yarn;

import io.baton.shim.Tokens;
import io.baton.shim.server.ShimConfig;
import io.baton.shim.server.ShimServer;
import java.io.IOException;
import java.nio.file.Files;
import java.security.PrivilegedExceptionAction;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.security.UserGroupInformation;
import org.apache.hadoop.yarn.api.records.Container;
import org.apache.hadoop.yarn.api.records.ContainerId;
import org.apache.hadoop.yarn.api.records.FinalApplicationStatus;
import org.apache.hadoop.yarn.api.records.NodeId;
import org.apache.hadoop.yarn.api.records.NodeReport;
import org.apache.hadoop.yarn.api.records.NodeState;
import org.apache.hadoop.yarn.client.api.AMRMClient.ContainerRequest;
import org.apache.hadoop.yarn.client.api.async.AMRMClientAsync;
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

    private final Configuration conf;
    private final AmOptions options;
    private final UserGroupInformation user;
    private ShimServer shim;
    private ExecutorContainers containers;
    private AMRMClientAsync<ContainerRequest> rm;
    private NMClientAsync nm;
    private YarnClient yarnClient;
    private ScheduledExecutorService yarnThread;
    private boolean registered;

    /** @param user who talks to the RM: holds the attempt's AMRM token ({@link UnmanagedAttempt#user()}) */
    public BatonApplicationMaster(Configuration conf, AmOptions options, UserGroupInformation user) {
        this.conf = conf;
        this.options = options;
        this.user = user;
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
            containers = new ExecutorContainers(options.advertisedHost(), options.executorPort(),
                    TokenResource.stage(conf, new Path(options.stagingDir()), token), this::room, yarnThread);
            Clock clock = Clock.systemUTC();
            shim = ShimServer.withBackend(config, new YarnBackend(containers, options.reserveTimeoutMs(), clock), token,
                    clock).start();
            nm = NMClientAsync.createNMClientAsync(containers.nmEvents);
            nm.init(conf);
            nm.start();
            user.doAs((PrivilegedExceptionAction<Void>) () -> {
                // YARN's own client, which hands the RM's update errors to the containers before the async client
                // drops them
                rm = AMRMClientAsync.createAMRMClientAsync(new UpdateErrorsClient(containers::updateErrors),
                        (int) options.heartbeatMs(), containers.rmEvents);
                rm.init(conf);
                rm.start();
                rm.registerApplicationMaster(options.advertisedHost(), options.frameworkPort(), options.trackingUrl());
                return null;
            });
            registered = true;
            containers.bind(rm, nm);
            LOG.info("Baton AM registered; frameworks at tcp:{}:{}, executors at tcp:{}:{}", options.advertisedHost(),
                    options.frameworkPort(), options.advertisedHost(), options.executorPort());
            return this;
        } catch (IOException | InterruptedException | RuntimeException e) {
            close();
            throw e;
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
        if (rm != null) {
            rm.stop();
        }
        if (shim != null) {
            shim.close();
        }
        if (yarnThread != null) {
            yarnThread.shutdownNow();
        }
        if (yarnClient != null) {
            yarnClient.stop();
        }
    }
}
