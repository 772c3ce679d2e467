package io.baton.sdk.transport;

import com.google.protobuf.MessageLite;
import io.baton.proto.ExecutorEvent;
import io.baton.proto.ShimToExecutor;
import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.List;

/**
 * The shim connection's codecs ({@link NettyShimConnection#frameCodecs}) on a channel of their own, for a warm-up:
 * an event goes out as the shim frames it and comes back in through the frame decoder and the protobuf parser, as a
 * real one arrives; a call is framed as the connection writes one. A freshly started executor otherwise decodes its
 * first REPLACE with code the JIT has not compiled yet (0.4–2 ms for a 600-byte frame in the HTTP benchmark, traced,
 * against 0.2 ms for a 30-byte KILL) on its IO thread, which is also its driver loop. Not thread-safe: one warm-up
 * thread uses it, then closes it.
 */
public final class WireWarmUp implements AutoCloseable {
    private final EmbeddedChannel channel = new EmbeddedChannel(NettyShimConnection.frameCodecs());
    private long bytes;

    /** {@code event} framed as the shim sends it, then decoded as the connection decodes what it reads. */
    public ExecutorEvent inbound(ExecutorEvent event) {
        List<ByteBuf> frame = frame(ShimToExecutor.newBuilder().setEvent(event).build());
        channel.writeInbound(frame.toArray());
        ShimToExecutor decoded = channel.readInbound();
        if (decoded == null || !decoded.hasEvent()) {
            throw new IllegalStateException("the warm-up's frame did not decode to the event it held: " + event);
        }
        return decoded.getEvent();
    }

    /** {@code message} framed as the connection writes a call (then dropped). */
    public void outbound(MessageLite message) {
        for (ByteBuf b : frame(message)) {
            bytes += b.readableBytes();
            b.release();
        }
    }

    /** How many bytes the calls framed so far took (so the work cannot be dropped as unused). */
    public long outboundBytes() {
        return bytes;
    }

    private List<ByteBuf> frame(MessageLite message) {
        channel.writeOutbound(message);
        List<ByteBuf> out = new ArrayList<>(2);
        for (ByteBuf b = channel.readOutbound(); b != null; b = channel.readOutbound()) {
            out.add(b);
        }
        return out;
    }

    @Override
    public void close() {
        channel.finishAndReleaseAll();
    }

    /**
     * Initialises Netty's buffer allocator's flight-recorder events on the calling thread: Netty 4.2 emits JFR events
     * from its default (adaptive) allocator when they are on ({@code io.netty.jfr.enabled}; Baton leaves them on only
     * with a flight recording from the JVM's start: {@link io.baton.jvm.NettyFlightEvents}), and each event class
     * is a {@code jdk.jfr.Event} whose first use has JFR instrument it, on whichever thread gets there first — 5–7 ms
     * on the connection's IO thread in the HTTP benchmark, where the first REPLACE frame bigger than its read buffer
     * (the first STOP_THEN_START reserved on delivery) waited for the buffer-grown event's. Allocates, grows and frees
     * one buffer (256 KiB), and loads the chunk events by name (none of these is public API: with another Netty the
     * names may be gone, and then there is nothing to warm). Returns how many of the chunk events were there (none
     * when the events are off: the buffer is still grown, for its code).
     */
    public static int warmBuffers() {
        io.netty.buffer.ByteBuf b = io.netty.buffer.ByteBufAllocator.DEFAULT.ioBuffer(64);
        try {
            b.writeZero(64);
            b.ensureWritable(1 << 18);
            b.writeZero(1 << 18);
        } finally {
            b.release();
        }
        int chunkEvents = 0;
        if (!io.netty.util.internal.PlatformDependent.isJfrEnabled()) {
            return chunkEvents; // the events are off (io.baton.jvm.NettyFlightEvents): loading them would start JFR's set-up
        }
        for (String event : new String[] {"AllocateChunkEvent", "FreeChunkEvent"}) {
            try {
                Class.forName("io.netty.buffer." + event, true, io.netty.buffer.ByteBuf.class.getClassLoader());
                chunkEvents++;
            } catch (ClassNotFoundException | LinkageError e) {
                // not in this Netty
            }
        }
        return chunkEvents;
    }
}
