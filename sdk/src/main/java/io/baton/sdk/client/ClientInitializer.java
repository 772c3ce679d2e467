package io.baton.sdk.client;

import io.baton.proto.ShimToFramework;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.codec.LengthFieldPrepender;
import io.netty.handler.codec.protobuf.ProtobufDecoder;
import io.netty.handler.codec.protobuf.ProtobufEncoder;
import io.netty.handler.timeout.IdleStateHandler;
import java.util.concurrent.TimeUnit;

/**
 * The client's pipeline, the shim's framing mirrored: [write-idle →] frame decoder (4-byte length,
 * capped) → protobuf decoder → prepender → encoder → handler.
 */
final class ClientInitializer extends ChannelInitializer<Channel> {
    static final int MIN_INBOUND_FRAME_BYTES = 64 << 20;

    private final int maxFrameBytes;
    private final long keepAliveMs;
    private final ChannelHandler handler;

    /** @param keepAliveMs 0: no write-idle ticks */
    ClientInitializer(int maxFrameBytes, long keepAliveMs, ChannelHandler handler) {
        this.maxFrameBytes = maxFrameBytes;
        this.keepAliveMs = keepAliveMs;
        this.handler = handler;
    }

    @Override
    protected void initChannel(Channel ch) {
        install(ch.pipeline(), maxFrameBytes, keepAliveMs, handler);
    }

    static void install(ChannelPipeline p, int maxFrameBytes, long keepAliveMs, ChannelHandler handler) {
        if (keepAliveMs > 0) {
            p.addLast("idle", new IdleStateHandler(0, keepAliveMs, 0, TimeUnit.MILLISECONDS));
        }
        // answers (STATE, RECONCILE of every task) may outgrow what the shim accepts from callers
        int inbound = Math.max(maxFrameBytes, MIN_INBOUND_FRAME_BYTES);
        p.addLast("frames", new LengthFieldBasedFrameDecoder(inbound + 4, 0, 4, 0, 4));
        p.addLast("decode", new ProtobufDecoder(ShimToFramework.getDefaultInstance()));
        p.addLast("prepend", new LengthFieldPrepender(4));
        p.addLast("encode", new ProtobufEncoder());
        p.addLast("handler", handler);
    }
}
