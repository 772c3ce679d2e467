package io.baton.shim.server;

import io.baton.proto.FrameworkCall;
import io.baton.shim.core.Input;

/** The framework API's adapter: a call from a connection goes to the core. Runs on the shim's loop. */
final class FrameworkApi {
    private final ShimContext ctx;

    FrameworkApi(ShimContext ctx) {
        this.ctx = ctx;
    }

    void handle(FrameworkSession s, FrameworkCall call) {
        if (call.hasReplace()) {
            Failpoints.reached("replace-received");
        }
        ctx.feed(new Input.FrameworkCalled(s.conn, call, ctx.nowUs()));
    }
}
