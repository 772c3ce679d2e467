package io.baton.sdk.client;

import io.baton.proto.FrameworkCall;
import io.baton.proto.FrameworkResponse;
import io.baton.proto.FrameworkResponse.ResultCase;
import io.netty.channel.Channel;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Sends calls with fresh correlation ids, each registered in the pending table before it is written. */
final class ShimCalls {
    private static final Logger LOG = LoggerFactory.getLogger(ShimCalls.class);
    private final String endpoint;
    private final int maxFrameBytes;
    private final PendingCalls pending;
    private final AtomicLong correlation = new AtomicLong();
    private volatile Channel channel;

    ShimCalls(String endpoint, int maxFrameBytes, PendingCalls pending) {
        this.endpoint = endpoint;
        this.maxFrameBytes = maxFrameBytes;
        this.pending = pending;
    }

    void attach(Channel ch) {
        this.channel = ch;
    }

    <T> CompletableFuture<T> call(FrameworkCall.Builder call, String what, ResultCase wanted,
            Function<FrameworkResponse, T> get) {
        return call(call, what, Responses.expect(what, wanted, get));
    }

    /**
     * Writes {@code call} with correlation id 0 and registers nothing: for a quiet call, which the shim answers only
     * when it refuses it (the answer then matches no call, and is logged). Not sent, with a log line, when over the
     * frame limit or not connected.
     */
    void send(FrameworkCall.Builder call, String what) {
        FrameworkCall msg = call.setCorrelationId(0).build();
        Channel ch = channel;
        if (ch == null) {
            LOG.debug("{} not sent to the shim at {}: not connected", what, endpoint);
            return;
        }
        if (msg.getSerializedSize() > maxFrameBytes) {
            LOG.warn("{} not sent to the shim at {}: {} bytes, over its frame limit of {} bytes (--max-frame-bytes)",
                    what, endpoint, msg.getSerializedSize(), maxFrameBytes);
            return;
        }
        ch.writeAndFlush(msg).addListener(w -> {
            if (!w.isSuccess()) {
                LOG.debug("{} could not be sent to the shim at {}: {}", what, endpoint, w.cause().toString());
            }
        });
    }

    /** The call's typed result; fails with IllegalArgumentException, before sending, if it is over the frame limit. */
    <T> CompletableFuture<T> call(FrameworkCall.Builder call, String what, Function<FrameworkResponse, T> decode) {
        long cid = correlation.incrementAndGet();
        FrameworkCall msg = call.setCorrelationId(cid).build();
        if (msg.getSerializedSize() > maxFrameBytes) {
            return CompletableFuture.failedFuture(new IllegalArgumentException(what + " is " + msg.getSerializedSize()
                    + " bytes, over the shim's frame limit of " + maxFrameBytes + " bytes (--max-frame-bytes)"));
        }
        CompletableFuture<T> f = pending.register(cid, decode);
        if (!f.isDone()) {
            channel.writeAndFlush(msg).addListener(w -> {
                if (!w.isSuccess()) {
                    pending.fail(cid, new ShimUnavailableException(endpoint, what + " could not be sent to the shim at "
                            + endpoint + ": " + w.cause(), w.cause()));
                }
            });
        }
        return f;
    }
}
