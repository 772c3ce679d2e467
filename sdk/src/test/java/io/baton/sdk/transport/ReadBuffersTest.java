package io.baton.sdk.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

/** The SDK's connections to the shim read at least 2 KiB at a time, however small the frames before. */
class ReadBuffersTest {
    static int guessAfterSmallReads(RecvByteBufAllocator allocator) {
        EmbeddedChannel ch = new EmbeddedChannel();
        try {
            RecvByteBufAllocator.Handle h = allocator.newHandle();
            for (int i = 0; i < 100; i++) {
                h.reset(ch.config());
                h.attemptedBytesRead(h.guess());
                h.lastBytesRead(24);
                h.incMessagesRead(1);
                h.readComplete();
            }
            return h.guess();
        } finally {
            ch.finishAndReleaseAll();
        }
    }

    @Test
    void aReplaceFitsInOneReadAfterSmallFrames() {
        assertThat(guessAfterSmallReads(NettyShimConnection.readBuffers())).isGreaterThanOrEqualTo(2048);
        assertThat(guessAfterSmallReads(new AdaptiveRecvByteBufAllocator())).isLessThan(600); // Netty's default
    }
}
