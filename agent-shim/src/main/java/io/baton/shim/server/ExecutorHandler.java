package io.baton.shim.server;

import io.baton.proto.ErrorEvent;
import io.baton.proto.ExecutorCall;
import io.baton.proto.ExecutorEvent;
import io.baton.proto.RejectCode;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.timeout.IdleStateEvent;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One per executor connection: identifies the peer, hands calls to the {@link ExecutorApi}. */
final class ExecutorHandler extends SimpleChannelInboundHandler<ExecutorCall> {
    private static final Logger LOG = LoggerFactory.getLogger(ExecutorHandler.class);

    private final ShimContext ctx;
    private final ExecutorApi api;
    private ExecutorSession session;

    ExecutorHandler(ShimContext ctx, ExecutorApi api) {
        this.ctx = ctx;
        this.api = api;
    }

    @Override
    public void channelActive(ChannelHandlerContext c) throws Exception {
        try {
            long[] id = Peers.identify(c.channel());
            session = new ExecutorSession(c.channel(), id[0], (int) id[1]);
            session.conn = ctx.sessions.open(session);
        } catch (IOException e) {
            LOG.warn("refusing executor connection: {}", e.getMessage());
            c.close();
            return;
        }
        super.channelActive(c);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext c, ExecutorCall call) {
        if (session != null) {
            api.handle(session, call);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext c) throws Exception {
        if (session != null) {
            ctx.sessions.close(session.conn);
            ctx.feed(new io.baton.shim.core.Input.ExecutorClosed(session.conn, ctx.nowUs()));
        }
        super.channelInactive(c);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext c, Object evt) throws Exception {
        if (evt == FrameDecoder.FRAME_DEADLINE_EXCEEDED) {
            error(c, RejectCode.IDLE_TIMEOUT, "a frame was left half sent for more than "
                    + ctx.config.idleTimeoutMs() + " ms; closing", true);
            return;
        }
        if (evt instanceof IdleStateEvent) {
            error(c, RejectCode.IDLE_TIMEOUT, "no frame for " + ctx.config.idleTimeoutMs()
                    + " ms (heartbeat every " + ctx.config.heartbeatIntervalMs() + " ms); closing", true);
            return;
        }
        super.userEventTriggered(c, evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext c, Throwable cause) {
        if (cause instanceof java.io.IOException) { // the peer went away (e.g. killed): an ordinary disconnect
            LOG.debug("{}: connection lost: {}", c.channel().remoteAddress(), cause.getMessage());
            c.close();
            return;
        }
        Faults f = Faults.classify(cause, ctx.config.maxFrameBytes());
        LOG.warn("{}: {}", session == null ? c.channel().remoteAddress() : session, f.message());
        error(c, f.code(), f.message(), f.close());
    }

    private void error(ChannelHandlerContext c, RejectCode code, String message, boolean close) {
        if (!c.channel().isActive() || Pipelines.closing(c.channel())) {
            return; // one closing error per connection, even if another timer fires before the close lands
        }
        var f = c.writeAndFlush(io.baton.proto.ShimToExecutor.newBuilder().setEvent(ExecutorEvent.newBuilder()
                .setError(ErrorEvent.newBuilder().setCode(code).setMessage(message))).build());
        if (close) {
            Pipelines.markClosing(c.channel());
            f.addListener(ChannelFutureListener.CLOSE);
        }
    }
}
