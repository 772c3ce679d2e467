package io.baton.shim.core;

import io.baton.proto.NodeState;
import io.baton.proto.TaskID;
import io.baton.proto.TaskInfo;
import io.baton.proto.TaskReason;
import io.baton.proto.TaskStatus;
import io.baton.proto.TaskState;
import io.baton.ledger.Ledger;
import java.util.List;

/**
 * Every decision of the shim, as a pure function of its state and one {@link Input}: {@code on(input)}
 * returns the {@link Effect}s — replies, deliveries to executors, relays to frameworks, container
 * requests, owner records, timers, log notes — and the adapters carry them out. No IO, no threads, no
 * clock, no randomness: time comes in with the inputs, so the deterministic simulation runs this very
 * code. Requests to the node's resources (attach, apply limits, grant) are answered by later inputs;
 * nothing here assumes the answer comes in the same call.
 *
 * <p>Not thread-safe: one caller at a time (the shim's event loop).
 */
public final class ShimCore {
    private final CoreState s;
    private final String isolatorKind;
    private final Subscriptions subscriptions;
    private final ExecutorCalls executorCalls;
    private final FrameworkCalls frameworkCalls;

    public ShimCore(ShimSettings settings, Ledger ledger, String isolatorKind) {
        this.s = new CoreState(settings, ledger);
        this.isolatorKind = isolatorKind;
        this.subscriptions = new Subscriptions(s);
        this.executorCalls = new ExecutorCalls(s, subscriptions);
        this.frameworkCalls = new FrameworkCalls(s, isolatorKind);
    }

    public Result on(Input input) {
        s.out = new java.util.ArrayList<>();
        if (input instanceof Input.ExecutorCalled in) {
            executorCalls.on(in);
        } else if (input instanceof Input.ExecutorClosed in) {
            executorClosed(in);
        } else if (input instanceof Input.FrameworkCalled in) {
            frameworkCalls.on(in);
        } else if (input instanceof Input.FrameworkClosed in) {
            s.frameworkConns.remove(in.conn());
            s.subscribers.remove(in.conn());
            s.progressSubscribers.remove(in.conn());
        } else if (input instanceof Input.Attached a) {
            answer(a.request(), a);
        } else if (input instanceof Input.LimitsApplied a) {
            answer(a.request(), a);
        } else if (input instanceof Input.GrantDecided a) {
            answer(a.request(), a);
        } else if (input instanceof Input.ShrinkRequested in) {
            executorCalls.shrinkRequested(in);
        } else if (input instanceof Input.ShrinkFailed in) {
            executorCalls.shrinkFailed(in);
        } else if (input instanceof Input.ExecutorGone g) {
            executorGone(g);
        } else if (input instanceof Input.TasksEndedAway in) {
            endedAway(in);
        } else if (input instanceof Input.Tick t) {
            expire(t.nowUs());
        } else {
            throw new IllegalArgumentException("unknown input " + input);
        }
        return new Result(List.copyOf(s.out));
    }

    private void answer(long request, Input a) {
        Pending p = s.pending.remove(request);
        if (p == null) {
            throw new IllegalArgumentException("answer " + a + " to request " + request + ", which is not pending");
        }
        if (p instanceof Pending.SubscribeAttach q && a instanceof Input.Attached at) {
            subscriptions.attached(q, at);
        } else if (p instanceof Pending.SubscribeLimits q && a instanceof Input.LimitsApplied l) {
            subscriptions.limitsApplied(q, l);
        } else if (p instanceof Pending.UpdateLimits q && a instanceof Input.LimitsApplied l) {
            executorCalls.relayUpdate(q.conn(), q.cid(), q.quiet(), q.status(), s.limitsFailure(q.executorId(), q.limits(),
                    l.failure()));
        } else if (p instanceof Pending.AnswerLimits q && a instanceof Input.LimitsApplied l) {
            executorCalls.answerLimits(q, l);
        } else if (p instanceof Pending.LaunchLimits q && a instanceof Input.LimitsApplied l) {
            frameworkCalls.launchLimits(q, l);
        } else if (p instanceof Pending.ReserveLimits q && a instanceof Input.LimitsApplied l) {
            executorCalls.reserveLimits(q, l);
        } else if (p instanceof Pending.RestoreLimits q && a instanceof Input.LimitsApplied l) {
            s.limitsFailure(q.executorId(), q.limits(), l.failure());
        } else if (p instanceof Pending.ReserveGrant q && a instanceof Input.GrantDecided g) {
            executorCalls.granted(q, g.refusal());
        } else if (p instanceof Pending.DeliveryGrant q && a instanceof Input.GrantDecided g) {
            frameworkCalls.deliveryGranted(q, g.refusal());
        } else if (p instanceof Pending.DeliveryLimits q && a instanceof Input.LimitsApplied l) {
            frameworkCalls.deliveryLimits(q, l);
        } else {
            throw new IllegalArgumentException("answer " + a + " does not fit request " + request + " (" + p + ")");
        }
    }

    private void executorClosed(Input.ExecutorClosed in) {
        CoreState.ExecutorConn c = s.executorConns.remove(in.conn());
        if (c == null || c.executorId == null || !Long.valueOf(in.conn()).equals(s.bound.get(c.executorId))) {
            return;
        }
        s.bound.remove(c.executorId);
        s.ledger.disconnected(c.executorId, in.nowUs());
        s.note(Effect.Note.Level.INFO, "executor " + c.executorId + " (pid " + c.pid + ", uid " + c.uid + ") disconnected; "
                + "its resources stay allocated for " + s.settings.recoveryTimeoutMs() + " ms while it may re-subscribe");
        s.emit(new Effect.WakeAt(in.nowUs() + s.settings.recoveryTimeoutMs() * 1000));
    }

    /** Offers expire back to free; executors away longer than the recovery timeout lose their tasks. */
    private void expire(long now) {
        s.ledger.expireOffers(now);
        long recoveryMs = s.settings.recoveryTimeoutMs();
        s.refused.expire(now - recoveryMs * 1000);
        for (Ledger.Expired e : s.ledger.expireExecutors(now, recoveryMs * 1000)) {
            String id = e.executorId();
            s.note(Effect.Note.Level.WARN, "executor " + id + " did not re-subscribe within " + recoveryMs + " ms: "
                    + e.lostTasks().size() + " tasks lost");
            lost(e, TaskState.TASK_LOST, TaskReason.REASON_EXECUTOR_TERMINATED, "executor " + id
                    + " did not come back within " + recoveryMs + " ms", now);
            s.emit(new Effect.DestroyContainer(id));
        }
    }

    /** The container ended for good: the executor is dropped at once, connected or not, and its tasks end. */
    private void executorGone(Input.ExecutorGone in) {
        String id = in.executorId();
        Long conn = s.bound.remove(id);
        if (conn != null) {
            // a late call on that connection (the process may outlive its container's end) must SUBSCRIBE again
            CoreState.ExecutorConn c = s.executorConns.get(conn);
            if (c != null) {
                c.executorId = null;
            }
        }
        Ledger.Expired e = s.ledger.gone(id);
        if (e == null) {
            s.note(Effect.Note.Level.INFO, "executor " + id + " is gone (" + in.message() + "); the ledger held "
                    + "nothing of it");
            return;
        }
        s.note(Effect.Note.Level.WARN, "executor " + id + " is gone: " + in.message() + "; " + e.lostTasks().size()
                + " tasks end " + in.state());
        lost(e, in.state(), in.reason(), in.message(), in.nowUs());
    }

    private void endedAway(Input.TasksEndedAway in) {
        int ended = 0;
        for (String task : in.taskIds()) {
            TaskStatus st = s.shimStatus(TaskID.newBuilder().setValue(task).build(), in.state(), in.reason(),
                    in.message(), in.executorId(), in.nowUs());
            if (s.ledger.endedAway(in.executorId(), st)) {
                s.publish(io.baton.proto.FrameworkEvent.newBuilder().setUpdate(st).build());
                ended++;
            }
        }
        s.note(ended == 0 ? Effect.Note.Level.INFO : Effect.Note.Level.WARN, "executor " + in.executorId()
                + (ended == 0 ? " is away; none of its " + in.taskIds().size() + " recorded tasks was left to end"
                        : " is away: " + ended + " of its recorded tasks end " + in.state() + ": " + in.message()));
    }

    /** The executor's tasks (held, reserved, queued as REPLACEs) end with {@code state}; its id is free again. */
    private void lost(Ledger.Expired e, TaskState state, TaskReason reason, String message, long now) {
        String id = e.executorId();
        for (TaskInfo t : e.lostTasks()) {
            s.publishShimStatus(s.shimStatus(t.getTaskId(), state, reason, message, id, now));
        }
        for (var ev : s.mail.drain(id)) {
            if (ev.hasReplace()) {
                s.publishShimStatus(s.shimStatus(ev.getReplace().getRequest().getNewTask().getTaskId(), state, reason,
                        "executor " + id + " is gone: " + message, null, now));
            }
        }
        s.containers.remove(id);
        s.board.executorLost(id);
        s.emit(new Effect.ForgetOwner(id));
    }

    // ------------------------------------------------------------------ reads (for STATE, metrics, tests)

    public Ledger ledger() {
        return s.ledger;
    }

    /** The node this core decides for, as its STATE and offers name it. */
    public String node() {
        return s.settings.node();
    }

    /** Executors whose latest subscription this node refused (STATE lists them). */
    public int refusedSubscriptions() {
        return s.refused.size();
    }

    public NodeState state() {
        return NodeStates.snapshot(s, isolatorKind);
    }

    /**
     * {@link #state()} built without the cache of executors' parts that STATE answers reuse, and leaving that cache
     * as it is: for tests and audits that check the cache never serves what has changed.
     */
    public NodeState stateFromScratch() {
        return NodeStates.snapshot(s, isolatorKind, new java.util.HashMap<>());
    }

    /** The executor id a connection subscribed as, or null. */
    public String executorOf(long conn) {
        CoreState.ExecutorConn c = s.executorConns.get(conn);
        return c == null ? null : c.executorId;
    }

    /** The connection an executor is bound to, or null when it is away. */
    public Long connectionOf(String executorId) {
        return s.connOf(executorId);
    }

    /** Whether the framework connection subscribed to updates (an idle listener is fine). */
    public boolean listens(long frameworkConn) {
        return s.subscribers.contains(frameworkConn);
    }

    /** Events waiting for executors (mailboxes and unconfirmed REPLACEs). */
    public int waiting() {
        return s.mail.size();
    }

    /** Requests not answered yet. */
    public int unanswered() {
        return s.pending.size();
    }

    /** The withQueuedLaunches rule, for tests. */
    static io.baton.proto.ExecutorSubscribe withQueuedLaunches(io.baton.proto.ExecutorSubscribe sub,
            List<io.baton.proto.ExecutorEvent> queued) {
        return Subscriptions.withQueuedLaunches(sub, queued);
    }
}
