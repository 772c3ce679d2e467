package io.baton.shim.server;

import com.google.protobuf.MessageLite;
import io.baton.shim.metrics.ShimMetrics;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.LengthFieldPrepender;
import io.netty.handler.codec.protobuf.ProtobufEncoder;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * At most {@code max} concurrent connections on one listener (the executor socket, the framework
 * socket, each TCP port: a flood on one never locks callers out of another). A connection beyond the
 * limit gets one error frame (code TOO_MANY_CONNECTIONS, the listener and the limit) and is closed; the
 * connections already open are untouched. Refusals are counted in the metrics and logged at counts
 * 1, 2, 4, 8, ... so a flood cannot flood the log.
 */
final class ConnectionLimit {
    private static final Logger LOG = LoggerFactory.getLogger(ConnectionLimit.class);

    private final String listener;
    private final int max;
    private final ShimMetrics metrics;
    private final Function<String, MessageLite> refusal;
    private final AtomicInteger open = new AtomicInteger();
    private long refused;

    /** @param refusal builds the listener's error frame from its message */
    ConnectionLimit(String listener, int max, ShimMetrics metrics, Function<String, MessageLite> refusal) {
        this.listener = listener;
        this.max = max;
        this.metrics = metrics;
        this.refusal = refusal;
    }

    /**
     * Called as a new connection's pipeline is set up (on the shim's loop). True when it may stay; false
     * when its pipeline now only sends the refusal and closes.
     */
    boolean admit(Channel ch) {
        if (open.incrementAndGet() <= max) {
            ch.closeFuture().addListener(f -> open.decrementAndGet());
            metrics.connectionOpened(listener);
            ch.closeFuture().addListener(f -> metrics.connectionClosed(listener));
            return true;
        }
        open.decrementAndGet();
        metrics.connectionRefused(listener);
        refused++;
        String why = "the shim's " + listener + " listener is at its limit of " + max + " concurrent connections "
                + "(--max-connections); this connection is closed. Close idle connections or raise the limit.";
        if (Long.bitCount(refused) == 1) {
            String from = String.valueOf(ch.remoteAddress());
            LOG.warn("refused a connection on {} from {}: at the limit of {} ({} refused so far)", listener,
                    from.isBlank() ? "a local peer" : from, max, refused);
        }
        MessageLite frame = refusal.apply(why);
        ch.pipeline().addLast(new LengthFieldPrepender(4), new ProtobufEncoder(), new ChannelInboundHandlerAdapter() {
            @Override
            public void channelActive(ChannelHandlerContext ctx) {
                ctx.writeAndFlush(frame).addListener(ChannelFutureListener.CLOSE);
            }

            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                io.netty.util.ReferenceCountUtil.release(msg); // whatever it sends is not read
            }

            @Override
            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                ctx.close(); // e.g. the peer is gone before the refusal was written
            }
        });
        return false;
    }

    int open() {
        return open.get();
    }
}
