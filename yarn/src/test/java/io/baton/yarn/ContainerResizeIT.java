package io.baton.yarn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.yarn.api.records.Container;
import org.apache.hadoop.yarn.api.records.ContainerId;
import org.apache.hadoop.yarn.api.records.NodeReport;
import org.apache.hadoop.yarn.api.records.NodeState;
import org.apache.hadoop.yarn.client.api.YarnClient;
import org.apache.hadoop.yarn.server.nodemanager.NodeManager;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An executor's container grows and shrinks in place on a real cluster, with its JVM running on: the
 * ResourceManager's, the NodeManager's and the AM's views agree after each step.
 */
@Tag("integration")
class ContainerResizeIT {
    private static final YarnSize SMALL = new YarnSize(512, 1);
    private static final YarnSize LARGE = new YarnSize(1024, 2);

    @TempDir
    Path tmp;

    @Test
    void anExecutorsContainerGrowsAndShrinksInPlace() throws Exception {
        try (LocalYarn yarn = LocalYarn.start("resize-it"); YarnClient client = yarn.newClient();
                LocalAm local = LocalAm.start(yarn, client, tmp, "resize-it")) {
            Container c = local.am.launch(LocalAm.worker("w1", SMALL)).get(60, TimeUnit.SECONDS);
            await().atMost(Duration.ofSeconds(60)).until(() -> local.connected("w1"));
            long pid = LocalAm.executorJvm("w1").orElseThrow().pid();

            long t0 = System.nanoTime();
            assertThat(local.am.resize(c.getId(), LARGE).get(30, TimeUnit.SECONDS)).isEqualTo(LARGE);
            System.err.printf("ContainerResizeIT: increase granted and applied in %d ms%n",
                    (System.nanoTime() - t0) / 1_000_000);
            assertViews(yarn, client, local, c, LARGE); // the increase is on the node when the future completes

            t0 = System.nanoTime();
            assertThat(local.am.resize(c.getId(), SMALL).get(30, TimeUnit.SECONDS)).isEqualTo(SMALL);
            // the RM pushes a decrease to the NodeManager on the NM's next heartbeat; the AM does not
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertViews(yarn, client, local, c, SMALL));
            System.err.printf("ContainerResizeIT: decrease granted and on the node in %d ms%n",
                    (System.nanoTime() - t0) / 1_000_000);

            assertThatThrownBy(() -> local.am.resize(c.getId(), new YarnSize(256, 2)).get(5, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class).hasMessageContaining("<memory:512 MB, vcores:1>")
                    .hasMessageContaining("grow to <memory:512 MB, vcores:2> first");
            assertThat(LocalAm.executorJvm("w1").orElseThrow().pid()).as("the executor's JVM ran on").isEqualTo(pid);
            assertThat(local.connected("w1")).isTrue();
        }
    }

    private static void assertViews(LocalYarn yarn, YarnClient client, LocalAm local, Container c, YarnSize size)
            throws Exception {
        assertThat(local.am.containerSize(c.getId())).as("the AM's view").isEqualTo(size);
        assertThat(YarnResources.size(client.getContainerReport(c.getId()).getAllocatedResource()))
                .as("the RM's container").isEqualTo(size);
        for (NodeReport node : client.getNodeReports(NodeState.RUNNING)) {
            YarnSize used = node.getNodeId().equals(c.getNodeId()) ? size : YarnSize.ZERO;
            assertThat(YarnResources.size(node.getUsed())).as("the RM's node %s", node.getNodeId()).isEqualTo(used);
        }
        assertThat(nodeManagerSize(yarn, c)).as("the NodeManager's container").isEqualTo(size);
    }

    private static YarnSize nodeManagerSize(LocalYarn yarn, Container c) {
        for (int i = 0; i < LocalYarn.NODES; i++) {
            NodeManager nm = yarn.cluster().getNodeManager(i);
            if (nm.getNMContext().getNodeId().equals(c.getNodeId())) {
                ContainerId id = c.getId();
                return YarnResources.size(nm.getNMContext().getContainers().get(id).getResource());
            }
        }
        throw new AssertionError("no NodeManager " + c.getNodeId());
    }
}
