package io.baton.jvm;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class NettyFlightEventsTest {
    private final String before = System.getProperty(NettyFlightEvents.PROPERTY);

    @AfterEach
    void restore() {
        if (before == null) {
            System.clearProperty(NettyFlightEvents.PROPERTY);
        } else {
            System.setProperty(NettyFlightEvents.PROPERTY, before);
        }
    }

    @Test
    void offWithoutARecordingOnWithOneAndAsSetWhenSet() {
        assertThat(NettyFlightEvents.choose(null, false)).isEqualTo("false");
        assertThat(NettyFlightEvents.choose(null, true)).isEqualTo("true");
        assertThat(NettyFlightEvents.choose("true", false)).isEqualTo("true");
        assertThat(NettyFlightEvents.choose("false", true)).isEqualTo("false");
    }

    @Test
    void setsThePropertyOnlyWhenUnset() {
        System.clearProperty(NettyFlightEvents.PROPERTY);
        String expected = jdk.jfr.FlightRecorder.isInitialized() ? "true" : "false";
        assertThat(NettyFlightEvents.decide()).isEqualTo(expected);
        assertThat(System.getProperty(NettyFlightEvents.PROPERTY)).isEqualTo(expected);

        System.setProperty(NettyFlightEvents.PROPERTY, "true");
        assertThat(NettyFlightEvents.decide()).isEqualTo("true");
        assertThat(System.getProperty(NettyFlightEvents.PROPERTY)).isEqualTo("true");
    }
}
