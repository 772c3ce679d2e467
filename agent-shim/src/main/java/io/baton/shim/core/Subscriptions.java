package io.baton.shim.core;

import io.baton.proto.ExecutorEvent;
import io.baton.proto.ExecutorSubscribe;
import io.baton.proto.ExecutorSubscribed;
import io.baton.proto.ExecutorResponse;
import io.baton.proto.RejectCode;
import io.baton.proto.TaskInfo;
import io.baton.proto.TaskReason;
import io.baton.proto.TaskRecord;
import io.baton.proto.TaskState;
import io.baton.ledger.Ids;
import io.baton.ledger.Ledger;
import io.baton.ledger.Verdict;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * An executor's SUBSCRIBE, first or again after a disconnection or a shim restart: check everything
 * first, then put the process into its container, then change the ledger — a refused subscription
 * changes nothing, and no process lands in a container it may not use. The answer goes out once the
 * container holds the executor's limits; then what waited for the executor is delivered.
 */
final class Subscriptions {
    private final CoreState s;

    Subscriptions(CoreState s) {
        this.s = s;
    }

    void subscribe(Input.ExecutorCalled in, CoreState.ExecutorConn c) {
        long conn = in.conn();
        long cid = in.call().getCorrelationId();
        ExecutorSubscribe sub = in.call().getSubscribe();
        String id = sub.getExecutorId().getValue();
        if (c.executorId != null || c.subscribing) {
            s.reject(conn, cid, RejectCode.CONFLICT, "this connection is already subscribed as executor "
                    + (c.executorId != null ? c.executorId : "(still subscribing)"));
            return;
        }
        String bad = Ids.checkExecutor(id);
        if (bad != null) {
            s.reject(conn, cid, RejectCode.INVALID_ID, bad);
            return;
        }
        byte[] token = s.settings.token().getBytes(StandardCharsets.UTF_8);
        if (c.uid < 0 && (token.length == 0 || !MessageDigest.isEqual(token, sub.getToken().getBytes(StandardCharsets.UTF_8)))) {
            s.reject(conn, cid, RejectCode.UNAUTHENTICATED, "executors connecting over TCP must present the shim's token "
                    + "(from " + s.settings.tokenFile() + "); the Unix socket identifies them by their credentials instead");
            return;
        }
        String taken = ownedByAnother(id, c.uid, in.owner());
        if (taken != null) {
            s.reject(conn, cid, RejectCode.NOT_OWNER, taken);
            return;
        }
        Verdict<Ledger.SubscribePlan> plan = s.ledger.prepareSubscribe(withDeliveredReservations(withQueuedLaunches(
                withDefaultOverhead(sub), s.mail.queuedFor(id)), s.mail.unconfirmedFor(id)), c.pid, c.uid);
        if (plan instanceof Verdict.Rejected<Ledger.SubscribePlan> r) {
            // the executor retries every few seconds and logs it; the operator reading the shim's log sees it too:
            // each new reason and the next two tries, then every 12th try (once a minute at the SDK's 5 s)
            int times = refused(id, c, r.code(), r.message(), in.nowUs());
            if (times <= 3 || times % 12 == 0) {
                s.note(Effect.Note.Level.WARN, "executor " + id + " (pid " + c.pid + ", uid " + c.uid
                        + "): subscription refused (" + r.code() + "): " + r.message()
                        + (times == 1 ? "" : " (" + times + " times in a row)"));
            }
            s.reject(conn, cid, r.code(), r.message());
            return;
        }
        c.subscribing = true;
        s.emit(new Effect.Attach(s.request(new Pending.SubscribeAttach(conn, cid, sub, plan.value(), in.nowUs())), id,
                c.pid));
    }

    /** The process is in its container (or could not be put there): commit, then bring the container up to date. */
    void attached(Pending.SubscribeAttach p, Input.Attached a) {
        CoreState.ExecutorConn c = s.executorConns.get(p.conn());
        String id = p.plan().executorId();
        if (a.failure() != null) {
            if (c != null) {
                c.subscribing = false;
            }
            String why = "could not put executor " + id + " (pid " + p.plan().pid() + ") into its container: "
                    + a.failure();
            if (c != null) {
                refused(id, c, RejectCode.ISOLATOR_FAILED, why, p.nowUs());
            }
            s.reject(p.conn(), p.cid(), RejectCode.ISOLATOR_FAILED, why);
            return;
        }
        s.emit(new Effect.RecordOwner(id, p.plan().uid()));
        Ledger.Subscribed subscribed = s.ledger.commitSubscribe(p.plan(), p.nowUs());
        s.containers.put(id, new CoreState.Container(a.container(), io.baton.resources.Resources.empty()));
        s.emit(new Effect.ApplyLimits(s.request(new Pending.SubscribeLimits(p.conn(), p.cid(), p.call(), subscribed,
                a.container(), p.nowUs())), id, subscribed.limits(), true));
    }

    /** The container holds the limits (or says why not): bind, answer, then deliver what waited. */
    void limitsApplied(Pending.SubscribeLimits p, Input.LimitsApplied a) {
        String id = p.call().getExecutorId().getValue();
        CoreState.ExecutorConn c = s.executorConns.get(p.conn());
        String failure = s.limitsFailure(id, p.subscribed().limits(), a.failure());
        if (c == null) { // the connection closed while the container was being set up
            s.ledger.disconnected(id, p.nowUs());
            s.emit(new Effect.WakeAt(p.nowUs() + s.settings.recoveryTimeoutMs() * 1000));
            return;
        }
        c.subscribing = false;
        c.executorId = id;
        c.acknowledgedTogether = p.call().getAcknowledgedTogether();
        s.bound.put(id, p.conn());
        s.refused.subscribed(id);
        for (TaskInfo lost : p.subscribed().lostTasks()) {
            s.publishShimStatus(s.shimStatus(lost.getTaskId(), TaskState.TASK_LOST, TaskReason.REASON_EXECUTOR_UNREGISTERED,
                    "executor " + id + " re-subscribed without this task", id, p.nowUs()));
        }
        ExecutorSubscribed.Builder ack = ExecutorSubscribed.newBuilder().setExecutorId(p.call().getExecutorId())
                .addAllNodeTotal(s.ledger.total().toProto()).setHeartbeatIntervalMs(s.settings.heartbeatIntervalMs())
                .setContainer(p.container());
        p.subscribed().lostTasks().forEach(t -> ack.addLostTasks(t.getTaskId()));
        s.reply(p.conn(), ExecutorResponse.newBuilder().setCorrelationId(p.cid()).setSubscribed(ack).build());
        s.note(Effect.Note.Level.INFO, "executor " + id + " (pid " + c.pid + ", uid " + c.uid
                + ") subscribed: " + p.call().getTasksCount() + " tasks, " + p.call().getReservationsCount()
                + " reservations, limits " + p.subscribed().limits() + ", container " + p.container());
        s.isolatorError(p.conn(), failure);
        List<ExecutorEvent> queued = s.mail.drain(id);
        queued.forEach(e -> s.send(p.conn(), withoutLostReservation(id, e)));
        for (ExecutorEvent e : s.mail.unconfirmedFor(id)) {
            if (!queued.contains(e)) {
                // forwarded before, never confirmed: the executor may have died before journaling it
                s.send(p.conn(), withoutLostReservation(id, e));
            }
        }
    }

    /** For STATE: the executor retries, and until it is accepted its latest refusal is what an operator needs. */
    private int refused(String id, CoreState.ExecutorConn c, RejectCode code, String message, long nowUs) {
        s.refused.expire(nowUs - s.settings.recoveryTimeoutMs() * 1000);
        return s.refused.refused(id, c.pid, c.uid, code, message, nowUs);
    }

    /**
     * A REPLACE reserved on delivery goes out again with its reservation if the ledger still holds it for this
     * executor, else without (the subscription dropped it: e.g. its old task is gone).
     */
    private ExecutorEvent withoutLostReservation(String id, ExecutorEvent e) {
        if (!e.hasReplace() || !e.getReplace().hasReserved()
                || s.ledger.holdsReservation(e.getReplace().getRequest().getReplacementId().getValue(), id)) {
            return e;
        }
        return ExecutorEvent.newBuilder().setReplace(e.getReplace().toBuilder().clearReserved()).build();
    }

    /**
     * REPLACEs reserved on delivery that the executor has not confirmed count as its pending reserves: it may not
     * have seen them (the frame lost with the connection), so the reservation is kept for the re-delivery rather
     * than dropped with its new task reported lost (simulation seed 449).
     */
    static ExecutorSubscribe withDeliveredReservations(ExecutorSubscribe sub, List<ExecutorEvent> unconfirmed) {
        ExecutorSubscribe.Builder b = null;
        for (ExecutorEvent e : unconfirmed) {
            if (e.hasReplace() && e.getReplace().hasReserved()) {
                if (b == null) {
                    b = sub.toBuilder();
                }
                b.addPendingReserves(e.getReplace().getRequest().getReplacementId());
            }
        }
        return b == null ? sub : b.build();
    }

    /** Why this uid may not subscribe as {@code id} (it is another uid's, also across shim restarts), or null. */
    private static String ownedByAnother(String id, int uid, Input.OwnerRecord owner) {
        if (uid == 0 || owner == null) {
            return null; // root may take over any executor id
        }
        if (owner.unreadable() != null) {
            return "executor " + id + ": its owner cannot be checked (" + owner.unreadable() + "); refused to be safe";
        }
        Integer o = owner.uid();
        return o == null || o == uid ? null : "executor " + id + " belongs to uid " + o + "; this connection is uid "
                + uid + " (run it as uid " + o + ", or pick another executor id)";
    }

    private ExecutorSubscribe withDefaultOverhead(ExecutorSubscribe sub) {
        if (sub.getOverheadCount() > 0) {
            return sub;
        }
        return sub.toBuilder().addAllOverhead(s.settings.defaultOverhead().toProto()).build();
    }

    /**
     * Tasks launched while the executor was away are in its mailbox, delivered right after this
     * subscription: the executor cannot report them yet, and they are not lost (they are about to start).
     */
    static ExecutorSubscribe withQueuedLaunches(ExecutorSubscribe sub, List<ExecutorEvent> queued) {
        Set<String> mentioned = new HashSet<>();
        sub.getTasksList().forEach(t -> mentioned.add(t.getTask().getTaskId().getValue()));
        sub.getReservationsList().forEach(r -> {
            mentioned.add(r.getOldTask().getTaskId().getValue());
            mentioned.add(r.getNewTask().getTaskId().getValue());
        });
        ExecutorSubscribe.Builder b = sub.toBuilder();
        for (ExecutorEvent e : queued) {
            if (e.hasLaunch() && mentioned.add(e.getLaunch().getTask().getTaskId().getValue())) {
                b.addTasks(TaskRecord.newBuilder().setTask(e.getLaunch().getTask()).setState(TaskState.TASK_STAGING));
            }
        }
        return b.build();
    }
}
