package io.baton.yarn;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.apache.hadoop.yarn.api.records.ApplicationAttemptId;
import org.apache.hadoop.yarn.api.records.ApplicationId;
import org.apache.hadoop.yarn.api.records.Container;
import org.apache.hadoop.yarn.api.records.ContainerId;
import org.apache.hadoop.yarn.api.records.ContainerUpdateType;
import org.apache.hadoop.yarn.api.records.NodeId;
import org.apache.hadoop.yarn.api.records.Priority;
import org.apache.hadoop.yarn.api.records.UpdateContainerError;
import org.apache.hadoop.yarn.api.records.UpdateContainerRequest;
import org.apache.hadoop.yarn.client.api.AMRMClient.ContainerRequest;
import org.apache.hadoop.yarn.client.api.async.AMRMClientAsync;
import org.apache.hadoop.yarn.client.api.async.NMClientAsync;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link ContainerResizer} with YARN's own clients, never started (their requests only queue up; nothing is
 * sent, and there is nothing to stop): an update error of the ResourceManager fails the pending resize of its type at once, with the reason.
 */
class ContainerResizerTest {
    private final ContainerResizer resizer = new ContainerResizer();
    private AMRMClientAsync<ContainerRequest> rm;
    private NMClientAsync nm;
    private Container container;

    @BeforeEach
    void clients() {
        ExecutorContainers noEvents = new ExecutorContainers(java.util.Map.of(), n -> null, null);
        rm = AMRMClientAsync.createAMRMClientAsync(new UpdateErrorsClient(errors -> { }), 100, noEvents.rmEvents);
        nm = NMClientAsync.createNMClientAsync(noEvents.nmEvents);
        resizer.bind(rm, nm, null);
        ContainerId id = ContainerId.newContainerId(ApplicationAttemptId.newInstance(ApplicationId.newInstance(1, 1),
                1), 2);
        container = Container.newInstance(id, NodeId.newInstance("n1", 4545), "n1:8042",
                YarnResources.toHadoop(new YarnSize(512, 1)), Priority.newInstance(1), null);
        container.setVersion(3);
        resizer.track(container);
    }

    @Test
    void anUpdateErrorFailsThePendingIncreaseAtOnceWithTheReasonAndTheVersions() {
        CompletableFuture<YarnSize> grow = resizer.resize(container.getId(), new YarnSize(1024, 2));
        resizer.refusedByRm(error("INCORRECT_CONTAINER_VERSION_ERROR", ContainerUpdateType.INCREASE_RESOURCE, 2, 3));

        assertThat(grow).isCompletedExceptionally();
        assertThat(failure(grow)).isEqualTo("the ResourceManager refused it: INCORRECT_CONTAINER_VERSION_ERROR (the "
                + "AM asked with a stale version of the container; INCREASE_RESOURCE of container " + container.getId()
                + " to <memory:1024 MB, vcores:2> at container version 2, the ResourceManager's version 3)");
        assertThat(resizer.resize(container.getId(), new YarnSize(1024, 2))).as("the container may be resized again")
                .isNotDone();
    }

    @Test
    void anUpdateErrorOfTheOtherTypeLeavesThePendingResizeAlone() {
        CompletableFuture<YarnSize> grow = resizer.resize(container.getId(), new YarnSize(1024, 2));
        resizer.refusedByRm(error("RESOURCE_OUTSIDE_ALLOWED_RANGE", ContainerUpdateType.DECREASE_RESOURCE, 3, 3));
        assertThat(grow).isNotDone();
    }

    private UpdateContainerError error(String reason, ContainerUpdateType type, int askedVersion, int rmVersion) {
        UpdateContainerError e = UpdateContainerError.newInstance(reason, UpdateContainerRequest.newInstance(
                askedVersion, container.getId(), type, YarnResources.toHadoop(new YarnSize(1024, 2)), null));
        e.setCurrentContainerVersion(rmVersion);
        return e;
    }

    private static String failure(CompletableFuture<YarnSize> f) {
        try {
            f.get();
            throw new AssertionError("not failed");
        } catch (ExecutionException e) {
            return e.getCause().getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
