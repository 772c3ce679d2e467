package io.baton.yarn;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.yarn.api.records.Container;
import org.apache.hadoop.yarn.api.records.LocalResource;
import org.apache.hadoop.yarn.client.api.AMRMClient.ContainerRequest;
import org.apache.hadoop.yarn.client.api.async.AMRMClientAsync;
import org.apache.hadoop.yarn.exceptions.YarnException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a later attempt of the AM does with the executor containers earlier attempts started, which the
 * ResourceManager kept running ({@code keepContainersAcrossApplicationAttempts}) and handed to this attempt at
 * registration ({@code getContainersFromPreviousAttempts}):
 *
 * <ul>
 * <li>binds each to its executor again, by the {@link ContainerRecords} an earlier attempt wrote (a container none
 *     recorded is given back to the ResourceManager);</li>
 * <li>has the container's NodeManager localize this attempt's address file into it (linked as
 *     {@code baton-am.address.N}), through {@link KeptContainers} (the NodeManager's own protocol:
 *     {@code NMClient.localize} refuses containers its own client did not start, "Unknown container"): the executor lost its connection when the old attempt died, reads the newest
 *     version of {@code baton-am.address} before each reconnect, and so re-subscribes here, with its tasks, which
 *     rebuilds the ledger as after a shim restart.</li>
 * </ul>
 *
 * <p>Blocking calls, made once at the AM's start.
 */
final class AttemptTakeover {
    private static final Logger LOG = LoggerFactory.getLogger(AttemptTakeover.class);

    private final ContainerRecords records;
    private final ExecutorContainers containers;
    private final AMRMClientAsync<ContainerRequest> rm;
    private final KeptContainers nm;

    AttemptTakeover(ContainerRecords records, ExecutorContainers containers, AMRMClientAsync<ContainerRequest> rm,
            KeptContainers nm) {
        this.records = records;
        this.containers = containers;
        this.rm = rm;
        this.nm = nm;
    }

    void takeOver(List<Container> previous, Map<String, LocalResource> addressFile) throws IOException {
        for (Container c : previous) {
            String executor = records.executorOf(c.getId());
            if (executor == null) {
                LOG.warn("container {} from a previous attempt has no executor recorded: giving it back", c.getId());
                rm.releaseAssignedContainer(c.getId());
                continue;
            }
            containers.adopt(c, executor);
            try {
                nm.localize(c, addressFile);
                LOG.info("executor {}'s container {} got this attempt's address file {}", executor, c.getId(),
                        addressFile.keySet());
            } catch (YarnException | IOException e) {
                LOG.error("could not give executor {}'s container {} this attempt's address ({}): it cannot find this "
                        + "attempt", executor, c.getId(), e.toString());
            }
        }
    }
}
