package io.baton.sdk.client;

import io.baton.proto.FrameworkCall;
import io.baton.proto.FrameworkResponse;
import io.baton.proto.FrameworkResponse.ResultCase;
import io.netty.channel.Channel;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/** Sends calls with fresh correlation ids, each registered in the pending table before it is written. */
final class ShimCalls {
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
