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
    void theRecoveryWarmUpReplaysACheckpointOfEndedReplacementsAndTheRecordsAfterIt() {
        int[] replayed = {0};
        ExecutorDriver after = DriverWarmUp.recovered(3, replayed);
        // the checkpoint, and the fourth replacement's records after it (request, events, task states, updates)
        assertThat(replayed[0]).isGreaterThan(6);
        assertThat(after.engine().ended()).extracting(io.baton.sdk.core.Ended::replacementId)
                .containsExactly("warm-r1", "warm-r2", "warm-r3", "warm-r4");
        assertThat(after.engine().tasks()).isEmpty(); // the recover hook found none alive
        assertThat(after.engine().unfinished()).isEmpty();
        assertThat(DriverWarmUp.recovery(3)).isEqualTo(replayed[0]);
    }

    @Test
    void zeroRunsNothing() {
        assertThat(DriverWarmUp.run(0)).isZero();
    }
}
