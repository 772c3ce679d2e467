package io.baton.yarn;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.service.Service;
import org.apache.hadoop.yarn.api.records.NodeReport;
import org.apache.hadoop.yarn.api.records.NodeState;
import org.apache.hadoop.yarn.client.api.YarnClient;
import org.apache.hadoop.yarn.conf.YarnConfiguration;
import org.apache.hadoop.yarn.server.resourcemanager.scheduler.ResourceScheduler;
import org.apache.hadoop.yarn.server.resourcemanager.scheduler.capacity.CapacityScheduler;
import org.apache.hadoop.yarn.util.resource.DominantResourceCalculator;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("integration")
class LocalYarnIT {

    @Test
    void bootsOneResourceManagerAndTwoNodeManagersAndStopsCleanly() throws Exception {
        long started = System.nanoTime();
        LocalYarn yarn = LocalYarn.start("local-yarn-it");
        try (YarnClient client = yarn.newClient()) {
            List<NodeReport> nodes = client.getNodeReports(NodeState.RUNNING);
            assertThat(nodes).hasSize(LocalYarn.NODES);
            for (NodeReport node : nodes) {
                assertThat(YarnResources.size(node.getCapability())).as("capacity of %s", node.getNodeId())
                        .isEqualTo(LocalYarn.NODE_SIZE);
                assertThat(YarnResources.size(node.getUsed())).as("used on %s", node.getNodeId())
                        .isEqualTo(YarnSize.ZERO);
            }
            assertThat(nodes.stream().map(n -> n.getNodeId().toString()).distinct()).hasSize(LocalYarn.NODES);
            assertThat(client.getYarnClusterMetrics().getNumNodeManagers()).isEqualTo(LocalYarn.NODES);
            for (int i = 0; i < LocalYarn.NODES; i++) {
                // the minicluster turns container monitoring off unless told otherwise: the memory check must run
                Configuration nm = yarn.cluster().getNodeManager(i).getConfig();
                assertThat(nm.getBoolean(YarnConfiguration.NM_CONTAINER_MONITOR_ENABLED, false)).isTrue();
                assertThat(nm.getBoolean(YarnConfiguration.NM_PMEM_CHECK_ENABLED, false)).isTrue();
                assertThat(nm.getBoolean(YarnConfiguration.NM_MEMORY_RESOURCE_ENFORCED, true)).isFalse();
            }

            ResourceScheduler scheduler = yarn.cluster().getResourceManager().getResourceScheduler();
            assertThat(scheduler).isInstanceOf(CapacityScheduler.class);
            assertThat(((CapacityScheduler) scheduler).getResourceCalculator())
                    .isInstanceOf(DominantResourceCalculator.class);
            assertThat(YarnResources.size(scheduler.getMinimumResourceCapability())).isEqualTo(new YarnSize(1, 1));
        } finally {
            long stopping = System.nanoTime();
            yarn.close();
            long stopMs = (System.nanoTime() - stopping) / 1_000_000;
            System.err.printf("local YARN: up and checked in %d ms, stopped in %d ms%n",
                    (stopping - started) / 1_000_000, stopMs);
            assertThat(yarn.cluster().getServiceState()).isEqualTo(Service.STATE.STOPPED);
            assertThat(yarn.cluster().getNodeManager(0).getServiceState()).isEqualTo(Service.STATE.STOPPED);
            assertThat(stopMs).as("stop time in ms").isLessThan(30_000);
        }
    }
}
