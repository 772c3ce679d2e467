package io.baton.shim.server;

import io.baton.shim.core.Effect;
import io.baton.shim.core.Input;
import io.baton.shim.isolator.IsolatorException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The shim's default {@link NodeBackend}: this node's isolator, through {@link Containers}. Every request is
 * answered at once, and a grant is always given: this node's ledger, in the core, is the only authority on
 * its resources.
 */
final class IsolatorBackend implements NodeBackend {
    private static final Logger LOG = LoggerFactory.getLogger(IsolatorBackend.class);

    private final Containers containers;

    IsolatorBackend(Containers containers) {
        this.containers = containers;
    }

    @Override
    public String kind() {
        return containers.kind();
    }

    @Override
    public void bind(NodeLoop loop) {
    }

    @Override
    public Input attach(Effect.Attach a) {
        try {
            return new Input.Attached(a.request(), containers.attach(a.executorId(), a.pid()), null);
        } catch (IsolatorException e) {
            return new Input.Attached(a.request(), null, e.getMessage());
        }
    }

    @Override
    public Input applyLimits(Effect.ApplyLimits a) {
        if (a.rewrite()) {
            containers.forget(a.executorId());
        }
        String failure = null;
        try {
            containers.apply(a.executorId(), a.limits());
        } catch (IsolatorException e) {
            failure = e.getMessage();
        }
        return new Input.LimitsApplied(a.request(), containers.shrinkPending(a.executorId()), failure);
    }

    @Override
    public Input requestGrant(Effect.RequestGrant g) {
        return new Input.GrantDecided(g.request(), null); // the ledger decides for this node, in the core
    }

    @Override
    public void destroy(Effect.DestroyContainer d) {
        try {
            containers.destroy(d.executorId());
        } catch (IsolatorException e) {
            LOG.error("could not remove the container of executor {}: {}", d.executorId(), e.getMessage());
        }
    }

    @Override
    public void close() {
        containers.close();
    }
}
