package io.baton.shim.server;

import io.baton.shim.core.Effect;
import io.baton.shim.core.Input;
import io.baton.shim.core.ShimDriver;
import io.baton.shim.metrics.ShimMetrics;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries out the core's effects on this node: writes to the connections, the {@link NodeBackend} (the
 * isolator by default, which answers its requests at once), the owner records, the metrics and the log.
 * IO failures here are logged once, with the cause; those the core must know about come back as answers.
 */
final class ShimEffects implements ShimDriver.Outlet {
    private static final Logger LOG = LoggerFactory.getLogger(ShimEffects.class);

    private final Sessions sessions;
    private final NodeBackend backend;
    private final ExecutorOwners owners;
    private final ShimMetrics metrics;

    ShimEffects(Sessions sessions, NodeBackend backend, ExecutorOwners owners, ShimMetrics metrics) {
        this.sessions = sessions;
        this.backend = backend;
        this.owners = owners;
        this.metrics = metrics;
    }

    @Override
    public Input carryOut(Effect effect) {
        if (effect instanceof Effect.ExecutorReply r) {
            ExecutorSession s = sessions.executor(r.conn());
            if (s != null) {
                s.respond(r.response());
            }
        } else if (effect instanceof Effect.FrameworkReply r) {
            FrameworkSession s = sessions.framework(r.conn());
            if (s != null) {
                s.respond(r.response());
            }
        } else if (effect instanceof Effect.Deliver d) {
            if (d.event().hasReplace() && d.event().getReplace().hasReserved()) {
                Failpoints.reached("replace-reserved");
            }
            ExecutorSession s = sessions.executor(d.conn());
            if (s != null) {
                s.send(d.event());
            }
        } else if (effect instanceof Effect.Relay r) {
            FrameworkSession s = sessions.framework(r.conn());
            if (s != null) {
                s.send(r.event());
            }
        } else {
            return node(effect);
        }
        return null;
    }

    private Input node(Effect effect) {
        if (effect instanceof Effect.Attach a) {
            return backend.attach(a);
        } else if (effect instanceof Effect.ApplyLimits a) {
            return backend.applyLimits(a);
        } else if (effect instanceof Effect.RequestGrant g) {
            return backend.requestGrant(g);
        } else {
            other(effect);
            return null;
        }
    }

    private void other(Effect effect) {
        if (effect instanceof Effect.DestroyContainer d) {
            backend.destroy(d);
        } else if (effect instanceof Effect.RecordOwner o) {
            try {
                owners.record(o.executorId(), o.uid());
            } catch (IOException e) {
                // availability first: the executor runs; only the protection across a shim restart is missing
                LOG.error("could not record that executor {} belongs to uid {} ({}); after a shim restart another uid "
                        + "could subscribe as {} first: check that the work directory is writable", o.executorId(),
                        o.uid(), e.toString(), o.executorId());
            }
        } else if (effect instanceof Effect.ForgetOwner o) {
            try {
                owners.forget(o.executorId()); // the id is free for anyone again
            } catch (IOException e) {
                LOG.error("could not forget the owner of expired executor {}: {}", o.executorId(), e.getMessage());
            }
        } else if (effect instanceof Effect.StatusRelayed r) {
            metrics.relayed(r.status());
        } else if (effect instanceof Effect.ReplaceRefused) {
            metrics.replaceRejected();
        } else if (effect instanceof Effect.Note n) {
            switch (n.level()) {
                case INFO -> LOG.info(n.text());
                case WARN -> LOG.warn(n.text());
                case ERROR -> LOG.error(n.text());
                default -> throw new IllegalStateException("unknown level " + n.level());
            }
        } else if (!(effect instanceof Effect.WakeAt)) { // the housekeeping timer ticks often enough for both kinds
            throw new IllegalStateException("no way to carry out " + effect);
        }
    }
}
