package io.baton.shim.server;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * 4-byte big-endian length prefix, capped. Fails fast on an oversized length (the frame is never
 * buffered), and gives every frame a deadline: a peer that starts a frame must finish it within the
 * idle timeout, however slowly it trickles bytes in (which the idle handler alone would not catch).
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
    private long partialSinceNanos;
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
            if (partialSinceNanos != 0 && System.nanoTime() - partialSinceNanos > deadlineNanos) {
                partialSinceNanos = 0;
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
            partialSinceNanos = 0;
        } else if (partialSinceNanos == 0) {
            partialSinceNanos = System.nanoTime();
        }
    }
}
