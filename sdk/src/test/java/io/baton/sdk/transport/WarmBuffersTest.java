package io.baton.sdk.transport;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The executor's warm-up reaches Netty's allocator events (a Netty without them makes this fail: look again then). */
class WarmBuffersTest {
    @Test
    void growsAndFreesABufferAndFindsTheChunkEventsWhenTheyAreOn() {
        assertThat(WireWarmUp.warmBuffers()).isEqualTo(io.netty.util.internal.PlatformDependent.isJfrEnabled() ? 2 : 0);
    }

    @Test
    void theConnectionDecidesNettysFlightRecorderEventsBeforeNettyReadsTheSwitch() throws Exception {
        // initialising the connection's class sets the switch (unless it was set): on only with a recording from the start
        Class.forName(NettyShimConnection.class.getName());
        assertThat(System.getProperty(io.baton.jvm.NettyFlightEvents.PROPERTY))
                .isEqualTo(jdk.jfr.FlightRecorder.isInitialized() ? "true" : "false");
    }
}
