package io.baton.sdk.client;

import io.baton.proto.ShimToFramework;
import io.baton.proto.TaskStatus;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.timeout.IdleStateEvent;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last stage of the client's pipeline: responses go to the pending calls, status updates to the
 * stream, a write-idle tick to the keep-alive, the end of the connection to whoever cleans up.
 */
final class ClientHandler extends SimpleChannelInboundHandler<ShimToFramework> {
    private static final Logger LOG = LoggerFactory.getLogger(ClientHandler.class);

    private final String endpoint;
    private final PendingCalls pending;
    private final Consumer<TaskStatus> updates;
    private final Runnable keepAlive;
    private final Runnable inactive;
    private final Consumer<io.baton.proto.ReplacementProgress> progress;
    private final Consumer<TaskStatus> recordedOutcomes;

    ClientHandler(String endpoint, PendingCalls pending, Consumer<TaskStatus> updates, Runnable keepAlive,
            Runnable inactive) {
        this(endpoint, pending, updates, keepAlive, inactive, p -> { });
    }

    ClientHandler(String endpoint, PendingCalls pending, Consumer<TaskStatus> updates, Runnable keepAlive,
            Runnable inactive, Consumer<io.baton.proto.ReplacementProgress> progress) {
        this(endpoint, pending, updates, keepAlive, inactive, progress, s -> { });
    }

    /** @param recordedOutcomes final updates of ended replacements, answering a retry (not status updates) */
    ClientHandler(String endpoint, PendingCalls pending, Consumer<TaskStatus> updates, Runnable keepAlive,
            Runnable inactive, Consumer<io.baton.proto.ReplacementProgress> progress,
            Consumer<TaskStatus> recordedOutcomes) {
        this.recordedOutcomes = recordedOutcomes;
        this.endpoint = endpoint;
        this.pending = pending;
        this.updates = updates;
        this.keepAlive = keepAlive;
        this.inactive = inactive;
        this.progress = progress;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, ShimToFramework msg) {
        switch (msg.getKindCase()) {
            case RESPONSE -> {
                if (msg.getResponse().getCorrelationId() == 0 && msg.getResponse().hasRejected()) {
                    // a quiet acknowledgement, refused (an update acknowledged twice, or of a task gone since)
                    LOG.debug("the shim at {} did not take (all of) an automatic acknowledgement: {}: {}", endpoint,
                            msg.getResponse().getRejected().getCode(), msg.getResponse().getRejected().getMessage());
                } else if (!pending.complete(msg.getResponse())) {
                    LOG.debug("response {} from {} matches no call", msg.getResponse().getCorrelationId(), endpoint);
                }
            }
            case EVENT -> {
                var event = msg.getEvent();
                if (event.hasUpdate()) {
                    updates.accept(event.getUpdate());
                } else if (event.hasProgress()) {
                    progress.accept(event.getProgress());
                } else if (event.hasOutcome()) {
                    recordedOutcomes.accept(event.getOutcome());
                } else if (event.hasError()) {
                    LOG.warn("the shim at {} reported {}: {}", endpoint, event.getError().getCode(),
                            event.getError().getMessage());
                }
            }
            default -> LOG.debug("empty message from {}", endpoint);
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof IdleStateEvent) {
            keepAlive.run();
            return;
        }
        super.userEventTriggered(ctx, evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        inactive.run();
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.warn("closing the connection to the shim at {}: {}", endpoint, cause.toString());
        ctx.close();
    }
}
