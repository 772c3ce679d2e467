package io.baton.sdk.driver;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DriverWarmUpTest {
    @Test
    void everySyntheticReplacementCommits() {
        // each one must travel the whole STOP_THEN_START path (reserve, kill, launch, commit), or the warm-up would
        // leave the real first replacement's code cold
        assertThat(DriverWarmUp.run(50)).isEqualTo(50);
    }

    @Test
    void stopsWhenToldTo() {
        int[] asked = {0};
        assertThat(DriverWarmUp.run(50, () -> ++asked[0] <= 3)).isEqualTo(3);
    }

    @Test
    void zeroRunsNothing() {
        assertThat(DriverWarmUp.run(0)).isZero();
    }
}
