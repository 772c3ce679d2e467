package io.baton.shim.server;

import com.google.protobuf.MessageLite;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.LengthFieldPrepender;
import io.netty.handler.codec.protobuf.ProtobufDecoder;
import io.netty.handler.codec.protobuf.ProtobufEncoder;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.netty.handler.timeout.IdleStateHandler;
import java.util.concurrent.TimeUnit;

/**
 * The shim's pipeline: flush consolidation → idle → frame decoder (capped) → protobuf decoder → prepender →
 * encoder → handler. Answers written while a read is in progress go out in one flush when the read is
 * done (one syscall for a burst of frames), and writes from the shim's loop are flushed once per task.
 * Reads start at {@value #MIN_READ_BYTES} bytes and never go below it.
 */
final class Pipelines {
    static final String FRAMES = "frames";
    /**
     * The smallest read buffer of a connection. Netty's adaptive guess shrinks to the frames a connection usually
     * gets (heartbeats, acknowledgements: 20–150 bytes, guesses of 288–448), and then a REPLACE (about 600 bytes
     * with a small task) took two reads, in the HTTP benchmark at times more than a millisecond apart.
     */
    static final int MIN_READ_BYTES = 2048;
    /** The largest read buffer (Netty's default). */
    static final int MAX_READ_BYTES = 65536;

    private Pipelines() {
    }

    static void install(ChannelPipeline p, int maxFrameBytes, long idleTimeoutMs, MessageLite prototype,
            ChannelHandler handler) {
        p.channel().config().setRecvByteBufAllocator(new AdaptiveRecvByteBufAllocator(MIN_READ_BYTES, MIN_READ_BYTES,
                MAX_READ_BYTES));
        p.addLast("flush", new FlushConsolidationHandler(FlushConsolidationHandler.DEFAULT_EXPLICIT_FLUSH_AFTER_FLUSHES, true));
        p.addLast("idle", new IdleStateHandler(idleTimeoutMs, 0, 0, TimeUnit.MILLISECONDS));
        p.addLast(FRAMES, new FrameDecoder(maxFrameBytes, idleTimeoutMs));
        p.addLast("decode", new ProtobufDecoder(prototype));
        p.addLast("prepend", new LengthFieldPrepender(4));
        p.addLast("encode", new ProtobufEncoder());
        p.addLast("handler", handler);
    }

    /**
     * Has the JVM initialise Netty's allocator events now, on the calling thread, rather than on the event loop when
     * a frame first needs a buffer grown (Netty 4.2 emits them when they are on, which Baton leaves them only with a
     * flight recording from the JVM's start: {@link io.baton.jvm.NettyFlightEvents}; the first use of each
     * {@code jdk.jfr.Event} class has JFR instrument it, 5–7 ms here: a first REPLACE waited for it in the HTTP
     * benchmark). Package-private classes of Netty, loaded by name: with another Netty there may be none. Returns
     * how many were there (none when the events are off).
     */
    static int warmBufferEvents() {
        int found = 0;
        if (!io.netty.util.internal.PlatformDependent.isJfrEnabled()) {
            return found; // off (io.baton.jvm.NettyFlightEvents): loading them would start JFR's set-up for nothing
        }
        for (String kind : new String[] {"AllocateBuffer", "ReallocateBuffer", "FreeBuffer", "AllocateChunk", "FreeChunk"}) {
            String name = "io.netty.buffer." + kind + "Event";
            try {
                Class.forName(name, true, io.netty.channel.Channel.class.getClassLoader());
                found++;
            } catch (ClassNotFoundException | LinkageError e) {
                org.slf4j.LoggerFactory.getLogger(Pipelines.class).debug("no {} to warm up: {}", name, e.toString());
            }
        }
        return found;
    }

    private static final io.netty.util.AttributeKey<Boolean> CLOSING = io.netty.util.AttributeKey.valueOf("baton.closing");

    /** The connection got its closing error and is being closed: nothing more is sent on it. */
    static void markClosing(io.netty.channel.Channel ch) {
        ch.attr(CLOSING).set(Boolean.TRUE);
    }

    static boolean closing(io.netty.channel.Channel ch) {
        return Boolean.TRUE.equals(ch.attr(CLOSING).get());
    }

    static boolean hasPartialFrame(ChannelPipeline p) {
        ChannelHandler h = p.get(FRAMES);
        return h instanceof FrameDecoder d && d.hasPartialFrame();
    }
}
