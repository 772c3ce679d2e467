package io.baton.yarn;

import java.io.IOException;
import java.util.List;
import java.util.function.Consumer;
import org.apache.hadoop.yarn.api.protocolrecords.AllocateResponse;
import org.apache.hadoop.yarn.api.records.UpdateContainerError;
import org.apache.hadoop.yarn.client.api.AMRMClient.ContainerRequest;
import org.apache.hadoop.yarn.client.api.impl.AMRMClientImpl;
import org.apache.hadoop.yarn.exceptions.YarnException;

/**
 * YARN's own synchronous ResourceManager client, plus the one thing {@code AMRMClientAsync} drops: the container
 * update requests the ResourceManager refused ({@link AllocateResponse#getUpdateErrors()}: a wrong container
 * version, a target outside the scheduler's allocation range, an unknown container, a second update of one
 * container). {@code AMRMClientAsync.createAMRMClientAsync(client, interval, handler)} takes this client; each
 * heartbeat's errors go to {@code errors} on the heartbeat thread, before the async client hands the rest of the
 * same response to its callback handler.
 */
final class UpdateErrorsClient extends AMRMClientImpl<ContainerRequest> {
    private final Consumer<List<UpdateContainerError>> errors;

    UpdateErrorsClient(Consumer<List<UpdateContainerError>> errors) {
        this.errors = errors;
    }

    @Override
    public AllocateResponse allocate(float progress) throws YarnException, IOException {
        AllocateResponse response = super.allocate(progress);
        // after a resync super.allocate calls this method again for the same response: errors are reported twice,
        // and the second report finds nothing pending any more
        if (response != null && !response.getUpdateErrors().isEmpty()) {
            errors.accept(List.copyOf(response.getUpdateErrors()));
        }
        return response;
    }
}
