package io.baton.sdk.sim;

import io.baton.proto.ExecutorResponse;
import io.baton.proto.FrameworkResponse;
import io.baton.resources.Resources;
import io.baton.shim.core.Effect;
import io.baton.shim.core.Input;
import io.baton.shim.core.ShimDriver;
import io.baton.shim.isolator.InMemoryIsolator;
import io.baton.shim.isolator.IsolatorException;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.IntConsumer;

/**
 * Carries the shim core's effects out in the simulated world: replies and events over {@link SimNet},
 * container requests on the REAL {@link InMemoryIsolator} (answered at once, as on a real node, with
 * memory usage always low enough to lower the hard limit), grants at once or, for some, up to 0.3 s later (as
 * through YARN's resource manager), timers on the simulated clock. One per shim
 * incarnation. The sabotage "stale limits" is a broken isolator adapter here: it stops writing memory.
 */
final class SimNode implements ShimDriver.Outlet {
    static final long PID = 4242;
    static final int UID = 1000;
    /** The share of grants the node decides later (after up to 0.3 s) instead of at once. */
    static final double GRANT_LATER = 0.3;

    private final SimWorld w;
    private final SimNet net;
    private final InMemoryIsolator isolator;
    private final Map<String, Integer> owners;
    private final boolean staleLimits;
    private final int incarnation;
    private final IntConsumer tick;
    private final java.util.function.BiConsumer<Integer, Input> later;
    private final Map<String, Resources> applied = new HashMap<>();
    private final Map<Long, Consumer<ExecutorResponse>> executorReplies = new HashMap<>();
    private final Map<Long, Consumer<FrameworkResponse>> frameworkReplies = new HashMap<>();

    SimNode(SimWorld w, SimNet net, InMemoryIsolator isolator, Map<String, Integer> owners, boolean staleLimits,
            int incarnation, IntConsumer tick, java.util.function.BiConsumer<Integer, Input> later) {
        this.w = w;
        this.net = net;
        this.isolator = isolator;
        this.owners = owners;
        this.staleLimits = staleLimits;
        this.incarnation = incarnation;
        this.tick = tick;
        this.later = later;
    }

    void expectExecutorReply(long conn, long cid, Consumer<ExecutorResponse> reply) {
        executorReplies.put(conn * 1_000_003 + cid, reply);
    }

    void expectFrameworkReply(long conn, long cid, Consumer<FrameworkResponse> reply) {
        frameworkReplies.put(conn * 1_000_003 + cid, reply);
    }

    /** A call that may go unanswered (a quiet ACKNOWLEDGE the shim took whole): no reply is waited for any more. */
    void unanswered(long conn, long cid) {
        frameworkReplies.remove(conn * 1_000_003 + cid);
    }

    @Override
    public Input carryOut(Effect effect) {
        if (effect instanceof Effect.ExecutorReply r) {
            Consumer<ExecutorResponse> reply = executorReplies.remove(r.conn() * 1_000_003 + r.response().getCorrelationId());
            reply.accept(r.response());
        } else if (effect instanceof Effect.FrameworkReply r) {
            Consumer<FrameworkResponse> reply = frameworkReplies.remove(r.conn() * 1_000_003
                    + r.response().getCorrelationId());
            reply.accept(r.response());
        } else if (effect instanceof Effect.Deliver d) {
            w.trace("shim: to executor " + SimText.event(d.event()));
            if (d.event().hasReplace() && net.framework != null) {
                net.framework.kinds.merge(d.event().getReplace().hasReserved() ? "REPLACE delivered reserved"
                        : "REPLACE delivered for the executor to reserve", 1, Integer::sum);
            }
            if (d.conn() == net.exec.epoch * 2L) {
                net.send(net.exec, false, "shim->exec " + SimText.event(d.event()), d.event().hasAcknowledged(),
                        () -> net.executor.shimEvent(d.event()));
            }
        } else if (effect instanceof Effect.Relay r) {
            if (r.event().hasOutcome() && r.conn() == net.fw.epoch * 2L + 1) {
                var o = r.event().getOutcome();
                net.send(net.fw, false, "shim->fw recorded outcome " + SimText.status(o), false,
                        () -> net.framework.recordedOutcome(o));
                return null;
            }
            if (r.event().hasProgress() && net.framework != null) {
                if (r.conn() == net.framework.withoutProgressEpoch * 2L + 1) {
                    w.violation("the shim relayed progress " + r.event().getProgress().getPhase() + " of replacement "
                            + r.event().getProgress().getReplacementId().getValue() + " to a framework that "
                            + "subscribed without progress");
                } else if (r.conn() == net.fw.epoch * 2L + 1) {
                    net.framework.kinds.merge("progress relayed to a subscription with it", 1, Integer::sum);
                }
            }
            if (!r.event().hasUpdate()) {
                return null; // progress: the simulated framework does not follow it
            }
            var s = r.event().getUpdate();
            if (r.conn() == net.fw.epoch * 2L + 1) {
                net.send(net.fw, false, "shim->fw " + SimText.status(s), !s.getUuid().isEmpty(),
                        () -> net.framework.update(s));
            }
        } else if (effect instanceof Effect.WakeAt t) {
            w.at(t.atUs() + 1, "shim housekeeping", () -> tick.accept(incarnation));
        } else {
            return node(effect);
        }
        return null;
    }

    private Input node(Effect effect) {
        try {
            if (effect instanceof Effect.Attach a) {
                isolator.prepare(a.executorId());
                isolator.attach(a.executorId(), a.pid());
                return new Input.Attached(a.request(), isolator.kind() + " " + a.executorId(), null);
            } else if (effect instanceof Effect.ApplyLimits a) {
                apply(a.executorId(), a.limits(), a.rewrite());
                return new Input.LimitsApplied(a.request(), false, null);
            } else if (effect instanceof Effect.RequestGrant g) {
                if (w.chance(GRANT_LATER)) {
                    // as a node that asks elsewhere (YARN's resource manager): other calls go on meanwhile
                    long request = g.request();
                    if (net.framework != null) {
                        net.framework.kinds.merge("grant decided later", 1, Integer::sum);
                    }
                    w.after(w.between(1_000, 300_000), "node grant",
                            () -> later.accept(incarnation, new Input.GrantDecided(request, null)));
                    return null;
                }
                return new Input.GrantDecided(g.request(), null);
            } else if (effect instanceof Effect.DestroyContainer d) {
                applied.remove(d.executorId());
                isolator.destroy(d.executorId());
            } else if (effect instanceof Effect.RecordOwner o) {
                owners.put(o.executorId(), o.uid());
            } else if (effect instanceof Effect.ForgetOwner o) {
                owners.remove(o.executorId());
            } else if (effect instanceof Effect.Note n) {
                w.trace("shim: " + n.text());
            }
            return null; // metrics: nothing to count here
        } catch (IsolatorException e) {
            throw new IllegalStateException("the in-memory isolator failed: " + e.getMessage(), e);
        }
    }

    /** Containers.apply, with a memory usage that always allows lowering the hard limit. */
    private void apply(String exec, Resources limits, boolean rewrite) throws IsolatorException {
        if (rewrite) {
            applied.remove(exec);
        }
        if (limits.equals(applied.get(exec))) {
            return;
        }
        isolator.applyCpu(exec, limits.cpusMillis());
        if (limits.memBytes() > 0 && (!staleLimits || !applied.containsKey(exec))) {
            isolator.applyMemorySoft(exec, limits.memBytes());
            isolator.applyMemoryHard(exec, limits.memBytes());
        }
        applied.put(exec, limits);
    }
}
