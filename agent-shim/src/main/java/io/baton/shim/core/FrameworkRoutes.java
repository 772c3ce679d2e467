package io.baton.shim.core;

import com.google.protobuf.ByteString;
import io.baton.ledger.Ids;
import io.baton.proto.Accepted;
import io.baton.proto.Acknowledge;
import io.baton.proto.Decline;
import io.baton.proto.FrameworkCall;
import io.baton.proto.FrameworkResponse;
import io.baton.proto.FrameworkSubscribed;
import io.baton.proto.OfferID;
import io.baton.proto.Reconcile;
import io.baton.proto.RejectCode;
import io.baton.proto.Rejection;
import io.baton.proto.Replace;
import io.baton.proto.RequestOffers;
import io.baton.proto.TaskID;
import io.baton.proto.TaskStatusList;
import io.baton.proto.UpdateRef;
import io.baton.resources.Resources;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where a framework's call goes when a {@link NodeRouter} serves several nodes, and how the answers of several
 * cores become one. A call before a successful SUBSCRIBE goes to the first core, which refuses it.
 */
final class FrameworkRoutes {
    private final NodeRouter r;

    FrameworkRoutes(NodeRouter r) {
        this.r = r;
    }

    void on(Input.FrameworkCalled in) {
        FrameworkCall call = in.call();
        long conn = in.conn();
        if (call.getCallCase() == FrameworkCall.CallCase.SUBSCRIBE) {
            subscribe(in);
            return;
        }
        if (!r.authenticated().contains(conn)) {
            r.feed(0, in);
            return;
        }
        switch (call.getCallCase()) {
            case OFFERS -> offers(in);
            case DECLINE -> decline(in);
            case LAUNCH -> launch(in);
            case KILL -> r.feed(orFirst(r.coreOfTask(call.getKill().getTaskId().getValue())), in);
            case REPLACE -> r.feed(replaceCore(call.getReplace()), in);
            case RECONCILE -> reconcile(in);
            case ACKNOWLEDGE -> acknowledge(in);
            case STATE -> r.emit(new Effect.FrameworkReply(conn, FrameworkResponse.newBuilder()
                    .setCorrelationId(call.getCorrelationId()).setState(r.state()).build()));
            default -> r.feed(0, in);
        }
    }

    /** To every core (each relays its own updates); the first one's answer goes out, naming the whole. */
    private void subscribe(Input.FrameworkCalled in) {
        long conn = in.conn();
        for (int i = 0; i < r.size(); i++) {
            for (Effect e : r.ask(i, in)) {
                if (e instanceof Effect.FrameworkReply reply && reply.conn() == conn) {
                    if (i == 0) {
                        answerSubscribe(conn, in.call(), reply);
                    }
                } else {
                    r.emit(e);
                }
            }
        }
    }

    private void answerSubscribe(long conn, FrameworkCall call, Effect.FrameworkReply reply) {
        FrameworkResponse response = reply.response();
        if (response.hasSubscribed()) {
            r.subscribes().put(conn, call);
            r.authenticated().add(conn);
            FrameworkSubscribed.Builder s = response.getSubscribed().toBuilder().setNode(r.name()).clearNodeTotal()
                    .addAllNodeTotal(r.totals().toProto());
            response = response.toBuilder().setSubscribed(s).build();
        }
        r.emit(new Effect.FrameworkReply(conn, response));
    }

    private void offers(Input.FrameworkCalled in) {
        FrameworkCall call = in.call();
        RequestOffers ask = call.getOffers();
        long cid = call.getCorrelationId();
        if (ask.hasExecutorId() && !ask.getExecutorId().getValue().isEmpty()) {
            String e = ask.getExecutorId().getValue();
            Integer i = r.placedOn(e);
            if (i == null) {
                i = r.knownBy(e);
            }
            if (i == null) {
                r.emit(NodeRouter.refusal(in.conn(), cid, RejectCode.UNKNOWN_EXECUTOR, "no offer on executor "
                        + Ids.printable(e) + "'s node: it runs on no node of " + r.name()));
                return;
            }
            r.feed(i, in);
            return;
        }
        if (ask.hasTaskId() && !ask.getTaskId().getValue().isEmpty()) {
            String t = ask.getTaskId().getValue();
            Integer i = r.coreOfTask(t);
            if (i == null) {
                r.emit(NodeRouter.refusal(in.conn(), cid, RejectCode.UNKNOWN_TASK, "no offer on task "
                        + Ids.printable(t) + "'s node: the task is not known on any node of " + r.name()));
                return;
            }
            r.feed(i, in);
            return;
        }
        Resources wanted;
        try {
            wanted = Resources.fromProto(ask.getResourcesList());
        } catch (IllegalArgumentException e) {
            r.feed(0, in); // the core names what is wrong
            return;
        }
        StringBuilder had = new StringBuilder();
        for (int i = 0; i < r.size(); i++) {
            Resources free = r.ledger(i).free();
            if (wanted.isEmpty() ? !free.isEmpty() : free.contains(wanted)) {
                r.feed(i, in);
                return;
            }
            had.append(had.length() == 0 ? "" : "; ").append("node ").append(r.nodeName(i)).append(": ")
                    .append(free.isEmpty() ? "nothing" : free.toString()).append(" free of ").append(r.ledger(i).total());
        }
        r.emit(NodeRouter.refusal(in.conn(), cid, RejectCode.INSUFFICIENT_RESOURCES, (wanted.isEmpty()
                ? "nothing is free to offer on any node" : "no node has " + wanted + " free") + " (" + had + ")"));
    }

    /** Each core declines its own offers; the first answer goes out (DECLINE is always accepted). */
    private void decline(Input.FrameworkCalled in) {
        Map<Integer, List<OfferID>> by = new LinkedHashMap<>();
        for (OfferID o : in.call().getDecline().getOfferIdsList()) {
            by.computeIfAbsent(orFirst(r.coreOfOffer(o.getValue())), k -> new ArrayList<>()).add(o);
        }
        if (by.isEmpty()) {
            r.feed(0, in);
            return;
        }
        boolean answered = false;
        for (Map.Entry<Integer, List<OfferID>> e : by.entrySet()) {
            FrameworkCall part = in.call().toBuilder().setDecline(Decline.newBuilder().addAllOfferIds(e.getValue()))
                    .build();
            answered = keepOneAnswer(r.ask(e.getKey(), new Input.FrameworkCalled(in.conn(), part, in.nowUs())),
                    in.conn(), answered);
        }
    }

    /** Onto the executor's node; an offer of another node is refused, with both nodes named. */
    private void launch(Input.FrameworkCalled in) {
        var launch = in.call().getLaunch();
        String exec = launch.getExecutorId().getValue();
        int i = r.coreOfExecutor(exec);
        for (OfferID o : launch.getOfferIdsList()) {
            Integer at = r.coreOfOffer(o.getValue());
            if (at != null && at != i) {
                r.emit(NodeRouter.refusal(in.conn(), in.call().getCorrelationId(), RejectCode.OFFER_FOREIGN, "offer "
                        + Ids.printable(o.getValue()) + " is on node " + r.nodeName(at) + ", but executor "
                        + Ids.printable(exec) + " runs on node " + r.nodeName(i) + ": ask for offers on its node "
                        + "(OFFERS naming the executor)"));
                return;
            }
        }
        r.feed(i, in);
    }

    /**
     * Each acknowledgement to its node ({@link #acknowledgeCore}); a call whose acknowledgements are on several nodes
     * is split, one part per node, and answered once: accepted when every part was, else with the parts' refusals.
     */
    private void acknowledge(Input.FrameworkCalled in) {
        FrameworkCall call = in.call();
        Acknowledge ack = call.getAcknowledge();
        if (ack.getMoreCount() == 0) {
            r.feed(acknowledgeCore(ack.getTaskId().getValue(), ack.getUuid()), in);
            return;
        }
        Map<Integer, Acknowledge.Builder> by = new LinkedHashMap<>();
        for (int i = 0; i <= ack.getMoreCount(); i++) {
            TaskID task = i == 0 ? ack.getTaskId() : ack.getMore(i - 1).getTaskId();
            ByteString uuid = i == 0 ? ack.getUuid() : ack.getMore(i - 1).getUuid();
            int core = acknowledgeCore(task.getValue(), uuid);
            Acknowledge.Builder part = by.get(core);
            if (part == null) {
                by.put(core, Acknowledge.newBuilder().setTaskId(task).setUuid(uuid));
            } else {
                part.addMore(UpdateRef.newBuilder().setTaskId(task).setUuid(uuid));
            }
        }
        if (by.size() == 1) {
            r.feed(by.keySet().iterator().next(), in);
            return;
        }
        Rejection.Builder refused = null;
        String whole = "not every one of " + (ack.getMoreCount() + 1) + " acknowledgements (on " + by.size()
                + " nodes) was taken; the rest were: ";
        for (Map.Entry<Integer, Acknowledge.Builder> e : by.entrySet()) {
            FrameworkCall part = call.toBuilder().setAcknowledge(e.getValue()).build();
            for (Effect x : r.ask(e.getKey(), new Input.FrameworkCalled(in.conn(), part, in.nowUs()))) {
                if (!(x instanceof Effect.FrameworkReply reply && reply.conn() == in.conn())) {
                    r.emit(x);
                } else if (reply.response().hasRejected()) {
                    Rejection no = reply.response().getRejected();
                    String where = "on node " + r.nodeName(e.getKey()) + ": " + no.getMessage();
                    refused = refused == null ? no.toBuilder().setMessage(whole + where)
                            : refused.setMessage(refused.getMessage() + "; " + where);
                }
            }
        }
        if (refused == null && call.getQuiet()) {
            return; // every node took its part: a quiet call is not answered
        }
        r.emit(new Effect.FrameworkReply(in.conn(), refused != null ? FrameworkResponse.newBuilder()
                .setCorrelationId(call.getCorrelationId()).setRejected(refused).build() : FrameworkResponse.newBuilder()
                .setCorrelationId(call.getCorrelationId()).setAccepted(Accepted.getDefaultInstance()).build()));
    }

    /**
     * The node that holds the task, else the one that relayed the update without holding its task (the new task of
     * a refused replacement, a task its executor no longer holds), else the first.
     */
    private int acknowledgeCore(String task, ByteString uuid) {
        for (int k = 0; k < r.size(); k++) {
            if (r.ledger(k).ownerOf(task) != null) {
                return k;
            }
        }
        for (int k = 0; k < r.size(); k++) {
            if (r.ledger(k).awaitsUnownedAck(uuid)) {
                return k;
            }
        }
        return orFirst(r.coreOfTask(task));
    }

    /** The node of the old task, else of the executor the request names, else of the new task, else the first. */
    private int replaceCore(Replace replace) {
        Integer i = r.coreOfTask(replace.getOldTaskId().getValue());
        if (i == null && !replace.getExecutorId().getValue().isEmpty()) {
            String e = replace.getExecutorId().getValue();
            i = r.knownBy(e) != null ? r.knownBy(e) : r.placedOn(e); // placed: it may not have re-subscribed yet
        }
        if (i == null) {
            i = r.coreOfTask(replace.getNewTask().getTaskId().getValue());
        }
        return orFirst(i);
    }

    /** Each core answers for its own tasks (all of them when none are named); the statuses become one answer. */
    private void reconcile(Input.FrameworkCalled in) {
        FrameworkCall call = in.call();
        Map<Integer, List<TaskID>> by = new LinkedHashMap<>();
        if (call.getReconcile().getTaskIdsCount() == 0) {
            for (int i = 0; i < r.size(); i++) {
                by.put(i, List.of());
            }
        } else {
            for (TaskID t : call.getReconcile().getTaskIdsList()) {
                by.computeIfAbsent(orFirst(r.coreOfTask(t.getValue())), k -> new ArrayList<>()).add(t);
            }
        }
        TaskStatusList.Builder statuses = TaskStatusList.newBuilder();
        FrameworkResponse refused = null;
        for (Map.Entry<Integer, List<TaskID>> e : by.entrySet()) {
            FrameworkCall part = call.toBuilder().setReconcile(Reconcile.newBuilder().addAllTaskIds(e.getValue()))
                    .build();
            for (Effect x : r.ask(e.getKey(), new Input.FrameworkCalled(in.conn(), part, in.nowUs()))) {
                if (x instanceof Effect.FrameworkReply reply && reply.conn() == in.conn()) {
                    if (reply.response().hasStatuses()) {
                        statuses.addAllStatuses(reply.response().getStatuses().getStatusesList());
                    } else if (refused == null) {
                        refused = reply.response();
                    }
                } else {
                    r.emit(x);
                }
            }
        }
        r.emit(new Effect.FrameworkReply(in.conn(), refused != null ? refused : FrameworkResponse.newBuilder()
                .setCorrelationId(call.getCorrelationId()).setStatuses(statuses).build()));
    }

    /** Emits {@code effects}, but of the replies to {@code conn} only the first of the whole call. */
    private boolean keepOneAnswer(List<Effect> effects, long conn, boolean answered) {
        for (Effect e : effects) {
            if (e instanceof Effect.FrameworkReply reply && reply.conn() == conn) {
                if (answered) {
                    continue;
                }
                answered = true;
            }
            r.emit(e);
        }
        return answered;
    }

    private static int orFirst(Integer i) {
        return i == null ? 0 : i;
    }
}
