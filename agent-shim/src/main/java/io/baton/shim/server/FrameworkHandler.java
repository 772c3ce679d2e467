package io.baton.shim.server;

import io.baton.proto.ErrorEvent;
import io.baton.proto.FrameworkCall;
import io.baton.proto.FrameworkEvent;
import io.baton.proto.RejectCode;
import io.baton.proto.ShimToFramework;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.timeout.IdleStateEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One per framework connection; hands calls to the {@link FrameworkApi}. */
final class FrameworkHandler extends SimpleChannelInboundHandler<FrameworkCall> {
    private static final Logger LOG = LoggerFactory.getLogger(FrameworkHandler.class);

    private final ShimContext ctx;
    private final FrameworkApi api;
    private FrameworkSession session;

    FrameworkHandler(ShimContext ctx, FrameworkApi api) {
        this.ctx = ctx;
        this.api = api;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext c) {
        session = new FrameworkSession(c.channel(), ctx.states);
        session.conn = ctx.sessions.open(session);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext c, FrameworkCall call) {
        api.handle(session, call);
    }

    @Override
    public void channelInactive(ChannelHandlerContext c) throws Exception {
        if (session != null) {
            ctx.sessions.close(session.conn);
            ctx.feed(new io.baton.shim.core.Input.FrameworkClosed(session.conn));
        }
        super.channelInactive(c);
    }

    /** Idle subscribers that listen for updates are fine; anything else idle, or a half-sent frame, is closed. */
    @Override
    public void userEventTriggered(ChannelHandlerContext c, Object evt) throws Exception {
        if (evt == FrameDecoder.FRAME_DEADLINE_EXCEEDED) {
            error(c, RejectCode.IDLE_TIMEOUT, "a frame was left half sent for more than "
                    + ctx.config.idleTimeoutMs() + " ms; closing", true);
            return;
        }
        if (evt instanceof IdleStateEvent) {
            boolean stalled = Pipelines.hasPartialFrame(c.pipeline());
            if (stalled || session == null || !ctx.router.listens(session.conn)) {
                error(c, RejectCode.IDLE_TIMEOUT, (stalled ? "a frame was left half sent" : "no frame") + " for "
                        + ctx.config.idleTimeoutMs() + " ms; closing", true);
            }
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
        LOG.warn("{}: {}", session, f.message());
        error(c, f.code(), f.message(), f.close());
    }

    private void error(ChannelHandlerContext c, RejectCode code, String message, boolean close) {
        if (!c.channel().isActive() || Pipelines.closing(c.channel())) {
            return; // one closing error per connection, even if another timer fires before the close lands
        }
        var f = c.writeAndFlush(ShimToFramework.newBuilder().setEvent(FrameworkEvent.newBuilder()
                .setError(ErrorEvent.newBuilder().setCode(code).setMessage(message))).build());
        if (close) {
            Pipelines.markClosing(c.channel());
            f.addListener(ChannelFutureListener.CLOSE);
        }
    }
}
