package io.baton.shim.server;

import io.baton.proto.FrameworkEvent;
import io.baton.proto.TaskStatus;
import io.baton.resources.Resources;
import io.baton.shim.isolator.IsolatorException;
import io.baton.ledger.Ledger;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What the two APIs share: the ledger, the containers, the sessions, the clock and the config. */
final class ShimContext {
    private static final Logger LOG = LoggerFactory.getLogger(ShimContext.class);

    final ShimConfig config;
    final Ledger ledger;
    final Containers containers;
    final Sessions sessions = new Sessions();
    final ExecutorOwners owners;
    final LongSupplier clockUs;

    ShimContext(ShimConfig config, Ledger ledger, Containers containers, LongSupplier clockUs) {
        this.config = config;
        this.ledger = ledger;
        this.containers = containers;
        this.clockUs = clockUs;
        this.owners = new ExecutorOwners(config.workDir());
    }

    long nowUs() {
        return clockUs.getAsLong();
    }

    /** Records a status in the ledger (for RECONCILE) and relays it to subscribed frameworks. */
    void publishShimStatus(TaskStatus status) {
        ledger.shimStatus(status);
        sessions.publish(FrameworkEvent.newBuilder().setUpdate(status).build());
    }

    /** Applies limits; a failure is logged and returned as a message (null on success). */
    String applyLimits(String executorId, Resources limits) {
        try {
            containers.apply(executorId, limits);
            return null;
        } catch (IsolatorException e) {
            LOG.error("could not set limits {} on the container of executor {}: {}", limits, executorId,
                    e.getMessage());
            return "could not set container limits " + limits + " for executor " + executorId + ": " + e.getMessage();
        }
    }
}
