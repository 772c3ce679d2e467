package io.baton.shim.server;

import io.baton.proto.ExecutorCall;
import io.baton.shim.core.Input;
import io.baton.ledger.Ids;

/**
 * The executor API's adapter: a call from a connection (its identity from the socket) goes to the core,
 * with the one fact the core cannot read itself — the durable owner record of the executor id a
 * SUBSCRIBE names. Runs on the shim's loop.
 */
final class ExecutorApi {
    private final ShimContext ctx;

    ExecutorApi(ShimContext ctx) {
        this.ctx = ctx;
    }

    void handle(ExecutorSession s, ExecutorCall call) {
        switch (call.getCallCase()) {
            case RESERVE -> Failpoints.reached("reserve-received");
            case ADJUST -> Failpoints.reached("adjust-received");
            default -> { }
        }
        Input.OwnerRecord owner = call.hasSubscribe() ? owner(call.getSubscribe().getExecutorId().getValue(), s.uid) : null;
        ctx.feed(new Input.ExecutorCalled(s.conn, s.pid, s.uid, call, owner, ctx.nowUs()));
    }

    /** The owner record of a valid executor id (root's subscriptions need none: root may take any id). */
    private Input.OwnerRecord owner(String id, int uid) {
        if (uid == 0 || Ids.checkExecutor(id) != null) {
            return null; // no path is built from an invalid id; the core refuses it
        }
        try {
            return new Input.OwnerRecord(ctx.owners.owner(id), null);
        } catch (java.io.IOException e) {
            return new Input.OwnerRecord(null, e.getMessage());
        }
    }
}
