package io.baton.shim.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.baton.proto.ExecutorCall;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

/** A connection's read buffer never shrinks below 2 KiB, however small its frames (a REPLACE then needs one read). */
class ReadBuffersTest {
    /** The read size the allocator guesses after {@code reads} reads of {@code bytes} each. */
    static int guessAfter(RecvByteBufAllocator allocator, EmbeddedChannel ch, int reads, int bytes) {
        RecvByteBufAllocator.Handle h = allocator.newHandle();
        for (int i = 0; i < reads; i++) {
            h.reset(ch.config());
            h.attemptedBytesRead(h.guess());
            h.lastBytesRead(bytes);
            h.incMessagesRead(1);
            h.readComplete();
        }
        return h.guess();
    }

    @Test
    void smallFramesDoNotShrinkTheReadBuffer() {
        EmbeddedChannel ch = new EmbeddedChannel();
        try {
            Pipelines.install(ch.pipeline(), 1024, 60_000, ExecutorCall.getDefaultInstance(),
                    new ChannelInboundHandlerAdapter());
            assertThat(guessAfter(ch.config().getRecvByteBufAllocator(), ch, 100, 24))
                    .isGreaterThanOrEqualTo(Pipelines.MIN_READ_BYTES).isGreaterThan(600);
            // Netty's default shrinks under the same reads: what the floor is there for
            assertThat(guessAfter(new AdaptiveRecvByteBufAllocator(), ch, 100, 24)).isLessThan(600);
        } finally {
            ch.finishAndReleaseAll();
        }
    }
}
