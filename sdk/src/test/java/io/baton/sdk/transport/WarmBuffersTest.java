package io.baton.sdk.transport;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The executor's warm-up reaches Netty's allocator events (a Netty without them makes this fail: look again then). */
class WarmBuffersTest {
    @Test
    void growsAndFreesABufferAndFindsTheChunkEvents() {
        assertThat(NettyShimConnection.warmBuffers()).isEqualTo(io.netty.util.internal.PlatformDependent.isJfrEnabled() ? 2 : 0);
    }
}
