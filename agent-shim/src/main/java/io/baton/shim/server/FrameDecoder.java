package io.baton.shim.server;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * 4-byte big-endian length prefix, capped. Fails fast on an oversized length (the frame is never
 * buffered), and gives every frame a deadline: a peer that starts a frame must finish it within the
 * idle timeout, however slowly it trickles bytes in (which the idle handler alone would not catch).
 * Time comes from the channel's event loop ticker ({@code ctx.executor().ticker()}), so the deadline
 * is tested in memory by advancing an {@code EmbeddedChannel}'s time.
 */
final class FrameDecoder extends LengthFieldBasedFrameDecoder {
    /** Fired down the pipeline when a frame was started and not finished in time. */
    static final Object FRAME_DEADLINE_EXCEEDED = new Object() {
        @Override
        public String toString() {
            return "frame deadline exceeded";
        }
    };

    private final long deadlineNanos;
    /** Ticker time the unfinished frame started at; meaningful only while {@link #partial}. */
    private long partialSinceNanos;
    private boolean partial;
    private ScheduledFuture<?> check;

    FrameDecoder(int maxFrameBytes, long deadlineMs) {
        super(maxFrameBytes + 4, 0, 4, 0, 4, true);
        this.deadlineNanos = TimeUnit.MILLISECONDS.toNanos(deadlineMs);
    }

    boolean hasPartialFrame() {
        return actualReadableBytes() > 0;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) throws Exception {
        super.handlerAdded(ctx);
        long period = Math.max(10, TimeUnit.NANOSECONDS.toMillis(deadlineNanos) / 4);
        check = ctx.executor().scheduleAtFixedRate(() -> {
            if (partial && ctx.executor().ticker().nanoTime() - partialSinceNanos > deadlineNanos) {
                partial = false;
                ctx.fireUserEventTriggered(FRAME_DEADLINE_EXCEEDED);
            }
        }, period, period, TimeUnit.MILLISECONDS);
    }

    @Override
    protected void handlerRemoved0(ChannelHandlerContext ctx) throws Exception {
        if (check != null) {
            check.cancel(false);
        }
        super.handlerRemoved0(ctx);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        super.channelRead(ctx, msg);
        if (actualReadableBytes() == 0) {
            partial = false;
        } else if (!partial) {
            partial = true;
            partialSinceNanos = ctx.executor().ticker().nanoTime();
        }
    }
}
