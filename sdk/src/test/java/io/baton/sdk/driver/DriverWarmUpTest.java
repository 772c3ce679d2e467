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
    void itsMessagesTravelThroughTheWireItIsGiven() {
        java.util.Map<String, Integer> in = new java.util.TreeMap<>();
        java.util.List<com.google.protobuf.MessageLite> out = new java.util.ArrayList<>();
        DriverWarmUp.Wire bytes = DriverWarmUp.Wire.bytes();
        DriverWarmUp.Wire counting = new DriverWarmUp.Wire(e -> {
            in.merge(e.getEventCase().name(), 1, Integer::sum);
            return bytes.inbound().apply(e);
        }, out::add);
        assertThat(DriverWarmUp.run(20, () -> true, new io.baton.sdk.journal.InMemoryJournal(), counting)).isEqualTo(20);
        // the first launch, then each replacement's REPLACE and its bursts of acknowledgements
        assertThat(in).containsEntry("LAUNCH", 1).containsEntry("REPLACE", 20);
        assertThat(in.get("ACKNOWLEDGED")).isGreaterThanOrEqualTo(20);
        assertThat(out).anyMatch(m -> m instanceof io.baton.proto.ExecutorCall c && c.hasUpdate() && c.getQuiet())
                .anyMatch(m -> m instanceof io.baton.proto.ExecutorSubscribe);
    }

    @Test
    void zeroRunsNothing() {
        assertThat(DriverWarmUp.run(0)).isZero();
    }
}
