package io.baton.yarn;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.yarn.api.records.NodeReport;
import org.apache.hadoop.yarn.api.records.NodeState;
import org.apache.hadoop.yarn.client.api.YarnClient;
import org.apache.hadoop.yarn.conf.YarnConfiguration;
import org.apache.hadoop.yarn.exceptions.YarnException;
import org.apache.hadoop.yarn.server.MiniYARNCluster;
import org.apache.hadoop.yarn.server.resourcemanager.scheduler.capacity.CapacityScheduler;
import org.apache.hadoop.yarn.server.resourcemanager.scheduler.capacity.CapacitySchedulerConfiguration;
import org.apache.hadoop.yarn.util.resource.DominantResourceCalculator;

/**
 * A real YARN cluster inside the test JVM: one ResourceManager and {@link #NODES} NodeManagers of
 * {@link #NODE_SIZE} each, the CapacityScheduler with the DominantResourceCalculator (so vcores count,
 * not only memory), containers sized exactly as asked (minimum allocation 1 MB / 1 vcore), memory
 * checked by the NodeManager's process-tree monitor (no cgroups here: the default container executor).
 *
 * <pre>{@code
 * try (LocalYarn yarn = LocalYarn.start("my-test")) {
 *     YarnClient client = yarn.newClient();
 *     ...
 * }
 * }</pre>
 *
 * <p>Its directories are under {@code target/test/data/<name>} of the module (Hadoop's test data dir).
 * Not thread-safe to start or close concurrently; the cluster itself serves any thread.
 */
public final class LocalYarn implements AutoCloseable {
    public static final int NODES = 2;
    static final YarnSize NODE_SIZE = new YarnSize(4096, 4);
    /** How often NodeManagers heartbeat to the RM: containers are handed out and resized on these beats. */
    static final long NM_HEARTBEAT_MS = 100;
    /** The AM-RM heartbeat an ApplicationMaster in these tests uses: an increase takes one of these. */
    public static final long AM_HEARTBEAT_MS = 100;
    private static final Duration NODES_TIMEOUT = Duration.ofSeconds(30);

    private final MiniYARNCluster cluster;

    private LocalYarn(MiniYARNCluster cluster) {
        this.cluster = cluster;
    }

    /** Starts the cluster and waits until both NodeManagers are registered with the ResourceManager. */
    static LocalYarn start(String name) throws IOException, InterruptedException, TimeoutException {
        return start(name, conf -> { });
    }

    /** Starts the cluster with {@code change} made to {@link #configuration()} first (e.g. a smaller maximum allocation). */
    public static LocalYarn start(String name, Consumer<YarnConfiguration> change)
            throws IOException, InterruptedException, TimeoutException {
        MiniYARNCluster cluster = new MiniYARNCluster(name, 1, NODES, 1, 1);
        try {
            YarnConfiguration conf = configuration();
            change.accept(conf);
            cluster.init(conf);
            cluster.start();
            if (!cluster.waitForNodeManagersToConnect(NODES_TIMEOUT.toMillis())) {
                throw new TimeoutException("the " + NODES + " NodeManagers of local YARN cluster '" + name
                        + "' did not register with the ResourceManager within " + NODES_TIMEOUT.toSeconds() + " s");
            }
            return new LocalYarn(cluster);
        } catch (YarnException | RuntimeException e) {
            cluster.stop();
            throw new IOException("the local YARN cluster '" + name + "' did not start: " + e.getMessage(), e);
        }
    }

    public static YarnConfiguration configuration() {
        YarnConfiguration conf = new YarnConfiguration();
        conf.setClass(YarnConfiguration.RM_SCHEDULER, CapacityScheduler.class,
                org.apache.hadoop.yarn.server.resourcemanager.scheduler.ResourceScheduler.class);
        conf.set(CapacitySchedulerConfiguration.RESOURCE_CALCULATOR_CLASS, DominantResourceCalculator.class.getName());
        // each NodeManager's capacity; the minicluster overrides the NM's memory key with its own one
        conf.setLong(YarnConfiguration.NM_PMEM_MB, NODE_SIZE.memoryMb());
        conf.setLong(YarnConfiguration.YARN_MINICLUSTER_NM_PMEM_MB, NODE_SIZE.memoryMb());
        conf.setInt(YarnConfiguration.NM_VCORES, NODE_SIZE.vcores());
        conf.setBoolean(YarnConfiguration.NM_ENABLE_HARDWARE_CAPABILITY_DETECTION, false);
        // exact container sizes: the scheduler rounds requests up to multiples of the minimum allocation
        conf.setInt(YarnConfiguration.RM_SCHEDULER_MINIMUM_ALLOCATION_MB, 1);
        conf.setInt(YarnConfiguration.RM_SCHEDULER_MINIMUM_ALLOCATION_VCORES, 1);
        conf.setLong(YarnConfiguration.RM_SCHEDULER_MAXIMUM_ALLOCATION_MB, NODE_SIZE.memoryMb());
        conf.setInt(YarnConfiguration.RM_SCHEDULER_MAXIMUM_ALLOCATION_VCORES, NODE_SIZE.vcores());
        // memory is enforced by the process-tree monitor (physical memory); cgroups need the native executor
        conf.setBoolean(YarnConfiguration.YARN_MINICLUSTER_CONTROL_RESOURCE_MONITORING, true);
        conf.setBoolean(YarnConfiguration.NM_MEMORY_RESOURCE_ENFORCED, false);
        conf.setBoolean(YarnConfiguration.NM_PMEM_CHECK_ENABLED, true);
        conf.setBoolean(YarnConfiguration.NM_VMEM_CHECK_ENABLED, false); // a JVM reserves far more than it uses
        conf.setLong(YarnConfiguration.RM_NM_HEARTBEAT_INTERVAL_MS, NM_HEARTBEAT_MS);
        // without log aggregation a NodeManager keeps a finished application (and its container logs) for this
        // long, and one stopped while it holds one waits ~7 s for it, then ~10 s more for the log deleter
        conf.setLong(YarnConfiguration.NM_LOG_RETAIN_SECONDS, 1);
        // a full build disk must not turn the nodes unhealthy mid-test
        conf.setFloat(YarnConfiguration.NM_MAX_PER_DISK_UTILIZATION_PERCENTAGE, 100.0f);
        return conf;
    }

    /** The cluster's configuration after start: holds the ResourceManager's real addresses. */
    public Configuration config() {
        return new YarnConfiguration(cluster.getConfig());
    }

    /** A started client of this cluster; the caller closes it. */
    public YarnClient newClient() {
        YarnClient client = YarnClient.createYarnClient();
        client.init(config());
        client.start();
        return client;
    }

    /** Waits (20 s at most) until the RM charges nothing to any node: an ended application's containers are gone. */
    void awaitNodesIdle(YarnClient client) {
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            for (NodeReport n : client.getNodeReports(NodeState.RUNNING)) {
                org.assertj.core.api.Assertions.assertThat(YarnResources.size(n.getUsed()))
                        .as("used on %s", n.getNodeId()).isEqualTo(YarnSize.ZERO);
            }
        });
    }

    public MiniYARNCluster cluster() {
        return cluster;
    }

    /**
     * Stops the cluster. First gives the NodeManagers a few seconds to let go of finished applications (their
     * logs are kept {@code yarn.nodemanager.log.retain-seconds}, 1 s here): a NodeManager stopped while it
     * still holds one waits for it for many seconds itself.
     */
    @Override
    public void close() {
        try {
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(100))
                    .until(this::nodeManagersIdle);
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            // an application still running: the NodeManagers kill its containers as they stop
        } finally {
            cluster.stop();
        }
    }

    private boolean nodeManagersIdle() {
        for (int i = 0; i < NODES; i++) {
            if (!cluster.getNodeManager(i).getNMContext().getApplications().isEmpty()) {
                return false;
            }
        }
        return true;
    }
}
