package io.baton.shim.core;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The progress frame's phase check, {@code [A-Z_]{min,32}}, without a regex. */
class PhaseNameTest {
    @Test
    void acceptsUpperCaseAndUnderscoresUpTo32() {
        assertThat(ExecutorCalls.phaseName("HANDING_OFF", 1)).isTrue();
        assertThat(ExecutorCalls.phaseName("A".repeat(32), 1)).isTrue();
        assertThat(ExecutorCalls.phaseName("", 0)).isTrue();
    }

    @Test
    void refusesEverythingElse() {
        assertThat(ExecutorCalls.phaseName("", 1)).isFalse();
        assertThat(ExecutorCalls.phaseName("A".repeat(33), 1)).isFalse();
        assertThat(ExecutorCalls.phaseName("handing_off", 1)).isFalse();
        assertThat(ExecutorCalls.phaseName("HANDING OFF", 1)).isFalse();
        assertThat(ExecutorCalls.phaseName("PHASE-1", 1)).isFalse();
        assertThat(ExecutorCalls.phaseName("ÄRGER", 1)).isFalse();
    }
}
